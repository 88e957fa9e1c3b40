package decode

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/painmark/painmark/connectome"
	"github.com/painmark/painmark/internal/linalg"
	"github.com/painmark/painmark/internal/parallel"
	"github.com/painmark/painmark/internal/progress"
	"github.com/painmark/painmark/learn"
	"github.com/painmark/painmark/signal"
	"github.com/painmark/painmark/stats"
)

// FramePredictions applies an edge model (weights in Edges order, intercept) to every frame of a
// run: ŷ(t) = b + Σ_{i>j} w_ij·z_i(t)·z_j(t) with z the regions z-scored over the frames given,
// computed as a quadratic form (no frames x edges matrix). It serves frame-wise application to new
// runs (rest runs included) and the time-scale evaluation.
func FramePredictions(x signal.Matrix, w []float64, b float64) ([]float64, error) {
	p := x.Cols
	if len(w) != p*(p-1)/2 {
		return nil, fmt.Errorf("%d weights for %d regions (%d edges)", len(w), p, p*(p-1)/2)
	}
	z, _, _ := signal.Standardize(x, signal.ZScore)
	out := make([]float64, x.Rows)
	parallel.For(x.Rows, func(t int) {
		out[t] = quadratic(z.Data[t*p:(t+1)*p], w, b)
	})
	return out, nil
}

// Scale is the evaluation at one temporal scale: pooled Pearson r between averaged predictions
// and ratings, and the AUC of the predictions for ratings above versus below their median; each
// unit's session and run (at the session scale, the session's first run) for the hierarchical
// bootstrap (ScaleBootstraps).
type Scale struct {
	Name      string
	N         int
	R         float64
	AUC       float64
	Pred      []float64        `json:"-"`
	Truth     []float64        `json:"-"`
	Session   []string         `json:"-"`
	Run       []int            `json:"-"`
	Bootstrap *BootstrapResult `json:"-"`
}

// MultiScale evaluates a nested run at several scales, as Lee et al. report it: the bins, and the
// frame-wise predictions of each held-out session's model averaged over 1-minute and 2-minute
// windows, runs and sessions, against the lagged ratings averaged the same way.
func MultiScale(d *Data, res *NestedResult) ([]Scale, error) {
	fold := map[string]int{}
	for o, s := range res.Sessions {
		fold[s] = o
	}
	return multiScale(d, res.Predictions, func(session string) ([]float64, float64, bool) {
		o, ok := fold[session]
		if !ok {
			return nil, 0, false
		}
		return res.Weights[o], res.Intercepts[o], true
	})
}

// EvaluateModel evaluates one trained model on a participant's (new) sessions at every scale: its
// predictions of the bins, and its frame-wise predictions averaged over windows, runs and sessions.
func EvaluateModel(d *Data, m *Model) ([]Scale, []float64, error) {
	if len(m.Weights) != d.X.Cols {
		return nil, nil, fmt.Errorf("the model has %d edge weights, the data %d edges", len(m.Weights), d.X.Cols)
	}
	pred := make([]float64, d.X.Rows)
	for i := range pred {
		pred[i] = m.Intercept + linalg.Dot(d.X.Data[i*d.X.Cols:(i+1)*d.X.Cols], m.Weights)
	}
	scales, err := multiScale(d, pred, func(string) ([]float64, float64, bool) { return m.Weights, m.Intercept, true })
	return scales, pred, err
}

