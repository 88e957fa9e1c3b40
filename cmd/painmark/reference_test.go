package main

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/painmark/painmark/pipeline"
	"github.com/painmark/painmark/study"
	"github.com/spf13/cobra"
)

// fieldDocs reads the doc comments of struct fields from the repository's Go sources:
// "pkgpath.Type.Field" -> doc (an anonymous struct's fields as "pkgpath.Type.Field.Sub").
type fieldDocs map[string]string

func (fd fieldDocs) load(t *testing.T, pkgPath string) {
	const module = "github.com/painmark/painmark"
	if _, done := fd["pkg "+pkgPath]; done || !strings.HasPrefix(pkgPath, module) {
		return
	}
	fd["pkg "+pkgPath] = ""
	dir := filepath.Join("..", "..", strings.TrimPrefix(strings.TrimPrefix(pkgPath, module), "/"))
	pkgs, err := parser.ParseDir(token.NewFileSet(), dir, func(fi os.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	var fields func(prefix string, st *ast.StructType)
	fields = func(prefix string, st *ast.StructType) {
		for _, f := range st.Fields.List {
			doc := strings.Join(strings.Fields(f.Doc.Text()+" "+f.Comment.Text()), " ")
			for _, n := range f.Names {
				fd[prefix+n.Name] = doc
				if sub, ok := f.Type.(*ast.StructType); ok {
					fields(prefix+n.Name+".", sub)
				}
			}
		}
	}
	for _, p := range pkgs {
		for _, file := range p.Files {
			ast.Inspect(file, func(n ast.Node) bool {
				if ts, ok := n.(*ast.TypeSpec); ok {
					if st, ok := ts.Type.(*ast.StructType); ok {
						fields(pkgPath+"."+ts.Name.Name+".", st)
					}
				}
				return true
			})
		}
	}
}

// flagUsage is the usage of a command's flag (--KEY with dashes), the meaning of a key without a
// doc comment: a step's options are its command's flags.
func flagUsage(root *cobra.Command, command, key string) string {
	c, _, err := root.Find(strings.Fields(command))
	if err != nil || command == "" {
		return ""
	}
	if f := c.Flags().Lookup(strings.ReplaceAll(key, "_", "-")); f != nil {
		return f.Usage
	}
	return ""
}

func formatDefault(v any) string {
	b, _ := json.Marshal(v)
	if string(b) == "null" {
		return "[]"
	}
	return "`" + string(b) + "`"
}

func cell(s string) string { return strings.ReplaceAll(s, "|", "\\|") }

// generateStudyReference generates the study-file reference page from the code: the sections of
// pipeline.Study (their defaults from pipeline.DefaultStudy) and every registered step kind
// (its inputs and its options, defaults from the library's DefaultXOptions), each key's meaning
// from its field's doc comment or else the command's flag.
func generateStudyReference(t *testing.T) (string, []string) {
	docs := fieldDocs{}
	root := newRoot()
	var missing []string
	var b strings.Builder
	b.WriteString("# Study files: reference\n\n" +
		"Generated from the code by TestStudyReference (`PAINMARK_UPDATE_REFERENCE=1 go test ./cmd/painmark -run TestStudyReference` rewrites it); `painmark run --reference` prints it.\n\n" +
		"A study file is TOML. `painmark run STUDY.toml` plans its units, builds the missing ones (locally or as Slurm job arrays), caches them by content under OUTPUT/.cache and publishes the results: " +
		"the cohort table (OUTPUT/features.tsv, .npy, edges.tsv, connectome.json), the extracted runs' ROI series (OUTPUT/extract/RUN_timeseries.tsv and .json), " +
		"model.json with the model's signature (OUTPUT/model/signature.json, weights.tsv, report.html), validation/NAME.json, " +
		"targets/RUN_targets.tsv, and each step's result files and report.html under OUTPUT/NAME/. Paths are relative to the study file. " +
		"Keys left out take the library's defaults, the same as the painmark commands' flags.\n")
	def, err := pipeline.DefaultStudy()
	if err != nil {
		t.Fatal(err)
	}
	required := map[string]bool{"output": true, "fmriprep": true, "timeseries": true, "target": true, "name": true, "templates": true, "search_space": true, "network": true}
	commands := map[string]string{"extract": "extract", "connectivity": "connectome", "model": "learn cv", "target": "target", "inputs": "connectome"}
	var rows func(title string, t reflect.Type, v reflect.Value, pkgDoc string, command string)
	rows = func(title string, t reflect.Type, v reflect.Value, pkgDoc string, command string) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if f.Anonymous && f.Type.Kind() == reflect.Struct { // an embedded struct's keys are the section's (TOML flattens it)
				rows(title, f.Type, v.Field(i), f.Type.PkgPath()+"."+f.Type.Name(), command)
				continue
			}
			key, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
			if key == "" || key == "-" || f.Type.Kind() == reflect.Struct || f.Type.Kind() == reflect.Pointer || (f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.Struct) {
				continue
			}
			meaning := docs[pkgDoc+"."+f.Name]
			if meaning == "" {
				meaning = flagUsage(root, command, key)
			}
			if meaning == "" {
				missing = append(missing, title+" "+key)
			}
			dflt := formatDefault(v.Field(i).Interface())
			if required[key] && title != "[executor]" {
				dflt = "(required)"
				if title == "top level" && key == "name" {
					dflt = "the file's name"
				}
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", key, study.TypeName(f.Type), dflt, cell(meaning))
		}
	}
	section := func(title, doc string, t reflect.Type, v reflect.Value, pkgDoc string, command string) {
		fmt.Fprintf(&b, "\n## %s\n\n%s\n\n| key | type | default | meaning |\n|---|---|---|---|\n", title, doc)
		rows(title, t, v, pkgDoc, command)
	}
	st, sv := reflect.TypeOf(*def), reflect.ValueOf(*def)
	pp := st.PkgPath()
	docs.load(t, pp)
	section("top level", "The study's name (it prefixes Slurm job names) and its results folder.", st, sv, pp+".Study", "")
	intro := map[string]string{
		"inputs":       "The cohort's runs: ROI time-series tables, or an fMRIPrep folder whose runs are extracted first. Optional when the study declares only steps on their own inputs.",
		"extract":      "Extraction from fMRIPrep runs (painmark extract's options).",
		"connectivity": "Each run's connectivity vector (painmark connectome's options; tangent needs the whole cohort and is refused).",
		"model": "An ElasticNet prediction model on the cohort table (painmark learn's pipeline): leave-one-out predictions, a grid search when k, alpha or l1_ratio list several values, permutations in shards. " +
			"Writes model.json (predictions, metrics, the merged permutation null and p-values, as before) and, since the signature steps, the signature trained with the same pipeline, grid and scoring under OUTPUT/model/: " +
			"signature.json (byte-identical to `painmark signature train OUTPUT/features.tsv --target TARGET --name model --scoring SCORING --scaler --k --alpha --l1-ratio --max-iter --tol`), " +
			"weights.tsv (its weights per selected feature, on scaled and raw features) and report.html. Old study files keep working unchanged; [[signature_train]] is the step with every training option.",
		"validation": "Independent cohorts ([[validation]], repeatable) through the same connectivity recipe, predicted by the model fitted on the whole cohort.",
		"cohort": "Named cohorts ([[cohort]], repeatable), each from its own runs: an fMRIPrep folder whose runs are extracted with [extract] (one cached unit per run, shared between cohorts of the same runs), or ROI time-series tables; " +
			"its table is painmark connectome's on the series with [connectivity] (tangent allowed: the table is computed on the whole cohort). " +
			"A `[cohort.extract]` or `[cohort.connectivity]` table after the entry sets that cohort's own keys over the study's sections (e.g. `drop = [...]` for a brain-only or cord-only table, `region_tags = \"\"` for an untagged one, `combine = \"mean\"`). " +
			"Published in OUTPUT/NAME/: features.tsv, .npy, edges.tsv, connectome.json (byte-identical to `painmark connectome SERIES --no-matrices`, or `--blocks` with blocks = true) and the series extract/RUN_timeseries.tsv and .json (as painmark extract writes them). " +
			"Steps name the table `@NAME` and the series `@NAME/extract` (e.g. signature_ablate's series).",
		"target":   "Stimulation targets for every fMRIPrep run (painmark target with templates).",
		"executor": "Where units are built: local (a worker pool) or slurm (job arrays, afterok between steps).",
	}
	for i := 0; i < st.NumField(); i++ {
		f := st.Field(i)
		key, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
		if key == "" || key == "-" {
			continue
		}
		ft, fv := f.Type, sv.Field(i)
		title := "[" + key + "]"
		switch {
		case ft.Kind() == reflect.Pointer:
			ft, fv = ft.Elem(), fv.Elem()
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
			title = "[[" + key + "]]"
			ft, fv = ft.Elem(), fv.Index(0)
		}
		if ft.Kind() != reflect.Struct || key == "" || key == "-" {
			continue
		}
		prefix := pp + "." + ft.Name()
		if ft.Name() == "" {
			prefix = pp + ".Study." + f.Name
		}
		section(title, intro[key], ft, fv, prefix, commands[key])
	}
	b.WriteString("\n## Steps\n\nEvery analysis is a step: a table of an array named by its kind (`[[signature_train]]`, repeatable), with a `name` " +
		"(unique; its results go to OUTPUT/NAME/), its inputs and its options. An input is a path, TABLE:COLUMN for columns, `@cohort` for the study's cohort table, " +
		"or `@NAME` for the result of another step (a signature_train step's signature.json) or a [[cohort]]'s table, `@NAME/FILE` for a file or folder of its output folder " +
		"(e.g. `@ablate/ablation-M5.signature.json`, an ablation model's signature; `@train/extract`, a cohort's series); steps run after the steps they name. " +
		"Options are the command's flags (dashes as underscores) with the library's defaults; a step's result files are byte-identical to the command's.\n")
	for _, k := range study.StepKinds() {
		fmt.Fprintf(&b, "\n### [[%s]]\n\n%s Same result files as `painmark %s`.\n\n| input | type | required | meaning |\n|---|---|---|---|\n", k.Section, k.Doc, k.Command)
		fmt.Fprintf(&b, "| `name` | string | yes | the step's name: its output folder OUTPUT/NAME and how other steps name it (@NAME) |\n")
		for _, in := range k.Inputs {
			req := "yes"
			if in.Optional {
				req = "no"
			}
			typ := string(in.Type)
			if in.Many {
				typ += " (or a list)"
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", in.Key, typ, req, cell(in.Doc))
		}
		b.WriteString("\n| option | type | default | meaning |\n|---|---|---|---|\n")
		for _, o := range k.OptionKeys() {
			docs.load(t, o.Owner.PkgPath())
			meaning := k.Docs[o.Key]
			if meaning == "" {
				meaning = docs[o.Owner.PkgPath()+"."+o.Owner.Name()+"."+o.Field.Name]
			}
			if meaning == "" {
				meaning = flagUsage(root, k.Command, o.Key)
			}
			if meaning == "" {
				missing = append(missing, k.Section+" "+o.Key)
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", o.Key, study.TypeName(o.Field.Type), formatDefault(o.Default), cell(meaning))
		}
	}
	return b.String(), missing
}

// TestStudyReference: the committed reference page (reference/study-file.md, which painmark run
// --reference prints) is the one the code generates, and every key has a meaning.
func TestStudyReference(t *testing.T) {
	got, missing := generateStudyReference(t)
	if len(missing) > 0 {
		t.Errorf("keys without a doc comment or a command flag to explain them: %s", strings.Join(missing, ", "))
	}
	const path = "reference/study-file.md"
	if os.Getenv("PAINMARK_UPDATE_REFERENCE") != "" {
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, _ := os.ReadFile(path)
	if string(want) != got {
		t.Errorf("%s is stale: regenerate it with PAINMARK_UPDATE_REFERENCE=1 go test ./cmd/painmark -run TestStudyReference", path)
	}
}

// TestRunHelpSections: painmark run --help names every section of a study file and every
// registered step kind.
func TestRunHelpSections(t *testing.T) {
	out, _, _ := runCLI(t, "run", "--help")
	st := reflect.TypeOf(pipeline.Study{})
	for i := 0; i < st.NumField(); i++ {
		key, _, _ := strings.Cut(st.Field(i).Tag.Get("toml"), ",")
		if key != "" && key != "-" && !strings.Contains(out, "["+key+"]") && !strings.Contains(out, key+",") && !strings.Contains(out, ", "+key) {
			t.Errorf("run --help does not document [%s]", key)
		}
	}
	for _, k := range study.StepKinds() {
		if !strings.Contains(out, "[["+k.Section+"]]") {
			t.Errorf("run --help does not name the step [[%s]]", k.Section)
		}
	}
	if !strings.Contains(out, "--reference") {
		t.Error("run --help does not point to the reference")
	}
}
