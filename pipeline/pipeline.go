// Package pipeline runs a whole analysis declared in a study file (TOML): its inputs, its steps'
// options and its executor, as a plan of cached units (package study) built locally or on a Slurm
// cluster with the same bytes as the result. The cohort recipe goes from ROI time series to the
// cohort feature table (one connectivity vector per run, nilearn's vector order), the table
// painmark learn and the signature workflows read.
package pipeline

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/painmark/painmark/atlas"
	"github.com/painmark/painmark/connectome"
	"github.com/painmark/painmark/extract"
	"github.com/painmark/painmark/features"
	"github.com/painmark/painmark/internal/atomicfile"
	"github.com/painmark/painmark/learn"
	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/signal"
	"github.com/painmark/painmark/study"
	"github.com/painmark/painmark/table"
	"github.com/painmark/painmark/target"
	"github.com/painmark/painmark/version"
)

// Connectivity are the options of the per-run connectivity step (as painmark connectome's flags).
type Connectivity struct {
	Kind         string   `toml:"kind" json:"kind"`
	Estimator    string   `toml:"estimator" json:"estimator"`
	Scaling      string   `toml:"scaling" json:"scaling"`
	FisherZ      bool     `toml:"fisher_z" json:"fisher_z"`
	KeepDiagonal bool     `toml:"keep_diagonal" json:"keep_diagonal"`
	Drop         []string `toml:"drop" json:"drop"`
	// Combine is how a person's several runs become rows (features.CombineRules: none, mean,
	// concat; as painmark connectome --combine). "none" is kept as "" so the cache keys of
	// studies that do not combine are unchanged.
	Combine string `toml:"combine" json:"combine,omitempty"`
	// RegionTags is a table of the regions' system tags (columns name and system: brain,
	// brainstem, spinal; as painmark connectome --region-tags), recorded in the cohort table's
	// connectome.json for the signature ablation and lesion steps. Relative to the study file;
	// its content is part of the cohort table's cache key, not of the per-run units'.
	RegionTags string `toml:"region_tags" json:"region_tags,omitempty"`
}

// perRun are the options of one run's (or one person's) connectivity unit: the combination
// happens in the features unit (mean) or in what the unit reads (concat), not in its key.
func (c Connectivity) perRun() Connectivity {
	c.Combine, c.RegionTags = "", ""
	return c
}

// Extract are the options of the per-run extraction from fMRIPrep outputs (as painmark extract's
// flags).
type Extract struct {
	Atlas      string `toml:"atlas" json:"atlas"`             // built-in name or label image
	AtlasTable string `toml:"atlas_table" json:"atlas_table"` // region table of a label image
	Strategy   string `toml:"strategy" json:"strategy"`
	Missing    string `toml:"missing" json:"missing"`     // regions without voxels: error, drop or nan
	Confounds  string `toml:"confounds" json:"confounds"` // none, simple, scrubbing, compcor, ica_aroma
	// Nilearn is the nilearn version of the confound preset (0.13, the default, or 0.10.3).
	Nilearn     string  `toml:"nilearn" json:"nilearn,omitempty"`
	Detrend     bool    `toml:"detrend" json:"detrend"`
	Standardize string  `toml:"standardize" json:"standardize"`
	Filter      string  `toml:"filter" json:"filter"`
	HighPass    float64 `toml:"high_pass" json:"high_pass"`
	LowPass     float64 `toml:"low_pass" json:"low_pass"`
	TR          float64 `toml:"tr" json:"tr"`
	// With atlas = "corticospinal" (the CSps study's 139 regions, painmark extract --atlas
	// corticospinal): the PAM50 template folder, PAG, RVM and grey-matter masks ("": the
	// defaults); each brain run's cord run is its space-PAM50 partner (extract.CordFor).
	PAM50  string `toml:"pam50" json:"pam50,omitempty"`
	PAG    string `toml:"pag" json:"pag,omitempty"`
	RVM    string `toml:"rvm" json:"rvm,omitempty"`
	GMMask string `toml:"gm_mask" json:"gm_mask,omitempty"`
}

// Executor says where the units are built.
type Executor struct {
	Type      string `toml:"type"`      // local or slurm
	Partition string `toml:"partition"` // the Slurm partition of the jobs (default: the cluster's)
	Time      string `toml:"time"`      // each array task's time limit (sbatch --time, e.g. "00:30:00")
	Mem       string `toml:"mem"`       // each task's memory (sbatch --mem, e.g. "2G")
	CPUs      int    `toml:"cpus"`      // each task's CPUs (sbatch --cpus-per-task)
	Retries   int    `toml:"retries"`   // how many times the units of failed tasks are submitted again
	// Chunk is the number of units per array task.
	Chunk int `toml:"chunk"`
}

// Source is where a cohort's runs come from ([inputs], and each [[cohort]]): ROI time-series
// tables, or an fMRIPrep folder whose runs that pass the entity filters are extracted first.
type Source struct {
	// Timeseries is a folder (searched for *_timeseries.tsv) or a glob of ROI time-series tables.
	Timeseries string `toml:"timeseries"`
	// Fmriprep is an fMRIPrep derivatives folder: its *_desc-preproc_bold runs that pass the
	// entity filters are extracted first ([extract]).
	Fmriprep string   `toml:"fmriprep"`
	Subjects []string `toml:"subjects"` // fMRIPrep runs of these subjects only (sub- optional); each must have one
	Sessions []string `toml:"sessions"` // fMRIPrep runs of these sessions only
	Tasks    []string `toml:"tasks"`    // fMRIPrep runs of these tasks only
	Runs     []string `toml:"runs"`     // fMRIPrep runs with these run numbers only
	Spaces   []string `toml:"spaces"`   // fMRIPrep runs in these spaces only (e.g. MNI152NLin2009cAsym)
	// IDs: "bids" (sub-/ses-/task-/run- entities) or "file".
	IDs string `toml:"ids"`
}

// Study is a parsed, validated study file.
type Study struct {
	Path string
	// Name names the study (Slurm job names painmark-NAME-STEP); default: the file's name.
	Name string `toml:"name"`
	// Output is the results folder (relative to the study file), with the cache in .cache.
	Output string `toml:"output"`
	// Inputs are the cohort's runs (the cohort table's, @cohort).
	Inputs       Source        `toml:"inputs"`
	Extract      Extract       `toml:"extract"`
	Connectivity Connectivity  `toml:"connectivity"`
	Model        *Model        `toml:"model"`
	Validation   []Validation  `toml:"validation"`
	Cohorts      []Cohort      `toml:"cohort"`
	Target       *TargetRecipe `toml:"target"`
	Executor     Executor      `toml:"executor"`
	// Steps are the analyses declared as [[SECTION]] tables of registered step kinds, in
	// dependency order.
	Steps []Step `toml:"-"`
}

