package features

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/connectome"
	"github.com/painmark/painmark/signal"
	"github.com/painmark/painmark/study"
)

// runSeries simulates 3 persons x 2 runs of 4 regions, named as BIDS runs.
func runSeries() *Series {
	rng := rand.New(rand.NewPCG(7, 7))
	s := &Series{Regions: []Region{{Name: "A"}, {Name: "B"}, {Name: "C"}, {Name: "D"}}}
	for p := 1; p <= 3; p++ {
		for r := 1; r <= 2; r++ {
			m := signal.Matrix{Rows: 40, Cols: 4, Data: make([]float64, 160)}
			for i := range m.Data {
				m.Data[i] = rng.NormFloat64() + float64(r) // runs differ in their means
				if i%4 == 1 {
					m.Data[i] += 0.8 * m.Data[i-1]
				}
			}
			name := fmt.Sprintf("sub-%02d_task-rest_run-%d", p, r)
			id, _ := study.IdentifyRun(name)
			s.Subjects, s.Data, s.Files = append(s.Subjects, name), append(s.Data, m), append(s.Files, name+"_timeseries.tsv")
			s.Identities = append(s.Identities, Identity{RunIdentity: id})
		}
	}
	return s
}

func TestCombineRuns(t *testing.T) {
	s := runSeries()
	o := DefaultConnectomeOptions()
	o.Measure.Kind = connectome.Correlation
	runs, err := Connectomes(s, o)
	if err != nil {
		t.Fatal(err)
	}
	if g := runs.Table.Groups(); strings.Join(g, ",") != "sub-01,sub-01,sub-02,sub-02,sub-03,sub-03" {
		t.Fatalf("groups of a table of runs: %v", g)
	}
	o.Combine = CombineMean
	mean, err := Connectomes(s, o)
	if err != nil {
		t.Fatal(err)
	}
	tb := mean.Table
	if strings.Join(tb.Subjects, ",") != "sub-01,sub-02,sub-03" || tb.Groups() != nil || tb.Definition.Combine != CombineMean {
		t.Fatalf("rows %v groups %v", tb.Subjects, tb.Groups())
	}
	if r := tb.Definition.Rows[1]; r.Participant != "sub-02" || r.Task != "rest" || r.Run != "" || strings.Join(r.Runs, ",") != "sub-02_task-rest_run-1,sub-02_task-rest_run-2" {
		t.Fatalf("identity %+v", r)
	}
	// The mean of each edge's Fisher z over the person's runs, transformed back.
	for p := 0; p < 3; p++ {
		for k := range tb.Columns {
			a, b := runs.Table.Row(2 * p)[k], runs.Table.Row(2*p + 1)[k]
			if want := math.Tanh((math.Atanh(a) + math.Atanh(b)) / 2); math.Abs(tb.Row(p)[k]-want) > 1e-15 {
				t.Fatalf("person %d edge %d: %v, want %v", p, k, tb.Row(p)[k], want)
			}
		}
	}
	// Concatenation: each run centred, then one estimate per person.
	o.Combine = CombineConcat
	cat, err := Connectomes(s, o)
	if err != nil {
		t.Fatal(err)
	}
	for p := 0; p < 3; p++ {
		var joined []float64
		for _, m := range s.Data[2*p : 2*p+2] {
			means := columnMeans(m)
			for i, v := range m.Data {
				joined = append(joined, v-means[i%4])
			}
		}
		one := &Series{Subjects: []string{"x"}, Regions: s.Regions, Data: []signal.Matrix{{Rows: 80, Cols: 4, Data: joined}}}
		o.Combine = CombineNone
		want, err := Connectomes(one, o)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range want.Table.Row(0) {
			if cat.Table.Row(p)[k] != v {
				t.Fatalf("concat person %d edge %d: %v, want %v", p, k, cat.Table.Row(p)[k], v)
			}
		}
	}
	// The identities travel with the table; a participants table joins on participant_id.
	dir := t.TempDir()
	if err := cat.Table.Write(dir); err != nil {
		t.Fatal(err)
	}
	back, err := Read(dir, nil)
	if err != nil || back.Definition.Combine != CombineConcat || back.Definition.Rows[2].Participant != "sub-03" {
		t.Fatalf("read back: %+v %v", back.Definition, err)
	}
	pt := filepath.Join(dir, "participants.tsv")
	os.WriteFile(pt, []byte("participant_id\tpain\nsub-01\t1\nsub-02\t2\nsub-03\t3\n"), 0o644)
	rdir := t.TempDir()
	if err := runs.Table.Write(rdir); err != nil {
		t.Fatal(err)
	}
	_, y, err := Load(rdir, LoadOptions{Target: pt + ":pain"})
	if err != nil || fmt.Sprint(y) != "[1 1 2 2 3 3]" {
		t.Fatalf("runs joined to participants.tsv: %v %v", y, err)
	}
	// File names carry no participant: combining is refused.
	s.Identities = nil
	o.Combine = CombineMean
	if _, err := Connectomes(s, o); err == nil || !strings.Contains(err.Error(), "participant") {
		t.Fatalf("combining without identities: %v", err)
	}
	o.Combine = "median"
	if err := o.Check(); err == nil {
		t.Fatal("unknown combine rule accepted")
	}
}
