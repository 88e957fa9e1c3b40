package pipeline

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/painmark/painmark/study"
)

// builder builds one unit of a step into dir from its dependencies' folders.
type builder func(u study.Unit, dir string, deps []string) error

// steps are the study steps by name: each registers how its units are built, so the runner has no
// switch over step names.
var steps = map[string]builder{}

// register adds a step whose unit options decode into O.
func register[O any](name string, build func(o O, u study.Unit, dir string, deps []string) error) {
	if _, dup := steps[name]; dup {
		panic("pipeline: step " + name + " registered twice")
	}
	steps[name] = func(u study.Unit, dir string, deps []string) error {
		var o O
		if err := json.Unmarshal(u.Options, &o); err != nil {
			return fmt.Errorf("%s %s: options: %w", u.Step, u.Name, err)
		}
		return build(o, u, dir, deps)
	}
}

// Build builds one unit of a study plan (the study.Builder of every executor) with its step's
// registered builder.
func Build(u study.Unit, dir string, deps []string) error {
	b, ok := steps[u.Step]
	if !ok {
		k, ok := study.LookupStep(strings.TrimSuffix(u.Step, shardSuffix))
		if !ok {
			return fmt.Errorf("unknown step %q", u.Step)
		}
		return buildStep(k, u, dir, deps)
	}
	return b(u, dir, deps)
}

func init() {
	register("extract", func(o extractOptions, _ study.Unit, dir string, _ []string) error { return buildExtract(o, dir) })
	register("connectivity", func(c Connectivity, u study.Unit, dir string, deps []string) error {
		paths := u.Inputs // the run's own table (or, with combine = "concat", the person's)
		for _, d := range deps {
			paths = append(paths, filepath.Join(d, "timeseries.tsv")) // the extract units'
		}
		return buildConnectivity(c, paths, dir)
	})
	register("features", func(o featuresOptions, _ study.Unit, dir string, deps []string) error {
		return buildFeatures(o, deps, dir)
	})
	register("cohort", func(o cohortOptions, _ study.Unit, dir string, deps []string) error { return buildCohort(o, deps, dir) })
	register("targets", func(o targetOptions, _ study.Unit, dir string, _ []string) error { return buildTargets(o, dir) })
	register("search", func(m Model, _ study.Unit, dir string, deps []string) error { return buildSearch(m, deps[0], dir) })
	register("permutations", func(o shardOptions, _ study.Unit, dir string, deps []string) error {
		c, err := chosen(o.Model, o.Search, deps)
		if err != nil {
			return err
		}
		return buildShard(o, c, deps[0], dir)
	})
	register("model", func(o modelOptions, _ study.Unit, dir string, deps []string) error {
		c, err := chosen(o.Model, o.Search, deps)
		if err != nil {
			return err
		}
		shards := deps[1:] // after the features unit (and the search unit)
		if o.Search {
			shards = deps[2:]
		}
		if err := buildModel(o.Model, c, deps[0], shards, dir); err != nil {
			return err
		}
		return buildModelSignature(o.Model, deps[0], o.Cohort, dir)
	})
	register("validate", func(o validateOptions, _ study.Unit, dir string, deps []string) error {
		c, err := chosen(o.Model, o.Search, deps)
		if err != nil {
			return err
		}
		return buildValidate(o.Model, c, o.Validation, deps[0], deps[len(deps)-1], dir)
	})
}

// isStep reports whether a unit's step is a registered study step kind (not one of the cohort
// recipe's own units).
func isStep(step string) bool {
	_, ok := study.LookupStep(step)
	return ok
}
