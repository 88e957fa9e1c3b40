// Command decode benchmarks personalized decoding (Lee et al. 2026) on a simulated participant of
// the paper's scale: 24 sessions x 3 runs, 268 regions (35,778 edges), 10 rating-quantile bins per
// run. It prints painmark's time for preparation, the full nested leave-one-session-out (target
// under 60 s), 10,000 hierarchical bootstraps (under 10 s) and region importance with 1,000
// permutations (under 5 minutes), and scikit-learn's time for the same nested cross-validation
// (PCA, lars_path, LinearRegression composed as DEIPP does), timed on a subset of the outer folds
// and extrapolated (stated as such), with the held-out predictions of those folds compared. Run
// from the repository root:
//
//	go run ./bench/decode [-peer-folds 1] [-regions 268] [-stream-only]
//
// It also measures decode stream's latency per TR (a row of region values arriving to its
// prediction) on the participant's first run: target under 50 ms for 268 regions on two cores.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/painmark/painmark/decode"
	"github.com/painmark/painmark/internal/benchkit"
	"github.com/painmark/painmark/npy"
	"github.com/painmark/painmark/synthetic"
)

func main() {
	regions := flag.Int("regions", 268, "regions (268: 35,778 edges)")
	sessions := flag.Int("sessions", 24, "sessions")
	peerFolds := flag.Int("peer-folds", 1, "outer folds scikit-learn runs (0: skip the peer)")
	boots := flag.Int("bootstraps", 10000, "hierarchical bootstrap draws")
	perms := flag.Int("permutations", 1000, "permutations per region for importance")
	dir := flag.String("dir", filepath.Join("bench", "out"), "folder for generated inputs")
	python := flag.String("python", "/usr/bin/python3", "Python with Debian's scikit-learn")
	streamOnly := flag.Bool("stream-only", false, "only the real-time decoder's latency per TR (decode stream)")
	selection := flag.String("selection", "components", "decoder hyperparameter: components (the scikit-learn peer's) or deipp (DEIPP's penalty grid; compare with decode/testdata/deipp_nested.py)")
	flag.Parse()
	must(os.MkdirAll(*dir, 0o755))
	fmt.Printf("Personalized decoding: %d sessions x 3 runs, %d regions (%d edges), 10 quantile bins per run; %d cores\n\n",
		*sessions, *regions, *regions*(*regions-1)/2, runtime.GOMAXPROCS(0))
	step := func(name string, f func() string) float64 {
		start := time.Now()
		info := f()
		secs := time.Since(start).Seconds()
		fmt.Printf("%-58s %8.1f s  %s\n", name, secs, info)
		return secs
	}
	var sp *synthetic.Participant
	step("simulate the participant (600 frames per run, TR 1 s)", func() string {
		var err error
		sp, err = synthetic.SimulateParticipant(synthetic.ParticipantOptions{Sessions: *sessions, Regions: *regions, Seed: 1})
		must(err)
		return fmt.Sprintf("%d runs", len(sp.Runs))
	})
	runs := make([]decode.Run, len(sp.Runs))
	for i, r := range sp.Runs {
		runs[i] = decode.Run{Session: r.Session, Run: r.Run, TR: r.TR, Series: r.Series, Censored: r.Censored, RatingTime: r.RatingTime, Rating: r.Rating}
	}
	if *streamOnly {
		streamLatency(sp, nil, 0)
		return
	}
	var d *decode.Data
	step("prepare: lag, censoring, quantile bins of edge time series", func() string {
		var err error
		d, err = decode.Prepare(runs, decode.DefaultPrepare)
		must(err)
		return fmt.Sprintf("%d bins x %d edges", d.X.Rows, d.X.Cols)
	})
	var res *decode.NestedResult
	pmNested := step("painmark nested leave-one-session-out, "+*selection, func() string {
		var err error
		res, err = decode.NestedLOSO(d, decode.Options{Selection: decode.Selection(*selection)})
		must(err)
		return fmt.Sprintf("r = %.3f, components per fold %v", res.R, res.Components)
	})
	step(fmt.Sprintf("painmark %d hierarchical bootstraps", *boots), func() string {
		b, err := decode.HierarchicalBootstrap(d, res.Predictions, *boots, 1)
		must(err)
		return fmt.Sprintf("r 95%% CI %.3f to %.3f, p = %.3g", b.RCI[0], b.RCI[1], b.PR)
	})
	step(fmt.Sprintf("painmark region importance (%d permutations x %d regions)", *perms, *regions), func() string {
		importance, err := decode.RegionImportance(d, res, *perms, 1)
		must(err)
		imp := importance.Mean
		best := 0
		for j := range imp {
			if imp[j] > imp[best] {
				best = j
			}
		}
		return fmt.Sprintf("most important region %d (planted %v)", best, sp.Planted)
	})
	streamLatency(sp, res.Weights[0], res.Intercepts[0])
	if *peerFolds > 0 && decode.Selection(*selection) == decode.SelectComponents {
		xPath, yPath, gPath := filepath.Join(*dir, "decode_x.npy"), filepath.Join(*dir, "decode_y.npy"), filepath.Join(*dir, "decode_sessions.json")
		must(npy.Write(xPath, []int{d.X.Rows, d.X.Cols}, d.X.Data, "<f8"))
		must(npy.Write(yPath, []int{len(d.Y)}, d.Y, "<f8"))
		b, _ := json.Marshal(d.Session)
		must(os.WriteFile(gPath, b, 0o644))
		script := filepath.Join("decode", "testdata", "sklearn_nested.py")
		peer, err := benchkit.Measure(exec.Command(*python, script, xPath, yPath, gPath, fmt.Sprint(*peerFolds)))
		must(err)
		var pred []float64
		must(json.Unmarshal(peer.Output["predictions"], &pred))
		var idx []int
		must(json.Unmarshal(peer.Output["bins"], &idx))
		diff := 0.0
		for k, i := range idx {
			diff = math.Max(diff, math.Abs(pred[k]-res.Predictions[i]))
		}
		full := peer.Seconds / float64(*peerFolds) * float64(*sessions)
		fmt.Printf("%-58s %8.1f s  (extrapolated from %d outer fold(s): %.1f s each; peak %.0f MiB)\n", "scikit-learn nested leave-one-session-out", full, *peerFolds, peer.Seconds/float64(*peerFolds), peer.PeakMiB)
		fmt.Printf("%-58s %7.0fx\n", "speed-up (scikit-learn / painmark)", full/pmNested)
		fmt.Printf("held-out predictions of the measured fold(s): painmark and scikit-learn differ by at most %.2g\n", diff)
	}
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	fmt.Printf("\npainmark peak memory %.0f MiB\n", float64(ru.Maxrss)/1024)
}