// multiScale evaluates bin predictions and, with the model modelFor gives each session, the
// frame-wise predictions averaged at the larger scales.
func multiScale(d *Data, binPred []float64, modelFor func(session string) ([]float64, float64, bool)) ([]Scale, error) {
	bins := Scale{Name: "bin", Pred: binPred, Truth: d.Y, Session: d.Session, Run: d.Run}
	type window struct {
		pred, truth, n float64
		run            int
	}
	scales := []struct {
		name string
		key  func(run int, time float64) string
	}{
		{"1 min", func(run int, t float64) string { return fmt.Sprintf("%d/%d", run, int(t/60)) }},
		{"2 min", func(run int, t float64) string { return fmt.Sprintf("%d/%d", run, int(t/120)) }},
		{"run", func(run int, t float64) string { return fmt.Sprint(run) }},
		{"session", func(run int, t float64) string { return d.Runs[run].Session }},
	}
	acc := make([]map[string]*window, len(scales))
	orders := make([][]string, len(scales))
	for k := range acc {
		acc[k] = map[string]*window{}
	}
	for ri, r := range d.Runs {
		f := d.Frames[ri]
		if len(f.Index) < 2 {
			continue
		}
		w, b, ok := modelFor(r.Session)
		if !ok {
			return nil, fmt.Errorf("session %s has no model", r.Session)
		}
		pred, err := FramePredictions(r.Series.SelectRows(f.Index), w, b)
		if err != nil {
			return nil, err
		}
		for i, t := range f.Time {
			for k, sc := range scales {
				key := sc.key(ri, t)
				w := acc[k][key]
				if w == nil {
					w = &window{run: ri}
					acc[k][key] = w
					orders[k] = append(orders[k], key)
				}
				w.pred += pred[i]
				w.truth += f.Rating[i]
				w.n++
			}
		}
	}
	out := []Scale{bins}
	for k, sc := range scales {
		s := Scale{Name: sc.name}
		for _, key := range orders[k] {
			w := acc[k][key]
			s.Pred = append(s.Pred, w.pred/w.n)
			s.Truth = append(s.Truth, w.truth/w.n)
			s.Session, s.Run = append(s.Session, d.Runs[w.run].Session), append(s.Run, w.run)
		}
		out = append(out, s)
	}
	for i := range out {
		out[i].N = len(out[i].Pred)
		out[i].R = stats.Pearson(out[i].Pred, out[i].Truth)
		out[i].AUC = medianSplitAUC(out[i].Pred, out[i].Truth)
	}
	return out, nil
}

// medianSplitAUC is the ROC AUC of the predictions for ratings above the median versus at or below
// it (NaN when one class is empty).
func medianSplitAUC(pred, truth []float64) float64 {
	if len(truth) < 2 {
		return math.NaN()
	}
	med := stats.Median(truth)
	cls := make([]float64, len(truth))
	for i, v := range truth {
		if v > med {
			cls[i] = 1
		}
	}
	auc, err := learn.ROCAUC(pred, cls)
	if err != nil {
		return math.NaN()
	}
	return auc
}

// BootstrapResult is a hierarchical bootstrap of the bin-level r and AUC.
type BootstrapResult struct {
	N            int
	R, AUC       []float64 // per draw
	RCI, AUCCI   [2]float64
	PR, PAUC     float64 // DEIPP's two-sided p against 0 (r) and 0.5 (AUC)
	MeanR, MeanA float64
}

// HierarchicalBootstrap resamples sessions, then runs within each drawn session, then bins within
// each drawn run, all with replacement, n times, and recomputes the bin-level r and median-split
// AUC of the nested predictions (DEIPP). Draw k uses PCG(seed, k): the same for any number of
// workers. Intervals are DEIPP's percentiles (the sorted draws at round(n·α/2) and
// round(n·(1−α/2)), α = 0.05); p-values are DEIPP's 2·min((#≤0+1)/(n+1), (#≥0+1)/(n+1)) for r and
// the same with AUC − 0.5.
func HierarchicalBootstrap(d *Data, pred []float64, n int, seed uint64) (*BootstrapResult, error) {
	if n < 2 {
		return nil, fmt.Errorf("need at least 2 bootstrap draws, got %d", n)
	}
	if len(pred) != len(d.Y) {
		return nil, fmt.Errorf("%d predictions for %d bins", len(pred), len(d.Y))
	}
	return bootstrapUnits(pred, d.Y, newHierarchy(d.Session, d.Run), n, seed), nil
}

