package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/internal/browsercheck"
	"github.com/painmark/painmark/internal/testdata"
	"github.com/painmark/painmark/table"
)

// painmark morph on the real ENIGMA table: regional and global MS for 20 subjects, the
// case-control table with covariates and an interaction, and a report that loads in Chromium.
func TestMorphCommand(t *testing.T) {
	dir := t.TempDir()
	x := func(name string) string { return testdata.Shared(t, "enigma", "xdata", name) }
	out, errOut, code := runCLI(t, "morph", "--enigma", x("metr2_CortThick.csv"), "--enigma", x("metr3_CortSurf.csv"),
		"--participants", x("cov.csv"), "--group", "Dx", "--case", "1", "--covariates", "Age,Sex,ICV", "--interactions", "Age*Sex", "-o", dir)
	if code != 0 {
		t.Fatalf("morph: %d %s %s", code, out, errOut)
	}
	if !strings.Contains(out, "20 subjects x 68 regions x 2 features") {
		t.Errorf("output:\n%s", out)
	}
	cc, err := table.Read(filepath.Join(dir, "case_control.tsv"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if cc.NumRows() != 68 {
		t.Errorf("%d case-control rows", cc.NumRows())
	}
	if _, err := os.Stat(filepath.Join(dir, "regional_ms.tsv")); err != nil {
		t.Error(err)
	}
	if _, errOut, code := runCLI(t, "morph", "-o", dir); code != 2 || !strings.Contains(errOut, "--subjects-dir or --enigma") {
		t.Errorf("no input: %d %s", code, errOut)
	}
	if os.Getenv("PAINMARK_CHROMIUM") != "" {
		browsercheck.Check(t, browsercheck.Chromium(t), filepath.Join(dir, "morph.report.html"), "morph-report.png", 2)
	}
}
