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
	"github.com/painmark/painmark/connectome"
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
		// IDs: "bids" (sub-/ses-/task-/run- entities) or "file".
		IDs string `toml:"ids"`
	} `toml:"inputs"`
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
		return nil, fmt.Errorf("%s: unknown key %s (keys: name, output, [inputs] timeseries/ids, [connectivity] kind/estimator/scaling/fisher_z/keep_diagonal/drop, [executor] type/partition/time/mem/cpus/retries)", path, strings.Join(keys, ", "))
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
	if s.Inputs.Timeseries == "" {
		return nil, fmt.Errorf("%s: [inputs] timeseries is required (a folder of *_timeseries.tsv or a glob)", path)
	}
	s.Inputs.Timeseries = abs(s.Inputs.Timeseries)
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
	files, err := s.InputFiles()
	if err != nil {
		return nil, err
	}
	cache := filepath.Join(s.Output, ".cache")
	hashes := study.LoadFileHashes(cache)
	p := &study.Plan{Study: s.Path, Version: version, Cache: cache}
	names := make([]string, len(files))
	seen := map[string]string{}
	var deps []int
	for i, f := range files {
		names[i] = study.RunName(f, s.Inputs.IDs == "bids")
		if prev, dup := seen[names[i]]; dup {
			return nil, fmt.Errorf("%s: %s and %s both name run %q: give ids = \"file\"", s.Path, prev, f, names[i])
		}
		seen[names[i]] = f
		u, err := study.NewUnit("connectivity", names[i], s.Connectivity, version, []string{f}, hashes, nil, nil)
		if err != nil {
			return nil, err
		}
		deps = append(deps, len(p.Units))
		p.Units = append(p.Units, u)
	}
	u, err := study.NewUnit("features", "cohort", map[string]any{"runs": names, "keep_diagonal": s.Connectivity.KeepDiagonal}, version, nil, hashes, deps, p.Units)
	if err != nil {
		return nil, err
	}
	p.Units = append(p.Units, u)
	return p, hashes.Save()
}

// Build builds one unit of a cohort plan (the study.Builder of every executor).
func Build(u study.Unit, dir string, deps []string) error {
	switch u.Step {
	case "connectivity":
		var c Connectivity
		if err := json.Unmarshal(u.Options, &c); err != nil {
			return err
		}
		return buildConnectivity(c, u.Inputs[0], dir)
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
