package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/table"
)

// writeStepCohort writes the small synthetic cohort the example studies of testdata/studies read:
// roi/pNN.tsv (n runs of 6 regions, the first two coupled in proportion to a planted pain score),
// roi2/pNN.tsv (the same people after an intervention, coupled by the pain after),
// participants.tsv (subject, pain, group, pain_post) and regions.tsv, the regions' tags for
// painmark connectome --region-tags (R0, R2, R4 brain; R1, R3, R5 spinal).
func writeStepCohort(t *testing.T, dir string, n int) {
	t.Helper()
	roi, roi2 := filepath.Join(dir, "roi"), filepath.Join(dir, "roi2")
	for _, d := range []string{roi, roi2} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	rng := rand.New(rand.NewPCG(11, 19))
	var ids, groups []string
	var pain, post []float64
	for s := 0; s < n; s++ {
		p := rng.NormFloat64()
		q := p - 0.5 + 0.2*rng.NormFloat64()
		id := fmt.Sprintf("p%02d", s)
		for k, d := range []string{roi, roi2} { // the session before and after an intervention
			cols := make([]*table.Column, 6)
			shared := make([]float64, 80)
			for f := range shared {
				shared[f] = rng.NormFloat64()
			}
			for r := range cols {
				v := make([]float64, 80)
				for f := range v {
					v[f] = rng.NormFloat64()
					if r < 2 {
						v[f] += []float64{p, q}[k] * shared[f]
					}
				}
				cols[r] = table.NumericColumn(fmt.Sprintf("R%d", r), v)
			}
			if err := table.Write(filepath.Join(d, id+".tsv"), &table.Table{Columns: cols}); err != nil {
				t.Fatal(err)
			}
		}
		ids, pain, post = append(ids, id), append(pain, p), append(post, q)
		groups = append(groups, []string{"a", "b"}[s%2])
	}
	if err := table.Write(filepath.Join(dir, "participants.tsv"), &table.Table{Columns: []*table.Column{table.TextColumn("subject", ids),
		table.NumericColumn("pain", pain), table.TextColumn("group", groups), table.NumericColumn("pain_post", post)}}); err != nil {
		t.Fatal(err)
	}
	tags := table.Table{Columns: []*table.Column{table.TextColumn("name", []string{"R0", "R1", "R2", "R3", "R4", "R5"}),
		table.TextColumn("system", []string{"brain", "spinal", "brain", "spinal", "brain", "spinal"})}}
	if err := table.Write(filepath.Join(dir, "regions.tsv"), &tags); err != nil {
		t.Fatal(err)
	}
}

// exampleCommands reads an example study's "# same as: ARGS" lines (the painmark commands that
// give the same result files), "# before: ARGS" lines (commands that make its inputs) and "# compare: STUDY_FILE CLI_FILE" pairs.
func exampleCommands(text string) (before, cmds [][]string, pairs [][2]string) {
	for _, line := range strings.Split(text, "\n") {
		if rest, ok := strings.CutPrefix(line, "# before: "); ok {
			before = append(before, splitArgs(rest))
		}
		if rest, ok := strings.CutPrefix(line, "# same as: "); ok {
			cmds = append(cmds, splitArgs(rest))
		}
		if rest, ok := strings.CutPrefix(line, "# compare: "); ok {
			f := strings.Fields(rest)
			pairs = append(pairs, [2]string{f[0], f[1]})
		}
	}
	return
}

// splitArgs splits a command line at spaces outside double quotes.
func splitArgs(s string) []string {
	var out []string
	var cur strings.Builder
	quoted, any := false, false
	for _, r := range s {
		switch {
		case r == '"':
			quoted, any = !quoted, true
		case r == ' ' && !quoted:
			if any {
				out = append(out, cur.String())
			}
			cur.Reset()
			any = false
		default:
			cur.WriteRune(r)
			any = true
		}
	}
	if any {
		out = append(out, cur.String())
	}
	return out
}