// ScaleBootstraps runs the hierarchical bootstrap at every scale of an evaluation (sessions, then
// runs within sessions, then the scale's units within runs: bins, 1- or 2-minute windows; at the
// run scale each run is its one unit, at the session scale each session), and sets each scale's
// Bootstrap. The bin scale's draws are HierarchicalBootstrap's (PCG(seed, k)); scale s > 0 draws
// from PCG(seed + s·0x9E3779B97F4A7C15, k). DEIPP bootstraps the bins only; with few sessions the
// session-scale interval is wide (and NaN when every resample is degenerate).
func ScaleBootstraps(scales []Scale, n int, seed uint64) error {
	if n < 2 {
		return fmt.Errorf("need at least 2 bootstrap draws, got %d", n)
	}
	for s := range scales {
		sc := &scales[s]
		if len(sc.Session) != len(sc.Pred) || len(sc.Run) != len(sc.Pred) {
			return fmt.Errorf("scale %s: %d units, %d sessions and %d runs", sc.Name, len(sc.Pred), len(sc.Session), len(sc.Run))
		}
		sc.Bootstrap = bootstrapUnits(sc.Pred, sc.Truth, newHierarchy(sc.Session, sc.Run), n, seed+uint64(s)*0x9E3779B97F4A7C15)
	}
	return nil
}

// bootstrapUnits draws the hierarchy n times (draw k from PCG(seed, k)) and summarizes r and AUC.
func bootstrapUnits(pred, truth []float64, h *hierarchy, n int, seed uint64) *BootstrapResult {
	res := &BootstrapResult{N: n, R: make([]float64, n), AUC: make([]float64, n)}
	parallel.ForProgress(n, progress.Loop("decoding: hierarchical bootstrap"), func(k int) {
		draw := h.draw(rand.New(rand.NewPCG(seed, uint64(k))))
		p, y := make([]float64, len(draw)), make([]float64, len(draw))
		for i, b := range draw {
			p[i], y[i] = pred[b], truth[b]
		}
		res.R[k] = stats.Pearson(p, y)
		res.AUC[k] = medianSplitAUC(p, y)
	})
	res.RCI, res.PR, res.MeanR = deippSummary(res.R, 0)
	res.AUCCI, res.PAUC, res.MeanA = deippSummary(res.AUC, 0.5)
	return res
}

// hierarchy is the nesting of a participant's bins: sessions (in data order), each session's runs,
// each run's bins.
type hierarchy struct {
	sessions []string
	runsOf   map[string][]int
	binsOf   map[int][]int
}

func newHierarchy(session []string, run []int) *hierarchy {
	h := &hierarchy{sessions: uniqueInOrder(session), runsOf: map[string][]int{}, binsOf: map[int][]int{}}
	for i, r := range run {
		if len(h.binsOf[r]) == 0 {
			h.runsOf[session[i]] = append(h.runsOf[session[i]], r)
		}
		h.binsOf[r] = append(h.binsOf[r], i)
	}
	return h
}

// draw is one hierarchical resample: as many sessions as there are, drawn with replacement;
// within each drawn session as many of its runs, with replacement; within each drawn run as many
// of its bins, with replacement. It returns the bins drawn.
func (h *hierarchy) draw(rng *rand.Rand) []int {
	var out []int
	for range h.sessions {
		runs := h.runsOf[h.sessions[rng.IntN(len(h.sessions))]]
		for range runs {
			bins := h.binsOf[runs[rng.IntN(len(runs))]]
			for range bins {
				out = append(out, bins[rng.IntN(len(bins))])
			}
		}
	}
	return out
}

// deippSummary is DEIPP's percentile interval, two-sided p against null and mean of the draws
// (NaN draws, from a degenerate resample, are left out).
func deippSummary(draws []float64, null float64) ([2]float64, float64, float64) {
	var v []float64
	for _, x := range draws {
		if !math.IsNaN(x) {
			v = append(v, x)
		}
	}
	if len(v) == 0 {
		return [2]float64{math.NaN(), math.NaN()}, math.NaN(), math.NaN()
	}
	sort.Float64s(v)
	n := float64(len(v))
	at := func(q float64) float64 {
		i := int(math.Round(n*q)) - 1 // MATLAB's 1-based index round(n·q)
		return v[min(max(i, 0), len(v)-1)]
	}
	var le, ge float64
	var sum float64
	for _, x := range v {
		if x-null <= 0 {
			le++
		}
		if x-null >= 0 {
			ge++
		}
		sum += x
	}
	p := math.Min(1, 2*math.Min((le+1)/(n+1), (ge+1)/(n+1)))
	return [2]float64{at(0.025), at(0.975)}, p, sum / n
}

