// Command population benchmarks painmark's population-scale prediction (learn.Population) against
// scikit-learn and a numpy CPM on synthetic cohorts with a planted low-rank signal (two latent
// factors carried by every edge, the target a noisy function of them, families of one to four
// people): ridge (GridSearchCV(Ridge) over 20 alphas, as RidgeCV(cv=...) runs it), elastic net
// (GridSearchCV(ElasticNet)) and CPM, 10 grouped folds, the same splits for every contestant, and
// the best candidate's mean fold R² checked to agree. painmark's ridge streams the table from .npy
// into its Gram matrix (GramOfNpy) and cross-validates in kernel form, then runs the permutations;
// each contestant is a child process, so its peak memory is its own. Run from the repository root:
//
//	go run ./bench/population [-sizes 1000x3578,2000x7156] [-peer-max 2000] [-permutations 1000]
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/painmark/painmark/internal/benchkit"
	"github.com/painmark/painmark/internal/dense"
	"github.com/painmark/painmark/learn"
	"github.com/painmark/painmark/npy"
)

// genScript writes x (n x p, float64, C order, by blocks of rows), y and family labels.
const genScript = `
import sys, numpy as np
n, p, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rng = np.random.RandomState(n + p)
f = rng.randn(n, 2)
load = rng.randn(2, p) * 0.3
x = np.lib.format.open_memmap(out + "_x.npy", mode="w+", dtype="<f8", shape=(n, p))
for i in range(0, n, 500):
    j = min(i + 500, n)
    x[i:j] = f[i:j] @ load + rng.randn(j - i, p)
x.flush()
np.save(out + "_y.npy", 2 * f[:, 0] - f[:, 1] + rng.randn(n))
np.save(out + "_g.npy", np.cumsum(rng.randint(0, 3, n) == 0).astype("<i8"))
`

// peerScript runs one peer on the same splits and prints {"seconds", "best", "score"}.
const peerScript = `
import sys, json, time, numpy as np
est, base, splits = sys.argv[1], sys.argv[2], json.load(open(sys.argv[3]))
X, y = np.load(base + "_x.npy"), np.load(base + "_y.npy")
cv = [(np.array(s["train"]), np.array(s["test"])) for s in splits["folds"]]
t = time.time()
if est == "cpm":
    from scipy import stats
    from sklearn.metrics import r2_score
    scores = []
    for tr, te in cv:
        Xt, yt = X[tr], y[tr]
        xc, yc = Xt - Xt.mean(0), yt - yt.mean()
        r = xc.T @ yc / np.sqrt((xc**2).sum(0) * (yc**2).sum())
        df = len(tr) - 2
        p = 2 * stats.t.sf(np.abs(r * np.sqrt(df / (1 - r**2))), df)
        pos, neg = (r > 0) & (p < 0.01), (r < 0) & (p < 0.01)
        sp, sn = Xt[:, pos].sum(1), Xt[:, neg].sum(1)
        b = np.linalg.lstsq(np.column_stack([np.ones(len(tr)), sp, sn]), yt, rcond=None)[0]
        scores.append(r2_score(y[te], b[0] + b[1] * X[te][:, pos].sum(1) + b[2] * X[te][:, neg].sum(1)))
    best, score = "both", float(np.mean(scores))
else:
    from sklearn.model_selection import GridSearchCV
    from sklearn.linear_model import Ridge, ElasticNet
    if est == "ridge":
        g = GridSearchCV(Ridge(), {"alpha": splits["alphas"]}, cv=cv, scoring="r2")
    else:
        g = GridSearchCV(ElasticNet(), {"alpha": splits["alphas"], "l1_ratio": splits["l1_ratios"]}, cv=cv, scoring="r2")
    g.fit(X, y)
    best, score = str(g.best_params_), float(g.best_score_)
print(json.dumps({"seconds": time.time() - t, "best": best, "score": score}))
`