// Model is the optional prediction step on the cohort table: painmark learn's ElasticNet pipeline
// (scaler, SelectKBest, ElasticNet) with fixed hyperparameters, its leave-one-out predictions and
// a permutation test split into shards of Shard permutations (permutation k drawn from
// PCG(Seed, k) whichever shard computes it, so the merged null is the one of a single run).
// Options left out take painmark learn's defaults (learn.DefaultModelOptions: robust scaler,
// K 25, alpha 0.005, l1_ratio 0.999; learn.DefaultSearchOptions' scoring), so a study and the
// command fit the same model.
type Model struct {
	Target  string `toml:"target" json:"target"` // TABLE:COLUMN, joined on the run names
	Scaler  string `toml:"scaler" json:"scaler"`
	K       Ints   `toml:"k" json:"k"`
	Alpha   Floats `toml:"alpha" json:"alpha"`
	L1Ratio Floats `toml:"l1_ratio" json:"l1_ratio"`
	// Scoring is the grid search's objective when K, alpha or l1_ratio list several values (a
	// leave-one-out search, painmark learn search's scorers).
	Scoring      string  `toml:"scoring" json:"scoring"`
	MaxIter      int     `toml:"max_iter" json:"max_iter"`
	Tol          float64 `toml:"tol" json:"tol"`
	Permutations int     `toml:"permutations" json:"permutations"` // permutations of the target for p-values (0: none)
	Shard        int     `toml:"shard" json:"shard"`               // permutations per unit (default 1000): the units run in parallel or as Slurm tasks
	Seed         uint64  `toml:"seed" json:"seed"`                 // permutation k draws from PCG(seed, k), whichever shard computes it
}

// Ints is one integer or a list of them in a study file (k = 25 or k = [20, 25, 30]).
type Ints []int

// UnmarshalTOML reads a number or an array of numbers.
func (v *Ints) UnmarshalTOML(data any) error {
	switch d := data.(type) {
	case int64:
		*v = Ints{int(d)}
	case []any:
		for _, x := range d {
			n, ok := x.(int64)
			if !ok {
				return fmt.Errorf("%v is not an integer", x)
			}
			*v = append(*v, int(n))
		}
	default:
		return fmt.Errorf("%v: want an integer or a list of integers", data)
	}
	return nil
}

// Floats is one number or a list of them in a study file.
type Floats []float64

// UnmarshalTOML reads a number or an array of numbers.
func (v *Floats) UnmarshalTOML(data any) error {
	num := func(x any) (float64, error) {
		switch n := x.(type) {
		case float64:
			return n, nil
		case int64:
			return float64(n), nil
		}
		return 0, fmt.Errorf("%v is not a number", x)
	}
	if d, ok := data.([]any); ok {
		for _, x := range d {
			f, err := num(x)
			if err != nil {
				return err
			}
			*v = append(*v, f)
		}
		return nil
	}
	f, err := num(data)
	if err != nil {
		return fmt.Errorf("%v: want a number or a list of numbers", data)
	}
	*v = Floats{f}
	return nil
}

// grid is the model's hyperparameter grid.
func (m Model) grid() learn.Grid { return learn.Grid{K: m.K, Alpha: m.Alpha, L1Ratio: m.L1Ratio} }

// TargetRecipe plans stimulation targets for every fMRIPrep run, as painmark target does with
// templates: the individual network map by template matching and the ranked clusters of the target
// network in the search space (templates and search space on the runs' grid; the run's own
// fMRIPrep brain mask when present).
type TargetRecipe struct {
	Templates   string   `toml:"templates" json:"templates"`
	Names       []string `toml:"names" json:"names"`
	Network     string   `toml:"network" json:"network"`
	Avoid       []string `toml:"avoid" json:"avoid"`
	SearchSpace string   `toml:"search_space" json:"search_space"`
	MinScore    float64  `toml:"min_score" json:"min_score"`
	MinSize     int      `toml:"min_size" json:"min_size"`
	MaxTargets  int      `toml:"max_targets" json:"max_targets"`
	AvoidMargin float64  `toml:"avoid_margin" json:"avoid_margin"`
}

// Validation is an independent cohort: its time series go through the same connectivity recipe,
// and the model fitted on the whole training cohort predicts its target.
type Validation struct {
	Name       string `toml:"name" json:"name"`             // the cohort's name (validation/NAME.json)
	Timeseries string `toml:"timeseries" json:"timeseries"` // its ROI time-series tables: a folder or a glob
	IDs        string `toml:"ids" json:"ids"`               // run names: bids (entities) or file (the file name)
	Target     string `toml:"target" json:"target"`         // TABLE:COLUMN
}

// Load reads and validates a study file: unknown keys, missing inputs and invalid options are
// errors naming the file and the key.
func Load(path string) (*Study, error) { return load(path, nil) }