// ImportanceScores are DEIPP's region importance: for each region, the drop in the bin-level r of the
// nested predictions when the region's contributions are permuted (mean and SD over permutations)
// and DEIPP's two-tailed p: p_ot = (#drops ≤ 0 + 1)/(n + 1), p = 2·min(p_ot, 1 − p_ot).
type ImportanceScores struct {
	Mean, SD, P  []float64
	Permutations int
}

// RegionImportance follows DEIPP's analysis_predict_rating_func_featimp: every bin's prediction is
// split into each region's contribution (the sum of weight x feature over the region's edges, with
// the bin's own held-out model) and the rest; a permutation replaces every bin's contribution of a
// region by that of another bin, the bins permuted hierarchically (the sessions' order, then the
// runs' order within each session, then the bins within each run, as DEIPP reshapes bins x runs x
// sessions); the drop in r is the importance. Permutation k is drawn from PCG(seed, k) and shared
// by all regions, as DEIPP shares its permutation indices.
func RegionImportance(d *Data, res *NestedResult, permutations int, seed uint64) (*ImportanceScores, error) {
	if permutations < 1 {
		return nil, fmt.Errorf("need at least one permutation")
	}
	p := d.Regions
	edges := connectome.Edges(p, true)
	fold := map[string]int{}
	for o, s := range res.Sessions {
		fold[s] = o
	}
	n := len(d.Y)
	base := stats.Pearson(res.Predictions, d.Y)
	// contrib[j][i]: region j's contribution to bin i's prediction.
	contrib := make([][]float64, p)
	for j := range contrib {
		contrib[j] = make([]float64, n)
	}
	for i := 0; i < n; i++ {
		w := res.Weights[fold[d.Session[i]]]
		row := d.X.Data[i*d.X.Cols : (i+1)*d.X.Cols]
		for k, e := range edges {
			c := w[k] * row[k]
			contrib[e.I][i] += c
			contrib[e.J][i] += c
		}
	}
	h := newHierarchy(d.Session, d.Run)
	// Position i (bins in data order, sessions → runs → bins) of a permutation takes the
	// contribution of its i-th source bin.
	order := make([]int, 0, n)
	for _, s := range h.sessions {
		for _, r := range h.runsOf[s] {
			order = append(order, h.binsOf[r]...)
		}
	}
	perms := make([][]int, permutations)
	for k := range perms {
		rng := rand.New(rand.NewPCG(seed, uint64(k)))
		src := make([]int, 0, n)
		for _, si := range rng.Perm(len(h.sessions)) {
			runs := h.runsOf[h.sessions[si]]
			for _, ri := range rng.Perm(len(runs)) {
				bins := h.binsOf[runs[ri]]
				for _, bi := range rng.Perm(len(bins)) {
					src = append(src, bins[bi])
				}
			}
		}
		perm := make([]int, n)
		for pos, i := range order {
			perm[i] = src[pos]
		}
		perms[k] = perm
	}
	imp := &ImportanceScores{Mean: make([]float64, p), SD: make([]float64, p), P: make([]float64, p), Permutations: permutations}
	parallel.ForProgress(p, progress.Loop("decoding: region importance"), func(j int) {
		c := contrib[j]
		drops := make([]float64, permutations)
		pred := make([]float64, n)
		for k, perm := range perms {
			for i := range pred {
				pred[i] = res.Predictions[i] - c[i] + c[perm[i]]
			}
			drops[k] = base - stats.Pearson(pred, d.Y)
		}
		m, sd := stats.MeanSD(drops)
		imp.Mean[j], imp.SD[j] = m, sd
		var le float64
		for _, v := range drops {
			if v <= 0 {
				le++
			}
		}
		pot := (le + 1) / float64(permutations+1)
		imp.P[j] = 2 * math.Min(pot, 1-pot)
	})
	return imp, nil
}
