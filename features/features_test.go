package features

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/connectome"
)

func example(t *testing.T) *Table {
	def := Definition{Regions: []Region{{"A", "brain"}, {"B", "brain"}, {"C", "spinal"}}, DiscardDiagonal: true,
		Measure:    Measure{Kind: connectome.PartialCorrelation, Estimator: connectome.LedoitWolfEstimator, Scaling: connectome.ZScoreSeries},
		Provenance: Provenance{SoftwareVersion: "test", Inputs: []string{"a.tsv", "b.tsv"}, Shrinkage: []float64{0.1, 0.2}}}
	tb, err := FromVectors([]string{"sub-01", "sub-02"}, [][]float64{{0.1, 1.0 / 3, -0.25}, {2, 3, 4}}, def)
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

func TestWriteReadRoundTrip(t *testing.T) {
	dir := t.TempDir()
	want := example(t)
	if err := want.Write(dir); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{dir, filepath.Join(dir, TSVName)} {
		got, err := Read(p, nil)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(got.Subjects, ",") != "sub-01,sub-02" || strings.Join(got.Columns, ",") != "e00000,e00001,e00002" {
			t.Fatalf("subjects %v columns %v", got.Subjects, got.Columns)
		}
		for i, v := range want.Data {
			if got.Data[i] != v {
				t.Fatalf("value %d: %v, want %v", i, got.Data[i], v)
			}
		}
		d := got.Definition
		if d == nil || d.Regions[2] != (Region{"C", "spinal"}) || d.Measure != want.Definition.Measure || !d.DiscardDiagonal || d.VectorOrder != VectorOrder ||
			d.Provenance.Shrinkage[1] != 0.2 || d.Provenance.Inputs[1] != "b.tsv" {
			t.Fatalf("definition %+v", d)
		}
	}
	// A plain table written over it leaves no sidecar describing it.
	defer func() {
		plain := &Table{Subjects: []string{"a"}, Columns: []string{"x"}, Data: []float64{1}}
		if err := plain.Write(dir); err != nil {
			t.Fatal(err)
		}
		if got, err := Read(dir, nil); err != nil || got.Definition != nil {
			t.Errorf("plain table over a connectivity table: %+v %v", got, err)
		}
	}()
	edges, _ := os.ReadFile(filepath.Join(dir, EdgesName))
	if want := "feature\ti\tj\tregion_i\tregion_j\ne00000\t1\t0\tB\tA\ne00001\t2\t0\tC\tA\ne00002\t2\t1\tC\tB\n"; string(edges) != want {
		t.Fatalf("edges.tsv:\n%s", edges)
	}
}

// A connectome.json as painmark connectome wrote it before the sidecar was typed still reads.
func TestReadsFormerSidecar(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, SidecarName), []byte(`{"DiscardDiagonal": true, "Estimator": "ledoit_wolf", "FisherZ": false,
 "Inputs": ["x"], "Kind": "partial correlation", "RegionSystems": null, "Regions": ["A", "B"], "Scaling": "zscore",
 "Shrinkage": [0.5], "SoftwareVersion": "v0", "Subjects": ["s1"], "VectorOrder": "nilearn sym_matrix_to_vec: lower triangle row by row (i > j)"}`), 0o644)
	os.WriteFile(filepath.Join(dir, TSVName), []byte("subject\te00000\ns1\t0.5\n"), 0o644)
	tb, err := Read(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d := tb.Definition; d == nil || d.Regions[1].Name != "B" || d.Measure.Kind != connectome.PartialCorrelation || tb.Data[0] != 0.5 {
		t.Fatalf("%+v", tb)
	}
	// A sidecar describing other regions than the table's columns is refused.
	os.WriteFile(filepath.Join(dir, TSVName), []byte("subject\te00000\te00001\ns1\t0.5\t1\n"), 0o644)
	if _, err := Read(dir, nil); err == nil || !strings.Contains(err.Error(), "2 regions give 1 edges") {
		t.Fatalf("mismatch: %v", err)
	}
}

func TestLoadTarget(t *testing.T) {
	dir := t.TempDir()
	if err := example(t).Write(dir); err != nil {
		t.Fatal(err)
	}
	pt := filepath.Join(dir, "participants.tsv")
	os.WriteFile(pt, []byte("participant_id\tpain\n02\t7\n01\t5\n"), 0o644)
	tb, y, err := Load(dir, LoadOptions{Target: pt + ":pain"})
	if err != nil {
		t.Fatal(err)
	}
	if tb.NumFeatures() != 3 || y[0] != 5 || y[1] != 7 {
		t.Fatalf("y = %v", y)
	}
	if _, _, err := Load(dir, LoadOptions{Target: pt + ":", TargetFlag: "--target"}); err == nil || !strings.Contains(err.Error(), "--target") {
		t.Fatalf("bad spec: %v", err)
	}
	// A target column of the feature table itself is not a feature.
	plain := filepath.Join(t.TempDir(), "plain.tsv")
	os.WriteFile(plain, []byte("id\tx1\tpain\tx2\na\t1\t10\t2\nb\t3\t20\t4\n"), 0o644)
	tb, y, err = Load(plain, LoadOptions{Target: "pain"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(tb.Columns, ",") != "x1,x2" || y[1] != 20 || tb.Data[3] != 4 || tb.Definition != nil {
		t.Fatalf("%+v %v", tb, y)
	}
	os.WriteFile(plain, []byte("id\tx1\tpain\na\t1\t10\nb\t3\tn/a\n"), 0o644)
	if _, _, err := Load(plain, LoadOptions{Target: "pain"}); err == nil || !strings.Contains(err.Error(), `column "pain" has no value for 1 subject: b`) {
		t.Fatalf("missing target: %v", err)
	}
}

func TestCompareVectors(t *testing.T) {
	a := example(t).Definition
	b := *a
	if err := a.CompareVectors(&b, "these", "those"); err != nil {
		t.Fatal(err)
	}
	b.Measure.FisherZ = true
	if err := a.CompareVectors(&b, "these", "those"); err == nil || !strings.Contains(err.Error(), "Fisher z of these is false") {
		t.Errorf("fisher z: %v", err)
	}
	if err := a.Compare(&b, "these", "those"); err != nil {
		t.Errorf("Compare looks at the measure only: %v", err)
	}
	b = *a
	b.Regions = b.Regions[:2]
	if err := a.Compare(&b, "these", "those"); err == nil || !strings.Contains(err.Error(), "region 3 (C) of these is not in those") {
		t.Errorf("extra region: %v", err)
	}
}

// Issue 21: duplicate subject IDs ("sub-01" and "01" are one subject) and duplicate feature names
// are refused naming the file, the name and both positions.
func TestReadRefusesDuplicates(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"subjects.tsv": "subject\ta\tb\nsub-01\t1\t2\n01\t3\t4\n",
		"features.tsv": "subject\ta\ta\nsub-01\t1\t2\nsub-02\t3\t4\n",
	} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := Read(p, nil); err == nil || !strings.Contains(err.Error(), "appears twice") || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
