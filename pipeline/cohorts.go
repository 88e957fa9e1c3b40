package pipeline

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/BurntSushi/toml"
	"github.com/painmark/painmark/atlas"
	"github.com/painmark/painmark/extract"
	"github.com/painmark/painmark/features"
	"github.com/painmark/painmark/signature"
	"github.com/painmark/painmark/study"
)

// Cohort is a named cohort of the study ([[cohort]], repeatable): its own runs (an fMRIPrep folder
// whose runs are extracted, or ROI time-series tables) through its own extraction and connectivity
// recipe to its feature table, published under OUTPUT/NAME/ (features.tsv, .npy, edges.tsv,
// connectome.json and the extracted series extract/RUN_timeseries.tsv), as painmark extract then
// painmark connectome write them. Steps name its table @NAME and its series @NAME/extract, so a
// study validates, ablates and compares on every cohort's tables from the images (the CSps study's
// training, retest, independent, clinical and rTMS cohorts).
type Cohort struct {
	// Name names the cohort: its output folder OUTPUT/NAME and how steps name its table (@NAME).
	Name string `toml:"name"`
	// Source are the cohort's runs: fmriprep (extracted with the study's [extract] and the cohort's
	// extract keys) or timeseries, with the entity filters and ids as in [inputs].
	Source
	// Blocks writes the ablation model M3's block table instead of the connectivity table (brain
	// and spinal regions' matrices computed separately, as painmark connectome --blocks; needs
	// region_tags): an ablation's M3 signature validates on it.
	Blocks bool `toml:"blocks"`
	// ExtractKeys are the cohort's [cohort.extract] keys (those of [extract]), set over the study's
	// [extract]; ConnectivityKeys its [cohort.connectivity] keys over the study's [connectivity]
	// (e.g. drop = [...] for a brain-only or a cord-only table).
	ExtractKeys      toml.Primitive `toml:"extract"`
	ConnectivityKeys toml.Primitive `toml:"connectivity"`
	// Extract and Connectivity are the cohort's recipe: the study's sections with its keys set.
	Extract      Extract      `toml:"-"`
	Connectivity Connectivity `toml:"-"`
}

// decodeCohorts sets each cohort's recipe: the study's [extract] and [connectivity] as written,
// with the cohort's own keys decoded over them (before the defaults are filled in).
func (s *Study) decodeCohorts(md toml.MetaData) error {
	for i := range s.Cohorts {
		c := &s.Cohorts[i]
		c.Extract, c.Connectivity = s.Extract, s.Connectivity
		c.Connectivity.Drop = append([]string(nil), s.Connectivity.Drop...)
		if md.IsDefined("cohort") {
			if err := md.PrimitiveDecode(c.ExtractKeys, &c.Extract); err != nil {
				return fmt.Errorf("[[cohort]] %d: extract: %w", i+1, err)
			}
			if err := md.PrimitiveDecode(c.ConnectivityKeys, &c.Connectivity); err != nil {
				return fmt.Errorf("[[cohort]] %d: connectivity: %w", i+1, err)
			}
		}
	}
	return nil
}

// checkCohorts completes and checks the cohorts: unique names, one source each, the library's
// defaults for the recipe's keys left out, paths relative to the study file.
func (s *Study) checkCohorts(abs func(string) string) error {
	seen := map[string]bool{}
	for i := range s.Cohorts {
		c := &s.Cohorts[i]
		if c.Name == "" || seen[c.Name] || !filepath.IsLocal(c.Name) || filepath.Base(c.Name) != c.Name || c.Name[0] == '.' || reservedNames[c.Name] {
			return fmt.Errorf("%s: [[cohort]] %d: name = %q: a unique folder name that is not one of the study's own outputs (cohort, model, validation, targets, study, roi, extract)", s.Path, i+1, c.Name)
		}
		seen[c.Name] = true
		if (c.Fmriprep == "") == (c.Timeseries == "") {
			return fmt.Errorf("%s: [[cohort]] %s: give one of fmriprep (a derivatives folder) or timeseries (ROI time-series tables)", s.Path, c.Name)
		}
		c.Fmriprep, c.Timeseries = abs(c.Fmriprep), abs(c.Timeseries)
		if err := choose(s.Path, "[[cohort]] "+c.Name+" ids", &c.IDs, features.BIDSNames, features.FileNames); err != nil {
			return err
		}
		if c.Fmriprep != "" {
			if err := completeExtract(&c.Extract, abs); err != nil {
				return fmt.Errorf("%s: [[cohort]] %s: extract: %w", s.Path, c.Name, err)
			}
		} else if c.Extract != s.Extract {
			return fmt.Errorf("%s: [[cohort]] %s: extract keys apply to fmriprep inputs; this cohort's are time series", s.Path, c.Name)
		}
		if err := completeConnectivity(&c.Connectivity, c.IDs, abs, true); err != nil {
			return fmt.Errorf("%s: [[cohort]] %s: connectivity: %w", s.Path, c.Name, err)
		}
		if c.Blocks && c.Connectivity.RegionTags == "" {
			return fmt.Errorf("%s: [[cohort]] %s: blocks = true needs connectivity region_tags (the regions' systems)", s.Path, c.Name)
		}
	}
	return nil
}

// cohortNames is the set of the study's cohort names.
func (s *Study) cohortNames() map[string]bool {
	out := map[string]bool{}
	for _, c := range s.Cohorts {
		out[c.Name] = true
	}
	return out
}

