// Package pipeline runs a whole analysis declared in a study file (TOML): its inputs, its steps'
// options and its executor, as a plan of cached units (package study) built locally or on a Slurm
// cluster with the same bytes as the result. The cohort recipe goes from ROI time series to the
// cohort feature table (one connectivity vector per run, nilearn's vector order), the table
// painmark learn and the signature workflows read.
package pipeline

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/painmark/painmark/atlas"
	"github.com/painmark/painmark/confounds"
	"github.com/painmark/painmark/connectome"
	"github.com/painmark/painmark/extract"
	"github.com/painmark/painmark/internal/atomicfile"
	"github.com/painmark/painmark/npy"
	"github.com/painmark/painmark/signal"
	"github.com/painmark/painmark/study"
	"github.com/painmark/painmark/table"
)

// Connectivity are the options of the per-run connectivity step (as painmark connectome's flags).
type Connectivity struct {
	Kind         string   `toml:"kind" json:"kind"`
	Estimator    string   `toml:"estimator" json:"estimator"`
	Scaling      string   `toml:"scaling" json:"scaling"`
	FisherZ      bool     `toml:"fisher_z" json:"fisher_z"`
	KeepDiagonal bool     `toml:"keep_diagonal" json:"keep_diagonal"`
	Drop         []string `toml:"drop" json:"drop"`
}

// Extract are the options of the per-run extraction from fMRIPrep outputs (as painmark extract's
// flags).
type Extract struct {
	Atlas       string  `toml:"atlas" json:"atlas"`             // built-in name or label image
	AtlasTable  string  `toml:"atlas_table" json:"atlas_table"` // region table of a label image
	Strategy    string  `toml:"strategy" json:"strategy"`
	Confounds   string  `toml:"confounds" json:"confounds"` // none, simple, scrubbing, compcor, ica_aroma
	Detrend     bool    `toml:"detrend" json:"detrend"`
	Standardize string  `toml:"standardize" json:"standardize"`
	Filter      string  `toml:"filter" json:"filter"`
	HighPass    float64 `toml:"high_pass" json:"high_pass"`
	LowPass     float64 `toml:"low_pass" json:"low_pass"`
	TR          float64 `toml:"tr" json:"tr"`
}

// Executor says where the units are built.
type Executor struct {
	Type      string `toml:"type"` // local or slurm
	Partition string `toml:"partition"`
	Time      string `toml:"time"`
	Mem       string `toml:"mem"`
	CPUs      int    `toml:"cpus"`
	Retries   int    `toml:"retries"`
}

// Study is a parsed, validated study file.
type Study struct {
	Path   string
	Name   string `toml:"name"`
	Output string `toml:"output"`
	Inputs struct {
		// Timeseries is a folder (searched for *_timeseries.tsv) or a glob of ROI time-series tables.
		Timeseries string `toml:"timeseries"`
		// Fmriprep is an fMRIPrep derivatives folder: its *_desc-preproc_bold runs that pass the
		// entity filters are extracted first ([extract]).
		Fmriprep string   `toml:"fmriprep"`
		Subjects []string `toml:"subjects"`
		Sessions []string `toml:"sessions"`
		Tasks    []string `toml:"tasks"`
		Runs     []string `toml:"runs"`
		Spaces   []string `toml:"spaces"`
		// IDs: "bids" (sub-/ses-/task-/run- entities) or "file".
		IDs string `toml:"ids"`
	} `toml:"inputs"`
	Extract      Extract      `toml:"extract"`
	Connectivity Connectivity `toml:"connectivity"`
	Executor     Executor     `toml:"executor"`
}

