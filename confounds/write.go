package confounds

import (
	"encoding/json"
	"math"
	"strings"

	"github.com/painmark/painmark/internal/atomicfile"
	"github.com/painmark/painmark/table"
	"github.com/painmark/painmark/version"
)

// Sidecar is the JSON written beside a confound table (painmark confounds): where the regressors
// come from, the strategy and options that chose them, and the sample mask (0-based retained
// volumes, every volume when nothing is censored). Keys in alphabetical order, as always written.
type Sidecar struct {
	Definition string `json:"Definition"`
	// NilearnVersion is the nilearn version whose preset the options are (a preset only).
	NilearnVersion     string         `json:"NilearnVersion,omitempty"`
	NumRetained        int            `json:"NumRetained"`
	NumVolumes         int            `json:"NumVolumes"`
	Options            SidecarOptions `json:"Options"`
	Regressors         []string       `json:"Regressors"`
	SampleMask         []int          `json:"SampleMask"`
	SampleMaskIndexing string         `json:"SampleMaskIndexing"`
	SoftwareVersion    string         `json:"SoftwareVersion"`
	Source             string         `json:"Source"`
	Strategy           []string       `json:"Strategy"`
}

// SidecarOptions are a Spec's options with nilearn's parameter names; a threshold that disables
// scrubbing (+Inf) is written "none".
type SidecarOptions struct {
	Compcor           string    `json:"compcor"`
	CompcorVariance   float64   `json:"compcor_variance"`
	Demean            bool      `json:"demean"`
	FDThreshold       threshold `json:"fd_threshold"`
	GlobalSignal      string    `json:"global_signal"`
	ICAAroma          string    `json:"ica_aroma"`
	Motion            string    `json:"motion"`
	NCompcor          int       `json:"n_compcor"`
	Scrub             int       `json:"scrub"`
	StdDVARSThreshold threshold `json:"std_dvars_threshold"`
	WMCSF             string    `json:"wm_csf"`
}

type threshold float64

func (t threshold) MarshalJSON() ([]byte, error) {
	if math.IsInf(float64(t), 0) {
		return []byte(`"none"`), nil
	}
	return json.Marshal(float64(t))
}

// Sidecar describes r, loaded from source with spec.
func (r *Result) Sidecar(source string, spec Spec) Sidecar {
	mask := r.SampleMask
	if mask == nil {
		mask = make([]int, r.NumFrames)
		for i := range mask {
			mask[i] = i
		}
	}
	return Sidecar{Definition: "nilearn.interfaces.fmriprep.load_confounds", NilearnVersion: spec.NilearnVersion, NumRetained: len(mask), NumVolumes: r.NumFrames,
		Options: SidecarOptions{Compcor: spec.Compcor, CompcorVariance: spec.CompcorVariance, Demean: spec.Demean,
			FDThreshold: threshold(spec.FDThreshold), GlobalSignal: spec.GlobalSignal, ICAAroma: spec.ICAAroma, Motion: spec.Motion,
			NCompcor: spec.NCompcor, Scrub: spec.Scrub, StdDVARSThreshold: threshold(spec.StdDVARSThreshold), WMCSF: spec.WMCSF},
		Regressors: r.Names, SampleMask: mask, SampleMaskIndexing: "0-based volume indices", SoftwareVersion: version.String(),
		Source: source, Strategy: spec.Strategy}
}

// WriteFiles writes the regressors as a table at path (TSV, or CSV by its name) and the Sidecar
// beside it (the same name with .json), and returns the sidecar's path.
func (r *Result) WriteFiles(path, source string, spec Spec) (string, error) {
	cols := make([]*table.Column, len(r.Names))
	for j, n := range r.Names {
		cols[j] = table.NumericColumn(n, r.Column(j))
	}
	if err := table.Write(path, &table.Table{Columns: cols}); err != nil {
		return "", err
	}
	b, err := json.MarshalIndent(r.Sidecar(source, spec), "", "  ")
	if err != nil {
		return "", err
	}
	jsonPath := strings.TrimSuffix(strings.TrimSuffix(path, ".tsv"), ".csv") + ".json"
	return jsonPath, atomicfile.WriteFile(jsonPath, append(b, '\n'))
}