// load is Load with prepare applied to the decoded study before it is validated (the BIDS App
// puts its own inputs and output in place of the file's).
func load(path string, prepare func(*Study)) (*Study, error) {
	s := &Study{Path: path}
	md, err := toml.DecodeFile(path, s)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if prepare != nil {
		prepare(s)
	}
	if err := s.decodeCohorts(md); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var und []string
	for _, k := range md.Undecoded() {
		if _, step := study.LookupStep(k[0]); !step {
			und = append(und, k.String())
		}
	}
	if len(und) > 0 {
		keys := und
		return nil, fmt.Errorf("%s: unknown key %s (keys: name, output, [inputs] timeseries or fmriprep/subjects/sessions/tasks/runs/spaces, ids, [extract] atlas/atlas_table/pam50/pag/rvm/gm_mask/strategy/missing/confounds/nilearn/detrend/standardize/filter/high_pass/low_pass/tr, [connectivity] kind/estimator/scaling/fisher_z/keep_diagonal/drop/combine/region_tags, [model] target/scaler/k/alpha/l1_ratio/scoring/max_iter/tol/permutations/shard/seed, [[validation]] name/timeseries/ids/target, [[cohort]] name/fmriprep or timeseries/subjects/sessions/tasks/runs/spaces/ids/blocks/extract/connectivity, [target] templates/names/network/avoid/search_space/min_score/min_size/max_targets/avoid_margin, [executor] type/partition/time/mem/cpus/retries/chunk)", path, strings.Join(keys, ", "))
	}
	dir := filepath.Dir(path)
	abs := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(dir, p)
	}
	if s.Name == "" {
		s.Name = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	if s.Output == "" {
		return nil, fmt.Errorf("%s: output is required (the results folder)", path)
	}
	s.Output = abs(s.Output)
	var raw map[string]any
	if _, err := toml.DecodeFile(path, &raw); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	cohort := s.Inputs.Timeseries != "" || s.Inputs.Fmriprep != ""
	if s.Steps, err = loadSteps(path, raw, abs, cohort, s.cohortNames()); err != nil {
		return nil, err
	}
	if (s.Inputs.Timeseries != "" && s.Inputs.Fmriprep != "") || (!cohort && len(s.Steps) == 0 && len(s.Cohorts) == 0) {
		return nil, fmt.Errorf("%s: [inputs] needs one of timeseries (ROI time-series tables) or fmriprep (a derivatives folder)", path)
	}
	if !cohort && (s.Model != nil || s.Target != nil) {
		return nil, fmt.Errorf("%s: [model] and [target] need [inputs]", path)
	}
	s.Inputs.Timeseries, s.Inputs.Fmriprep = abs(s.Inputs.Timeseries), abs(s.Inputs.Fmriprep)
	if err := s.checkCohorts(abs); err != nil {
		return nil, err
	}
	if s.Inputs.Fmriprep != "" {
		if err := completeExtract(&s.Extract, abs); err != nil {
			return nil, fmt.Errorf("%s: [extract] %w", path, err)
		}
	} else if s.Extract != (Extract{}) && !s.extractsCohorts() {
		return nil, fmt.Errorf("%s: [extract] applies to fmriprep inputs; these inputs are time series", path)
	}
	if err := choose(path, "[inputs] ids", &s.Inputs.IDs, features.BIDSNames, features.FileNames); err != nil {
		return nil, err
	}
	if err := completeConnectivity(&s.Connectivity, s.Inputs.IDs, abs, false); err != nil {
		return nil, fmt.Errorf("%s: [connectivity] %w", path, err)
	}
	if m := s.Model; m != nil {
		ref, err := table.ParseColumnRef(m.Target, "[model] target")
		if err != nil {
			return nil, fmt.Errorf("%s: %w (a participants table joined on the run names)", path, err)
		}
		ref.Path = abs(ref.Path)
		m.Target = ref.String()
		// painmark learn's defaults (the RPN pipeline), so a study and the command fit the same model.
		d, so := learn.DefaultModelOptions(), learn.DefaultSearchOptions()
		if m.Scaler == "" {
			m.Scaler = d.Scaler
		}
		if len(m.K) == 0 {
			m.K = Ints(d.K)
		}
		if len(m.Alpha) == 0 {
			m.Alpha = Floats(d.Alpha)
		}
		if len(m.L1Ratio) == 0 {
			m.L1Ratio = Floats(d.L1Ratio)
		}
		scorings := []string{string(so.Scoring)}
		for _, sc := range []learn.Scoring{learn.NegMSE, learn.NegMAE, learn.PooledR, learn.PooledR2} {
			if sc != so.Scoring {
				scorings = append(scorings, string(sc))
			}
		}
		if err := choose(path, "[model] scoring", &m.Scoring, scorings...); err != nil {
			return nil, err
		}
		if m.MaxIter == 0 {
			m.MaxIter = d.MaxIter
		}
		if m.Tol == 0 {
			m.Tol = d.Tol
		}
		if m.Shard == 0 {
			m.Shard = 1000
		}
		bad := m.Permutations < 0 || m.Shard < 0
		for _, k := range m.K {
			bad = bad || k < 0
		}
		for _, a := range m.Alpha {
			bad = bad || a < 0
		}
		for _, r := range m.L1Ratio {
			bad = bad || r < 0 || r > 1
		}
		if bad {
			return nil, fmt.Errorf("%s: [model] permutations, shard, k and alpha must be non-negative and l1_ratio in [0, 1]", path)
		}
		// The merged null holds every permutation's metrics: refuse a count beyond the memory budget.
		if err := (learn.PermutationOptions{N: m.Permutations}).CheckBudget(0); err != nil {
			return nil, fmt.Errorf("%s: [model] permutations: %w", path, err)
		}
	}
	seenVal := map[string]bool{}
	for k := range s.Validation {
		v := &s.Validation[k]
		if s.Model == nil {
			return nil, fmt.Errorf("%s: [[validation]] needs a [model] to validate", path)
		}
		if v.Name == "" || v.Name == "cohort" || seenVal[v.Name] || strings.ContainsAny(v.Name, "/\\") {
			return nil, fmt.Errorf("%s: [[validation]] %d: a unique name without slashes (not \"cohort\") is required", path, k+1)
		}
		seenVal[v.Name] = true
		ref, err := table.ParseColumnRef(v.Target, "[[validation]] target")
		if v.Timeseries == "" || err != nil {
			return nil, fmt.Errorf("%s: [[validation]] %s: timeseries and target (TABLE:COLUMN) are required", path, v.Name)
		}
		v.Timeseries = abs(v.Timeseries)
		ref.Path = abs(ref.Path)
		v.Target = ref.String()
		if err := choose(path, "[[validation]] ids", &v.IDs, features.BIDSNames, features.FileNames); err != nil {
			return nil, err
		}
	}
	if tr := s.Target; tr != nil {
		if s.Inputs.Fmriprep == "" {
			return nil, fmt.Errorf("%s: [target] plans from fMRIPrep runs: give [inputs] fmriprep", path)
		}
		if tr.Templates == "" || tr.SearchSpace == "" || tr.Network == "" {
			return nil, fmt.Errorf("%s: [target] needs templates, search_space and network", path)
		}
		tr.Templates, tr.SearchSpace = abs(tr.Templates), abs(tr.SearchSpace)
		def := target.DefaultPlanOptions() // the library's defaults, as painmark target's
		if tr.MinSize == 0 {
			tr.MinSize = def.MinSize
		}
		if tr.MaxTargets == 0 {
			tr.MaxTargets = def.MaxTargets
		}
	}
	if err := choose(path, "[executor] type", &s.Executor.Type, "local", "slurm"); err != nil {
		return nil, err
	}
	if s.Executor.Retries < 0 || s.Executor.CPUs < 0 || s.Executor.Chunk < 0 {
		return nil, fmt.Errorf("%s: [executor] retries, cpus and chunk cannot be negative", path)
	}
	return s, nil
}

// choose sets an empty option to its default (the first allowed value) or checks that it is one of
// the allowed values.
func choose(path, key string, v *string, allowed ...string) error {
	if *v == "" {
		*v = allowed[0]
		return nil
	}
	for _, a := range allowed {
		if *v == a {
			return nil
		}
	}
	return fmt.Errorf("%s: %s = %q: want %s or %s", path, key, *v, strings.Join(allowed[:len(allowed)-1], ", "), allowed[len(allowed)-1])
}

// completeExtract fills an [extract] recipe's keys left out with painmark extract's defaults
// (extract.DefaultRunOptions), makes its files relative to the study file and checks it.
func completeExtract(e *Extract, abs func(string) string) error {
	d := extract.DefaultRunOptions()
	for _, v := range []struct {
		v   *string
		def string
	}{{&e.Atlas, d.Atlas}, {&e.Strategy, string(d.Strategy)}, {&e.Missing, string(d.Missing)},
		{&e.Confounds, d.Confounds}, {&e.Standardize, string(d.Standardize)}, {&e.Filter, string(d.Filter)}} {
		if *v.v == "" {
			*v.v = v.def
		}
	}
	if _, err := atlas.Builtin(e.Atlas); err != nil && e.Atlas != extract.CorticospinalAtlas { // a label image: relative to the study file
		e.Atlas = abs(e.Atlas)
	}
	e.AtlasTable, e.PAM50, e.PAG, e.RVM, e.GMMask = abs(e.AtlasTable), abs(e.PAM50), abs(e.PAG), abs(e.RVM), abs(e.GMMask)
	return e.options().Check()
}

