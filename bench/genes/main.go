// Command genes times 1,000 PLS bootstrap refits of 34 regions x 1645 genes (AHBA-DK left
// hemisphere against the ENIGMA schizophrenia thickness map, three components): painmark's SIMPLS
// against scikit-learn's PLSRegression on the same resamples, in one run (target: at least 10x).
// Run from the repository root:
//
//	go run ./bench/genes [-n 1000] [-repeats 3]
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"time"

	"github.com/painmark/painmark/genes"
	"github.com/painmark/painmark/internal/benchkit"
	"github.com/painmark/painmark/npy"
	"github.com/painmark/painmark/table"
)

func main() {
	n := flag.Int("n", 1000, "bootstrap refits")
	repeats := flag.Int("repeats", 3, "runs of painmark's bootstrap (the median is reported)")
	shared := flag.String("shared", "../shared/data", "the shared data folder")
	dir := flag.String("dir", filepath.Join("bench", "out"), "folder for generated inputs")
	python := flag.String("python", "/usr/bin/python3", "Python with Debian's scikit-learn")
	flag.Parse()
	must(os.MkdirAll(*dir, 0o755))
	ex, err := table.Read(*shared+"/ahba-dk/ahba/allgenes_stable_r0.6.csv", nil)
	must(err)
	maps, err := table.Read(*shared+"/golden/pls/octave_plsregress_regions.csv", nil)
	must(err)
	y, err := maps.Floats("y_z")
	must(err)
	rows, p := 34, len(ex.Columns)-1
	x := make([]float64, rows*p)
	for j, c := range ex.Columns[1:] {
		v, err := ex.Floats(c.Name)
		must(err)
		var m, ss float64
		for _, a := range v[:rows] {
			m += a
		}
		m /= float64(rows)
		for _, a := range v[:rows] {
			ss += (a - m) * (a - m)
		}
		sd := math.Sqrt(ss / float64(rows-1))
		for i := 0; i < rows; i++ {
			x[i*p+j] = (v[i] - m) / sd
		}
	}
	fmt.Printf("PLS bootstrap: %d regions x %d genes, 3 components, %d refits\n\n", rows, p, *n)
	var ts []float64
	var res *genes.WeightBootstrap
	for r := 0; r < *repeats; r++ {
		start := time.Now()
		res, err = genes.BootstrapWeights(x, rows, p, y, 3, *n, 1)
		must(err)
		ts = append(ts, time.Since(start).Seconds())
	}
	sort.Float64s(ts)
	pm := ts[len(ts)/2]
	big := 0
	for _, z := range res.Z[0] {
		if math.Abs(z) > 3 {
			big++
		}
	}
	fmt.Printf("%-50s %8.3f s  (%d genes with |Z| > 3 on PLS1)\n", "painmark SIMPLS bootstrap (median)", pm, big)
	// The peer refits scikit-learn's PLSRegression on resamples drawn the same way.
	idx := make([]float64, *n*rows)
	for b := 0; b < *n; b++ {
		rng := rand.New(rand.NewPCG(1, uint64(b)))
		for i := 0; i < rows; i++ {
			idx[b*rows+i] = float64(rng.IntN(rows))
		}
	}
	xPath, yPath, iPath := filepath.Join(*dir, "pls_x.npy"), filepath.Join(*dir, "pls_y.npy"), filepath.Join(*dir, "pls_idx.npy")
	must(npy.Write(xPath, []int{rows, p}, x, "<f8"))
	must(npy.Write(yPath, []int{rows}, y, "<f8"))
	must(npy.Write(iPath, []int{*n, rows}, idx, "<f8"))
	script := filepath.Join(*dir, "peer_pls.py")
	must(os.WriteFile(script, []byte(peer), 0o644))
	run, err := benchkit.Measure(exec.Command(*python, script, xPath, yPath, iPath))
	must(err)
	var first []float64
	must(json.Unmarshal(run.Output["first_w1"], &first))
	// Check: the first resample's PLS1 weights (sklearn's x_rotations / ||t||, sign-aligned) equal
	// painmark's SIMPLS weights on that resample.
	bx := make([]float64, rows*p)
	by := make([]float64, rows)
	for i := 0; i < rows; i++ {
		j := int(idx[i])
		copy(bx[i*p:(i+1)*p], x[j*p:(j+1)*p])
		by[i] = y[j]
	}
	fit, err := genes.FitSIMPLS(bx, rows, p, by, 3)
	must(err)
	var d float64
	for g := range first {
		d = math.Max(d, math.Abs(math.Abs(first[g])-math.Abs(fit.Weights[0][g])))
	}
	fmt.Printf("%-50s %8.3f s\n", "scikit-learn PLSRegression, same resamples", run.Seconds)
	fmt.Printf("%-50s %7.0fx\n", "speed-up (scikit-learn / painmark)", run.Seconds/pm)
	fmt.Printf("first resample's PLS1 weights: painmark SIMPLS vs scikit-learn differ by at most %.2g\n", d)
}

const peer = `
import json, sys, time
import numpy as np
from sklearn.cross_decomposition import PLSRegression
x, y, idx = np.load(sys.argv[1]), np.load(sys.argv[2]), np.load(sys.argv[3]).astype(int)
t0 = time.perf_counter()
first = None
for b in range(idx.shape[0]):
    i = idx[b]
    m = PLSRegression(n_components=3, scale=False).fit(x[i], y[i])
    w = m.x_rotations_[:, 0] / np.linalg.norm(m.x_scores_[:, 0])
    if first is None:
        first = w.tolist()
secs = time.perf_counter() - t0
print(json.dumps({"seconds": secs, "first_w1": first}))
`

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "genes:", err)
		os.Exit(1)
	}
}