// cohortOptions are a cohort unit's options: how its table is computed and what its series are.
type cohortOptions struct {
	Connectivity Connectivity `json:"connectivity"`
	IDs          string       `json:"ids"`
	Blocks       bool         `json:"blocks,omitempty"`
	// Runs name the extract units (the unit's dependencies, in order): their series are copied to
	// extract/RUN_timeseries.tsv. Files are instead a time-series cohort's tables.
	Runs  []string `json:"runs,omitempty"`
	Files []string `json:"files,omitempty"`
	// Labels name the series in the table's provenance as a person reads them (relative to the
	// study file's folder), in the order of Files or of the published extract/ files.
	Labels []string `json:"labels"`
}

// planCohorts adds each cohort's units to the plan: an extract unit per fMRIPrep run (shared with
// any unit of the same key already planned) and the cohort unit that writes its table. It returns
// the cohort units' indices by name.
func (s *Study) planCohorts(p *study.Plan, version string, hashes *study.FileHashes) (map[string]int, error) {
	out := map[string]int{}
	byKey := map[string]int{}
	for i, u := range p.Units {
		byKey[u.Key] = i
	}
	for _, c := range s.Cohorts {
		o := cohortOptions{Connectivity: c.Connectivity, IDs: c.IDs, Blocks: c.Blocks}
		var inputs []string
		var deps []int
		if c.Fmriprep != "" {
			bolds, err := c.bolds(s.Path)
			if err != nil {
				return nil, fmt.Errorf("[[cohort]] %s: %w", c.Name, err)
			}
			seen := map[string]string{}
			for _, b := range bolds {
				if c.Extract.Atlas == extract.CorticospinalAtlas && b.Entities["space"] == atlas.CordSpace {
					continue // the cord run of a brain run (extract.CordFor)
				}
				n := study.RunName(b.Path, c.IDs == features.BIDSNames)
				if prev, dup := seen[n]; dup {
					return nil, fmt.Errorf("%s: [[cohort]] %s: %s and %s both name run %q: give ids = \"file\"", s.Path, c.Name, prev, b.Path, n)
				}
				seen[n] = b.Path
				u, err := s.extractUnit(c.Extract, b, c.Name+"/"+n, version, hashes)
				if err != nil {
					return nil, err
				}
				k, ok := byKey[u.Key]
				if !ok {
					k, byKey[u.Key] = len(p.Units), len(p.Units)
					p.Units = append(p.Units, u)
				}
				deps, o.Runs = append(deps, k), append(o.Runs, n)
			}
			files := make([]string, len(o.Runs))
			for i, n := range o.Runs {
				files[i] = s.label(filepath.Join(s.Output, c.Name, "extract", n+"_timeseries.tsv"))
			}
			o.Labels = files
		} else {
			files, err := timeSeriesFiles(s.Path, c.Timeseries)
			if err != nil {
				return nil, err
			}
			o.Files, inputs = files, files
			for _, f := range files {
				o.Labels = append(o.Labels, s.label(f))
			}
		}
		if t := c.Connectivity.RegionTags; t != "" {
			inputs = append(inputs, t)
		}
		u, err := study.NewUnit("cohort", c.Name, o, version, inputs, hashes, deps, p.Units)
		if err != nil {
			return nil, err
		}
		out[c.Name] = len(p.Units)
		p.Units = append(p.Units, u)
	}
	return out, nil
}

// buildCohort writes a cohort's table into dir as painmark connectome does on its series (with
// --no-matrices; with blocks, as --blocks does), and a fMRIPrep cohort's series (the extract
// units', deps) into dir/extract as RUN_timeseries.tsv and .json.
func buildCohort(o cohortOptions, deps []string, dir string) error {
	files := o.Files
	if len(o.Runs) > 0 {
		if len(deps) != len(o.Runs) {
			return fmt.Errorf("%d runs but %d extract units", len(o.Runs), len(deps))
		}
		ext := filepath.Join(dir, "extract")
		if err := os.MkdirAll(ext, 0o755); err != nil {
			return err
		}
		files = nil
		for i, d := range deps {
			fs, err := filesUnder(d)
			if err != nil {
				return err
			}
			for _, f := range fs {
				b, err := os.ReadFile(f)
				if err != nil {
					return err
				}
				dst := filepath.Join(ext, o.Runs[i]+"_"+filepath.Base(f))
				if err := os.WriteFile(dst, b, 0o644); err != nil {
					return err
				}
			}
			files = append(files, filepath.Join(ext, o.Runs[i]+"_timeseries.tsv"))
		}
	}
	c := o.Connectivity
	ss, err := features.ReadSeries(files, c.Drop, o.IDs)
	if err != nil {
		return err
	}
	if len(o.Labels) == len(ss.Files) {
		ss.Files = o.Labels // the provenance names the series as the study publishes them
	}
	if err := ss.TagRegions(c.RegionTags); err != nil {
		return err
	}
	co := c.options()
	if o.Blocks {
		t, err := signature.BlockTable(ss, co.Measure)
		if err != nil {
			return err
		}
		return t.Write(dir)
	}
	co.Combine = features.CombineNone
	if c.Combine != "" {
		co.Combine = c.Combine
	}
	res, err := features.Connectomes(ss, co)
	if err != nil {
		return err
	}
	return res.WriteFiles(dir)
}
