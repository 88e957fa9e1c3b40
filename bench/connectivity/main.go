// Command connectivity benchmarks connectivity estimation against numpy/scikit-learn in one run:
// Ledoit-Wolf partial correlation of 54 subjects x 139 regions x 200 frames (the CSps training
// set's size; the peer is nilearn's recipe: sklearn LedoitWolf, scipy.linalg.inv, prec_to_partial,
// lower triangle), edge time series of 268 regions x 1200 frames (the peer: scipy-style z-scores and
// numpy fancy indexing over np.tril_indices), and painmark's pairwise DCC of 139 regions x 235 frames
// (the reference MATLAB code needs about 1.5 s per pair, about 4 hours). Run from the repository root:
//
//	go run ./bench/connectivity [-repeats 5] [-dir bench/out]
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"time"

	"github.com/painmark/painmark/connectome"
	"github.com/painmark/painmark/internal/benchkit"
	"github.com/painmark/painmark/npy"
	"github.com/painmark/painmark/signal"
)

const peerScript = `
import json, sys, time
import numpy as np
from scipy import linalg
from sklearn.covariance import LedoitWolf
task, path = sys.argv[1], sys.argv[2]
data = np.load(path)
t0 = time.perf_counter()
if task == "partial":
    p = data.shape[2]
    mask = np.tril_indices(p, -1)
    feats = []
    for x in data:
        cov = LedoitWolf().fit(x).covariance_
        prec = linalg.inv(cov)
        d = 1.0 / np.sqrt(np.diag(prec))
        part = -prec * d * d[:, None]
        np.fill_diagonal(part, 1.0)
        feats.append(part[mask])
    out = np.array(feats)
else:
    z = (data - data.mean(axis=0)) / data.std(axis=0)
    i, j = np.tril_indices(data.shape[1], -1)
    out = z[:, i] * z[:, j]
t1 = time.perf_counter()
print(json.dumps({"seconds": t1 - t0, "checksum": float(np.abs(out).sum()), "first": out.ravel()[:1000].tolist()}))
`

// series makes n subjects of T x p correlated series.
func series(rng *rand.Rand, n, T, p int) []signal.Matrix {
	out := make([]signal.Matrix, n)
	for s := range out {
		m := signal.NewMatrix(T, p)
		f := make([]float64, 8)
		for t := 0; t < T; t++ {
			for k := range f {
				f[k] = rng.NormFloat64()
			}
			for j := 0; j < p; j++ {
				m.Data[t*p+j] = f[j%8] + 0.5*f[(j*3)%8] + rng.NormFloat64()
			}
		}
		out[s] = m
	}
	return out
}

