package pipeline

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/connectome"
	"github.com/painmark/painmark/features"
	"github.com/painmark/painmark/signature"
	"github.com/painmark/painmark/study"
)

// TestCohortTables: [[cohort]] tables declare named cohorts of their own series, each through the
// study's [connectivity] with the cohort's own keys over it; every table equals painmark
// connectome's on the same series (library path, --no-matrices; --blocks for blocks = true) byte
// for byte, steps read them as @NAME (a signature trained on one, validated on another, and on
// both listed: features = ["@a", "@b"]), and the study refuses a cohort named like a step, a
// cohort where a signature is wanted, unknown keys in a cohort's own sections and a list where one
// value is wanted.
func TestCohortTables(t *testing.T) {
	dir := t.TempDir()
	writeCohort(t, dir, "a", "a.tsv", 8, 3)
	writeCohort(t, dir, "b", "b.tsv", 6, 4)
	tags := "name\tsystem\nR0\tbrain\nR1\tbrain\nR2\tbrain\nR3\tbrain\nR4\tbrain\nR5\tbrain\nR6\tspinal\nR7\tspinal\n"
	os.WriteFile(filepath.Join(dir, "regions.tsv"), []byte(tags), 0o644)
	head := "output = \"out\"\n[connectivity]\nkind = \"correlation\"\nscaling = \"zscore\"\nregion_tags = \"regions.tsv\"\n" +
		"[[cohort]]\nname = \"a\"\ntimeseries = \"a\"\n" +
		"[[cohort]]\nname = \"b\"\ntimeseries = \"b\"\n" +
		"[[cohort]]\nname = \"b-brain\"\ntimeseries = \"b\"\n[cohort.connectivity]\nregion_tags = \"\"\ndrop = [\"R6\", \"R7\"]\n" +
		"[[cohort]]\nname = \"b-blocks\"\ntimeseries = \"b\"\nblocks = true\n"
	steps := "[[signature_train]]\nname = \"sig\"\nfeatures = \"@a\"\ntarget = \"a.tsv:pain\"\nk = [5]\n" +
		"[[signature_validate]]\nname = \"val\"\nsignature = \"@sig\"\nfeatures = \"@b\"\ntarget = \"b.tsv:pain\"\npermutations = 10\nbootstraps = 10\n" +
		"[[signature_validate]]\nname = \"both\"\nsignature = \"@sig\"\nfeatures = [\"@a\", \"@b\"]\ntarget = \"a.tsv:pain\"\npermutations = 10\nbootstraps = 10\n"
	path := filepath.Join(dir, "study.toml")
	os.WriteFile(path, []byte(head+steps), 0o644)
	s, p := runStudy(t, path)
	var cohortUnits int
	for _, u := range p.Units {
		if u.Step == "cohort" {
			cohortUnits++
		}
	}
	if cohortUnits != 4 {
		t.Errorf("%d cohort units, want 4", cohortUnits)
	}
	// painmark connectome on each cohort's series, run from the study's folder.
	t.Chdir(dir)
	m := connectome.Measure{Kind: connectome.Correlation, Estimator: connectome.LedoitWolfEstimator, Scaling: connectome.ZScoreSeries}
	for _, c := range []struct {
		name, series, tags string
		drop               []string
		blocks             bool
	}{{"a", "a", "regions.tsv", nil, false}, {"b", "b", "regions.tsv", nil, false}, {"b-brain", "b", "", []string{"R6", "R7"}, false}, {"b-blocks", "b", "regions.tsv", nil, true}} {
		files, err := study.TimeSeriesFiles(c.series)
		if err != nil {
			t.Fatal(err)
		}
		ss, err := features.ReadSeries(files, c.drop, features.BIDSNames)
		if err == nil {
			err = ss.TagRegions(c.tags)
		}
		if err != nil {
			t.Fatal(err)
		}
		want := t.TempDir()
		if c.blocks {
			tb, err := signature.BlockTable(ss, m)
			if err != nil {
				t.Fatal(err)
			}
			err = tb.Write(want)
		} else {
			o := features.DefaultConnectomeOptions()
			o.Measure, o.Matrices = m, false
			res, err := features.Connectomes(ss, o)
			if err != nil {
				t.Fatal(err)
			}
			err = res.WriteFiles(want)
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{features.TSVName, features.NPYName, features.EdgesName} {
			a, errA := os.ReadFile(filepath.Join(s.Output, c.name, f))
			b, errB := os.ReadFile(filepath.Join(want, f))
			if os.IsNotExist(errA) && os.IsNotExist(errB) { // a block table has no edges.tsv
				continue
			}
			if errA != nil || errB != nil || string(a) != string(b) {
				t.Errorf("cohort %s: %s differs from painmark connectome's (%v, %v)", c.name, f, errA, errB)
			}
		}
	}
	if b, err := os.ReadFile(filepath.Join(s.Output, "val", "validation.json")); err != nil || !strings.Contains(string(b), "out/b/features.tsv") {
		t.Errorf("the validation on @b does not name out/b/features.tsv (%v)", err)
	}
	// A validation on a list of tables validates on each cohort, and on both weighted by size.
	if b, err := os.ReadFile(filepath.Join(s.Output, "both", "validation.json")); err != nil || !strings.Contains(string(b), "out/b/features.tsv") || !strings.Contains(string(b), "out/a/features.tsv") || !strings.Contains(string(b), "weighted") {
		t.Errorf("the validation on [@a, @b] does not name both tables and the weighted explained variance (%v)", err)
	}
	// painmark status lists each cohort's published files.
	status, err := s.Status("test")
	if err != nil || !status.Complete {
		t.Fatalf("status: %v", err)
	}
	var listed bool
	for _, o := range status.Outputs {
		listed = listed || (o.Step == "cohort b-blocks" && len(o.Files) > 0 && strings.HasSuffix(o.Files[len(o.Files)-1], "features.tsv"))
	}
	if !listed {
		t.Errorf("status does not list the cohort b-blocks' files: %+v", status.Outputs)
	}
	// Refusals.
	for _, bad := range []struct{ text, want string }{
		{head + "[[signature_train]]\nname = \"a\"\nfeatures = \"@b\"\ntarget = \"b.tsv:pain\"\n", "named \"a\""},
		{head + steps + "[[signature_lesion]]\nname = \"l\"\nsignature = \"@a\"\nfeatures = \"@b\"\ntarget = \"b.tsv:pain\"\n", "gives a feature table"},
		{head + "[[cohort]]\nname = \"c\"\ntimeseries = \"a\"\n[cohort.connectivity]\nkindd = \"correlation\"\n", "kindd"},
		{head + "[[cohort]]\nname = \"a\"\ntimeseries = \"a\"\n", "unique"},
		{head + "[[cohort]]\nname = \"c\"\ntimeseries = \"a\"\nfmriprep = \"x\"\n", "one of fmriprep"},
		{head + steps + "[[signature_lesion]]\nname = \"l\"\nsignature = \"@sig\"\nfeatures = [\"@a\", \"@b\"]\ntarget = \"b.tsv:pain\"\n", "wants a path"},
	} {
		os.WriteFile(path, []byte(bad.text), 0o644)
		if _, err := Load(path); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("want an error with %q, got %v", bad.want, err)
		}
	}
}
