package pipeline

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/painmark/painmark/learn"
	"github.com/painmark/painmark/npy"
	"github.com/painmark/painmark/stats"
	"github.com/painmark/painmark/table"
)

// TestPermutationShardsEqualOneRun: a study whose permutation test is split into shards of 7
// gives the null distribution and p-values of one learn.PermutationTest over all 30
// permutations, and its predictions are learn.LeaveOneOut's.
func TestPermutationShardsEqualOneRun(t *testing.T) {
	dir := t.TempDir()
	roi := filepath.Join(dir, "roi")
	os.MkdirAll(roi, 0o755)
	rng := rand.New(rand.NewPCG(4, 4))
	var ids []string
	var target []float64
	for s := 0; s < 16; s++ {
		cols := make([]*table.Column, 8)
		pain := rng.NormFloat64()
		shared := make([]float64, 90)
		for f := range shared {
			shared[f] = rng.NormFloat64()
		}
		for r := range cols {
			v := make([]float64, 90)
			for f := range v {
				v[f] = rng.NormFloat64()
				if r < 2 {
					v[f] += pain * shared[f]
				}
			}
			cols[r] = table.NumericColumn(fmt.Sprintf("R%d", r), v)
		}
		id := fmt.Sprintf("sub-%02d_task-rest", s)
		table.Write(filepath.Join(roi, id+"_timeseries.tsv"), &table.Table{Columns: cols})
		ids, target = append(ids, id), append(target, pain)
	}
	table.Write(filepath.Join(dir, "participants.tsv"), &table.Table{Columns: []*table.Column{table.TextColumn("subject", ids), table.NumericColumn("pain", target)}})
	st := filepath.Join(dir, "study.toml")
	os.WriteFile(st, []byte(`output = "out"
[inputs]
timeseries = "roi"
[connectivity]
kind = "correlation"
[model]
target = "participants.tsv:pain"
k = 10
alpha = 0.05
l1_ratio = 0.5
permutations = 30
shard = 7
seed = 3
`), 0o644)
	s, err := Load(st)
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Plan("test")
	if err != nil {
		t.Fatal(err)
	}
	shards := 0
	for _, u := range p.Units {
		if u.Step == "permutations" {
			shards++
		}
	}
	if shards != 5 {
		t.Fatalf("%d shards for 30 permutations of 7", shards)
	}
	if _, err := p.RunLocal(Build, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.Publish(p); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Predictions []float64
		Observed    learn.Metrics
		P           learn.Metrics
		Null        []learn.Metrics
	}
	b, _ := os.ReadFile(filepath.Join(dir, "out", "model.json"))
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	arr, _ := npy.Read(filepath.Join(dir, "out", "features.npy"))
	x := learn.Matrix{Rows: arr.Shape[0], Cols: arr.Shape[1], Data: arr.Data}
	pl := learn.Pipeline{Scaler: "robust", K: 10, Model: learn.ElasticNet{Alpha: 0.05, L1Ratio: 0.5, MaxIter: 100000, Tol: 1e-4}}
	want, err := learn.PermutationTest(pl, x, target, learn.PermutationOptions{N: 30, Seed: 3, Mode: learn.PermuteRefit, Convention: stats.PermSklearn})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Null) != 30 {
		t.Fatalf("%d null values", len(got.Null))
	}
	for k := range want.Null {
		if got.Null[k] != want.Null[k] {
			t.Fatalf("permutation %d: %+v, one run %+v", k+1, got.Null[k], want.Null[k])
		}
	}
	if got.P != want.P || got.Observed != want.Observed {
		t.Errorf("p %+v observed %+v; one run %+v %+v", got.P, got.Observed, want.P, want.Observed)
	}
	t.Logf("30 permutations in 5 shards: nulls and p-values equal one run's (r = %.3f, p = %.3f)", got.Observed.R, got.P.R)
}
