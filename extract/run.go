package extract

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/painmark/painmark/atlas"
	"github.com/painmark/painmark/confounds"
	"github.com/painmark/painmark/internal/atomicfile"
	"github.com/painmark/painmark/signal"
	"github.com/painmark/painmark/table"
	"github.com/painmark/painmark/version"
)

// RunSpec describes the extraction of one fMRI run: the region set and the image of each of its
// spaces, then optional confound removal (fMRIPrep confounds by strategy, physiological
// regressors) and cleaning.
type RunSpec struct {
	Images map[string]string
	Set    *atlas.RegionSet
	Labels LabelOptions
	// AtlasName and AtlasSource are recorded in the sidecar.
	AtlasName, AtlasSource string
	// ConfoundsPath and ConfoundSpec select fMRIPrep confounds (nil spec: none).
	ConfoundsPath string
	ConfoundSpec  *confounds.Spec
	// Physio adds RETROICOR regressors from a BIDS physio recording.
	Physio *PhysioSpec
	// Clean cleans the signals (nil: only confound removal and scrubbing, when requested).
	Clean *signal.CleanOptions
	// TR overrides the repetition time of the image header (seconds; 0 = header).
	TR float64
	// SurfaceLabels, when set, parcellate a surface run instead of Set: one CIFTI dense label file
	// for a dtseries, or one GIFTI label file per functional file (Images["data"] then lists the
	// functional files joined by commas). Surface holds the options (Missing from Labels).
	SurfaceLabels []string
	Surface       SurfaceOptions
}

// regions reduces the run's images to region series: the surface parcellation when the spec has
// one, else the region set.
func (spec RunSpec) regions() (*LabelResult, error) {
	if spec.SurfaceLabels == nil {
		return Set(spec.Images, spec.Set, spec.Labels)
	}
	if s := spec.Labels.Strategy; s != "" && s != Mean {
		return nil, fmt.Errorf("surface parcellations take the mean of each parcel, not the %s", s)
	}
	o := spec.Surface
	o.Missing, o.AllowNonFinite = spec.Labels.Missing, spec.Labels.AllowNonFinite
	data := spec.Images["data"]
	if len(spec.SurfaceLabels) == 1 && strings.HasSuffix(spec.SurfaceLabels[0], ".dlabel.nii") {
		return CIFTIParcellate(data, spec.SurfaceLabels[0], o)
	}
	return GIFTIParcellate(strings.Split(data, ","), spec.SurfaceLabels, o)
}

// PhysioSpec places physiological regressors: the recording and the time after each volume's
// onset at which the slice of interest is acquired (from BIDS SliceTiming).
type PhysioSpec struct {
	Path      string
	SliceTime float64
	Orders    signal.RetroicorOrders
}

// RunOutput is an extracted (and possibly cleaned) run.
type RunOutput struct {
	*LabelResult
	// Series are the output series: cleaned, and restricted to the retained frames.
	Series signal.Matrix
	// Kept lists the retained frames (0-based); all frames when nothing was censored.
	Kept          []int
	ConfoundNames []string
	Warnings      []string
	Sidecar       *Sidecar
}

