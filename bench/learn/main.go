// Command learn benchmarks painmark's learning engine against scikit-learn in one run, on the same
// synthetic cohort of 54 subjects x 9591 connectivity features (the CSps training set's shape):
// the full 816-candidate leave-one-out grid search (RobustScaler → SelectKBest(f_regression) →
// ElasticNet, MAE), against scikit-learn's GridSearchCV timed on a subset of the folds and
// extrapolated (stated as such), with painmark's fold scores checked against scikit-learn run to
// convergence on a spread of candidates; refit permutations and bootstraps; and the random-forest
// baseline's leave-one-out against scikit-learn's RandomForestRegressor. Run from the repository
// root:
//
//	go run ./bench/learn [-repeats 3] [-peer-folds 1] [-forest-trees 100] [-dir bench/out]
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
	"strings"
	"time"

	"github.com/painmark/painmark/internal/benchkit"
	"github.com/painmark/painmark/learn"
	"github.com/painmark/painmark/npy"
	"github.com/painmark/painmark/stats"
)

// cohort makes n subjects x p features with a few latent factors (connectivity features are
// correlated) and a target carried by 40 of them.
func cohort(seed int64, n, p int) (learn.Matrix, []float64) {
	rng := rand.New(rand.NewSource(seed))
	x := learn.Matrix{Rows: n, Cols: p, Data: make([]float64, n*p)}
	y := make([]float64, n)
	load := make([]float64, p)
	for j := range load {
		load[j] = rng.NormFloat64() * 0.5
	}
	for i := 0; i < n; i++ {
		f := rng.NormFloat64()
		for j := 0; j < p; j++ {
			x.Data[i*p+j] = 0.1 * (load[j]*f + rng.NormFloat64())
		}
		for j := 0; j < 40; j++ {
			y[i] += x.Data[i*p+j*37] * 10 * float64(1-2*(j%2))
		}
		y[i] += rng.NormFloat64()
	}
	return x, y
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "-child" {
		child(os.Args[2:])
		return
	}
	repeats := flag.Int("repeats", 3, "runs of painmark's search (the median is reported)")
	peerFolds := flag.Int("peer-folds", 1, "leave-one-out folds scikit-learn runs (its time is extrapolated to 54)")
	dir := flag.String("dir", filepath.Join("bench", "out"), "folder for generated inputs")
	python := flag.String("python", "/usr/bin/python3", "Python with Debian's scikit-learn")
	perms := flag.Int("permutations", 10000, "refit permutations to time (0: skip)")
	boots := flag.Int("bootstraps", 10000, "bootstrap refits to time (0: skip)")
	skipSearch := flag.Bool("skip-search", false, "skip the grid search and its peer (time only the resampling)")
	forestTrees := flag.Int("forest-trees", 100, "trees of the random-forest baseline's leave-one-out (0: skip)")
	flag.Parse()
	must(os.MkdirAll(*dir, 0o755))
	x, y := cohort(7, 54, 9591)
	xPath, yPath := filepath.Join(*dir, "learn_x_54x9591.npy"), filepath.Join(*dir, "learn_y_54.npy")
	must(npy.Write(xPath, []int{x.Rows, x.Cols}, x.Data, "<f8"))
	must(npy.Write(yPath, []int{len(y)}, y, "<f8"))
	g := learn.CSpsGrid
	gridJSON, _ := json.Marshal(map[string]any{"k": g.K, "alpha": g.Alpha, "l1_ratio": g.L1Ratio})
	fmt.Printf("Learning engine: painmark vs %s", peerVersion(*python))
	fmt.Printf("54 subjects x 9591 features, grid %d K x %d alpha x %d l1_ratio = %d candidates, leave-one-out, MAE; %d cores\n\n",
		len(g.K), len(g.Alpha), len(g.L1Ratio), len(g.Candidates()), runtime.GOMAXPROCS(0))

	self, _ := os.Executable()
	if !*skipSearch {
		benchSearch(self, *python, *dir, xPath, yPath, string(gridJSON), *repeats, *peerFolds)
	}
	// Resampling at fixed hyperparameters (PAINTeR's K = 25, alpha = 0.005, l1_ratio = 0.999).
	for _, task := range []struct{ name, key string }{
		{fmt.Sprintf("painmark %d refit permutations of leave-one-out", *perms), "permute"},
		{fmt.Sprintf("painmark %d bootstrap refits", *boots), "bootstrap"},
	} {
		if (task.key == "permute" && *perms == 0) || (task.key == "bootstrap" && *boots == 0) {
			continue
		}
		r, err := benchkit.Measure(exec.Command(self, "-child", task.key, xPath, yPath, fmt.Sprint(*perms), fmt.Sprint(*boots)))
		must(err)
		var info string
		must(json.Unmarshal(r.Output["info"], &info))
		fmt.Printf("%-58s %10.1f s  peak %5.0f MiB  %s\n", task.name, r.Seconds, r.PeakMiB, info)
	}
	if *forestTrees > 0 {
		benchForest(self, *python, *dir, xPath, yPath, *forestTrees, *repeats, *peerFolds)
	}
	fmt.Println("\npainmark solves every ElasticNet until the duality gap is below 1e-10·‖y‖² (max_iter 100000); the timed")
	fmt.Println("scikit-learn run uses PAINTeR's settings (max_iter 100000, default tol 1e-4), restarting each candidate from")
	fmt.Println("zero and refitting the scaler and F scores per candidate, as GridSearchCV over a Pipeline does.")
}

