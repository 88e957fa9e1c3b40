package extract

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/painmark/painmark/atlas"
	"github.com/painmark/painmark/confounds"
	"github.com/painmark/painmark/signal"
	"github.com/painmark/painmark/study"
)

// RunOptions are the options of an extraction (painmark extract's flags, a study file's [extract]):
// the atlas, the reduction, the fMRIPrep confounds and the cleaning (nilearn.signal.clean, only
// when asked).
type RunOptions struct {
	// Atlas is a built-in atlas name (mist122) or a label image; AtlasTable the region table of a
	// label image (without one, regions are named by label value).
	Atlas, AtlasTable string
	// Strategy is the reduction of each region's voxels: mean, median, sum, minimum, maximum,
	// standard_deviation, variance.
	Strategy Strategy
	// Missing says what a region without voxels on the data grid is: error, drop or nan.
	Missing MissingPolicy
	// AllowNonFinite skips NaN/Inf voxels instead of failing.
	AllowNonFinite bool
	// Confounds is an fMRIPrep confound preset (nilearn's load_confounds_strategy: simple,
	// scrubbing, compcor, ica_aroma) or "none".
	Confounds string
	// Detrend, Standardize, Filter, HighPass and LowPass clean the series as
	// nilearn.signal.clean does.
	Detrend           bool
	Standardize       signal.Standardization
	Filter            signal.Filter
	HighPass, LowPass float64
	// TR overrides the repetition time (seconds; 0: the BIDS sidecar, then the image header).
	TR float64
}

// DefaultRunOptions are painmark's defaults: MIST-122, the mean, missing regions an error, no
// confounds and no cleaning (Butterworth when a band is asked).
func DefaultRunOptions() RunOptions {
	return RunOptions{Atlas: "mist122", Strategy: Mean, Missing: MissingError, Confounds: "none", Standardize: signal.NoStandardization, Filter: signal.Butter}
}

// Check refuses invalid options (an unknown confound preset or missing policy, a negative
// frequency or TR).
func (o RunOptions) Check() error {
	if o.Confounds != "" && o.Confounds != "none" {
		if _, err := confounds.Preset(o.Confounds); err != nil {
			return err
		}
	}
	switch o.Missing {
	case MissingError, MissingDrop, MissingNaN:
	default:
		return fmt.Errorf("missing = %q: want error, drop or nan", o.Missing)
	}
	for _, v := range []float64{o.HighPass, o.LowPass, o.TR} {
		if !(v >= 0) || math.IsInf(v, 0) {
			return fmt.Errorf("high-pass %g Hz, low-pass %g Hz, TR %g s: each must be a finite number, not negative", o.HighPass, o.LowPass, o.TR)
		}
	}
	return nil
}

// Spec is the RunSpec these options give (the atlas loaded, the confound preset and cleaning
// resolved), without a run's files: Job completes it.
func (o RunOptions) Spec() (RunSpec, error) {
	set, name, source, err := atlas.LoadSet(o.Atlas, o.AtlasTable)
	if err != nil {
		return RunSpec{}, err
	}
	spec := RunSpec{Set: set, AtlasName: name, AtlasSource: source, TR: o.TR,
		Labels: LabelOptions{Strategy: o.Strategy, Missing: o.Missing, Options: Options{AllowNonFinite: o.AllowNonFinite}}}
	if o.Confounds != "" && o.Confounds != "none" {
		c, err := confounds.Preset(o.Confounds)
		if err != nil {
			return RunSpec{}, err
		}
		spec.ConfoundSpec = &c
	}
	std := o.Standardize
	if std == "" {
		std = signal.NoStandardization
	}
	if o.Detrend || std != signal.NoStandardization || o.HighPass > 0 || o.LowPass > 0 || o.Filter == signal.Cosine {
		c := signal.DefaultCleanOptions()
		c.Detrend, c.Standardize, c.HighPass, c.LowPass, c.Filter = o.Detrend, std, o.HighPass, o.LowPass, o.Filter
		spec.Clean = &c
	}
	return spec, nil
}

// Job is one run to extract: its 4D image, its confounds table and BIDS sidecar (when used), an
// optional physiological recording, and the output table.
type Job struct {
	Image, Confounds, Sidecar, Out string
	Physio                         *PhysioSpec
}

// Spec completes a RunSpec (RunOptions.Spec) with the job's files; the repetition time comes from the
// options, else the job's BIDS sidecar, else the image header.
func (j Job) Spec(base RunSpec) RunSpec {
	spec := base
	spec.Images = map[string]string{"data": j.Image}
	spec.ConfoundsPath = j.Confounds
	spec.Physio = j.Physio
	if spec.TR == 0 && j.Sidecar != "" {
		if tr, err := study.RepetitionTime(j.Sidecar); err == nil {
			spec.TR = tr
		}
	}
	return spec
}

// FolderJobs lists the runs of an fMRIPrep derivatives folder: every *_desc-preproc_bold image
// that passes the entity filter, with its confounds (when the spec uses them) and sidecar, and its
// output under out with the BIDS entities kept:
// out/sub-01[/ses-1]/func/<entities>_atlas-<atlas>_timeseries.tsv.
func FolderJobs(dir, out string, flt study.Filter, spec RunSpec) ([]Job, error) {
	bolds, err := study.FindPreprocBold(dir, flt)
	if err != nil {
		return nil, err
	}
	if len(bolds) == 0 {
		return nil, fmt.Errorf("%s: no *_desc-preproc_bold.nii[.gz] matches the filters", dir)
	}
	jobs := make([]Job, 0, len(bolds))
	for _, b := range bolds {
		j := Job{Image: b.Path, Sidecar: study.Sidecar(b)}
		if spec.ConfoundSpec != nil {
			if j.Confounds, err = study.ConfoundsFor(b); err != nil {
				return nil, err
			}
		}
		d := filepath.Join(out, "sub-"+b.Entities["sub"])
		if ses := b.Entities["ses"]; ses != "" {
			d = filepath.Join(d, "ses-"+ses)
		}
		j.Out = filepath.Join(d, "func", b.Prefix("desc")+"_atlas-"+spec.AtlasName+"_timeseries.tsv")
		jobs = append(jobs, j)
	}
	return jobs, nil
}

// ImageJob is the job of one 4D image: its output is out/<image name>_atlas-<atlas>_timeseries.tsv.
func ImageJob(image, confoundsFile, out string, spec RunSpec) (Job, error) {
	if spec.ConfoundSpec != nil && confoundsFile == "" {
		return Job{}, errors.New("confounds on a single image need its confounds file")
	}
	name := filepath.Base(image)
	for _, e := range []string{".nii.gz", ".nii"} {
		name = strings.TrimSuffix(name, e)
	}
	return Job{Image: image, Confounds: confoundsFile, Out: filepath.Join(out, name+"_atlas-"+spec.AtlasName+"_timeseries.tsv")}, nil
}

// Run extracts one job and writes its table and sidecar (RunOutput.Write) under job.Out.
func (j Job) Run(base RunSpec) (*RunOutput, error) {
	res, err := ExtractRun(j.Spec(base))
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(j.Out), 0o755); err != nil {
		return nil, err
	}
	return res, res.Write(j.Out)
}

// RunJobs runs the jobs in order (Job.Run), calling done after each one (for progress and
// warnings); the first error stops them.
func RunJobs(jobs []Job, base RunSpec, done func(i int, j Job, res *RunOutput)) error {
	for i, j := range jobs {
		res, err := j.Run(base)
		if err != nil {
			return err
		}
		if done != nil {
			done(i, j, res)
		}
	}
	return nil
}