// Load reads and validates a study file: unknown keys, missing inputs and invalid options are
// errors naming the file and the key.
func Load(path string) (*Study, error) {
	s := &Study{Path: path}
	md, err := toml.DecodeFile(path, s)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		keys := make([]string, len(und))
		for i, k := range und {
			keys[i] = k.String()
		}
		return nil, fmt.Errorf("%s: unknown key %s (keys: name, output, [inputs] timeseries or fmriprep/subjects/sessions/tasks/runs/spaces, ids, [extract] atlas/atlas_table/strategy/confounds/detrend/standardize/filter/high_pass/low_pass/tr, [connectivity] kind/estimator/scaling/fisher_z/keep_diagonal/drop, [executor] type/partition/time/mem/cpus/retries)", path, strings.Join(keys, ", "))
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
	if (s.Inputs.Timeseries == "") == (s.Inputs.Fmriprep == "") {
		return nil, fmt.Errorf("%s: [inputs] needs one of timeseries (ROI time-series tables) or fmriprep (a derivatives folder)", path)
	}
	s.Inputs.Timeseries, s.Inputs.Fmriprep = abs(s.Inputs.Timeseries), abs(s.Inputs.Fmriprep)
	if s.Inputs.Fmriprep != "" {
		e := &s.Extract
		if e.Atlas == "" {
			e.Atlas = "mist122"
		}
		if _, err := atlas.Builtin(e.Atlas); err != nil { // a label image: relative to the study file
			e.Atlas = abs(e.Atlas)
		}
		e.AtlasTable = abs(e.AtlasTable)
		if e.Strategy == "" {
			e.Strategy = "mean"
		}
		if e.Confounds == "" {
			e.Confounds = "none"
		}
		if e.Confounds != "none" {
			if _, err := confounds.Preset(e.Confounds); err != nil {
				return nil, fmt.Errorf("%s: [extract] confounds = %q: %w", path, e.Confounds, err)
			}
		}
		if e.Standardize == "" {
			e.Standardize = "none"
		}
		if e.Filter == "" {
			e.Filter = "butterworth"
		}
		if e.HighPass < 0 || e.LowPass < 0 || e.TR < 0 {
			return nil, fmt.Errorf("%s: [extract] high_pass, low_pass and tr cannot be negative", path)
		}
	} else if s.Extract != (Extract{}) {
		return nil, fmt.Errorf("%s: [extract] applies to fmriprep inputs; these inputs are time series", path)
	}
	switch s.Inputs.IDs {
	case "":
		s.Inputs.IDs = "bids"
	case "bids", "file":
	default:
		return nil, fmt.Errorf("%s: [inputs] ids = %q: bids or file", path, s.Inputs.IDs)
	}
	c := &s.Connectivity
	if c.Kind == "" {
		c.Kind = string(connectome.PartialCorrelation)
	}
	if c.Estimator == "" {
		c.Estimator = string(connectome.LedoitWolfEstimator)
	}
	if c.Scaling == "" {
		c.Scaling = "nilearn"
	}
	switch connectome.Kind(c.Kind) {
	case connectome.Covariance, connectome.Correlation, connectome.PartialCorrelation, connectome.Precision:
	case connectome.Tangent:
		return nil, fmt.Errorf("%s: [connectivity] kind = \"tangent\" needs the whole cohort's reference; a study computes per-run kinds (use painmark connectome for tangent)", path)
	default:
		return nil, fmt.Errorf("%s: [connectivity] kind = %q: covariance, correlation, partial correlation or precision", path, c.Kind)
	}
	switch connectome.Estimator(c.Estimator) {
	case connectome.LedoitWolfEstimator, connectome.EmpiricalEstimator:
	default:
		return nil, fmt.Errorf("%s: [connectivity] estimator = %q: ledoit_wolf or empirical", path, c.Estimator)
	}
	switch c.Scaling {
	case "nilearn", "zscore", "none":
	default:
		return nil, fmt.Errorf("%s: [connectivity] scaling = %q: nilearn, zscore or none", path, c.Scaling)
	}
	if c.FisherZ && c.KeepDiagonal {
		return nil, fmt.Errorf("%s: [connectivity] fisher_z with keep_diagonal: atanh(1) is infinite", path)
	}
	switch s.Executor.Type {
	case "":
		s.Executor.Type = "local"
	case "local", "slurm":
	default:
		return nil, fmt.Errorf("%s: [executor] type = %q: local or slurm", path, s.Executor.Type)
	}
	if s.Executor.Retries < 0 || s.Executor.CPUs < 0 {
		return nil, fmt.Errorf("%s: [executor] retries and cpus cannot be negative", path)
	}
	return s, nil
}

