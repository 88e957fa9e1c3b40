package study

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// The step registry. A study file declares each analysis as a step: an array of tables named by
// the step's kind ([[signature_train]], [[decode]], [[spin]], ...), each entry with a name, its
// inputs and its options. A kind is registered from an init function of the library package that
// owns the workflow (signature, decode, morph, genes, nulls, target), as image.RegisterFormat
// registers decoders: this package holds the registry because every workflow package may import
// it (it knows no statistics), and package pipeline, which runs study files, imports the workflow
// packages, so every kind is registered before a study is loaded. The runner has no switch over
// kinds and no second copy of a workflow: a kind's Build calls the same library function as the
// painmark command, with the options decoded onto the library's DefaultXOptions value.

// InputType says what a step input names.
type InputType string

const (
	// InputFile is a file (its content is part of the step's cache key).
	InputFile InputType = "file"
	// InputFolder is a folder (every file under it is part of the key).
	InputFolder InputType = "folder"
	// InputColumn is TABLE:COLUMN (table.ParseColumnRef): a column of a participants table.
	InputColumn InputType = "column"
	// InputFeatures is a feature table (features.tsv or its folder), or "@cohort" (the study's
	// cohort table) or "@STEP" (a step that produces one).
	InputFeatures InputType = "features"
	// InputSignature is a signature file, or "@STEP" (a step that trains one).
	InputSignature InputType = "signature"
)

// StepInput is one input key of a step kind.
type StepInput struct {
	Key      string
	Type     InputType
	Doc      string
	Optional bool
	// Many says the key takes one value or a list of them (several cohorts' tables, as a
	// command's several FEATURES arguments): the step's inputs KEY, KEY#2, KEY#3, ... (InputKey,
	// InputValues).
	Many bool
}

// InputKey is the key under which a step's inputs hold the i-th value (from 0) of an input that
// takes several (StepInput.Many): KEY, then KEY#2, KEY#3, ...
func InputKey(key string, i int) string {
	if i == 0 {
		return key
	}
	return key + "#" + strconv.Itoa(i+1)
}

// InputValues are an input's values in order (a StepContext's Inputs or Labels): one for a
// single input, every value of a list (InputKey), none when it is left out.
func InputValues(inputs map[string]string, key string) []string {
	var out []string
	for i := 0; ; i++ {
		v := inputs[InputKey(key, i)]
		if v == "" {
			return out
		}
		out = append(out, v)
	}
}

// StepContext is what a step's build gets: its name, the folder to write its result files and
// report into (a fresh temporary folder, renamed into the cache when complete), and its inputs
// resolved to absolute paths (TABLE:COLUMN with an absolute table path; "" for an optional input
// left out).
type StepContext struct {
	Name   string
	Dir    string
	Inputs map[string]string
	// Labels name the inputs as a person reads them: paths relative to the study file's folder,
	// a step's result by its published file (OUT/NAME/FILE), the cohort table by OUT/features.tsv.
	// Workflows that record an input's name (a validation cohort) record its label, so a study
	// step's result files equal the command's run from the study's folder on those files.
	Labels map[string]string
	// Shard is, in a step split into shards (StepKind.Shards), the shard this unit computes
	// (1 .. n); 0 in the unit that gives the step's result files.
	Shard int
	// ShardDirs are, in the unit that gives the result files of a step split into shards, the
	// shards' folders in order, for Build to merge.
	ShardDirs []string
}

// StepKind is a registered kind of study step.
type StepKind struct {
	// Section is the study file's array-of-tables name ([[Section]]) and the cache folder's name.
	Section string
	// Doc says what the step computes, in the field's terms (the reference page's paragraph), and
	// which painmark command gives the same result files.
	Doc string
	// Command is the painmark command that gives the same result files from the same options
	// ("signature train"): an option key is that command's flag with dashes for underscores.
	Command string
	// Inputs are the step's input keys.
	Inputs []StepInput
	// Options returns a pointer to the options struct filled with the library's defaults
	// (DefaultXOptions): a study entry's option keys are decoded onto it.
	Options func() any
	// Skip names option fields that come from the inputs, not from the study file, by their Go
	// path (field names joined by dots, embedded structs' names left out: "Regions",
	// "Model.Forest.Seed").
	Skip []string
	// Rename gives a field (by Go path) a key other than its snake_case name, so keys match the
	// command's flags.
	Rename map[string]string
	// Docs give the meaning of option keys whose field has no doc comment and whose command has
	// no flag of that name (key -> meaning), for the reference page.
	Docs map[string]string
	// Produces maps an input type (features, signature) to the result file a later step reads
	// when it names this step as "@NAME".
	Produces map[InputType]string
	// Build computes the step's result files and report.html into ctx.Dir; o is the pointer
	// Options returned, decoded.
	Build func(o any, ctx StepContext) error
	// Shards, when set, splits a step into independent units (permutation blocks) that run in
	// parallel or as Slurm array tasks: it returns their number for the options (≤ 1: none).
	// Build is then called once per shard (ctx.Shard = 1..n, into the shard's own folder) and
	// once more with ctx.ShardDirs to merge them into the result files, which must equal an
	// unsplit run's.
	Shards func(o any) int
}

var kinds = map[string]*StepKind{}