// benchForest times the CSps study's random-forest baseline (RobustScaler, all features,
// RandomForestRegressor with scikit-learn's defaults, random_state 0) under leave-one-out:
// painmark on all 54 folds against scikit-learn (n_jobs = all cores) on peerFolds folds,
// extrapolated, with the left-out predictions of those folds compared.
func benchForest(self, python, dir, xPath, yPath string, trees, repeats, peerFolds int) {
	pmSecs, _, last, err := benchkit.Repeat(repeats, func() *exec.Cmd {
		return exec.Command(self, "-child", "forest", xPath, yPath, fmt.Sprint(trees))
	})
	must(err)
	var pmPred []float64
	must(json.Unmarshal(last.Output["predictions"], &pmPred))
	fmt.Printf("%-58s %10.1f s  peak %5.0f MiB  r(pred, y) = %.3f\n", fmt.Sprintf("painmark random forest (%d trees), all 54 folds (median)", trees), pmSecs, last.PeakMiB, pmR(pmPred, yPath))
	script := filepath.Join(dir, "peer_forest.py")
	must(os.WriteFile(script, []byte(peerForestScript), 0o644))
	peer, err := benchkit.Measure(exec.Command(python, script, xPath, yPath, fmt.Sprint(trees), fmt.Sprint(peerFolds), fmt.Sprint(runtime.GOMAXPROCS(0))))
	must(err)
	var pyPred []float64
	must(json.Unmarshal(peer.Output["predictions"], &pyPred))
	perFold := peer.Seconds / float64(peerFolds)
	full := perFold * 54
	fmt.Printf("%-58s %10.1f s  peak %5.0f MiB  (extrapolated from %d measured fold(s): %.1f s per fold)\n", "scikit-learn RandomForestRegressor, 54 folds", full, peer.PeakMiB, peerFolds, perFold)
	fmt.Printf("%-58s %9.1fx\n", "speed-up (scikit-learn / painmark)", full/pmSecs)
	d := 0.0
	for i, v := range pyPred {
		d = math.Max(d, math.Abs(v-pmPred[i]))
	}
	fmt.Printf("left-out predictions of the %d measured fold(s): painmark and scikit-learn differ by at most %.2g\n\n", len(pyPred), d)
}

// pmR is the correlation of leave-one-out predictions with the targets stored at yPath.
func pmR(pred []float64, yPath string) float64 {
	ya, err := npy.Read(yPath)
	must(err)
	return stats.Pearson(pred, ya.Data)
}

const peerForestScript = `
import json, sys, time
import numpy as np
from sklearn.ensemble import RandomForestRegressor
from sklearn.feature_selection import SelectKBest, f_regression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import RobustScaler
x, y = np.load(sys.argv[1]), np.load(sys.argv[2])
trees, folds, jobs = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
t0 = time.perf_counter()
pred = []
for i in range(folds):
    train = np.arange(len(y)) != i
    m = make_pipeline(RobustScaler(), SelectKBest(f_regression, k="all"),
                      RandomForestRegressor(n_estimators=trees, random_state=0, n_jobs=jobs)).fit(x[train], y[train])
    pred.append(float(m.predict(x[i:i + 1])[0]))
secs = time.perf_counter() - t0
print(json.dumps({"seconds": secs, "predictions": pred}))
`

