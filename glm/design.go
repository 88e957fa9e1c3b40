package glm

import (
	"bytes"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/painmark/painmark/internal/atomicfile"
)

// Drift models accepted by Design, named as nilearn's drift_model strings.
const (
	DriftCosine     = "cosine"
	DriftPolynomial = "polynomial"
	DriftNone       = "none" // nilearn's drift_model=None: the constant alone
)

// DesignOptions are the parameters of nilearn's make_first_level_design_matrix.
type DesignOptions struct {
	// HRFModel is one of HRFModels (nilearn's hrf_model; default "glover").
	HRFModel string `json:"hrf_model"`
	// DriftModel is "cosine", "polynomial" or "none" (default "cosine").
	DriftModel string `json:"drift_model"`
	// HighPass is the cosine drift's cut-off frequency in Hz (default 0.01, i.e. 100 s).
	HighPass float64 `json:"high_pass"`
	// DriftOrder is the polynomial drift's order (default 1).
	DriftOrder int `json:"drift_order"`
	// FIRDelays are the FIR model's delays in scans (default [0]).
	FIRDelays []int `json:"fir_delays"`
	// MinOnset is the earliest onset modelled, in seconds relative to the first frame (default -24).
	MinOnset float64 `json:"min_onset"`
	// Oversampling is the temporal oversampling of the convolution (default 50).
	Oversampling int `json:"oversampling"`
}

// DefaultDesignOptions returns nilearn 0.10.3's defaults of make_first_level_design_matrix.
func DefaultDesignOptions() DesignOptions {
	return DesignOptions{HRFModel: HRFGlover, DriftModel: DriftCosine, HighPass: 0.01, DriftOrder: 1,
		FIRDelays: []int{0}, MinOnset: -24, Oversampling: 50}
}

// FrameTimes returns the acquisition times of n scans, as FirstLevelModel computes them:
// linspace(slice_time_ref·tr, (n-1+slice_time_ref)·tr, n). sliceTimeRef is the fraction of the TR
// at which the slice-timing reference slice was acquired (0: the start of each volume, nilearn
// 0.10.3's default; fMRIPrep's slice-timing correction uses 0.5).
func FrameTimes(nScans int, tr, sliceTimeRef float64) ([]float64, error) {
	if nScans < 2 {
		return nil, fmt.Errorf("a design needs at least 2 scans (got %d)", nScans)
	}
	if !(tr > 0) || math.IsInf(tr, 0) {
		return nil, fmt.Errorf("TR must be a positive number of seconds (got %v)", tr)
	}
	if !(sliceTimeRef >= 0 && sliceTimeRef <= 1) {
		return nil, fmt.Errorf("slice_time_ref must be between 0 and 1 (got %v)", sliceTimeRef)
	}
	return linspace(sliceTimeRef*tr, (float64(nScans)-1+sliceTimeRef)*tr, nScans), nil
}

// Regressor is an additional column of the design (a confound), with its name.
type Regressor struct {
	Name   string
	Values []float64
}

// Design is a first-level design matrix: one column per regressor, sampled at the frame times, in
// nilearn's order (conditions in sorted order, each with its HRF's columns; additional regressors;
// drifts drift_1... then constant).
type Design struct {
	FrameTimes []float64   `json:"frame_times"`
	Names      []string    `json:"names"`
	Columns    [][]float64 `json:"columns"`
	// Options are the options the design was made with.
	Options DesignOptions `json:"options"`
	// Regularized reports that the matrix reached condition number 1e15 and was regularised as
	// nilearn's full_rank does.
	Regularized bool `json:"regularized"`
}

// MakeDesign is nilearn's make_first_level_design_matrix(frame_times, events, ...): the events'
// conditions convolved with the HRF model, the additional regressors, then the drift terms.
// Duplicate events (same trial_type, onset and duration) have their modulations summed, as nilearn.
func MakeDesign(frameTimes []float64, events []Event, add []Regressor, opts DesignOptions) (*Design, error) {
	n := len(frameTimes)
	if n < 2 {
		return nil, fmt.Errorf("a design needs at least 2 frame times (got %d)", n)
	}
	if opts.Oversampling < 1 {
		return nil, fmt.Errorf("oversampling must be at least 1 (got %d)", opts.Oversampling)
	}
	for _, d := range opts.FIRDelays {
		if d < 0 {
			return nil, fmt.Errorf("FIR delays must be non-negative scans (got %d)", d)
		}
	}
	d := &Design{FrameTimes: append([]float64(nil), frameTimes...), Options: opts}
	if len(events) > 0 {
		if err := d.addConditions(events, opts); err != nil {
			return nil, err
		}
	}
	for _, r := range add {
		if len(r.Values) != n {
			return nil, fmt.Errorf("regressor %q has %d values for %d frames", r.Name, len(r.Values), n)
		}
		d.Names = append(d.Names, r.Name)
		d.Columns = append(d.Columns, append([]float64(nil), r.Values...))
	}
	drift, names, err := makeDrift(opts, frameTimes)
	if err != nil {
		return nil, err
	}
	d.Columns = append(d.Columns, drift...)
	d.Names = append(d.Names, names...)
	seen := map[string]bool{}
	for _, nm := range d.Names {
		if seen[nm] {
			return nil, fmt.Errorf("design matrix columns do not have unique names (%q repeats)", nm)
		}
		seen[nm] = true
	}
	d.Regularized = fullRank(d.Columns)
	return d, nil
}

