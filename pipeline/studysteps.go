package pipeline

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/painmark/painmark/features"
	"github.com/painmark/painmark/internal/atomicfile"
	"github.com/painmark/painmark/study"
	"github.com/painmark/painmark/table"

	// The workflow packages register their study steps (study.RegisterStep) from init.
	_ "github.com/painmark/painmark/decode"
	_ "github.com/painmark/painmark/genes"
	_ "github.com/painmark/painmark/morph"
	_ "github.com/painmark/painmark/nulls"
	_ "github.com/painmark/painmark/signature"
	_ "github.com/painmark/painmark/target"
)

// Step is one analysis a study file declares as [[SECTION]] (a kind registered by the package that
// owns the workflow, study.RegisterStep): its name (the folder OUT/NAME of its result files and
// report), its inputs and its options as written.
type Step struct {
	Kind *study.StepKind
	Name string
	// Inputs are the input keys' values: absolute paths, TABLE:COLUMN with an absolute table, or
	// "@NAME" (another step's result, or @cohort: the study's cohort feature table), or
	// "@NAME/FILE" (a file of another step's output folder, e.g. @ablate/ablation-M5.signature.json).
	Inputs map[string]string
	// Values are the option keys as written; Options the options decoded onto the defaults.
	Values  map[string]any
	Options any
}

// reservedNames are output names a step cannot take (the study's own outputs).
var reservedNames = map[string]bool{"cohort": true, "model": true, "validation": true, "targets": true, "study": true, "roi": true, "extract": true}

// loadSteps reads the registered step sections of a decoded study file, in dependency order
// (a step after the steps it names; ties by section and position); cohort says whether the study
// has a cohort table (@cohort), cohorts are the names of its [[cohort]] tables (@NAME).
func loadSteps(path string, raw map[string]any, abs func(string) string, cohort bool, cohorts map[string]bool) ([]Step, error) {
	var all []Step
	for _, k := range study.StepKinds() {
		v, ok := raw[k.Section]
		if !ok {
			continue
		}
		entries, ok := v.([]map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s: %s: declare steps as [[%s]] tables", path, k.Section, k.Section)
		}
		for i, e := range entries {
			st, err := loadStep(k, e, abs)
			if err != nil {
				return nil, fmt.Errorf("%s: [[%s]] %d: %w", path, k.Section, i+1, err)
			}
			all = append(all, st)
		}
	}
	names := map[string]*Step{}
	for i := range all {
		s := &all[i]
		if names[s.Name] != nil || cohorts[s.Name] {
			return nil, fmt.Errorf("%s: two steps (or a step and a [[cohort]]) are named %q: names must be unique (they name the output folders)", path, s.Name)
		}
		names[s.Name] = s
	}
	for _, s := range all {
		for _, in := range s.Kind.Inputs {
			for _, v := range study.InputValues(s.Inputs, in.Key) {
				if err := checkRef(path, s, in, v, names, cohort, cohorts); err != nil {
					return nil, err
				}
			}
		}
	}
	// Dependency order: repeatedly take the steps whose references are placed.
	var out []Step
	placed := map[string]bool{}
	for len(out) < len(all) {
		progress := false
		for _, s := range all {
			if placed[s.Name] || !refsPlaced(s, placed, cohorts) {
				continue
			}
			placed[s.Name], progress = true, true
			out = append(out, s)
		}
		if !progress {
			return nil, fmt.Errorf("%s: the steps' @ references form a cycle", path)
		}
	}
	return out, nil
}

func refsPlaced(s Step, placed, cohorts map[string]bool) bool {
	for _, v := range s.Inputs {
		ref, ok := strings.CutPrefix(v, "@")
		ref, _, _ = strings.Cut(ref, "/")
		if ok && ref != "cohort" && !placed[ref] && !cohorts[ref] {
			return false
		}
	}
	return true
}