// TestExampleStudies runs every example study of testdata/studies on the synthetic cohort, then
// the painmark commands its "same as" lines give, and compares the files its "compare" lines
// name byte for byte: a study step and its command give the same result files.
func TestExampleStudies(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "studies", "*.toml"))
	if len(files) == 0 {
		t.Fatal("no example studies")
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".toml"), func(t *testing.T) {
			text, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			prepareExample(t, text)
			_, cmds, pairs := exampleCommands(string(text))
			if out, errOut, code := runCLI(t, "run", "study.toml"); code != 0 {
				t.Fatalf("run: %d %s %s", code, out, errOut)
			}
			if len(pairs) == 0 {
				t.Fatal("the example names no files to compare")
			}
			for _, c := range cmds {
				if out, errOut, code := runCLI(t, c...); code != 0 {
					t.Fatalf("%v: %d %s %s", c, code, out, errOut)
				}
			}
			// status lists each step's published files.
			status, _, _ := runCLI(t, "status", "study.toml")
			for _, p := range pairs {
				if !strings.Contains(status, filepath.Base(p[0])) {
					t.Errorf("status does not list %s:\n%s", p[0], status)
				}
			}
			if _, err := os.Stat(filepath.Join("out", ".lock")); err == nil {
				t.Error("the lock file is left after the run")
			}
			for _, p := range pairs {
				a, errA := os.ReadFile(p[0])
				b, errB := os.ReadFile(p[1])
				if errA != nil || errB != nil || !bytes.Equal(a, b) {
					t.Errorf("%s and %s differ (%v, %v)", p[0], p[1], errA, errB)
				}
			}
		})
	}
}

// prepareExample makes an example study's inputs in a fresh folder, the test's working folder:
// the synthetic cohort (writeStepCohort), the shared data (data/) and three FreeSurfer recons (fs/)
// when the study names them, the study as study.toml, a cli/ folder, and its "before" commands'
// outputs. It returns the folder.
func prepareExample(t *testing.T, text []byte) string {
	t.Helper()
	dir := t.TempDir()
	writeStepCohort(t, dir, 16)
	if bytes.Contains(text, []byte(`"data/`)) { // the shared data folder
		os.Symlink(filepath.Dir(fixtures.Shared(t, "DATA.md")), filepath.Join(dir, "data"))
	}
	if bytes.Contains(text, []byte(`"fs"`)) { // a SUBJECTS_DIR of three real recons
		for subj, src := range map[string]string{"bert": "bert_fs7.2", "hcp": "hcp198451_fs5.3", "hcp2": "hcp198451_fs7.4.1_rerun"} {
			os.MkdirAll(filepath.Join(dir, "fs", subj, "stats"), 0o755)
			for _, h := range []string{"lh", "rh"} {
				os.Symlink(fixtures.Shared(t, "freesurfer", src, h+".aparc.stats"), filepath.Join(dir, "fs", subj, "stats", h+".aparc.stats"))
			}
		}
	}
	os.WriteFile(filepath.Join(dir, "study.toml"), text, 0o644)
	os.MkdirAll(filepath.Join(dir, "cli"), 0o755)
	t.Chdir(dir)
	before, _, _ := exampleCommands(string(text))
	for _, c := range before {
		if out, errOut, code := runCLI(t, c...); code != 0 {
			t.Fatalf("%v: %d %s %s", c, code, out, errOut)
		}
	}
	return dir
}

// exampleStudy prepares the inputs of the example study testdata/studies/NAME (prepareExample)
// and returns the folder and the study's text.
func exampleStudy(t *testing.T, name string) (string, []byte) {
	t.Helper()
	text, err := os.ReadFile(filepath.Join("..", "..", "testdata", "studies", name))
	if err != nil {
		t.Fatal(err)
	}
	return prepareExample(t, text), text
}

// linkInputs makes folder to (in the working folder) a second home of the study in dir: its
// inputs linked (everything but out/ and cli/) and the study file copied, so that the inputs'
// labels, which results record, are the same.
func linkInputs(t *testing.T, dir, to string) {
	t.Helper()
	os.Mkdir(to, 0o755)
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if n := e.Name(); n != "out" && n != "cli" && n != "study.toml" && n != to {
			os.Symlink(filepath.Join(dir, n), filepath.Join(to, n))
		}
	}
	b, _ := os.ReadFile(filepath.Join(dir, "study.toml"))
	os.WriteFile(filepath.Join(to, "study.toml"), b, 0o644)
}

// sameStepResults compares the step result files under out/ (reports aside) with their
// namesakes under other/out/ and returns how many it compared.
func sameStepResults(t *testing.T, other string) int {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join("out", "*", "*"))
	n := 0
	for _, f := range files {
		if strings.HasPrefix(filepath.Base(f), "report.") || strings.Contains(f, ".cache") {
			continue
		}
		a, _ := os.ReadFile(f)
		b, err := os.ReadFile(filepath.Join(other, f))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("%s differs from %s's (%v)", f, other, err)
		}
		n++
	}
	if n < 7 {
		t.Errorf("only %d step result files compared", n)
	}
	return n
}