func (d *Design) addConditions(events []Event, opts DesignOptions) error {
	// handle_modulation_of_duplicate_events: group by (trial_type, onset, duration) in order of first
	// appearance, modulations summed.
	type key struct {
		tt     string
		on, du float64
	}
	index := map[key]int{}
	var clean []Event
	for _, e := range events {
		k := key{e.TrialType, e.Onset, e.Duration}
		if i, ok := index[k]; ok {
			clean[i].Modulation += e.Modulation
			continue
		}
		index[k] = len(clean)
		clean = append(clean, e)
	}
	var conds []string
	seen := map[string]bool{}
	for _, e := range clean {
		if !seen[e.TrialType] {
			seen[e.TrialType] = true
			conds = append(conds, e.TrialType)
		}
	}
	sort.Strings(conds)
	for _, c := range conds {
		var on, du, am []float64
		for _, e := range clean {
			if e.TrialType == c {
				on, du, am = append(on, e.Onset), append(du, e.Duration), append(am, e.Modulation)
			}
		}
		cols, names, err := computeRegressor(on, du, am, opts.HRFModel, d.FrameTimes, c, opts.Oversampling, opts.FIRDelays, opts.MinOnset)
		if err != nil {
			return err
		}
		d.Columns = append(d.Columns, cols...)
		d.Names = append(d.Names, names...)
	}
	return nil
}

// makeDrift is nilearn's _make_drift: cosine (create_cosine_drift), polynomial (_poly_drift) or none,
// named drift_1 ... drift_k then constant.
func makeDrift(opts DesignOptions, ft []float64) ([][]float64, []string, error) {
	n := len(ft)
	var cols [][]float64
	switch strings.ToLower(opts.DriftModel) {
	case DriftCosine:
		dt := (ft[n-1] - ft[0]) / float64(n-1)
		order := min(n-1, int(math.Floor(2*float64(n)*opts.HighPass*dt)))
		if order < 0 {
			return nil, nil, fmt.Errorf("high_pass must not be negative (got %v)", opts.HighPass)
		}
		norm := math.Sqrt(2.0 / float64(n))
		cols = make([][]float64, order+1)
		for k := 1; k <= order; k++ {
			c := make([]float64, n)
			for t := range c {
				c[t] = norm * math.Cos((math.Pi/float64(n))*(float64(t)+0.5)*float64(k))
			}
			cols[k-1] = c
		}
		cols[order] = ones(n)
	case DriftPolynomial:
		if opts.DriftOrder < 0 {
			return nil, nil, fmt.Errorf("drift order must not be negative (got %d)", opts.DriftOrder)
		}
		tmax := ft[0]
		for _, t := range ft {
			tmax = math.Max(tmax, t)
		}
		pol := make([][]float64, opts.DriftOrder+1)
		for k := range pol {
			pol[k] = make([]float64, n)
			for t := range ft {
				pol[k][t] = math.Pow(ft[t]/tmax, float64(k))
			}
		}
		orthogonalize(pol)
		cols = append(pol[1:], pol[0])
	case DriftNone, "":
		cols = [][]float64{ones(n)}
	default:
		return nil, nil, fmt.Errorf("unknown drift model %q (cosine, polynomial or none)", opts.DriftModel)
	}
	names := make([]string, 0, len(cols))
	for k := 1; k < len(cols); k++ {
		names = append(names, fmt.Sprintf("drift_%d", k))
	}
	return cols, append(names, "constant"), nil
}

func ones(n int) []float64 {
	o := make([]float64, n)
	for i := range o {
		o[i] = 1
	}
	return o
}

// TSV returns the design as a tab-separated table: a header of the column names, one row per frame,
// numbers in their shortest round-trip form.
func (d *Design) TSV() []byte {
	var b bytes.Buffer
	b.WriteString(strings.Join(d.Names, "\t"))
	b.WriteByte('\n')
	for t := range d.FrameTimes {
		for c := range d.Columns {
			if c > 0 {
				b.WriteByte('\t')
			}
			b.WriteString(strconv.FormatFloat(d.Columns[c][t], 'g', -1, 64))
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// WriteFiles writes the design as path (design.tsv), atomically.
func (d *Design) WriteFiles(path string) error {
	return atomicfile.WriteFile(path, d.TSV())
}