func main() {
	if len(os.Args) > 3 && os.Args[1] == "-child" {
		child(os.Args[2], os.Args[3])
		return
	}
	repeats := flag.Int("repeats", 5, "runs per contestant (medians are reported)")
	dir := flag.String("dir", filepath.Join("bench", "out"), "folder for generated inputs")
	python := flag.String("python", "/usr/bin/python3", "Python with Debian's numpy, scipy and scikit-learn")
	skipDCC := flag.Bool("skip-dcc", false, "skip the pairwise DCC timing")
	flag.Parse()
	must(os.MkdirAll(*dir, 0o755))
	self, _ := os.Executable()
	script := filepath.Join(*dir, "peer_connectivity.py")
	must(os.WriteFile(script, []byte(peerScript), 0o644))
	rng := rand.New(rand.NewSource(3))
	subjects := series(rng, 54, 200, 139)
	var flat []float64
	for _, s := range subjects {
		flat = append(flat, s.Data...)
	}
	partialPath := filepath.Join(*dir, "partial_54x200x139.npy")
	must(npy.Write(partialPath, []int{54, 200, 139}, flat, "<f8"))
	ets := series(rng, 1, 1200, 268)[0]
	etsPath := filepath.Join(*dir, "ets_1200x268.npy")
	must(npy.Write(etsPath, []int{1200, 268}, ets.Data, "<f8"))
	versions, _ := exec.Command(*python, "-c", "import numpy, scipy, sklearn; print('numpy', numpy.__version__, 'scipy', scipy.__version__, 'scikit-learn', sklearn.__version__)").Output()
	fmt.Printf("Connectivity: painmark vs %s", versions)
	fmt.Printf("%d runs each, medians; times exclude process start and loading; %d cores\n\n", *repeats, runtime.GOMAXPROCS(0))
	fmt.Printf("%-52s %-30s %9s %8s %9s\n", "task", "contestant", "seconds", "vs pm", "peak MiB")
	for _, task := range []struct{ name, key, path string }{
		{"LW partial correlation, 54 subj x 139 reg x 200 fr", "partial", partialPath},
		{"edge time series, 268 regions x 1200 frames", "ets", etsPath},
	} {
		pmS, pmP, pmRun, err := benchkit.Repeat(*repeats, func() *exec.Cmd { return exec.Command(self, "-child", task.key, task.path) })
		must(err)
		pySecs, pyPeak, pyRun, err := benchkit.Repeat(*repeats, func() *exec.Cmd { return exec.Command(*python, script, task.key, task.path) })
		must(err)
		var a, b []float64
		must(json.Unmarshal(pmRun.Output["first"], &a))
		must(json.Unmarshal(pyRun.Output["first"], &b))
		var d float64
		for i := range a {
			d = math.Max(d, math.Abs(a[i]-b[i]))
		}
		if d > 1e-10 {
			must(fmt.Errorf("%s: results differ by %g", task.name, d))
		}
		fmt.Printf("%-52s %-30s %9.3f %7.2fx %9.0f\n", task.name, "painmark", pmS, 1.0, pmP)
		fmt.Printf("%-52s %-30s %9.3f %7.2fx %9.0f\n", "", "numpy/scikit-learn", pySecs, pySecs/pmS, pyPeak)
		fmt.Printf("%-52s results agree to %.1g\n", "", d)
	}
	if !*skipDCC {
		x := series(rng, 1, 235, 139)[0]
		z, _, _ := signal.Standardize(x, signal.ZScoreSample)
		start := time.Now()
		out, _, err := connectome.PairwiseDCC(z)
		must(err)
		secs := time.Since(start).Seconds()
		fmt.Printf("%-52s %-30s %9.2f  (%d pairs; reference ~1.5 s/pair ≈ %.1f h; target < 30 s)\n", "pairwise DCC, 139 regions x 235 frames", "painmark", secs, out.Cols, 1.5*float64(out.Cols)/3600)
	}
	fmt.Println("\nvs pm: the peer's time divided by painmark's.")
}

func child(task, path string) {
	a, err := npy.Read(path)
	must(err)
	start := time.Now()
	var out []float64
	switch task {
	case "partial":
		n, T, p := a.Shape[0], a.Shape[1], a.Shape[2]
		feats := make([][]float64, n)
		errs := make([]error, n)
		done := make(chan int, n)
		jobs := make(chan int, n)
		for s := 0; s < n; s++ {
			jobs <- s
		}
		close(jobs)
		for w := 0; w < runtime.GOMAXPROCS(0); w++ {
			go func() {
				for s := range jobs {
					x := signal.Matrix{Rows: T, Cols: p, Data: a.Data[s*T*p : (s+1)*T*p]}
					m, _, err := connectome.Measure{Kind: connectome.PartialCorrelation, Scaling: connectome.AsGiven}.Matrix(x)
					if err == nil {
						feats[s] = connectome.Vectorize(m, true)
					}
					errs[s] = err
					done <- s
				}
			}()
		}
		for i := 0; i < n; i++ {
			<-done
		}
		for s := range feats {
			must(errs[s])
			out = append(out, feats[s]...)
		}
	case "ets":
		out = connectome.EdgeTimeSeries(signal.Matrix{Rows: a.Shape[0], Cols: a.Shape[1], Data: a.Data}).Data
	}
	secs := time.Since(start).Seconds()
	var sum float64
	for _, v := range out {
		sum += math.Abs(v)
	}
	b, _ := json.Marshal(map[string]any{"seconds": secs, "checksum": sum, "first": out[:1000]})
	os.Stdout.Write(b)
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "connectivity:", err)
		os.Exit(1)
	}
}
