package main

import (
	"github.com/painmark/painmark/internal/browsercheck"

	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/connectome"
	"github.com/painmark/painmark/features"
	"github.com/painmark/painmark/npy"
	"github.com/painmark/painmark/signal"
	"github.com/painmark/painmark/study"
	"github.com/painmark/painmark/table"
)

func TestConnectomeAfterExtract(t *testing.T) {
	root := fmriprepTree(t, 40)
	roi := t.TempDir()
	if _, stderr, code := runCLI(t, "extract", root, "--atlas", "mist122", "-o", roi); code != 0 {
		t.Fatal(stderr)
	}
	out := t.TempDir()
	stdout, stderr, code := runCLI(t, "connectome", roi, "--kind", "partial correlation", "--scaling", "zscore", "-o", out)
	if code != 0 {
		t.Fatal(stderr)
	}
	if !strings.Contains(stdout, "2 subjects x 122 regions -> 7381 features") {
		t.Errorf("output: %s", stdout)
	}
	feats, err := table.Read(filepath.Join(out, "features.tsv"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if feats.NumRows() != 2 || len(feats.Columns) != 7382 || feats.Columns[0].Raw[1] != "sub-02_ses-1_task-rest" {
		t.Fatalf("features %d x %d, ids %v", feats.NumRows(), len(feats.Columns), feats.Columns[0].Raw)
	}
	edges, _ := table.Read(filepath.Join(out, "edges.tsv"), nil)
	ri, _ := edges.Column("region_i")
	rj, _ := edges.Column("region_j")
	if ri.Raw[0] != "CER7ab" || rj.Raw[0] != "CER6_p" {
		t.Errorf("first edge %s-%s", ri.Raw[0], rj.Raw[0])
	}
	arr, err := npy.Read(filepath.Join(out, "features.npy"))
	if err != nil || arr.Shape[0] != 2 || arr.Shape[1] != 7381 {
		t.Fatalf("features.npy %v %v", arr, err)
	}
	// The features equal the library's, computed from the extracted series.
	files, _ := filepath.Glob(filepath.Join(roi, "sub-01", "func", "*_timeseries.tsv"))
	tb, _ := table.Read(files[0], nil)
	cols := make([]int, len(tb.Columns))
	for i := range cols {
		cols[i] = i
	}
	data, _ := tb.Matrix(cols, false)
	m, _, err := connectome.RPNMeasure.Matrix(signal.Matrix{Rows: tb.NumRows(), Cols: len(cols), Data: data})
	if err != nil {
		t.Fatal(err)
	}
	want := connectome.Vectorize(m, true)
	for k := range want {
		if math.Abs(arr.Data[k]-want[k]) > 1e-12 {
			t.Fatalf("feature %d: %v, library %v", k, arr.Data[k], want[k])
		}
	}
	if _, err := os.Stat(filepath.Join(out, "matrices", "sub-01_task-rest_connectome.npy")); err != nil {
		t.Error(err)
	}
	var side map[string]any
	b, _ := os.ReadFile(filepath.Join(out, "connectome.json"))
	if json.Unmarshal(b, &side) != nil || side["Kind"] != "partial correlation" || len(side["Shrinkage"].([]any)) != 2 {
		t.Errorf("sidecar %v", side)
	}
	// A Go program calling the library writes the same bytes as the command.
	lib := t.TempDir()
	tsvs, err := study.TimeSeriesFiles(roi)
	if err != nil {
		t.Fatal(err)
	}
	series, err := features.ReadSeries(tsvs, nil, "bids")
	if err != nil {
		t.Fatal(err)
	}
	o := features.DefaultConnectomeOptions()
	o.Measure.Scaling = connectome.ZScoreSeries
	res, err := features.Connectomes(series, o)
	if err != nil {
		t.Fatal(err)
	}
	if err := res.WriteFiles(lib); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"features.tsv", "features.npy", "edges.tsv", "matrices/sub-02_ses-1_task-rest_connectome.tsv"} {
		a, _ := os.ReadFile(filepath.Join(out, f))
		b, _ := os.ReadFile(filepath.Join(lib, f))
		if len(a) == 0 || string(a) != string(b) {
			t.Errorf("%s: the library's differs from the command's", f)
		}
	}
	// The sidecar differs only in the input paths (the command's are as found from its argument).
	if def, _, err := features.ReadSidecar(filepath.Join(out, "connectome.json")); err != nil || def.Measure != res.Table.Definition.Measure || len(def.Regions) != 122 {
		t.Errorf("sidecar: %+v %v", def, err)
	}
	// The report shows the mean matrix as a heat map (and the shrinkage), and loads in Chromium.
	if !strings.Contains(stdout, "report: ") {
		t.Errorf("no report: %s", stdout)
	}
	if os.Getenv("PAINMARK_CHROMIUM") != "" {
		browsercheck.Check(t, browsercheck.Chromium(t), filepath.Join(out, "connectome.report.html"), "connectome-report.png", 2)
	}
	// Fisher z needs the diagonal discarded; a tangent cohort works on two subjects.
	if _, stderr, code := runCLI(t, "connectome", roi, "--kind", "correlation", "--fisher-z", "--keep-diagonal", "-o", t.TempDir()); code == 0 || !strings.Contains(stderr, "diagonal") {
		t.Errorf("fisher z with diagonal: %d %s", code, stderr)
	}
	if _, stderr, code := runCLI(t, "connectome", roi, "--kind", "tangent", "--no-matrices", "-o", t.TempDir()); code != 0 {
		t.Errorf("tangent: %s", stderr)
	}
}