// InputFiles lists the study's time-series files, sorted.
func (s *Study) InputFiles() ([]string, error) {
	var files []string
	if st, err := os.Stat(s.Inputs.Timeseries); err == nil && st.IsDir() {
		root, err := filepath.EvalSymlinks(s.Inputs.Timeseries) // WalkDir does not enter a symlinked root
		if err != nil {
			return nil, err
		}
		err = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, "_timeseries.tsv") {
				files = append(files, p)
			}
			return err
		})
		if err != nil {
			return nil, err
		}
	} else {
		m, err := filepath.Glob(s.Inputs.Timeseries)
		if err != nil {
			return nil, fmt.Errorf("%s: [inputs] timeseries %q: %w", s.Path, s.Inputs.Timeseries, err)
		}
		files = m
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s: no time-series table in %s", s.Path, s.Inputs.Timeseries)
	}
	sort.Strings(files)
	return files, nil
}

// Plan builds the study's plan: one "connectivity" unit per run, and the "features" unit that
// assembles the cohort table from them.
func (s *Study) Plan(version string) (*study.Plan, error) {
	cache := filepath.Join(s.Output, ".cache")
	hashes := study.LoadFileHashes(cache)
	p := &study.Plan{Study: s.Path, Version: version, Cache: cache}
	var names []string
	var deps []int
	seen := map[string]string{}
	name := func(path string) (string, error) {
		n := study.RunName(path, s.Inputs.IDs == "bids")
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
		var atlasInputs []string
		if _, err := atlas.Builtin(s.Extract.Atlas); err != nil {
			atlasInputs = append(atlasInputs, s.Extract.Atlas)
			if s.Extract.AtlasTable != "" {
				atlasInputs = append(atlasInputs, s.Extract.AtlasTable)
			}
		}
		for _, b := range bolds {
			n, err := name(b.Path)
			if err != nil {
				return nil, err
			}
			inputs := append([]string{b.Path}, atlasInputs...)
			opt := extractOptions{Extract: s.Extract, Bold: b.Path}
			if s.Extract.Confounds != "none" {
				if opt.ConfoundsFile, err = study.ConfoundsFor(b); err != nil {
					return nil, fmt.Errorf("%s: %w", s.Path, err)
				}
				inputs = append(inputs, opt.ConfoundsFile)
			}
			if sc := study.Sidecar(b); sc != "" {
				opt.Sidecar = sc
				inputs = append(inputs, sc)
			}
			ex, err := study.NewUnit("extract", n, opt, version, inputs, hashes, nil, nil)
			if err != nil {
				return nil, err
			}
			p.Units = append(p.Units, ex)
			u, err := study.NewUnit("connectivity", n, s.Connectivity, version, nil, hashes, []int{len(p.Units) - 1}, p.Units)
			if err != nil {
				return nil, err
			}
			deps = append(deps, len(p.Units))
			p.Units = append(p.Units, u)
			names = append(names, n)
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
			u, err := study.NewUnit("connectivity", n, s.Connectivity, version, []string{f}, hashes, nil, nil)
			if err != nil {
				return nil, err
			}
			deps = append(deps, len(p.Units))
			p.Units = append(p.Units, u)
			names = append(names, n)
		}
	}
	u, err := study.NewUnit("features", "cohort", map[string]any{"runs": names, "keep_diagonal": s.Connectivity.KeepDiagonal}, version, nil, hashes, deps, p.Units)
	if err != nil {
		return nil, err
	}
	p.Units = append(p.Units, u)
	return p, hashes.Save()
}

// extractOptions are an extract unit's options: the study's [extract] and the run's files.
type extractOptions struct {
	Extract
	Bold          string `json:"bold"`
	ConfoundsFile string `json:"confounds_file,omitempty"`
	Sidecar       string `json:"sidecar,omitempty"`
}