// streamLatency streams the participant's first run, row by row through a pipe, into a decoder
// (the first outer fold's weights, or fixed pseudo-random ones) as painmark decode stream does, and
// prints the latency per TR (a row's arrival to its prediction; target under 50 ms).
func streamLatency(sp *synthetic.Participant, w []float64, b float64) {
	r := sp.Runs[0]
	p := r.Series.Cols
	m := &decode.Model{Regions: make([]string, p), Weights: w, Intercept: b, Prepare: decode.DefaultPrepare}
	if w == nil {
		m.Weights = make([]float64, p*(p-1)/2)
		for i := range m.Weights {
			m.Weights[i] = math.Sin(float64(i)) * 1e-3
		}
	}
	for i := range m.Regions {
		m.Regions[i] = fmt.Sprintf("r%03d", i)
	}
	pr, pw := io.Pipe()
	go func() {
		fmt.Fprintln(pw, strings.Join(m.Regions, "\t"))
		row := make([]string, p)
		for t := 0; t < r.Series.Rows; t++ {
			for j := range row {
				row[j] = strconv.FormatFloat(r.Series.Data[t*p+j], 'g', -1, 64)
			}
			fmt.Fprintln(pw, strings.Join(row, "\t"))
		}
		pw.Close()
	}()
	sum, err := decode.StreamRows(m, pr, io.Discard, decode.StreamOptions{TR: r.TR, Warmup: 20})
	must(err)
	lat := append([]float64(nil), sum.LatencyMS...)
	sort.Float64s(lat)
	fmt.Printf("%-58s %8.3f ms median, %.3f ms 99th percentile, %.3f ms max (%d frames, %d predictions; target < 50 ms)\n",
		fmt.Sprintf("decode stream: latency per TR, %d regions (%d edges)", p, len(m.Weights)), lat[len(lat)/2], lat[len(lat)*99/100], lat[len(lat)-1], sum.Frames, sum.Predicted)
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "decode:", err)
		os.Exit(1)
	}
}