// completeConnectivity fills a [connectivity] recipe's keys left out with painmark connectome's
// defaults (features.DefaultConnectomeOptions), makes its region tags relative to the study file
// and checks it; ids is how the runs are named (combining runs needs BIDS names). Tangent needs the
// whole cohort: a cohort's table (wholeCohort) computes it, per-run units refuse it.
func completeConnectivity(c *Connectivity, ids string, abs func(string) string, wholeCohort bool) error {
	d := features.DefaultConnectomeOptions()
	if c.Kind == "" {
		c.Kind = string(d.Measure.Kind)
	}
	if c.Estimator == "" {
		c.Estimator = string(d.Measure.Estimator)
	}
	if c.Scaling == "" {
		c.Scaling = string(d.Measure.Scaling)
	}
	if err := choose("", "combine", &c.Combine, features.CombineRules...); err != nil {
		return errors.New(strings.TrimPrefix(err.Error(), ": "))
	}
	if c.Combine == features.CombineNone {
		c.Combine = ""
	} else if ids != features.BIDSNames {
		return fmt.Errorf("combine = %q needs each run's participant: [inputs] ids = \"bids\" (a cohort's ids)", c.Combine)
	}
	c.RegionTags = abs(c.RegionTags)
	if connectome.Kind(c.Kind) == connectome.Tangent && !wholeCohort {
		return fmt.Errorf("kind = \"tangent\" needs the whole cohort's reference; a study computes per-run kinds (use painmark connectome for tangent)")
	}
	return c.options().Check()
}

// extractsCohorts reports whether a cohort extracts fMRIPrep runs (with the study's [extract]).
func (s *Study) extractsCohorts() bool {
	for _, c := range s.Cohorts {
		if c.Fmriprep != "" {
			return true
		}
	}
	return false
}

// InputFiles lists the study's time-series files, sorted.
func (s *Study) InputFiles() ([]string, error) { return timeSeriesFiles(s.Path, s.Inputs.Timeseries) }

// timeSeriesFiles lists the ROI time-series tables of a study input (study.TimeSeriesFiles),
// errors naming the study file.
func timeSeriesFiles(studyPath, spec string) ([]string, error) {
	files, err := study.TimeSeriesFiles(spec)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", studyPath, err)
	}
	return files, nil
}

// Plan builds the study's plan: one "connectivity" unit per run, and the "features" unit that
// assembles the cohort table from them.
func (s *Study) Plan(version string) (*study.Plan, error) {
	cache := filepath.Join(s.Output, ".cache")
	hashes := study.LoadFileHashes(cache)
	p := &study.Plan{Study: s.Path, Version: version, Cache: cache}
	if s.Inputs.Timeseries == "" && s.Inputs.Fmriprep == "" { // [[cohort]] tables and steps on them, or steps on their own inputs only
		cohorts, err := s.planCohorts(p, version, hashes)
		if err != nil {
			return nil, err
		}
		if err := s.planSteps(p, version, hashes, -1, cohorts); err != nil {
			return nil, err
		}
		return p, hashes.Save()
	}
	var names, runInputs []string
	var deps []int
	var sources []runSource
	seen := map[string]string{}
	name := func(path string) (string, error) {
		n := study.RunName(path, s.Inputs.IDs == features.BIDSNames)
		if prev, dup := seen[n]; dup {
			return "", fmt.Errorf("%s: %s and %s both name run %q: give ids = \"file\"", s.Path, prev, path, n)
		}
		seen[n] = path
		return n, nil
	}
	if s.Inputs.Fmriprep != "" {
		bolds, err := s.Runs()
		if err != nil {
			return nil, err
		}
		cs := s.Extract.Atlas == extract.CorticospinalAtlas
		for _, b := range bolds {
			if cs && b.Entities["space"] == atlas.CordSpace {
				continue // the cord run of a brain run (extract.CordFor)
			}
			n, err := name(b.Path)
			if err != nil {
				return nil, err
			}
			ex, err := s.extractUnit(s.Extract, b, n, version, hashes)
			if err != nil {
				return nil, err
			}
			p.Units = append(p.Units, ex)
			sources = append(sources, runSource{extract: len(p.Units) - 1})
			if s.Connectivity.Combine != features.CombineConcat {
				u, err := study.NewUnit("connectivity", n, s.Connectivity.perRun(), version, nil, hashes, []int{len(p.Units) - 1}, p.Units)
				if err != nil {
					return nil, err
				}
				deps = append(deps, len(p.Units))
				p.Units = append(p.Units, u)
			}
			names, runInputs = append(names, n), append(runInputs, b.Path)
			if tr := s.Target; tr != nil {
				opt := targetOptions{TargetRecipe: *tr, Bold: b.Path}
				inputs := []string{b.Path, tr.Templates, tr.SearchSpace}
				if m := brainMask(b); m != "" {
					opt.Mask = m
					inputs = append(inputs, m)
				}
				tu, err := study.NewUnit("targets", n, opt, version, inputs, hashes, nil, nil)
				if err != nil {
					return nil, err
				}
				p.Units = append(p.Units, tu)
			}
		}
	} else {
		files, err := s.InputFiles()
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			n, err := name(f)
			if err != nil {
				return nil, err
			}
			sources = append(sources, runSource{file: f, extract: -1})
			names, runInputs = append(names, n), append(runInputs, f)
			if s.Connectivity.Combine == features.CombineConcat {
				continue
			}
			u, err := study.NewUnit("connectivity", n, s.Connectivity.perRun(), version, []string{f}, hashes, nil, nil)
			if err != nil {
				return nil, err
			}
			deps = append(deps, len(p.Units))
			p.Units = append(p.Units, u)
		}
	}
	if s.Connectivity.Combine == features.CombineConcat {
		var err error
		if deps, err = concatUnits(p, s.Connectivity, "", names, sources, version, hashes); err != nil {
			return nil, fmt.Errorf("%s: %w", s.Path, err)
		}
	}
	u, err := study.NewUnit("features", "cohort", featuresOptions{Runs: names, Inputs: runInputs, Connectivity: s.Connectivity}, version, s.tagFiles(), hashes, deps, p.Units)
	if err != nil {
		return nil, err
	}
	p.Units = append(p.Units, u)
	feat := len(p.Units) - 1
	if m := s.Model; m != nil {
		targetTable := []string{targetTablePath(m.Target)}
		search := -1 // the grid search's unit, when the grid has several candidates
		if len(m.grid().Candidates()) > 1 {
			su, err := study.NewUnit("search", "cohort", m, version, targetTable, hashes, []int{feat}, p.Units)
			if err != nil {
				return nil, err
			}
			search = len(p.Units)
			p.Units = append(p.Units, su)
		}
		withSearch := func(d ...int) []int {
			out := []int{feat}
			if search >= 0 {
				out = append(out, search)
			}
			return append(out, d...)
		}
		var shards []int
		for first := 0; first < m.Permutations; first += m.Shard {
			opt := shardOptions{Model: *m, First: first, N: min(m.Shard, m.Permutations-first), Search: search >= 0}
			sh, err := study.NewUnit("permutations", fmt.Sprintf("%d-%d", first+1, first+opt.N), opt, version, targetTable, hashes, withSearch(), p.Units)
			if err != nil {
				return nil, err
			}
			shards = append(shards, len(p.Units))
			p.Units = append(p.Units, sh)
		}
		mu, err := study.NewUnit("model", "cohort", modelOptions{Model: *m, Search: search >= 0, Writes: modelFiles, Cohort: s.label(filepath.Join(s.Output, features.TSVName))}, version, targetTable, hashes, withSearch(shards...), p.Units)
		if err != nil {
			return nil, err
		}
		p.Units = append(p.Units, mu)
		for _, v := range s.Validation {
			files, err := timeSeriesFiles(s.Path, v.Timeseries)
			if err != nil {
				return nil, err
			}
			var vdeps []int
			var vnames, vinputs []string
			var vsources []runSource
			for _, f := range files {
				n := study.RunName(f, v.IDs == features.BIDSNames)
				vnames, vinputs, vsources = append(vnames, n), append(vinputs, f), append(vsources, runSource{file: f, extract: -1})
				if s.Connectivity.Combine == features.CombineConcat {
					continue
				}
				u, err := study.NewUnit("connectivity", v.Name+"/"+n, s.Connectivity.perRun(), version, []string{f}, hashes, nil, nil)
				if err != nil {
					return nil, err
				}
				vdeps = append(vdeps, len(p.Units))
				p.Units = append(p.Units, u)
			}
			if s.Connectivity.Combine == features.CombineConcat {
				if vdeps, err = concatUnits(p, s.Connectivity, v.Name+"/", vnames, vsources, version, hashes); err != nil {
					return nil, fmt.Errorf("%s: [[validation]] %s: %w", s.Path, v.Name, err)
				}
			}
			fu, err := study.NewUnit("features", v.Name, featuresOptions{Runs: vnames, Inputs: vinputs, Connectivity: s.Connectivity}, version, s.tagFiles(), hashes, vdeps, p.Units)
			if err != nil {
				return nil, err
			}
			p.Units = append(p.Units, fu)
			vt := []string{targetTablePath(v.Target)}
			vu, err := study.NewUnit("validate", v.Name, validateOptions{Model: *m, Search: search >= 0, Validation: v}, version, append(targetTable, vt...), hashes, withSearch(len(p.Units)-1), p.Units)
			if err != nil {
				return nil, err
			}
			p.Units = append(p.Units, vu)
		}
	}
	cohorts, err := s.planCohorts(p, version, hashes)
	if err != nil {
		return nil, err
	}
	if err := s.planSteps(p, version, hashes, feat, cohorts); err != nil {
		return nil, err
	}
	return p, hashes.Save()
}