func main() {
	if len(os.Args) > 1 && os.Args[1] == "-child" {
		child(os.Args[2:])
		return
	}
	sizes := flag.String("sizes", "1000x3578,2000x7156", "cohorts as NxP (subjects x edges)")
	peerMax := flag.Int("peer-max", 2000, "largest n the peers (and painmark's in-memory enet and CPM) run on")
	perms := flag.Int("permutations", 1000, "painmark's ridge permutations")
	dir := flag.String("dir", filepath.Join("bench", "out"), "folder for generated inputs")
	python := flag.String("python", "/usr/bin/python3", "Python with Debian's numpy, scipy and scikit-learn")
	solver := flag.String("ridge-solver", "auto", "painmark's ridge: kernel (Gram matrix), streamed (by rows) or auto (kernel when its n x n matrices fit the memory budget)")
	flag.Parse()
	must(os.MkdirAll(*dir, 0o755))
	self, _ := os.Executable()
	fmt.Printf("Population prediction: painmark vs scikit-learn/numpy; 10 grouped folds, R²; %d cores\n\n", runtime.GOMAXPROCS(0))
	fmt.Println("| n x p | estimator | contestant | seconds | vs painmark | peak MiB | best mean R² |")
	fmt.Println("|---|---|---|---|---|---|---|")
	for _, size := range strings.Split(*sizes, ",") {
		var n, p int
		if _, err := fmt.Sscanf(size, "%dx%d", &n, &p); err != nil {
			fail(fmt.Errorf("size %q: want NxP", size))
		}
		base := filepath.Join(*dir, fmt.Sprintf("population_%dx%d", n, p))
		if _, err := os.Stat(base + "_x.npy"); err != nil {
			cmd := exec.Command(*python, "-c", genScript, strconv.Itoa(n), strconv.Itoa(p), base)
			cmd.Stderr = os.Stderr
			must(cmd.Run())
		}
		for _, est := range []string{"ridge", "enet", "cpm"} {
			if est != "ridge" && n > *peerMax {
				continue
			}
			np := 0
			if est == "ridge" {
				np = *perms
			}
			_, _, mine, err := benchkit.Repeat(1, func() *exec.Cmd { return exec.Command(self, "-child", est, base, strconv.Itoa(np), *solver) })
			must(err)
			row(size, est, fmt.Sprintf("painmark (%d permutations)", np), mine, mine.Seconds)
			var streamed string
			json.Unmarshal(mine.Output["streamed"], &streamed)
			if est == "ridge" && streamed != "" {
				fmt.Printf("|   | ridge streamed by rows (%s): %s; load %s | | | | |\n", dense.Backend, streamed, loadAverage())
			} else if est == "ridge" {
				var g, nl, cpu, gc, nc float64
				var backend string
				for k, v := range map[string]*float64{"gram_seconds": &g, "null_seconds": &nl, "cpu_seconds": &cpu, "gram_cpu": &gc, "null_cpu": &nc} {
					json.Unmarshal(mine.Output[k], v)
				}
				json.Unmarshal(mine.Output["backend"], &backend)
				fmt.Printf("|   | ridge phases (%s), wall (CPU) seconds | Gram %.1f (%.1f), decomposition + fold factors + observed %.1f (%.1f), %d permutations %.1f (%.1f); load %s | | | | |\n",
					backend, g, gc, mine.Seconds-g-nl, cpu-gc-nc, np, nl, nc, loadAverage())
			}
			if n > *peerMax {
				continue
			}
			_, _, peer, err := benchkit.Repeat(1, func() *exec.Cmd {
				return exec.Command(*python, "-c", peerScript, est, base, base+"_"+est+"_splits.json")
			})
			must(err)
			row(size, est, "scikit-learn / numpy", peer, mine.Seconds)
		}
	}
}

func row(size, est, who string, r benchkit.Run, mine float64) {
	var score float64
	json.Unmarshal(r.Output["score"], &score)
	fmt.Printf("| %s | %s | %s | %.1f | %.2fx | %.0f | %.10f |\n", size, est, who, r.Seconds, r.Seconds/mine, r.PeakMiB, score)
}