// ExtractRun runs the extraction and cleaning of one run.
func ExtractRun(spec RunSpec) (*RunOutput, error) {
	res, err := spec.regions()
	if err != nil {
		return nil, err
	}
	out := &RunOutput{LabelResult: res}
	T := res.Signals.Rows
	tr := spec.TR
	if tr == 0 {
		tr = res.TR
	}
	for _, m := range res.Missing {
		out.Warnings = append(out.Warnings, fmt.Sprintf("region %s (%d) has no voxel on the data grid", m.Name, m.Index))
	}
	for _, z := range res.AllZero {
		out.Warnings = append(out.Warnings, fmt.Sprintf("region %s is zero at every frame (out of the field of view?); its column is kept", z))
	}
	var conf *signal.Matrix
	var mask []int
	if spec.ConfoundSpec != nil {
		c, err := confounds.Load(spec.ConfoundsPath, *spec.ConfoundSpec)
		if err != nil {
			return nil, err
		}
		if c.NumFrames != T {
			return nil, fmt.Errorf("%s has %d rows but the image %s has %d volumes", spec.ConfoundsPath, c.NumFrames, res.Source, T)
		}
		m := signal.Matrix{Rows: c.NumFrames, Cols: len(c.Names), Data: c.Data}
		conf = &m
		mask = c.SampleMask
		out.ConfoundNames = append(out.ConfoundNames, c.Names...)
	}
	if spec.Physio != nil {
		if tr <= 0 {
			return nil, fmt.Errorf("%s: physiological regressors need the repetition time", res.Source)
		}
		pm, err := physioRegressors(spec.Physio, T, tr)
		if err != nil {
			return nil, err
		}
		if conf == nil {
			conf = &pm
		} else {
			joined := signal.HStack(*conf, pm)
			conf = &joined
		}
		out.ConfoundNames = append(out.ConfoundNames, signal.RetroicorNames(spec.Physio.Orders)...)
	}
	series := res.Signals
	cleaned := spec.Clean != nil || conf != nil || mask != nil
	if cleaned {
		o := signal.CleanOptions{Standardize: signal.NoStandardization, Filter: signal.NoFilter, StandardizeConfounds: true, ButterworthOrder: 5, Extrapolate: true}
		if spec.Clean != nil {
			o = *spec.Clean
		}
		o.TR = tr
		for j, v := range columnHasNaN(series) {
			if v {
				return nil, fmt.Errorf("%s: region %s has no signal (NaN column) and cannot be cleaned; drop missing regions instead", res.Source, res.Names[j])
			}
		}
		s, rep, err := signal.Clean(series, conf, mask, nil, o)
		if err != nil {
			return nil, fmt.Errorf("%s: cleaning: %w", res.Source, err)
		}
		series = s
		out.Warnings = append(out.Warnings, rep.Warnings...)
	}
	out.Series = series
	if mask != nil {
		out.Kept = mask
	} else {
		out.Kept = make([]int, T)
		for i := range out.Kept {
			out.Kept[i] = i
		}
	}
	side := &Sidecar{
		Sources: spec.Images, Atlas: spec.AtlasName, AtlasSource: spec.AtlasSource, Regions: res.Names, RegionVoxels: res.VoxelCounts,
		Strategy: string(spec.Labels.Strategy), MissingRegions: string(spec.Labels.Missing), AtlasResampled: res.Resampled,
		RepetitionTime: jsonFloat(tr), NumVolumes: T, NumVolumesKept: len(out.Kept), VolumesKept: out.Kept, Confounds: out.ConfoundNames,
		Warnings: out.Warnings, SoftwareVersion: version.String(), FrameIndexing: "0-based volume indices",
		ExtractionMethod: "mean (or the named reduction) of each region's voxels per volume, streamed; labels resampled to the data grid by nearest neighbour when grids differ",
	}
	if spec.SurfaceLabels != nil {
		side.ExtractionMethod = "mean of each parcel's grayordinates per frame (wb_command -cifti-parcellate MEAN, nilearn surface maskers), streamed; label key 0 left out"
	}
	if spec.ConfoundSpec != nil {
		side.ConfoundsFile, side.ConfoundStrategy = spec.ConfoundsPath, spec.ConfoundSpec.Strategy
		side.ConfoundPresetNilearn = spec.ConfoundSpec.NilearnVersion
	}
	if spec.Physio != nil {
		side.Physio = &PhysioSidecar{File: spec.Physio.Path, SliceTime: jsonFloat(spec.Physio.SliceTime), Orders: spec.Physio.Orders, Definition: "RETROICOR, FSL PNM style"}
	}
	if cleaned {
		c := spec.Clean
		if c == nil {
			c = &signal.CleanOptions{Standardize: signal.NoStandardization, Filter: signal.NoFilter}
		}
		side.Cleaning = &CleaningSidecar{
			Definition: "nilearn.signal.clean", Detrend: c.Detrend, Standardize: c.Standardize,
			StandardizeConfounds: c.StandardizeConfounds, Filter: c.Filter, HighPass: jsonFloat(c.HighPass),
			LowPass: jsonFloat(c.LowPass), Extrapolate: c.Extrapolate,
		}
	}
	out.Sidecar = side
	return out, nil
}

func columnHasNaN(m signal.Matrix) []bool {
	out := make([]bool, m.Cols)
	for t := 0; t < m.Rows; t++ {
		for j := 0; j < m.Cols; j++ {
			if math.IsNaN(m.Data[t*m.Cols+j]) {
				out[j] = true
			}
		}
	}
	return out
}