// Runs lists the fMRIPrep runs of the study, and refuses a subject named in the filters that has
// none (a clear report of what is missing, per subject).
func (s *Study) Runs() ([]*study.File, error) {
	flt := study.Filter{"sub": s.Inputs.Subjects, "ses": s.Inputs.Sessions, "task": s.Inputs.Tasks, "run": s.Inputs.Runs, "space": s.Inputs.Spaces}
	bolds, err := study.FindPreprocBold(s.Inputs.Fmriprep, flt)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.Path, err)
	}
	found := map[string]bool{}
	for _, b := range bolds {
		found[b.Entities["sub"]] = true
	}
	var missing []string
	for _, sub := range s.Inputs.Subjects {
		if !found[strings.TrimPrefix(sub, "sub-")] {
			missing = append(missing, "sub-"+strings.TrimPrefix(sub, "sub-"))
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s: no *_desc-preproc_bold run matching the filters (tasks %v, sessions %v, runs %v, spaces %v) for %s in %s",
			s.Path, s.Inputs.Tasks, s.Inputs.Sessions, s.Inputs.Runs, s.Inputs.Spaces, strings.Join(missing, ", "), s.Inputs.Fmriprep)
	}
	if len(bolds) == 0 {
		return nil, fmt.Errorf("%s: no *_desc-preproc_bold run in %s matches the filters", s.Path, s.Inputs.Fmriprep)
	}
	return bolds, nil
}

// Build builds one unit of a cohort plan (the study.Builder of every executor).
func Build(u study.Unit, dir string, deps []string) error {
	switch u.Step {
	case "extract":
		var o extractOptions
		if err := json.Unmarshal(u.Options, &o); err != nil {
			return err
		}
		return buildExtract(o, dir)
	case "connectivity":
		var c Connectivity
		if err := json.Unmarshal(u.Options, &c); err != nil {
			return err
		}
		in := ""
		if len(u.Inputs) > 0 {
			in = u.Inputs[0]
		} else {
			in = filepath.Join(deps[0], "timeseries.tsv")
		}
		return buildConnectivity(c, in, dir)
	case "features":
		var o struct {
			Runs         []string `json:"runs"`
			KeepDiagonal bool     `json:"keep_diagonal"`
		}
		if err := json.Unmarshal(u.Options, &o); err != nil {
			return err
		}
		return buildFeatures(o.Runs, o.KeepDiagonal, deps, dir)
	}
	return fmt.Errorf("unknown step %q", u.Step)
}

// buildExtract extracts one run's ROI time series (timeseries.tsv with its JSON sidecar), as
// painmark extract does.
func buildExtract(o extractOptions, dir string) error {
	set, name, source, err := atlas.LoadSet(o.Atlas, o.AtlasTable)
	if err != nil {
		return err
	}
	spec := extract.RunSpec{Images: map[string]string{"data": o.Bold}, Set: set, AtlasName: name, AtlasSource: source,
		Labels: extract.LabelOptions{Strategy: extract.Strategy(o.Strategy), Missing: extract.MissingPolicy("error")}, TR: o.TR, ConfoundsPath: o.ConfoundsFile}
	if o.Confounds != "none" {
		c, err := confounds.Preset(o.Confounds)
		if err != nil {
			return err
		}
		spec.ConfoundSpec = &c
	}
	if spec.TR == 0 && o.Sidecar != "" {
		if tr, err := study.RepetitionTime(o.Sidecar); err == nil {
			spec.TR = tr
		}
	}
	if o.Detrend || o.Standardize != "none" || o.HighPass > 0 || o.LowPass > 0 || o.Filter == "cosine" {
		c := signal.DefaultCleanOptions()
		c.Detrend, c.Standardize, c.HighPass, c.LowPass, c.Filter = o.Detrend, signal.Standardization(o.Standardize), o.HighPass, o.LowPass, signal.Filter(o.Filter)
		spec.Clean = &c
	}
	res, err := extract.ExtractRun(spec)
	if err != nil {
		return fmt.Errorf("%s: %w", o.Bold, err)
	}
	return res.Write(filepath.Join(dir, "timeseries.tsv"))
}