// extractUnit is the extract unit of one fMRIPrep run (named name) under recipe e: the run, its
// cord partner (corticospinal atlas), confounds and sidecar, and the recipe's atlas files are its
// inputs.
func (s *Study) extractUnit(e Extract, b *study.File, name, version string, hashes *study.FileHashes) (study.Unit, error) {
	inputs := []string{b.Path}
	cs := e.Atlas == extract.CorticospinalAtlas
	if _, err := atlas.Builtin(e.Atlas); err != nil && !cs {
		inputs = append(inputs, e.Atlas)
	}
	for _, f := range []string{e.AtlasTable, e.PAG, e.RVM, e.GMMask} {
		if f != "" {
			inputs = append(inputs, f)
		}
	}
	opt := extractOptions{Extract: e, Bold: b.Path}
	var err error
	if cs {
		if opt.Cord, err = extract.CordFor(b); err != nil {
			return study.Unit{}, fmt.Errorf("%s: %w", s.Path, err)
		}
		inputs = append(inputs, opt.Cord)
	}
	if e.Confounds != "none" {
		if opt.ConfoundsFile, err = study.ConfoundsFor(b); err != nil {
			return study.Unit{}, fmt.Errorf("%s: %w", s.Path, err)
		}
		inputs = append(inputs, opt.ConfoundsFile)
	}
	if sc := study.Sidecar(b); sc != "" {
		opt.Sidecar = sc
		inputs = append(inputs, sc)
	}
	opt.Labels = map[string]string{}
	for _, f := range []string{opt.Bold, opt.Cord, opt.ConfoundsFile} {
		if f != "" {
			opt.Labels[f] = s.label(f)
		}
	}
	return study.NewUnit("extract", name, opt, version, inputs, hashes, nil, nil)
}

// targetTablePath is the participants table of a TABLE:COLUMN target (checked by Load).
func targetTablePath(spec string) string {
	ref, _ := table.ParseColumnRef(spec, "target")
	return ref.Path
}

// runSource is where a run's ROI time series come from: a table (file) or an extract unit's
// timeseries.tsv (the unit's index; -1 for a file).
type runSource struct {
	file    string
	extract int
}

// concatUnits adds one connectivity unit per person (CombineConcat) over the person's runs, in
// features.PersonRows' order, and returns their indices (the features unit's dependencies).
func concatUnits(p *study.Plan, c Connectivity, prefix string, names []string, sources []runSource, version string, hashes *study.FileHashes) ([]int, error) {
	rows, members, err := features.PersonRows(names)
	if err != nil {
		return nil, err
	}
	c.RegionTags = "" // the cohort table's, not a person's
	var deps []int
	for k, idx := range members {
		var files []string
		var ex []int
		for _, i := range idx {
			if sources[i].extract >= 0 {
				ex = append(ex, sources[i].extract)
			} else {
				files = append(files, sources[i].file)
			}
		}
		u, err := study.NewUnit("connectivity", prefix+rows[k].Participant, c, version, files, hashes, ex, p.Units)
		if err != nil {
			return nil, err
		}
		deps = append(deps, len(p.Units))
		p.Units = append(p.Units, u)
	}
	return deps, nil
}

// targetOptions are a targets unit's options.
type targetOptions struct {
	TargetRecipe
	Bold string `json:"bold"`
	Mask string `json:"mask,omitempty"`
}

