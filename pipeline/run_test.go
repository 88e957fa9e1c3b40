package pipeline

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/connectome"
	"github.com/painmark/painmark/features"
	"github.com/painmark/painmark/learn"
	"github.com/painmark/painmark/study"
)

// TestRunWritesWhatConnectomesWrites: a study run through the library (Study.Run) publishes the
// feature table features.Connectomes writes for the same runs and recipe, byte for byte, with its
// connectome.json; Status then says it is complete. A study's defaults are painmark connectome's.
func TestRunWritesWhatConnectomesWrites(t *testing.T) {
	dir := t.TempDir()
	writeCohort(t, dir, "roi", "participants.tsv", 8, 4)
	st := filepath.Join(dir, "study.toml")
	os.WriteFile(st, []byte("output = \"out\"\n[inputs]\ntimeseries = \"roi\"\n[connectivity]\nscaling = \"zscore\"\n"), 0o644)
	s, err := Load(st)
	if err != nil {
		t.Fatal(err)
	}
	d := features.DefaultConnectomeOptions()
	if c := s.Connectivity.options(); c.Measure.Kind != d.Measure.Kind || c.Measure.Estimator != d.Measure.Estimator || c.DiscardDiagonal != d.DiscardDiagonal {
		t.Errorf("study defaults %+v, painmark connectome's %+v", c, d)
	}
	res, err := s.Run(RunOptions{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Computed != res.Units || res.Units != 9 {
		t.Errorf("%+v", res)
	}
	files, err := study.TimeSeriesFiles(filepath.Join(dir, "roi"))
	if err != nil {
		t.Fatal(err)
	}
	series, err := features.ReadSeries(files, nil, "bids")
	if err != nil {
		t.Fatal(err)
	}
	o := features.DefaultConnectomeOptions()
	o.Measure.Scaling, o.Matrices = connectome.ZScoreSeries, false
	want, err := features.Connectomes(series, o)
	if err != nil {
		t.Fatal(err)
	}
	lib := t.TempDir()
	if err := want.WriteFiles(lib); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{features.TSVName, features.NPYName, features.EdgesName} {
		a, _ := os.ReadFile(filepath.Join(s.Output, f))
		b, _ := os.ReadFile(filepath.Join(lib, f))
		if len(a) == 0 || string(a) != string(b) {
			t.Errorf("%s: the study's differs from features.Connectomes'", f)
		}
	}
	got, err := features.Read(s.Output, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d := got.Definition; d == nil || d.Measure != want.Table.Definition.Measure || len(d.Provenance.Inputs) != 8 || d.Provenance.Inputs[0] != files[0] {
		t.Errorf("study definition %+v", got.Definition)
	}
	status, err := s.Status("test")
	if err != nil {
		t.Fatal(err)
	}
	if !status.Complete || status.Steps[0] != (study.StepProgress{Step: "connectivity", Built: 8, Total: 8}) {
		t.Errorf("status %+v", status)
	}
}

// TestModelDefaultsAreLearns: a [model] that gives only its target fits painmark learn's default
// pipeline (K 25, not all features) with its default scoring.
func TestModelDefaultsAreLearns(t *testing.T) {
	dir := t.TempDir()
	st := filepath.Join(dir, "study.toml")
	os.MkdirAll(filepath.Join(dir, "roi"), 0o755)
	os.WriteFile(filepath.Join(dir, "roi", "sub-01_timeseries.tsv"), []byte("a\tb\n1\t2\n"), 0o644)
	os.WriteFile(st, []byte("output = \"out\"\n[inputs]\ntimeseries = \"roi\"\n[model]\ntarget = \"p.tsv:pain\"\n"), 0o644)
	s, err := Load(st)
	if err != nil {
		t.Fatal(err)
	}
	d, so := learn.DefaultModelOptions(), learn.DefaultSearchOptions()
	m := s.Model
	if m.Scaler != d.Scaler || len(m.K) != 1 || m.K[0] != d.K[0] || m.Alpha[0] != d.Alpha[0] || m.L1Ratio[0] != d.L1Ratio[0] ||
		m.MaxIter != d.MaxIter || m.Tol != d.Tol || m.Scoring != string(so.Scoring) || d.K[0] != 25 {
		t.Errorf("study model %+v, learn's %+v scoring %s", m, d, so.Scoring)
	}
	os.WriteFile(st, []byte("output = \"out\"\n[inputs]\ntimeseries = \"roi\"\n[model]\ntarget = \"p.tsv\"\n"), 0o644)
	if _, err := Load(st); err == nil || !strings.Contains(err.Error(), "TABLE:COLUMN") {
		t.Errorf("target without a column: %v", err)
	}
}

// TestValidationRegionsChecked: a validation cohort whose tables name other regions (same number)
// is refused, naming the first region that differs, instead of being predicted.
func TestValidationRegionsChecked(t *testing.T) {
	dir := t.TempDir()
	writeCohort(t, dir, "roi", "participants.tsv", 10, 1)
	writeCohort(t, dir, "retest", "retest.tsv", 6, 2)
	files, _ := filepath.Glob(filepath.Join(dir, "retest", "*.tsv"))
	for _, f := range files {
		b, _ := os.ReadFile(f)
		os.WriteFile(f, []byte(strings.Replace(string(b), "R3", "X3", 1)), 0o644)
	}
	st := filepath.Join(dir, "study.toml")
	os.WriteFile(st, []byte(`output = "out"
[inputs]
timeseries = "roi"
[model]
target = "participants.tsv:pain"
k = 5
[[validation]]
name = "retest"
timeseries = "retest"
target = "retest.tsv:pain"
`), 0o644)
	s, err := Load(st)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Run(RunOptions{Version: "test"}); err == nil || !strings.Contains(err.Error(), "region 4 is X3 in validation cohort retest, R3 in the training cohort") {
		t.Errorf("mismatched regions: %v", err)
	}
}