func physioRegressors(p *PhysioSpec, T int, tr float64) (signal.Matrix, error) {
	ph, err := table.ReadPhysio(p.Path)
	if err != nil {
		return signal.Matrix{}, err
	}
	card, okc := ph.Columns["cardiac"]
	resp, okr := ph.Columns["respiratory"]
	if !okc || !okr {
		return signal.Matrix{}, fmt.Errorf("%s: RETROICOR needs columns \"cardiac\" and \"respiratory\" (found %v)", p.Path, ph.Order)
	}
	times := ph.Times()
	peaks, err := signal.DetectPeaks(card, times, ph.SamplingFrequency, 0.3)
	if err != nil {
		return signal.Matrix{}, fmt.Errorf("%s: %w", p.Path, err)
	}
	cph, err := signal.CardiacPhase(peaks, times)
	if err != nil {
		return signal.Matrix{}, fmt.Errorf("%s: %w", p.Path, err)
	}
	rph, err := signal.RespiratoryPhase(resp, ph.SamplingFrequency)
	if err != nil {
		return signal.Matrix{}, fmt.Errorf("%s: %w", p.Path, err)
	}
	orders := p.Orders
	if orders == (signal.RetroicorOrders{}) {
		orders = signal.DefaultRetroicorOrders
	}
	m, err := signal.Retroicor(times, cph, rph, signal.SliceAcquisitionTimes(T, tr, p.SliceTime), orders)
	if err != nil {
		return signal.Matrix{}, fmt.Errorf("%s: %w", p.Path, err)
	}
	return m, nil
}

// Write writes the series as TSV (frames x regions, header = region names, missing as n/a) and the
// sidecar as JSON beside it (same name, .json), each atomically.
func (o *RunOutput) Write(tsvPath string) error {
	cols := make([]*table.Column, o.Series.Cols)
	for j := range cols {
		cols[j] = table.NumericColumn(o.Names[j], o.Series.Column(j))
	}
	if err := table.Write(tsvPath, &table.Table{Columns: cols}); err != nil {
		return err
	}
	b, err := json.MarshalIndent(o.Sidecar, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(strings.TrimSuffix(tsvPath, ".tsv")+".json", append(b, '\n'))
}

// Sidecar is the JSON sidecar of an extracted run (<name>_timeseries.json): the sources, the
// atlas and reduction, the frames kept, the confounds and cleaning, warnings and the software
// version. The keys are the ones painmark extract has always written, in the same order.
type Sidecar struct {
	Atlas          string
	AtlasResampled bool
	AtlasSource    string
	Cleaning       *CleaningSidecar `json:",omitempty"`
	// ConfoundPresetNilearn is the nilearn version whose confound preset was used.
	ConfoundPresetNilearn string   `json:",omitempty"`
	ConfoundStrategy      []string `json:",omitempty"`
	Confounds             []string
	ConfoundsFile         string `json:",omitempty"`
	ExtractionMethod      string
	FrameIndexing         string
	MissingRegions        string
	NumVolumes            int
	NumVolumesKept        int
	Physio                *PhysioSidecar `json:",omitempty"`
	RegionVoxels          []int
	Regions               []string
	RepetitionTime        jsonFloat
	SoftwareVersion       string
	Sources               map[string]string
	Strategy              string
	VolumesKept           []int
	Warnings              []string
}

// PhysioSidecar records the physiological regressors of a run.
type PhysioSidecar struct {
	Definition string
	File       string
	Orders     signal.RetroicorOrders
	SliceTime  jsonFloat
}

// CleaningSidecar records the cleaning of a run (nilearn.signal.clean's options).
type CleaningSidecar struct {
	Definition           string
	Detrend              bool
	Extrapolate          bool
	Filter               signal.Filter
	HighPass             jsonFloat
	LowPass              jsonFloat
	Standardize          signal.Standardization
	StandardizeConfounds bool
}

// jsonFloat is a number written as JSON null when it is NaN or ±Inf, which JSON cannot hold.
type jsonFloat float64

// MarshalJSON writes the number as encoding/json does, or null.
func (f jsonFloat) MarshalJSON() ([]byte, error) {
	if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
		return []byte("null"), nil
	}
	return json.Marshal(float64(f))
}