// child runs painmark on one cohort, writes the splits for the peer, prints its timing as JSON.
func child(args []string) {
	est, base := args[0], args[1]
	perms, _ := strconv.Atoi(args[2])
	solver := args[3]
	yArr, err := npy.Read(base + "_y.npy")
	must(err)
	gArr, err := npy.Read(base + "_g.npy")
	must(err)
	groups := make([]string, len(gArr.Data))
	for i, v := range gArr.Data {
		groups[i] = strconv.Itoa(int(v))
	}
	o := learn.DefaultPopulationOptions()
	o.Estimator, o.Permutations, o.Seed = est, perms, 1
	c := learn.Cohort{Y: yArr.Data, Groups: groups}
	if est == "enet" {
		o.Alphas, o.L1Ratios = []float64{0.3, 0.1, 0.03, 0.01}, []float64{0.5, 0.9}
	}
	var stamps []time.Time // when each batch of permutations finished
	var nullCPU float64    // CPU seconds when the first batch finished
	o.Progress = func(int, int) {
		if stamps = append(stamps, time.Now()); len(stamps) == 1 {
			nullCPU = cpuSeconds()
		}
	}
	t := time.Now()
	var gramSecs, gramCPU float64
	var streamed string
	var passes int
	var worst float64
	if est == "ridge" && (solver == "streamed" || solver == "auto" && !learn.KernelRidgeFits(len(yArr.Data))) {
		var f *npy.MatrixFile
		if f, err = npy.OpenMatrix(base + "_x.npy"); err == nil {
			c.Rows = learn.NpyRows{MatrixFile: f}
		}
		o.StreamProgress = func(p int, w float64) { passes, worst = p, w }
	} else if est == "ridge" {
		c.Gram, err = learn.GramOfNpy(base+"_x.npy", 512, nil)
		gramSecs, gramCPU = time.Since(t).Seconds(), cpuSeconds()
	} else {
		var x *npy.Array
		x, err = npy.Read(base + "_x.npy")
		if err == nil {
			c.X = learn.Matrix{Rows: x.Shape[0], Cols: x.Shape[1], Data: x.Data}
		}
	}
	must(err)
	res, err := learn.Population(c, o)
	must(err)
	secs := time.Since(t).Seconds()
	splits, _ := learn.RepeatedGroupKFoldSplits(groups, o.Folds, o.Repeats, o.Seed)
	if o.Alphas == nil {
		o.Alphas = learn.PopulationAlphas(est)
	}
	var folds []map[string][]int
	for _, s := range splits {
		folds = append(folds, map[string][]int{"train": s.Train, "test": s.Test})
	}
	b, _ := json.Marshal(map[string]any{"folds": folds, "alphas": o.Alphas, "l1_ratios": o.L1Ratios})
	must(os.WriteFile(base+"_"+est+"_splits.json", b, 0o644))
	score := res.MeanScores[res.Best]
	if est == "cpm" {
		score = res.MeanScores[2] // the combined model at p < 0.01, the peer's
	}
	// The null's time: from the first batch's end to the last's, scaled to all batches.
	var nullSecs float64
	cpu := cpuSeconds()
	if len(stamps) > 1 {
		scale := float64(len(stamps)) / float64(len(stamps)-1)
		nullSecs = stamps[len(stamps)-1].Sub(stamps[0]).Seconds() * scale
		nullCPU = (cpu - nullCPU) * scale
	} else {
		nullCPU = 0
	}
	if c.Rows != nil {
		streamed = fmt.Sprintf("%d passes over the table to the last Golub–Kahan step (the first for the means and Xᵀy, one per step), then one for the predictions; largest relative residual at the last step %.2g, %d (fold, alpha) not converged",
			passes, worst, res.NotConverged)
	}
	out, _ := json.Marshal(map[string]any{"streamed": streamed, "seconds": secs, "gram_seconds": gramSecs, "null_seconds": nullSecs,
		"cpu_seconds": cpu, "gram_cpu": gramCPU, "null_cpu": nullCPU, "backend": dense.Backend, "best": res.Candidates[res.Best], "score": score})
	fmt.Println(string(out))
}

func must(err error) {
	if err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "population:", err)
	os.Exit(1)
}

// cpuSeconds is the user and system CPU time this process has used.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// loadAverage is the machine's 1-minute load average (other work slows every contestant).
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(b))[0]
}