// RegisterStep registers a step kind (from the owning package's init). It panics on a duplicate
// section or on option keys that collide with each other, with "name" or with an input key.
func RegisterStep(k StepKind) {
	if _, dup := kinds[k.Section]; dup {
		panic("study: step " + k.Section + " registered twice")
	}
	seen := map[string]bool{"name": true}
	for _, in := range k.Inputs {
		if seen[in.Key] {
			panic("study: step " + k.Section + ": input " + in.Key + " declared twice")
		}
		seen[in.Key] = true
	}
	for _, f := range k.OptionKeys() {
		if seen[f.Key] {
			panic("study: step " + k.Section + ": option key " + f.Key + " collides")
		}
		seen[f.Key] = true
	}
	kinds[k.Section] = &k
}

// LookupStep returns the kind registered under a section name.
func LookupStep(section string) (*StepKind, bool) {
	k, ok := kinds[section]
	return k, ok
}

// StepKinds lists the registered kinds by section name.
func StepKinds() []*StepKind {
	out := make([]*StepKind, 0, len(kinds))
	for _, k := range kinds {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Section < out[j].Section })
	return out
}

// OptionKey is one option key of a kind: the settable field it decodes onto.
type OptionKey struct {
	Key string
	// Path is the field's index path in the options struct, Field its description.
	Path  []int
	Field reflect.StructField
	// Owner is the struct type that declares the field (for its doc comment).
	Owner reflect.Type
	// Default is the field's value in the defaults.
	Default any
}

// OptionKeys lists the kind's option keys, in field order: every exported field of a settable
// type (strings, booleans, numbers and lists of them), nested structs flattened, keyed by the
// field's json tag or its snake_case name.
func (k *StepKind) OptionKeys() []OptionKey {
	def := reflect.ValueOf(k.Options()).Elem()
	skip := map[string]bool{}
	for _, s := range k.Skip {
		skip[s] = true
	}
	var out []OptionKey
	var walk func(t reflect.Type, v reflect.Value, path []int, prefix string)
	walk = func(t reflect.Type, v reflect.Value, path []int, prefix string) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			goPath := prefix + f.Name
			if !f.IsExported() || tag == "-" || skip[goPath] {
				continue
			}
			p := append(append([]int(nil), path...), i)
			if f.Type.Kind() == reflect.Struct {
				if f.Anonymous {
					walk(f.Type, v.Field(i), p, prefix)
				} else {
					walk(f.Type, v.Field(i), p, goPath+".")
				}
				continue
			}
			if !settable(f.Type) {
				continue
			}
			key := tag
			if r, ok := k.Rename[goPath]; ok {
				key = r
			} else if key == "" {
				key = snake(f.Name)
			}
			out = append(out, OptionKey{Key: key, Path: p, Field: f, Owner: t, Default: v.Field(i).Interface()})
		}
	}
	walk(def.Type(), def, nil, "")
	return out
}

// settable reports whether a study file can set a field of this type.
func settable(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.String, reflect.Bool, reflect.Int, reflect.Int64, reflect.Int32, reflect.Uint64, reflect.Uint32, reflect.Float64:
		return true
	case reflect.Slice:
		return t.Elem().Kind() != reflect.Slice && t.Elem().Kind() != reflect.Struct && settable(t.Elem())
	}
	return false
}

// snake is a Go field name in snake_case (CurveRepeats -> curve_repeats, CVName -> cv_name).
func snake(name string) string {
	r := []rune(name)
	var b strings.Builder
	for i, c := range r {
		if unicode.IsUpper(c) && i > 0 && (unicode.IsLower(r[i-1]) || (i+1 < len(r) && unicode.IsLower(r[i+1]))) {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToLower(c))
	}
	return b.String()
}

// DecodeOptions decodes a step entry's option keys onto the kind's defaults and returns the
// options pointer. Unknown keys and values of the wrong type are errors naming the key.
func (k *StepKind) DecodeOptions(values map[string]any) (any, error) {
	o := k.Options()
	v := reflect.ValueOf(o).Elem()
	byKey := map[string]OptionKey{}
	for _, f := range k.OptionKeys() {
		byKey[f.Key] = f
	}
	keys := make([]string, 0, len(values))
	for key := range values {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	for _, key := range keys {
		f, ok := byKey[key]
		if !ok {
			return nil, fmt.Errorf("unknown key %q (%s)", key, k.keyList())
		}
		val := values[key]
		if f.Field.Type.Kind() == reflect.Slice {
			if _, list := val.([]any); !list {
				val = []any{val} // k = 25 is k = [25]
			}
		}
		b, err := json.Marshal(val)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", key, err)
		}
		if err := json.Unmarshal(b, v.FieldByIndex(f.Path).Addr().Interface()); err != nil {
			return nil, fmt.Errorf("%s = %s: want %s", key, b, TypeName(f.Field.Type))
		}
	}
	return o, nil
}

// keyList names the kind's keys, for error messages.
func (k *StepKind) keyList() string {
	keys := []string{"name"}
	for _, in := range k.Inputs {
		keys = append(keys, in.Key)
	}
	for _, f := range k.OptionKeys() {
		keys = append(keys, f.Key)
	}
	return "keys of [[" + k.Section + "]]: " + strings.Join(keys, ", ")
}

// TypeName is a field type as the reference page names it.
func TypeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Float64:
		return "number"
	case reflect.Slice:
		return "list of " + TypeName(t.Elem())
	}
	return "integer"
}

// Command is the command line a step's report records.
func (c StepContext) Command() string { return "painmark run (study step " + c.Name + ")" }
