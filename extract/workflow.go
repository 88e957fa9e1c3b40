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
	// Nilearn is the nilearn version whose preset Confounds names (confounds.PresetFor: 0.13, the
	// default, or 0.10.3, the CSps study's, whose scrubbing thresholds are FD 0.2 mm and std DVARS 3).
	Nilearn string
	// Detrend, Standardize, Filter, HighPass and LowPass clean the series as
	// nilearn.signal.clean does.
	Detrend           bool
	Standardize       signal.Standardization
	Filter            signal.Filter
	HighPass, LowPass float64
	// TR overrides the repetition time (seconds; 0: the BIDS sidecar, then the image header).
	TR float64
	// Structures: the voxel structures of a CIFTI dtseries its dlabel leaves unlabelled become
	// parcels (SurfaceOptions.Structures).
	Structures bool
	// Corticospinal names the region set's images when Atlas is "corticospinal": the CSps study's
	// brain (MNI) and cord (PAM50) regions, extracted from a brain and a cord image of each run.
	Corticospinal atlas.CorticospinalOptions
	// GlobalSignal adds the column GlobSig after the atlas's regions: the mean of every voxel the
	// atlas labels (atlas.RegionSet.WithGlobalSignal), as the RPN's 123rd region. Volumetric
	// atlases only; the corticospinal set has its own global grey-matter region (GM).
	GlobalSignal bool
}

// CorticospinalAtlas is the Atlas value that selects the corticospinal region set
// (atlas.LoadCorticospinal with RunOptions.Corticospinal).
const CorticospinalAtlas = "corticospinal"

// DefaultRunOptions are painmark's defaults: MIST-122, the mean, missing regions an error, no
// confounds and no cleaning (Butterworth when a band is asked).
func DefaultRunOptions() RunOptions {
	return RunOptions{Atlas: "mist122", Strategy: Mean, Missing: MissingError, Confounds: "none", Standardize: signal.NoStandardization, Filter: signal.Butter, Structures: true, Nilearn: confounds.DefaultNilearnVersion,
		Corticospinal: atlas.DefaultCorticospinalOptions()}
}