// brainMask is the fMRIPrep brain mask of a preprocessed run (its *_desc-brain_mask.nii.gz), or
// "" when there is none.
func brainMask(b *study.File) string {
	if m := filepath.Join(filepath.Dir(b.Path), b.Prefix("desc")+"_desc-brain_mask.nii.gz"); fileExists(m) {
		return m
	}
	return ""
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// modelOptions are the model unit's options; Search says whether its second dependency is the
// grid search (whose choice it uses).
type modelOptions struct {
	Model
	Search bool `json:"search"`
	// Writes are the files the unit writes (modelFiles): part of its key, so a cache built when
	// the unit wrote model.json alone is rebuilt.
	Writes []string `json:"writes"`
	// Cohort labels the published cohort table (the signature's cohort name).
	Cohort string `json:"cohort"`
}

// validateOptions are a validation unit's options.
type validateOptions struct {
	Model
	Search     bool       `json:"search"`
	Validation Validation `json:"validation"`
}

// shardOptions are a permutation shard's options.
type shardOptions struct {
	Model
	First  int  `json:"first"`
	N      int  `json:"n"`
	Search bool `json:"search"`
}

// extractOptions are an extract unit's options: the study's [extract] and the run's files.
type extractOptions struct {
	Extract
	Bold          string `json:"bold"`
	Cord          string `json:"cord,omitempty"`
	ConfoundsFile string `json:"confounds_file,omitempty"`
	Sidecar       string `json:"sidecar,omitempty"`
	// Labels name the run's files (absolute path -> path relative to the study file's folder) in
	// the sidecar's Sources and ConfoundsFile, so that the published series' sidecar is the one
	// painmark extract writes when run from the study's folder, wherever the study sits.
	Labels map[string]string `json:"labels,omitempty"`
}

// Runs lists the fMRIPrep runs of the study, and refuses a subject named in the filters that has
// none (a clear report of what is missing, per subject).
func (s *Study) Runs() ([]*study.File, error) {
	return s.Inputs.bolds(s.Path)
}

// bolds lists the *_desc-preproc_bold runs of the source's fMRIPrep folder that pass its entity
// filters, and refuses a subject named in the filters that has none (errors name the study file,
// path).
func (src Source) bolds(path string) ([]*study.File, error) {
	fmriprep, subjects, sessions, tasks, runs, spaces := src.Fmriprep, src.Subjects, src.Sessions, src.Tasks, src.Runs, src.Spaces
	flt := study.Filter{"sub": subjects, "ses": sessions, "task": tasks, "run": runs, "space": spaces}
	bolds, err := study.FindPreprocBold(fmriprep, flt)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	found := map[string]bool{}
	for _, b := range bolds {
		found[b.Entities["sub"]] = true
	}
	var missing []string
	for _, sub := range subjects {
		if !found[strings.TrimPrefix(sub, "sub-")] {
			missing = append(missing, "sub-"+strings.TrimPrefix(sub, "sub-"))
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s: no *_desc-preproc_bold run matching the filters (tasks %v, sessions %v, runs %v, spaces %v) for %s in %s",
			path, tasks, sessions, runs, spaces, strings.Join(missing, ", "), fmriprep)
	}
	if len(bolds) == 0 {
		return nil, fmt.Errorf("%s: no *_desc-preproc_bold run in %s matches the filters", path, fmriprep)
	}
	return bolds, nil
}

// options are the extraction options of painmark extract these study options give.
func (e Extract) options() extract.RunOptions {
	o := extract.RunOptions{Atlas: e.Atlas, AtlasTable: e.AtlasTable, Strategy: extract.Strategy(e.Strategy), Missing: extract.MissingPolicy(e.Missing),
		Confounds: e.Confounds, Detrend: e.Detrend, Standardize: signal.Standardization(e.Standardize), Filter: signal.Filter(e.Filter),
		HighPass: e.HighPass, LowPass: e.LowPass, TR: e.TR, Nilearn: e.Nilearn, Corticospinal: atlas.DefaultCorticospinalOptions()}
	o.Corticospinal.PAM50, o.Corticospinal.PAG, o.Corticospinal.RVM, o.Corticospinal.GreyMatter = e.PAM50, e.PAG, e.RVM, e.GMMask
	return o
}

// buildExtract extracts one run's ROI time series (timeseries.tsv with its JSON sidecar), as
// painmark extract does.
func buildExtract(o extractOptions, dir string) error {
	spec, err := o.Extract.options().Spec()
	if err != nil {
		return err
	}
	j := extract.Job{Image: o.Bold, Cord: o.Cord, Confounds: o.ConfoundsFile, Sidecar: o.Sidecar}
	res, err := extract.ExtractRun(j.Spec(spec))
	if err != nil {
		return fmt.Errorf("%s: %w", o.Bold, err)
	}
	if l, ok := o.Labels[res.Sidecar.ConfoundsFile]; ok {
		res.Sidecar.ConfoundsFile = l
	}
	sources := map[string]string{}
	for k, v := range res.Sidecar.Sources {
		if l, ok := o.Labels[v]; ok {
			v = l
		}
		sources[k] = v
	}
	res.Sidecar.Sources = sources
	return res.Write(filepath.Join(dir, "timeseries.tsv"))
}

// buildTargets plans one run's targets (targets.tsv) with target.Plan, as painmark target with
// templates does: the library's defaults, unknown network names refused.
func buildTargets(o targetOptions, dir string) error {
	res, err := o.TargetRecipe.plan(o.Bold, o.Mask)
	if err != nil {
		return err
	}
	return target.WriteTable(filepath.Join(dir, "targets.tsv"), res.Targets)
}

// plan plans one run's targets (bold, with its brain mask or "") with target.Plan under the
// recipe's options and the library's defaults otherwise.
func (tr TargetRecipe) plan(bold, mask string) (*target.PlanResult, error) {
	d, err := target.FromNIfTI(bold, mask)
	if err != nil {
		return nil, err
	}
	po := target.DefaultPlanOptions()
	po.Templates, po.Names, po.Network, po.Avoid, po.AvoidMargin = tr.Templates, tr.Names, tr.Network, tr.Avoid, tr.AvoidMargin
	po.SearchSpace, po.MinScore, po.MinSize, po.MaxTargets = tr.SearchSpace, tr.MinScore, tr.MinSize, tr.MaxTargets
	res, err := target.Plan(d, po)
	if err != nil {
		return nil, fmt.Errorf("[target] %s: %w", bold, err)
	}
	return res, nil
}

// tagFiles are the files whose content a features unit's key includes: the region tags table.
func (s *Study) tagFiles() []string {
	if s.Connectivity.RegionTags == "" {
		return nil
	}
	return []string{s.Connectivity.RegionTags}
}

// options are the connectome options of painmark connectome these study options give.
func (c Connectivity) options() features.ConnectomeOptions {
	return features.ConnectomeOptions{Measure: connectome.Measure{Kind: connectome.Kind(c.Kind), Estimator: connectome.Estimator(c.Estimator), Scaling: connectome.SeriesScaling(c.Scaling)},
		DiscardDiagonal: !c.KeepDiagonal, FisherZ: c.FisherZ}
}

// buildConnectivity writes one run's connectivity vector (vector.bin, float64 little-endian) and
// its regions (regions.txt); with combine = "concat", one person's over its runs' series
// concatenated (features.ConcatSeries).
func buildConnectivity(c Connectivity, paths []string, dir string) error {
	s, err := features.ReadSeries(paths, c.Drop, features.FileNames)
	if err != nil {
		return err
	}
	if c.Combine == features.CombineConcat {
		s.Data = []signal.Matrix{features.ConcatSeries(s.Data)}
	}
	o := c.options()
	res, err := connectome.Cohort(s.Data, connectome.CohortOptions{Measure: o.Measure, DiscardDiagonal: o.DiscardDiagonal, FisherZ: o.FisherZ, FeaturesOnly: true})
	if err != nil {
		return fmt.Errorf("%s: %w", paths[0], err)
	}
	v := res.Features[0]
	b := make([]byte, 8*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(x))
	}
	if err := os.WriteFile(filepath.Join(dir, "vector.bin"), b, 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "regions.txt"), []byte(strings.Join(s.RegionNames(), "\n")+"\n"), 0o644)
}