// loadStep reads one [[SECTION]] entry: its name, its inputs (paths relative to the study file)
// and its options, decoded onto the library's defaults so that errors show now.
func loadStep(k *study.StepKind, e map[string]any, abs func(string) string) (Step, error) {
	s := Step{Kind: k, Inputs: map[string]string{}, Values: map[string]any{}}
	name, _ := e["name"].(string)
	if name == "" || strings.ContainsAny(name, `/\`) || strings.HasPrefix(name, ".") || reservedNames[name] {
		return s, fmt.Errorf("name = %q: every step needs a name, a folder name that is not one of the study's own outputs (cohort, model, validation, targets, study, roi, extract)", name)
	}
	s.Name = name
	isInput := map[string]study.StepInput{}
	for _, in := range k.Inputs {
		isInput[in.Key] = in
	}
	for key, v := range e {
		if key == "name" {
			continue
		}
		in, ok := isInput[key]
		if !ok {
			s.Values[key] = v
			continue
		}
		values := []any{v}
		if list, isList := v.([]any); isList && in.Many {
			values = list
		}
		for i, v := range values {
			str, err := inputValue(name, key, in, v, abs)
			if err != nil {
				return s, err
			}
			s.Inputs[study.InputKey(key, i)] = str
		}
	}
	for _, in := range k.Inputs {
		if !in.Optional && s.Inputs[in.Key] == "" {
			return s, fmt.Errorf("%s: %s (%s) is required", name, in.Key, in.Type)
		}
	}
	o, err := k.DecodeOptions(s.Values)
	if err != nil {
		return s, fmt.Errorf("%s: %w", name, err)
	}
	s.Options = o
	return s, nil
}

// stepUnit is a step unit's options: the option keys as written and the inputs, with references
// to other units as "@dep:K/FILE" (the K-th dependency's folder).
type stepUnit struct {
	Inputs map[string]string `json:"inputs"`
	Labels map[string]string `json:"labels"`
	Values map[string]any    `json:"values"`
	// Shard is a shard unit's number (1..n); Shards, in the unit merging them, their number (its
	// last Shards dependencies).
	Shard  int `json:"shard,omitempty"`
	Shards int `json:"shards,omitempty"`
}

// planSteps adds one unit per step to the plan; cohort is the index of the cohort features unit
// (-1 without one), cohorts the [[cohort]] units by name.
func (s *Study) planSteps(p *study.Plan, version string, hashes *study.FileHashes, cohort int, cohorts map[string]int) error {
	unitOf := map[string]int{}
	for n, i := range cohorts {
		unitOf[n] = i
	}
	for _, st := range s.Steps {
		opt := stepUnit{Inputs: map[string]string{}, Labels: map[string]string{}, Values: st.Values}
		rel := s.label
		var files []string
		var deps []int
		for _, in := range st.Kind.Inputs {
			for i, v := range study.InputValues(st.Inputs, in.Key) {
				key := study.InputKey(in.Key, i)
				ref, isRef := strings.CutPrefix(v, "@")
				switch {
				case isRef:
					d, file, label := cohort, features.TSVName, filepath.Join(s.Output, features.TSVName)
					if step, named, ok := strings.Cut(ref, "/"); ok { // @NAME/FILE: a file of the step's output
						d, file, label = unitOf[step], named, filepath.Join(s.Output, step, named)
					} else if _, isCohort := cohorts[ref]; isCohort { // a [[cohort]]'s table
						d, label = unitOf[ref], filepath.Join(s.Output, ref, features.TSVName)
					} else if ref != "cohort" {
						d = unitOf[ref]
						file = s.stepNamed(ref).Kind.Produces[in.Type]
						label = filepath.Join(s.Output, ref, file)
					}
					opt.Inputs[key] = "@dep:" + strconv.Itoa(len(deps)) + "/" + file
					opt.Labels[key] = rel(label)
					deps = append(deps, d)
					continue
				case in.Type == study.InputColumn:
					ref, _ := table.ParseColumnRef(v, key)
					files = append(files, ref.Path)
					ref.Path = rel(ref.Path)
					opt.Labels[key] = ref.String()
				default: // a file, or a folder: the content of every file under it
					tree, err := filesUnder(v)
					if err != nil {
						return fmt.Errorf("%s: [[%s]] %s: %s: %w", s.Path, st.Kind.Section, st.Name, in.Key, err)
					}
					files = append(files, tree...)
					opt.Labels[key] = rel(v)
				}
				opt.Inputs[key] = v
			}
		}
		for _, f := range files {
			if _, err := os.Stat(f); err != nil {
				return fmt.Errorf("%s: [[%s]] %s: %w", s.Path, st.Kind.Section, st.Name, err)
			}
		}
		if n := shardsOf(st); n > 1 { // the shards first, then the unit merging them
			var shards []int
			for k := 1; k <= n; k++ {
				so := opt
				so.Shard = k
				u, err := study.NewUnit(st.Kind.Section+shardSuffix, fmt.Sprintf("%s shard %d", st.Name, k), so, version, files, hashes, deps, p.Units)
				if err != nil {
					return err
				}
				shards = append(shards, len(p.Units))
				p.Units = append(p.Units, u)
			}
			opt.Shards, deps = n, append(deps, shards...)
		}
		u, err := study.NewUnit(st.Kind.Section, st.Name, opt, version, files, hashes, deps, p.Units)
		if err != nil {
			return err
		}
		unitOf[st.Name] = len(p.Units)
		p.Units = append(p.Units, u)
	}
	return nil
}

// label names a file as a person reads it: relative to the study file's folder.
func (s *Study) label(p string) string {
	if r, err := filepath.Rel(filepath.Dir(s.Path), p); err == nil {
		return r
	}
	return p
}

// shardSuffix marks the step of shard units (SECTION.shards): a step of its own, so the runner
// and Slurm build every shard before the unit that merges them.
const shardSuffix = ".shards"

// shardsOf is the number of shard units of a step (0 when it is not split).
func shardsOf(st Step) int {
	if st.Kind.Shards == nil {
		return 0
	}
	return st.Kind.Shards(st.Options)
}

func (s *Study) stepNamed(name string) *Step {
	for i := range s.Steps {
		if s.Steps[i].Name == name {
			return &s.Steps[i]
		}
	}
	return nil
}

// filesUnder lists the regular files under a folder (or the file itself), sorted: a folder
// input's content is the content of its files.
func filesUnder(root string) ([]string, error) {
	var out []string
	real, err := filepath.EvalSymlinks(root)
	if err != nil {
		return nil, err
	}
	err = filepath.WalkDir(real, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type()&fs.ModeSymlink != 0 { // a linked file counts by its content
			if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
				out = append(out, p)
			}
			return nil
		}
		if d.Type().IsRegular() {
			out = append(out, p)
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}

// buildStep builds a step unit with its kind's Build.
func buildStep(k *study.StepKind, u study.Unit, dir string, deps []string) error {
	var su stepUnit
	dec := json.NewDecoder(bytes.NewReader(u.Options))
	dec.UseNumber() // a 64-bit seed stays exact
	if err := dec.Decode(&su); err != nil {
		return err
	}
	o, err := k.DecodeOptions(su.Values)
	if err != nil {
		return err
	}
	ctx := study.StepContext{Name: u.Name, Dir: dir, Inputs: map[string]string{}, Labels: su.Labels, Shard: su.Shard}
	if su.Shards > 0 {
		if su.Shards > len(deps) {
			return fmt.Errorf("%d shards but %d dependencies", su.Shards, len(deps))
		}
		ctx.ShardDirs = deps[len(deps)-su.Shards:]
	}
	for key, v := range su.Inputs {
		if rest, ok := strings.CutPrefix(v, "@dep:"); ok {
			ks, file, _ := strings.Cut(rest, "/")
			i, err := strconv.Atoi(ks)
			if err != nil || i < 0 || i >= len(deps) {
				return fmt.Errorf("input %s = %q: not a dependency of the unit", key, v)
			}
			v = filepath.Join(deps[i], file)
		}
		ctx.Inputs[key] = v
	}
	return k.Build(o, ctx)
}

// publishStep copies a step unit's files (result files and report) to OUT/NAME, each atomically.
func (s *Study) publishStep(p *study.Plan, u study.Unit) error {
	var su stepUnit
	if json.Unmarshal(u.Options, &su) == nil && su.Shard > 0 {
		return nil // a shard's files are merged by the step's own unit
	}
	src, err := filepath.EvalSymlinks(p.Dir(u))
	if err != nil {
		return err
	}
	files, err := filesUnder(src)
	if err != nil {
		return err
	}
	for _, f := range files {
		rel, _ := filepath.Rel(src, f)
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		dst := filepath.Join(s.Output, u.Name, rel)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := atomicfile.WriteFile(dst, b); err != nil {
			return err
		}
	}
	return nil
}

// checkRef checks one input value v of step s: an @ reference must name the cohort table, a
// [[cohort]] or a step that gives what the input wants (names: the steps by name).
func checkRef(path string, s Step, in study.StepInput, v string, names map[string]*Step, cohort bool, cohorts map[string]bool) error {
	ref, ok := strings.CutPrefix(v, "@")
	if !ok {
		return nil
	}
	ref, file, named := strings.Cut(ref, "/")
	if named && (file == "" || !filepath.IsLocal(file)) {
		return fmt.Errorf("%s: [[%s]] %s: %s = %q: @NAME/FILE names a file inside the step's output folder", path, s.Kind.Section, s.Name, in.Key, v)
	}
	if ref == "cohort" && !named {
		if !cohort || in.Type != study.InputFeatures {
			return fmt.Errorf("%s: [[%s]] %s: %s = \"@cohort\" needs [inputs] (the cohort feature table) and a features input", path, s.Kind.Section, s.Name, in.Key)
		}
		return nil
	}
	if cohorts[ref] { // a [[cohort]]'s table (@NAME) or a file of its folder (@NAME/extract: its series)
		if !named && in.Type != study.InputFeatures {
			return fmt.Errorf("%s: [[%s]] %s: %s = %q: a [[cohort]] gives a feature table, not a %s", path, s.Kind.Section, s.Name, in.Key, "@"+ref, in.Type)
		}
		return nil
	}
	d := names[ref]
	if d == nil {
		return fmt.Errorf("%s: [[%s]] %s: %s = %q names no step", path, s.Kind.Section, s.Name, in.Key, "@"+ref)
	}
	if !named && d.Kind.Produces[in.Type] == "" {
		return fmt.Errorf("%s: [[%s]] %s: %s = %q: a %s step gives no %s", path, s.Kind.Section, s.Name, in.Key, "@"+ref, d.Kind.Section, in.Type)
	}
	return nil
}

// inputValue reads one value of a step's input: a path relative to the study file made absolute,
// TABLE:COLUMN with its table so, or an @ reference as written.
func inputValue(name, key string, in study.StepInput, v any, abs func(string) string) (string, error) {
	str, ok := v.(string)
	if !ok || str == "" {
		if in.Many {
			return "", fmt.Errorf("%s %s: %s wants a path (or @NAME), or a list of them", name, key, in.Type)
		}
		return "", fmt.Errorf("%s %s: %s wants a path (or @NAME)", name, key, in.Type)
	}
	switch {
	case strings.HasPrefix(str, "@"):
		_, file, _ := strings.Cut(str, "/")
		if in.Type == study.InputColumn || (file == "" && in.Type != study.InputFeatures && in.Type != study.InputSignature) {
			return "", fmt.Errorf("%s %s = %q: only features and signature inputs name steps (@NAME); file and folder inputs name a file of one (@NAME/FILE)", name, key, str)
		}
	case in.Type == study.InputColumn:
		ref, err := table.ParseColumnRef(str, key)
		if err != nil {
			return "", fmt.Errorf("%s: %w", name, err)
		}
		ref.Path = abs(ref.Path)
		str = ref.String()
	default:
		str = abs(str)
	}
	return str, nil
}