// Check refuses invalid options (an unknown confound preset or missing policy, a negative
// frequency or TR).
func (o RunOptions) Check() error {
	if o.Confounds != "" && o.Confounds != "none" {
		if _, err := confounds.PresetFor(o.Confounds, o.Nilearn); err != nil {
			return err
		}
	}
	if o.GlobalSignal && (o.Atlas == CorticospinalAtlas || IsSurfaceAtlas(o.Atlas)) {
		return fmt.Errorf("global signal: only for a volumetric atlas (the corticospinal set has its own global grey-matter region GM; a surface parcellation has no voxels)")
	}
	if o.Atlas == CorticospinalAtlas && o.Corticospinal.PAM50 == "" {
		return fmt.Errorf("atlas corticospinal needs the PAM50 template folder (pam50: SCT's data/PAM50/template)")
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
	spec := RunSpec{TR: o.TR, Labels: LabelOptions{Strategy: o.Strategy, Missing: o.Missing, Options: Options{AllowNonFinite: o.AllowNonFinite}}}
	if IsSurfaceAtlas(o.Atlas) { // a CIFTI dlabel, or GIFTI label files joined by commas
		spec.SurfaceLabels, spec.Surface.Structures = strings.Split(o.Atlas, ","), o.Structures
		spec.AtlasName, spec.AtlasSource = surfaceAtlasName(spec.SurfaceLabels[0]), o.Atlas
	} else {
		set, name, source, err := o.loadSet()
		if err != nil {
			return RunSpec{}, err
		}
		spec.Set, spec.AtlasName, spec.AtlasSource = set, name, source
		if o.GlobalSignal {
			spec.Set, spec.AtlasSource = set.WithGlobalSignal(), source+" + GlobSig (every labelled voxel)"
		}
	}
	if o.Confounds != "" && o.Confounds != "none" {
		c, err := confounds.PresetFor(o.Confounds, o.Nilearn)
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

// loadSet loads the region set: the corticospinal set, or a one-part atlas.
func (o RunOptions) loadSet() (*atlas.RegionSet, string, string, error) {
	if o.Atlas != CorticospinalAtlas {
		return atlas.LoadSet(o.Atlas, o.AtlasTable)
	}
	c := o.Corticospinal
	if c.Brain == "" {
		c.Brain, c.BrainTable = "mist122", ""
	}
	set, err := atlas.LoadCorticospinal(c)
	if err != nil {
		return nil, "", "", err
	}
	pag, rvm, gm := c.PAG, c.RVM, c.GreyMatter
	if pag == "" {
		pag = atlas.DefaultPAG.Source
	}
	if rvm == "" {
		rvm = atlas.DefaultRVM.Source
	}
	if gm == "" {
		gm = "every voxel " + c.Brain + " labels"
	}
	src := fmt.Sprintf("corticospinal (Lin et al. 2025): brain %s; PAG %s; RVM %s; GM %s; dorsal and ventral horns of %s from %s (grey matter >= %g)",
		c.Brain, pag, rvm, gm, strings.Join(c.Segments, ","), c.PAM50, c.GMThreshold)
	return set, CorticospinalAtlas, src, nil
}

// twoSpaces says whether the region set needs a brain and a cord image of each run.
func (s RunSpec) twoSpaces() bool { return s.Set != nil && len(s.Set.Spaces()) > 1 }

// Job is one run to extract: its 4D image, its confounds table and BIDS sidecar (when used), an
// optional physiological recording, and the output table.
type Job struct {
	Image, Confounds, Sidecar, Out string
	// Cord is the run's cord image (PAM50 space) when the region set has cord regions; Image is
	// then the brain image (MNI space).
	Cord   string
	Physio *PhysioSpec
}

// Spec completes a RunSpec (RunOptions.Spec) with the job's files; the repetition time comes from the
// options, else the job's BIDS sidecar, else the image header.
func (j Job) Spec(base RunSpec) RunSpec {
	spec := base
	spec.Images = map[string]string{"data": j.Image}
	if base.twoSpaces() { // the corticospinal set: brain and cord images
		spec.Images = map[string]string{atlas.BrainSpace: j.Image}
		if j.Cord != "" {
			spec.Images[atlas.CordSpace] = j.Cord
		}
	}
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
	twoSpaces := spec.twoSpaces()
	for _, b := range bolds {
		if twoSpaces && b.Entities["space"] == atlas.CordSpace {
			continue // the cord partner of a brain run
		}
		j := Job{Image: b.Path, Sidecar: study.Sidecar(b)}
		if twoSpaces {
			if j.Cord, err = CordFor(b); err != nil {
				return nil, err
			}
		}
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

// CordFor returns the cord image of a brain run in an fMRIPrep-style folder: the same name with
// space-PAM50 (the Spinal Cord Toolbox's output normalised to the PAM50 template, placed beside
// fMRIPrep's run), e.g. sub-01_task-rest_space-PAM50_desc-preproc_bold.nii.gz.
func CordFor(bold *study.File) (string, error) {
	var parts []string
	for _, k := range bold.Order {
		v := bold.Entities[k]
		if k == "space" {
			v = atlas.CordSpace
		}
		if k == "res" || k == "den" || k == "cohort" {
			continue
		}
		parts = append(parts, k+"-"+v)
	}
	if bold.Entities["space"] == "" {
		return "", fmt.Errorf("%s: a brain run of the corticospinal set needs a space entity (its cord run is named space-%s)", bold.Path, atlas.CordSpace)
	}
	for _, ext := range []string{".nii.gz", ".nii"} {
		p := filepath.Join(filepath.Dir(bold.Path), strings.Join(parts, "_")+"_bold"+ext)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s: no cord run %s_bold.nii[.gz] beside it (the corticospinal set needs the run's cord image in PAM50 space)", bold.Path, strings.Join(parts, "_"))
}

// ImageJob is the job of one 4D image: its output is out/<image name>_atlas-<atlas>_timeseries.tsv.
func ImageJob(image, confoundsFile, out string, spec RunSpec) (Job, error) {
	if spec.ConfoundSpec != nil && confoundsFile == "" {
		return Job{}, errors.New("confounds on a single image need its confounds file")
	}
	name := filepath.Base(strings.Split(image, ",")[0])
	for _, e := range []string{".dtseries.nii", ".func.gii", ".nii.gz", ".nii"} {
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

// surfaceAtlasName is the atlas entity of a surface parcellation's outputs: its file name without
// extensions or dots (Schaefer2018_400Parcels_7Networks_order.dlabel.nii → Schaefer2018400Parcels7Networksorder).
func surfaceAtlasName(path string) string {
	name := filepath.Base(path)
	for _, e := range []string{".dlabel.nii", ".label.gii"} {
		name = strings.TrimSuffix(name, e)
	}
	return strings.Map(func(r rune) rune {
		if r == '_' || r == '-' || r == '.' {
			return -1
		}
		return r
	}, name)
}
