package pipeline

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/painmark/painmark/connectome"
	"github.com/painmark/painmark/features"
	"github.com/painmark/painmark/study"
	"github.com/painmark/painmark/table"
)

// TestCombineLikeConnectome: a study whose persons have two runs each, combined by mean or concat,
// publishes the feature table features.Connectomes writes with the same rule, byte for byte: one
// row per participant_id, its identity in connectome.json.
func TestCombineLikeConnectome(t *testing.T) {
	dir := t.TempDir()
	roi := filepath.Join(dir, "roi")
	os.MkdirAll(roi, 0o755)
	rng := rand.New(rand.NewPCG(5, 5))
	for p := 1; p <= 4; p++ {
		for r := 1; r <= 2; r++ {
			cols := make([]*table.Column, 5)
			for c := range cols {
				v := make([]float64, 50)
				for f := range v {
					v[f] = rng.NormFloat64() + float64(r)
				}
				cols[c] = table.NumericColumn(fmt.Sprintf("R%d", c), v)
			}
			table.Write(filepath.Join(roi, fmt.Sprintf("sub-%02d_task-rest_run-%d_timeseries.tsv", p, r)), &table.Table{Columns: cols})
		}
	}
	files, err := study.TimeSeriesFiles(roi)
	if err != nil {
		t.Fatal(err)
	}
	for _, rule := range []string{features.CombineMean, features.CombineConcat} {
		st := filepath.Join(dir, rule+".toml")
		os.WriteFile(st, []byte(fmt.Sprintf("output = \"out-%s\"\n[inputs]\ntimeseries = \"roi\"\n[connectivity]\nkind = \"correlation\"\ncombine = %q\n", rule, rule)), 0o644)
		s, err := Load(st)
		if err != nil {
			t.Fatal(err)
		}
		res, err := s.Run(RunOptions{Version: "test"})
		if err != nil {
			t.Fatal(rule, err)
		}
		if want := map[string]int{features.CombineMean: 9, features.CombineConcat: 5}[rule]; res.Units != want {
			t.Errorf("%s: %d units, want %d", rule, res.Units, want)
		}
		series, err := features.ReadSeries(files, nil, features.BIDSNames)
		if err != nil {
			t.Fatal(err)
		}
		o := features.DefaultConnectomeOptions()
		o.Measure.Kind, o.Matrices, o.Combine = connectome.Correlation, false, rule
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
				t.Errorf("%s %s: the study's differs from features.Connectomes'", rule, f)
			}
		}
		got, err := features.Read(s.Output, nil)
		if err != nil {
			t.Fatal(err)
		}
		if d := got.Definition; got.NumSubjects() != 4 || got.Subjects[3] != "sub-04" || d.Combine != rule || len(d.Rows[0].Runs) != 2 || len(d.Provenance.Inputs) != 8 {
			t.Errorf("%s: rows %v definition %+v", rule, got.Subjects, d)
		}
	}
	bad := filepath.Join(dir, "bad.toml")
	os.WriteFile(bad, []byte("output = \"o\"\n[inputs]\ntimeseries = \"roi\"\nids = \"file\"\n[connectivity]\ncombine = \"mean\"\n"), 0o644)
	if _, err := Load(bad); err == nil {
		t.Error("combine with file names accepted")
	}
}