// featuresOptions are a features unit's options: its runs (rows), in order, with their input
// files, and the connectivity recipe recorded in the table's definition.
type featuresOptions struct {
	Runs         []string     `json:"runs"`
	Inputs       []string     `json:"inputs"`
	Connectivity Connectivity `json:"connectivity"`
}

// buildFeatures assembles the cohort table from the runs' vectors: features.tsv and .npy (runs x
// edges), edges.tsv and the connectome.json definition, as painmark connectome writes them.
func buildFeatures(o featuresOptions, deps []string, dir string) error {
	var regions []string
	vectors := make([][]float64, len(deps))
	for k, d := range deps {
		r, err := os.ReadFile(filepath.Join(d, "regions.txt"))
		if err != nil {
			return err
		}
		rn := strings.Split(strings.TrimSpace(string(r)), "\n")
		if regions == nil {
			regions = rn
		} else if strings.Join(rn, "\t") != strings.Join(regions, "\t") {
			return fmt.Errorf("run %s has other regions than run %s: all runs need the same regions in the same order", o.Runs[k], o.Runs[0])
		}
		b, err := os.ReadFile(filepath.Join(d, "vector.bin"))
		if err != nil {
			return err
		}
		v := make([]float64, len(b)/8)
		for i := range v {
			v[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
		}
		vectors[k] = v
	}
	rs := make([]features.Region, len(regions))
	for i, r := range regions {
		rs[i].Name = r
	}
	if tp := o.Connectivity.RegionTags; tp != "" {
		tags, err := features.ReadRegionTags(tp)
		if err != nil {
			return err
		}
		if err := features.SetSystems(rs, tags, tp); err != nil {
			return err
		}
	}
	def := o.Connectivity.options().Definition(rs, features.Provenance{SoftwareVersion: version.String(), Inputs: o.Inputs})
	rowNames := o.Runs
	if c := o.Connectivity.Combine; c != "" {
		// One row per person (features.PersonRows' order): concat units are already per person;
		// the mean averages the person's run vectors as painmark connectome --combine mean does.
		rows, members, err := features.PersonRows(o.Runs)
		if err != nil {
			return err
		}
		rowNames, def.Combine, def.Rows, def.Provenance.Inputs = make([]string, len(rows)), c, rows, nil
		combined := make([][]float64, len(rows))
		for k, idx := range members {
			rowNames[k] = rows[k].Participant
			for _, i := range idx {
				def.Provenance.Inputs = append(def.Provenance.Inputs, o.Inputs[i])
			}
			if c == features.CombineConcat {
				combined[k] = vectors[k]
				continue
			}
			vs := make([][]float64, len(idx))
			for j, i := range idx {
				vs[j] = vectors[i]
			}
			combined[k] = features.MeanVectors(def.Measure, def.DiscardDiagonal, vs)
		}
		vectors = combined
	}
	t, err := features.FromVectors(rowNames, vectors, def)
	if err != nil {
		return err
	}
	return t.Write(dir)
}

// modelData reads the cohort table of a features unit and the target joined on its run names.
func modelData(target, dir string) (*features.Table, learn.Matrix, []float64, error) {
	t, y, err := features.Load(dir, features.LoadOptions{Target: target})
	if err != nil {
		return nil, learn.Matrix{}, nil, err
	}
	return t, learn.Matrix{Rows: t.NumSubjects(), Cols: t.NumFeatures(), Data: t.Data}, y, nil
}

func (m Model) pipeline(c learn.Candidate) learn.Pipeline {
	return learn.Pipeline{Scaler: m.Scaler, K: c.K, Model: learn.ElasticNet{Alpha: c.Alpha, L1Ratio: c.L1Ratio, MaxIter: m.MaxIter, Tol: m.Tol}}
}

// chosen is the hyperparameter candidate the model uses: the grid search's choice (deps[1]'s
// chosen.json) or the single candidate of the grid.
func chosen(m Model, search bool, deps []string) (learn.Candidate, error) {
	if !search {
		return m.grid().Candidates()[0], nil
	}
	b, err := os.ReadFile(filepath.Join(deps[1], "chosen.json"))
	if err != nil {
		return learn.Candidate{}, err
	}
	var out SearchChoice
	err = json.Unmarshal(b, &out)
	return out.Best, err
}

// buildSearch runs the leave-one-out grid search (path solver) and writes chosen.json.
func buildSearch(m Model, features, dir string) error {
	_, x, y, err := modelData(m.Target, features)
	if err != nil {
		return err
	}
	base := m.pipeline(m.grid().Candidates()[0])
	res, err := learn.Search(learn.SolverPath, base, m.grid(), learn.Scoring(m.Scoring), x, y, learn.LeaveOneOutSplits(x.Rows))
	if err != nil {
		return err
	}
	b, err := json.Marshal(SearchChoice{Best: res.Candidates[res.Best], Candidates: res.Candidates, MeanScore: res.MeanScore, Scoring: m.Scoring})
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "chosen.json"), b, 0o644)
}

// buildValidate fits the model on the whole training cohort and predicts the validation cohort:
// validation.json with the predictions and r, MAE, R² against the validation target.
func buildValidate(m Model, c learn.Candidate, v Validation, train, val, dir string) error {
	t, x, y, err := modelData(m.Target, train)
	if err != nil {
		return err
	}
	fit, err := m.pipeline(c).Fit(x, y)
	if err != nil {
		return err
	}
	vt, vx, vy, err := modelData(v.Target, val)
	if err != nil {
		return err
	}
	ids := vt.Subjects
	if t.Definition != nil && vt.Definition != nil {
		if err := vt.Definition.CompareVectors(t.Definition, "validation cohort "+v.Name, "the training cohort"); err != nil {
			return err
		}
	}
	if vx.Cols != x.Cols {
		return fmt.Errorf("validation cohort %s has %d features per run, the training cohort %d: the same regions are needed", v.Name, vx.Cols, x.Cols)
	}
	pred := fit.Predict(vx)
	b, err := json.MarshalIndent(ValidationResult{Cohort: v.Name, Target: v.Target, Hyperparameters: c, Subjects: ids, Predictions: pred, Metrics: learn.PooledMetrics(pred, vy)}, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "validation.json"), append(b, '\n'), 0o644)
}

// buildShard computes the null metrics of permutations First+1 .. First+N (null.json).
func buildShard(o shardOptions, c learn.Candidate, features, dir string) error {
	_, x, y, err := modelData(o.Target, features)
	if err != nil {
		return err
	}
	po := learn.DefaultPermutationOptions() // painmark learn permute's mode and p-value convention
	po.N, po.Seed, po.First = o.N, o.Seed, o.First
	res, err := learn.PermutationTest(o.Model.pipeline(c), x, y, po)
	if err != nil {
		return err
	}
	b, err := json.Marshal(res.Null)
	if err != nil {
		return err
	}
	if o.First == 0 { // the first shard also keeps the observed predictions, computed alongside
		ob, err := json.Marshal(observedPredictions{Observed: res.Observed, Predictions: res.Predictions})
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, "observed.json"), ob, 0o644); err != nil {
			return err
		}
	}
	return os.WriteFile(filepath.Join(dir, "null.json"), b, 0o644)
}