// buildConnectivity writes one run's connectivity vector (vector.bin, float64 little-endian) and
// its regions (regions.txt).
func buildConnectivity(c Connectivity, path, dir string) error {
	tb, err := table.Read(path, nil)
	if err != nil {
		return err
	}
	var cols []int
	var regions []string
	for i, col := range tb.Columns {
		drop := false
		for _, d := range c.Drop {
			drop = drop || d == col.Name
		}
		if !drop {
			cols = append(cols, i)
			regions = append(regions, col.Name)
		}
	}
	data, err := tb.Matrix(cols, false)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	m := connectome.Measure{Kind: connectome.Kind(c.Kind), Estimator: connectome.Estimator(c.Estimator), Scaling: connectome.SeriesScaling(c.Scaling)}
	res, err := connectome.Cohort([]signal.Matrix{{Rows: tb.NumRows(), Cols: len(cols), Data: data}}, connectome.CohortOptions{Measure: m, DiscardDiagonal: !c.KeepDiagonal, FisherZ: c.FisherZ, FeaturesOnly: true})
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	v := res.Features[0]
	b := make([]byte, 8*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(x))
	}
	if err := os.WriteFile(filepath.Join(dir, "vector.bin"), b, 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "regions.txt"), []byte(strings.Join(regions, "\n")+"\n"), 0o644)
}

// buildFeatures assembles the cohort table: features.tsv and .npy (runs x edges) and edges.tsv.
func buildFeatures(runs []string, keepDiagonal bool, deps []string, dir string) error {
	var regions []string
	var flat []float64
	ne := -1
	for k, d := range deps {
		r, err := os.ReadFile(filepath.Join(d, "regions.txt"))
		if err != nil {
			return err
		}
		rn := strings.Split(strings.TrimSpace(string(r)), "\n")
		if regions == nil {
			regions = rn
		} else if strings.Join(rn, "\t") != strings.Join(regions, "\t") {
			return fmt.Errorf("run %s has other regions than run %s: all runs need the same regions in the same order", runs[k], runs[0])
		}
		b, err := os.ReadFile(filepath.Join(d, "vector.bin"))
		if err != nil {
			return err
		}
		if ne < 0 {
			ne = len(b) / 8
		}
		for i := 0; i < len(b)/8; i++ {
			flat = append(flat, math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:])))
		}
	}
	edges := connectome.Edges(len(regions), !keepDiagonal)
	if len(edges) != ne {
		return fmt.Errorf("%d edges per run for %d regions", ne, len(regions))
	}
	if err := npy.Write(filepath.Join(dir, "features.npy"), []int{len(runs), ne}, flat, "<f8"); err != nil {
		return err
	}
	cols := []*table.Column{table.TextColumn("subject", runs)}
	ei, ej, eri, erj, labels := make([]float64, ne), make([]float64, ne), make([]string, ne), make([]string, ne), make([]string, ne)
	for k, e := range edges {
		ei[k], ej[k], eri[k], erj[k] = float64(e.I), float64(e.J), regions[e.I], regions[e.J]
		labels[k] = fmt.Sprintf("e%05d", k)
		v := make([]float64, len(runs))
		for s := range runs {
			v[s] = flat[s*ne+k]
		}
		cols = append(cols, table.NumericColumn(labels[k], v))
	}
	if err := table.Write(filepath.Join(dir, "features.tsv"), &table.Table{Columns: cols}); err != nil {
		return err
	}
	return table.Write(filepath.Join(dir, "edges.tsv"), &table.Table{Columns: []*table.Column{
		table.TextColumn("feature", labels), table.NumericColumn("i", ei), table.NumericColumn("j", ej),
		table.TextColumn("region_i", eri), table.TextColumn("region_j", erj)}})
}

// Publish copies the cohort table from the cache to the output folder (each file atomically) and
// writes study.json (the plan's units and keys).
func (s *Study) Publish(p *study.Plan) error {
	last := p.Units[len(p.Units)-1]
	if !p.Done(last) {
		return fmt.Errorf("the cohort table is not built")
	}
	for _, f := range []string{"features.tsv", "features.npy", "edges.tsv"} {
		b, err := os.ReadFile(filepath.Join(p.Dir(last), f))
		if err != nil {
			return err
		}
		if err := atomicfile.WriteFile(filepath.Join(s.Output, f), b); err != nil {
			return err
		}
	}
	units := make([]map[string]string, len(p.Units))
	for i, u := range p.Units {
		units[i] = map[string]string{"step": u.Step, "name": u.Name, "key": u.Key}
	}
	b, err := json.MarshalIndent(map[string]any{"study": s.Name, "file": s.Path, "version": p.Version, "connectivity": s.Connectivity, "units": units}, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(filepath.Join(s.Output, "study.json"), append(b, '\n'))
}
