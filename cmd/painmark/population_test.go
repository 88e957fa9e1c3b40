package main

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/learn"
	"github.com/painmark/painmark/npy"
	"github.com/painmark/painmark/table"
)

// TestLearnPopulationLibrary runs painmark learn population on a .npy matrix (ridge streamed into
// its Gram matrix by column blocks; CPM with a covariate) and the library calls it maps onto
// (learn.ReadCohort, learn.Population, WriteFiles): the result files are byte-identical.
func TestLearnPopulationLibrary(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(5, 6))
	n, p := 60, 200
	x := make([]float64, n*p)
	var ids, fam []string
	var pain, motion []float64
	for i := 0; i < n; i++ {
		f := rng.NormFloat64()
		for j := 0; j < p; j++ {
			x[i*p+j] = f*0.3*float64(j%5) + rng.NormFloat64()
		}
		ids, fam = append(ids, fmt.Sprintf("s%02d", i)), append(fam, fmt.Sprintf("f%d", i/3))
		pain, motion = append(pain, f+0.5*rng.NormFloat64()), append(motion, rng.NormFloat64())
	}
	xPath, pt := filepath.Join(dir, "edges.npy"), filepath.Join(dir, "participants.tsv")
	if err := npy.Write(xPath, []int{n, p}, x, "<f8"); err != nil {
		t.Fatal(err)
	}
	if err := table.Write(pt, &table.Table{Columns: []*table.Column{table.TextColumn("subject", ids), table.NumericColumn("pain", pain),
		table.TextColumn("family", fam), table.NumericColumn("motion", motion)}}); err != nil {
		t.Fatal(err)
	}
	scores := map[string][]float64{}
	for _, run := range []string{"ridge", "ridge-streamed", "cpm"} {
		est, solver, _ := strings.Cut(run, "-")
		cli, lib := filepath.Join(dir, run+"-cli"), filepath.Join(dir, run+"-lib")
		args := []string{"learn", "population", xPath, "--target", pt + ":pain", "--groups", pt + ":family", "--estimator", est,
			"--folds", "5", "--permutations", "30", "--block-columns", "17", "-o", cli}
		in := learn.CohortInputs{Target: pt + ":pain", Groups: pt + ":family", BlockColumns: 17}
		if solver != "" {
			args = append(args, "--ridge-solver", solver)
			in.RidgeSolver = solver
		}
		if est == "cpm" {
			args = append(args, "--covariate", pt+":motion", "--p-thresholds", "0.05")
			in.Covariates = []string{pt + ":motion"}
		}
		if out, errOut, code := runCLI(t, args...); code != 0 {
			t.Fatalf("%s: %d %s %s", est, code, out, errOut)
		}
		c, err := learn.ReadCohort(xPath, est, in)
		if err != nil {
			t.Fatal(err)
		}
		if (c.Gram != nil) != (run == "ridge") || (c.Rows != nil) != (run == "ridge-streamed") {
			t.Fatalf("%s: Gram %v, rows %v", run, c.Gram != nil, c.Rows != nil)
		}
		o := learn.DefaultPopulationOptions()
		o.Estimator, o.Folds, o.Permutations = est, 5, 30
		if est == "cpm" {
			o.PThresholds = []float64{0.05}
		}
		res, err := learn.Population(c, o)
		c.Close()
		if err != nil {
			t.Fatal(err)
		}
		scores[run] = append(res.MeanScores, res.Null...)
		if err := res.WriteFiles(lib); err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{"population.json", "scores.tsv", "predictions.tsv"} {
			a, errA := os.ReadFile(filepath.Join(cli, f))
			b, errB := os.ReadFile(filepath.Join(lib, f))
			if errA != nil || errB != nil || !bytes.Equal(a, b) {
				t.Errorf("%s %s: the command's and the library's differ (%v, %v)", run, f, errA, errB)
			}
		}
	}
	for k, v := range scores["ridge"] { // mean scores of the 20 alphas, then the 30 permutations
		if w := scores["ridge-streamed"][k]; math.Abs(v-w) > 1e-9 {
			t.Fatalf("value %d: kernel ridge %v, streamed ridge %v", k, v, w)
		}
	}
	if _, errOut, code := runCLI(t, "learn", "population", xPath, "--target", "pain", "-o", filepath.Join(dir, "x")); code == 0 {
		t.Fatalf(".npy without TABLE:COLUMN target accepted: %s", errOut)
	}
}