// SearchChoice is a study's grid search (chosen.json in the search unit): the best candidate by
// leave-one-out, every candidate and its mean score.
type SearchChoice struct {
	Best       learn.Candidate   `json:"best"`
	Candidates []learn.Candidate `json:"candidates"`
	MeanScore  []float64         `json:"mean_score"`
	Scoring    string            `json:"scoring"`
}

// ValidationResult is a [[validation]] cohort's outcome (validation/<name>.json): the model fitted
// on the whole training cohort predicts each run of the cohort; metrics against its target.
type ValidationResult struct {
	Cohort          string          `json:"cohort"`
	Hyperparameters learn.Candidate `json:"hyperparameters"`
	Metrics         learn.Metrics   `json:"metrics"`
	Predictions     []float64       `json:"predictions"`
	Subjects        []string        `json:"subjects"`
	Target          string          `json:"target"`
}

// ModelResult is a study's [model] outcome (model.json): the leave-one-out predictions and
// metrics, and, with permutations, the merged null and the permutation p-values.
type ModelResult struct {
	Hyperparameters learn.Candidate `json:"hyperparameters"`
	Null            []learn.Metrics `json:"null,omitempty"`
	Observed        learn.Metrics   `json:"observed"`
	P               *learn.Metrics  `json:"p,omitempty"`
	Permutations    int             `json:"permutations"`
	Pipeline        Model           `json:"pipeline"`
	Predictions     []float64       `json:"predictions"`
	Subjects        []string        `json:"subjects"`
	Target          string          `json:"target"`
}

// observedPredictions are the first permutation shard's observed predictions and metrics
// (observed.json).
type observedPredictions struct {
	Observed    learn.Metrics `json:"observed"`
	Predictions []float64     `json:"predictions"`
}

// buildModel writes model.json: the leave-one-out predictions and metrics, and the permutation
// p-values of the merged shards (scikit-learn's (C + 1)/(n + 1)).
func buildModel(m Model, c learn.Candidate, features string, shards []string, dir string) error {
	t, x, y, err := modelData(m.Target, features)
	if err != nil {
		return err
	}
	// The observed predictions: as the permutation test computes them (its first shard), so that
	// the p-values are those of one run; without permutations, leave-one-out itself.
	var pred []float64
	var obs learn.Metrics
	if len(shards) > 0 {
		b, err := os.ReadFile(filepath.Join(shards[0], "observed.json"))
		if err != nil {
			return err
		}
		var o observedPredictions
		if err := json.Unmarshal(b, &o); err != nil {
			return err
		}
		pred, obs = o.Predictions, o.Observed
	} else {
		if pred, err = learn.LeaveOneOut(m.pipeline(c), x, y); err != nil {
			return err
		}
		obs = learn.PooledMetrics(pred, y)
	}
	var null []learn.Metrics
	for _, s := range shards {
		b, err := os.ReadFile(filepath.Join(s, "null.json"))
		if err != nil {
			return err
		}
		var part []learn.Metrics
		if err := json.Unmarshal(b, &part); err != nil {
			return err
		}
		null = append(null, part...)
	}
	out := ModelResult{Target: m.Target, Pipeline: m, Hyperparameters: c, Subjects: t.Subjects, Predictions: pred, Observed: obs, Permutations: len(null)}
	if len(null) > 0 {
		p, err := learn.MetricsP(obs, null, learn.DefaultPermutationOptions().Convention)
		if err != nil {
			return err
		}
		out.P, out.Null = &p, null
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "model.json"), append(b, '\n'), 0o644)
}

// studyRecord is study.json: the study, its connectivity recipe and the plan's units with their
// cache keys.
type studyRecord struct {
	Connectivity Connectivity `json:"connectivity"`
	File         string       `json:"file"`
	Study        string       `json:"study"`
	Units        []unitRecord `json:"units"`
	Version      string       `json:"version"`
}

type unitRecord struct {
	Key  string `json:"key"`
	Name string `json:"name"`
	Step string `json:"step"`
}

// Publish copies the cohort table from the cache to the output folder (each file atomically) and
// writes study.json (the plan's units and keys).
func (s *Study) Publish(p *study.Plan) error {
	// publish copies a built unit's file to its place in the output folder, atomically.
	publish := func(u study.Unit, file string, to ...string) error {
		if !p.Done(u) {
			return fmt.Errorf("%s %s is not built", u.Step, u.Name)
		}
		b, err := os.ReadFile(filepath.Join(p.Dir(u), file))
		if err != nil {
			return err
		}
		dst := filepath.Join(append([]string{s.Output}, to...)...)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		return atomicfile.WriteFile(dst, b)
	}
	for _, u := range p.Units {
		var err error
		switch {
		case u.Step == "targets":
			err = publish(u, "targets.tsv", "targets", u.Name+"_targets.tsv")
		case u.Step == "extract" && strings.Contains(u.Name, "/"): // a [[cohort]]'s run: published with its cohort
		case u.Step == "extract": // the run's ROI series and sidecar: OUTPUT/extract/<run>_timeseries.tsv
			var files []string
			if files, err = filesUnder(p.Dir(u)); err == nil {
				for _, f := range files {
					if err = publish(u, filepath.Base(f), "extract", u.Name+"_"+filepath.Base(f)); err != nil {
						break
					}
				}
			}
		case u.Step == "validate":
			err = publish(u, "validation.json", "validation", u.Name+".json")
		case u.Step == "model":
			err = publish(u, "model.json", "model.json")
			for _, f := range modelFiles[1:] {
				if err == nil {
					err = publish(u, f, "model", f)
				}
			}
		case isStep(u.Step), u.Step == "cohort": // OUTPUT/NAME/: a step's result files, a [[cohort]]'s table and series
			err = s.publishStep(p, u)
		case u.Step == "features" && u.Name == "cohort":
			for _, f := range []string{features.TSVName, features.NPYName, features.EdgesName, features.SidecarName} {
				if err = publish(u, f, f); err != nil {
					break
				}
			}
		}
		if err != nil {
			return err
		}
	}
	rec := studyRecord{Connectivity: s.Connectivity, File: s.Path, Study: s.Name, Units: make([]unitRecord, len(p.Units)), Version: p.Version}
	for i, u := range p.Units {
		rec.Units[i] = unitRecord{Key: u.Key, Name: u.Name, Step: u.Step}
	}
	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return err
	}
	// The output folder is a derivative dataset of the study's inputs.
	if err := study.WriteDerivativeDescription(s.Output, report.CommandLine([]string{"painmark", "run", s.Path})); err != nil {
		return err
	}
	return atomicfile.WriteFile(filepath.Join(s.Output, "study.json"), append(b, '\n'))
}