// benchSearch times painmark's full search against scikit-learn's GridSearchCV on peerFolds folds
// and checks painmark's fold-0 scores against converged scikit-learn.
func benchSearch(self, python, dir, xPath, yPath, gridJSON string, repeats, peerFolds int) {
	g := learn.CSpsGrid
	var secs []float64
	var last benchkit.Run
	for i := 0; i < repeats; i++ {
		r, err := benchkit.Measure(exec.Command(self, "-child", "search", xPath, yPath, gridJSON))
		must(err)
		secs, last = append(secs, r.Seconds), r
	}
	var pm struct {
		Best         int
		NotConverged int
		FoldScores   [][]float64
	}
	must(json.Unmarshal(last.Output["result"], &pm))
	cands := g.Candidates()
	pmSecs := stats.Median(secs)
	fmt.Printf("%-58s %10.1f s  peak %5.0f MiB  best %+v, %d fits not converged\n", "painmark PathGridSearch, all 54 folds (median)", pmSecs, last.PeakMiB, cands[pm.Best], pm.NotConverged)

	script := filepath.Join(dir, "peer_learn.py")
	must(os.WriteFile(script, []byte(peerScript), 0o644))
	// The converged comparison: every 17th candidate (48 of 816, across K, alpha and l1_ratio) on
	// fold 0, plus fold 0's best.
	var check [][3]float64
	var checkIdx []int
	bestF0 := argmax(pm.FoldScores[0])
	for c, cd := range cands {
		if c%17 == 0 || c == bestF0 {
			check = append(check, [3]float64{float64(cd.K), cd.Alpha, cd.L1Ratio})
			checkIdx = append(checkIdx, c)
		}
	}
	checkJSON, _ := json.Marshal(check)
	peer, err := benchkit.Measure(exec.Command(python, script, xPath, yPath, gridJSON, fmt.Sprint(peerFolds), string(checkJSON)))
	must(err)
	var py struct {
		CheckScores []float64 `json:"check_scores"`
		Converged   []bool
	}
	must(json.Unmarshal(peer.Output["result"], &py))
	perFold := peer.Seconds / float64(peerFolds)
	full := perFold * 54
	fmt.Printf("%-58s %10.1f s  peak %5.0f MiB  (extrapolated from %d measured fold(s): %.1f s per fold)\n", "scikit-learn GridSearchCV, 54 folds", full, peer.PeakMiB, peerFolds, perFold)
	fmt.Printf("%-58s %9.0fx\n", "speed-up (scikit-learn / painmark)", full/pmSecs)
	var d float64
	skipped := 0
	for i, c := range checkIdx {
		if !py.Converged[i] {
			skipped++ // scikit-learn stopped at max_iter: not its converged answer
			continue
		}
		d = math.Max(d, math.Abs(pm.FoldScores[0][c]-py.CheckScores[i]))
	}
	fmt.Printf("scikit-learn run to convergence (tol 1e-10) on fold 0, %d candidates incl. painmark's fold-0 best: scores differ by at most %.2g\n", len(check)-skipped, d)
	fmt.Printf("(%d more candidates not compared: scikit-learn reached max_iter 100000 before converging)\n", skipped)
}

const peerScript = `
import json, sys, time, warnings
import numpy as np
from sklearn.base import clone
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import RobustScaler
from sklearn.feature_selection import SelectKBest, f_regression
from sklearn.linear_model import ElasticNet
from sklearn.model_selection import GridSearchCV, LeaveOneOut
warnings.simplefilter("ignore")
x, y = np.load(sys.argv[1]), np.load(sys.argv[2])
grid = json.loads(sys.argv[3])
folds, check = int(sys.argv[4]), json.loads(sys.argv[5])
params = {"fsel__k": grid["k"], "model__alpha": grid["alpha"], "model__l1_ratio": grid["l1_ratio"]}
def pipe(tol):
    return Pipeline([("scaler", RobustScaler()), ("fsel", SelectKBest(f_regression)),
                     ("model", ElasticNet(max_iter=100000, tol=tol))])
# Timing: GridSearchCV as PAINTeR runs it (max_iter 100000, default tol), on the first folds.
splits = list(LeaveOneOut().split(x))
t0 = time.perf_counter()
GridSearchCV(pipe(1e-4), params, cv=splits[:folds], scoring="neg_mean_absolute_error", n_jobs=2, refit=False).fit(x, y)
secs = time.perf_counter() - t0
# Converged scores (tol 1e-10) of the listed candidates on fold 0.
train, test = splits[0]
scores, converged = [], []
for k, a, r in check:
    m = pipe(1e-10).set_params(fsel__k=k, model__alpha=a, model__l1_ratio=r).fit(x[train], y[train])
    scores.append(-float(np.abs(m.predict(x[test]) - y[test]).mean()))
    converged.append(bool(m.named_steps["model"].n_iter_ < 100000))
print(json.dumps({"seconds": secs, "result": {"seconds": secs, "check_scores": scores, "converged": converged}}))
`

