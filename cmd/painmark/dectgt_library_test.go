package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/decode"
	"github.com/painmark/painmark/target"
)

// sameFiles compares result files written by the CLI and by the library byte for byte.
func sameFiles(t *testing.T, cliDir, libDir string, names ...string) {
	t.Helper()
	for _, n := range names {
		a, err := os.ReadFile(filepath.Join(cliDir, n))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(libDir, n))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s: the CLI's and the library's differ", n)
		}
	}
}

// A Go program calling the decode, target and stimopt workflows gets the CLI's result files.
func TestDecodeTargetStimoptLibraryEqualsCLI(t *testing.T) {
	dir := t.TempDir()
	p := func(parts ...string) string { return filepath.Join(append([]string{dir}, parts...)...) }
	run := func(args ...string) {
		t.Helper()
		if out, errOut, code := runCLI(t, args...); code != 0 {
			t.Fatalf("painmark %s: exit %d\n%s\n%s", strings.Join(args, " "), code, out, errOut)
		}
	}
	// decode train and apply.
	run("synthetic", "participant", p("p01"), "--sessions", "4", "--runs", "2", "--regions", "12", "--planted", "3", "--seed", "1")
	run("decode", "train", p("p01"), "--bootstraps", "50", "--permutations", "5", "-o", p("cli-dec"), "--report", "none")
	run("decode", "apply", p("cli-dec", "model.json"), p("p01"), "-o", p("cli-dec", "frames.tsv"))
	part, err := decode.ReadParticipant(p("p01"), 0, true)
	if err != nil {
		t.Fatal(err)
	}
	o := decode.DefaultTrainOptions()
	o.Bootstraps, o.Permutations = 50, 5
	res, err := decode.Train(part, o)
	if err != nil {
		t.Fatal(err)
	}
	if err := res.WriteFiles(p("lib-dec")); err != nil {
		t.Fatal(err)
	}
	frames, err := decode.Apply(res.Model, part)
	if err != nil {
		t.Fatal(err)
	}
	if err := frames.WriteFiles(p("lib-dec", "frames.tsv")); err != nil {
		t.Fatal(err)
	}
	sameFiles(t, p("cli-dec"), p("lib-dec"), "model.json", "predictions.tsv", "importance.tsv", "decode.json", "frames.tsv")

	// target with templates.
	run("synthetic", "target-participant", p("sim"), "--timepoints", "40")
	sim := func(f string) string { return p("sim", f) }
	run("target", "--bold", sim("bold.nii.gz"), "--mask", sim("mask.nii.gz"), "--templates", sim("templates.nii.gz"), "--names", "SCAN,AMN,foot,hand,mouth",
		"--network", "SCAN", "--avoid", "foot,hand,mouth", "--search-space", sim("precentral.nii.gz"), "--min-score", "0.1", "-o", p("cli-tgt"), "--report", "none")
	d, err := target.Load(target.Source{Bold: sim("bold.nii.gz"), Mask: sim("mask.nii.gz")})
	if err != nil {
		t.Fatal(err)
	}
	po := target.DefaultPlanOptions()
	po.Templates, po.Names, po.Network, po.Avoid = sim("templates.nii.gz"), []string{"SCAN", "AMN", "foot", "hand", "mouth"}, "SCAN", []string{"foot", "hand", "mouth"}
	po.SearchSpace, po.MinScore = sim("precentral.nii.gz"), 0.1
	plan, err := target.Plan(d, po)
	if err != nil {
		t.Fatal(err)
	}
	if err := plan.WriteFiles(p("lib-tgt")); err != nil {
		t.Fatal(err)
	}
	sameFiles(t, p("cli-tgt"), p("lib-tgt"), "targets.tsv", "targets.json", "maps.nii.gz", "markers.nii.gz", "networks.nii.gz")
	// An unknown avoided network is a usage error naming the valid ones.
	if _, errOut, code := runCLI(t, "target", "--bold", sim("bold.nii.gz"), "--mask", sim("mask.nii.gz"), "--templates", sim("templates.nii.gz"), "--names", "SCAN,AMN,foot,hand,mouth",
		"--network", "SCAN", "--avoid", "feet", "--search-space", sim("precentral.nii.gz"), "-o", p("x")); code != 2 || !strings.Contains(errOut, "[SCAN AMN foot hand mouth]") {
		t.Errorf("--avoid feet: %d %s", code, errOut)
	}

	// stimopt init and suggest.
	space, _ := filepath.Abs(filepath.Join("..", "..", "testdata", "stimopt-space.json"))
	run("stimopt", "init", space, "-o", p("cli-state.json"), "--seed", "3")
	run("stimopt", "suggest", p("cli-state.json"))
	params, err := target.ReadParameterSpace(space)
	if err != nil {
		t.Fatal(err)
	}
	so := target.DefaultSearchOptions()
	so.Seed = 3
	st, err := target.InitSearch(params, so)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Next(); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveNew(p("lib-state.json"), false); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(p("cli-state.json"))
	b, _ := os.ReadFile(p("lib-state.json"))
	if !bytes.Equal(a, b) {
		t.Error("stimopt: the CLI's and the library's states differ")
	}
}