func child(args []string) {
	xa, err := npy.Read(args[1])
	must(err)
	ya, err := npy.Read(args[2])
	must(err)
	if args[0] == "forest" {
		var trees int
		fmt.Sscan(args[3], &trees)
		x := learn.Matrix{Rows: xa.Shape[0], Cols: xa.Shape[1], Data: xa.Data}
		start := time.Now()
		pred, err := learn.LeaveOneOut(learn.Pipeline{Scaler: "robust", Regressor: learn.RandomForest{Trees: trees}}, x, ya.Data)
		must(err)
		b, _ := json.Marshal(map[string]any{"seconds": time.Since(start).Seconds(), "predictions": pred})
		os.Stdout.Write(b)
		return
	}
	if args[0] == "permute" || args[0] == "bootstrap" {
		resampleChild(args, learn.Matrix{Rows: xa.Shape[0], Cols: xa.Shape[1], Data: xa.Data}, ya.Data)
		return
	}
	var gj struct {
		K       []int     `json:"k"`
		Alpha   []float64 `json:"alpha"`
		L1Ratio []float64 `json:"l1_ratio"`
	}
	must(json.Unmarshal([]byte(args[3]), &gj))
	g := learn.Grid{K: gj.K, Alpha: gj.Alpha, L1Ratio: gj.L1Ratio}
	x := learn.Matrix{Rows: xa.Shape[0], Cols: xa.Shape[1], Data: xa.Data}
	base := learn.Pipeline{Scaler: "robust", Model: learn.ElasticNet{MaxIter: 100000, Tol: 1e-10}}
	start := time.Now()
	res, err := learn.PathGridSearch(base, g, learn.NegMAE, x, ya.Data, learn.LeaveOneOutSplits(x.Rows))
	must(err)
	secs := time.Since(start).Seconds()
	b, _ := json.Marshal(map[string]any{"seconds": secs, "result": map[string]any{"Best": res.Best, "NotConverged": res.NotConverged, "FoldScores": res.FoldScores}})
	os.Stdout.Write(b)
}

func resampleChild(args []string, x learn.Matrix, y []float64) {
	pl := learn.Pipeline{Scaler: "robust", K: 25, Model: learn.ElasticNet{Alpha: 0.005, L1Ratio: 0.999, MaxIter: 100000}}
	var info string
	start := time.Now()
	if args[0] == "permute" {
		var n int
		fmt.Sscan(args[3], &n)
		res, err := learn.PermutationTest(pl, x, y, learn.PermutationOptions{N: n, Seed: 1, Mode: learn.PermuteRefit})
		must(err)
		info = fmt.Sprintf("observed r = %.3f (p = %.4f), MAE %.3f (p = %.4f)", res.Observed.R, res.P.R, res.Observed.MAE, res.P.MAE)
	} else {
		var n int
		fmt.Sscan(args[4], &n)
		res, err := learn.Bootstrap(pl, x, y, learn.BootstrapOptions{N: n, Seed: 1})
		must(err)
		frequent, top := 0, 0.0
		for _, f := range res.Frequency {
			if f >= 0.5 {
				frequent++
			}
			top = math.Max(top, f)
		}
		info = fmt.Sprintf("%d features selected in ≥ 50%% of samples (highest %.2f)", frequent, top)
	}
	b, _ := json.Marshal(map[string]any{"seconds": time.Since(start).Seconds(), "info": info})
	os.Stdout.Write(b)
}

func argmax(v []float64) int {
	best := 0
	for i, s := range v {
		if s > v[best] {
			best = i
		}
	}
	return best
}

func peerVersion(python string) string {
	out, err := exec.Command(python, "-c", "import sklearn, numpy; print('scikit-learn', sklearn.__version__, 'numpy', numpy.__version__)").Output()
	if err != nil {
		return "scikit-learn (not found)\n"
	}
	return strings.TrimSpace(string(out)) + "\n"
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "learn:", err)
		os.Exit(1)
	}
}
