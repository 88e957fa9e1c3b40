package decode

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"

	"github.com/painmark/painmark/internal/atomicfile"
	"github.com/painmark/painmark/internal/parallel"
	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/stats"
	"github.com/painmark/painmark/version"
)

// TrainSizeOptions are the settings of TrainSizeCurve (DEIPP's analysis_predict_rating_func_trainsize.m).
type TrainSizeOptions struct {
	Prepare    PrepareOptions `json:"prepare"`
	Model      Options        `json:"selection"`
	Repeats    int            `json:"repeats"`    // random draws per training size (DEIPP: 100)
	Bootstraps int            `json:"bootstraps"` // hierarchical bootstrap draws per repeat for its p-value
	Alpha      float64        `json:"alpha"`      // a repeat is significant when p < Alpha and r > 0
	Seed       uint64         `json:"seed"`
}

// DefaultTrainSizeOptions are DEIPP's 100 repeats, 1,000 bootstrap draws per repeat (DEIPP: 10,000),
// α = 0.05 and seed 1, with Train's preparation and model.
func DefaultTrainSizeOptions() TrainSizeOptions {
	t := DefaultTrainOptions()
	return TrainSizeOptions{Prepare: t.Prepare, Model: t.Model, Repeats: 100, Bootstraps: 1000, Alpha: 0.05, Seed: 1}
}

// TrainSizePoint is the decoder's performance trained on Sessions sessions: per repeat the pooled
// r of every session's predictions and its hierarchical bootstrap p, their mean and SD, and the
// share of repeats significantly above chance (DEIPP's rall_bootsig).
type TrainSizePoint struct {
	Sessions    int       `json:"training_sessions"`
	R           []float64 `json:"r"`
	P           []float64 `json:"p"`
	MeanR       float64   `json:"mean_r"`
	SDR         float64   `json:"sd_r"`
	Significant float64   `json:"share_significant"`
}

// TrainSizeResult is DEIPP's learning curve: points for 1 to n−2 training sessions.
type TrainSizeResult struct {
	Points []TrainSizePoint `json:"curve"`
	// Slope is the regression of the mean r on the number of sessions (DEIPP's glmfit): b, t, p.
	Slope    [3]float64       `json:"slope_b_t_p"`
	Sessions []string         `json:"sessions"`
	Options  TrainSizeOptions `json:"options"`
	Software string           `json:"software_version,omitempty"`
}

// trainSizeDraw is repeat rep of size n: for each held-out session (in order) the positions, among
// the other sessions in order, of the n training sessions (MATLAB's randperm(N−1, n) in DEIPP),
// drawn from PCG(seed, n·1e6 + rep).
func trainSizeDraw(sessions, n, rep int, seed uint64) [][]int {
	rng := rand.New(rand.NewPCG(seed, uint64(n)*1e6+uint64(rep)))
	out := make([][]int, sessions)
	for k := range out {
		out[k] = rng.Perm(sessions - 1)[:n]
	}
	return out
}

// TrainSizeCurve is DEIPP's learning curve (analysis_predict_rating_func_trainsize.m): for every
// training size n from 1 to N−2 sessions and every repeat, each session k is predicted by a model
// trained on n sessions drawn at random from the other N−1, with the hyperparameter fixed to the
// one nested leave-one-session-out chose for fold k (DEIPP's icv_bestidx(k)); the repeat's r pools
// every session's bins, its p is the hierarchical bootstrap's (sessions, runs, bins), and a size's
// share of repeats with p < α and r > 0 is DEIPP's significance against chance. DEIPP predicts
// frames and averages them into bins; the model is linear, so that equals predicting the bins.
// Repeats run in parallel; the draws depend only on the seed.
func TrainSizeCurve(d *Data, nested *NestedResult, o TrainSizeOptions) (*TrainSizeResult, error) {
	if err := o.Model.check(); err != nil {
		return nil, err
	}
	sessions := nested.Sessions
	N := len(sessions)
	if N < 3 {
		return nil, fmt.Errorf("a learning curve needs at least 3 sessions, got %d", N)
	}
	if o.Repeats < 1 || o.Bootstraps < 2 {
		return nil, fmt.Errorf("%d repeats and %d bootstrap draws: need at least 1 and 2", o.Repeats, o.Bootstraps)
	}
	g := newGram(d.X)
	binsOf := make(map[string][]int, N)
	for i, s := range d.Session {
		binsOf[s] = append(binsOf[s], i)
	}
	res := &TrainSizeResult{Sessions: sessions, Options: o, Software: version.String()}
	for n := 1; n <= N-2; n++ {
		pt := TrainSizePoint{Sessions: n, R: make([]float64, o.Repeats), P: make([]float64, o.Repeats)}
		errs := make([]error, o.Repeats)
		parallel.For(o.Repeats, func(rep int) {
			pred, err := trainSizePredictions(g, d, nested, o.Model, binsOf, trainSizeDraw(N, n, rep, o.Seed))
			if err != nil {
				errs[rep] = err
				return
			}
			pt.R[rep] = stats.Pearson(pred, d.Y)
			b := bootstrapUnits(pred, d.Y, newHierarchy(d.Session, d.Run), o.Bootstraps, o.Seed+uint64(n)*1e6+uint64(rep))
			pt.P[rep] = b.PR
		})
		for _, err := range errs {
			if err != nil {
				return nil, err
			}
		}
		pt.MeanR, pt.SDR = stats.MeanSD(pt.R)
		for i, r := range pt.R {
			if pt.P[i] < o.Alpha && r > 0 {
				pt.Significant++
			}
		}
		pt.Significant /= float64(o.Repeats)
		res.Points = append(res.Points, pt)
	}
	if len(res.Points) >= 3 {
		x, y := make([]float64, len(res.Points)), make([]float64, len(res.Points))
		for i, p := range res.Points {
			x[i], y[i] = float64(p.Sessions), p.MeanR
		}
		res.Slope = slope(x, y)
	}
	return res, nil
}

// trainSizePredictions predicts every session's bins from the drawn training sessions.
func trainSizePredictions(g *gram, d *Data, nested *NestedResult, mo Options, binsOf map[string][]int, draw [][]int) ([]float64, error) {
	sessions := nested.Sessions
	pred := make([]float64, len(d.Y))
	for k, s := range sessions {
		others := make([]string, 0, len(sessions)-1)
		for _, o := range sessions {
			if o != s {
				others = append(others, o)
			}
		}
		var train []int
		for _, i := range draw[k] {
			train = append(train, binsOf[others[i]]...)
		}
		gr, c := &grid{o: mo}, nested.Components[k]-1
		if mo.deipp() {
			gr.lambda, c = []float64{nested.Lambdas[k]}, 0
		}
		f, err := gr.fitFor(g, train, d.Y)
		if err != nil {
			return nil, err
		}
		c = max(0, min(c, gr.size(f)-1))
		for i, p := range gr.predict(g, f, binsOf[s]) {
			pred[binsOf[s][i]] = p[c]
		}
	}
	return pred, nil
}

// slope is the least-squares slope of y on x with its t and two-sided p (n−2 degrees of freedom).
func slope(x, y []float64) [3]float64 {
	r := stats.Pearson(x, y)
	_, sx := stats.MeanSD(x)
	_, sy := stats.MeanSD(y)
	b := r * sy / sx
	n := float64(len(x))
	t := r * math.Sqrt((n-2)/(1-r*r))
	return [3]float64{b, t, stats.PearsonTestP(r, len(x))}
}

// TrainSize prepares a participant's bins, runs nested leave-one-session-out (for each fold's
// hyperparameter) and DEIPP's learning curve.
func TrainSize(p *Participant, o TrainSizeOptions) (*TrainSizeResult, error) {
	d, err := p.Prepare(o.Prepare)
	if err != nil {
		return nil, err
	}
	nested, err := NestedLOSO(d, o.Model)
	if err != nil {
		return nil, err
	}
	return TrainSizeCurve(d, nested, o)
}

// WriteFiles writes the curve JSON to path.
func (r *TrainSizeResult) WriteFiles(path string) error { return atomicfile.WriteJSON(path, r) }

// Print writes one line per training size.
func (r *TrainSizeResult) Print(w io.Writer) {
	for _, p := range r.Points {
		fmt.Fprintf(w, "%3d training sessions: mean r = %.3f (SD %.3f), %.0f%% of %d repeats significant\n", p.Sessions, p.MeanR, p.SDR, 100*p.Significant, len(p.R))
	}
	fmt.Fprintf(w, "mean r against sessions: slope %.3g per session (t = %.2f, p = %.3g)\n", r.Slope[0], r.Slope[1], r.Slope[2])
}

// AddReport adds the curve and the share of significant repeats.
func (r *TrainSizeResult) AddReport(doc *report.Document) {
	seed := r.Options.Seed
	doc.Seed = &seed
	var x, mid, lo, hi, sig []float64
	for _, p := range r.Points {
		ci := stats.PercentileInterval(p.R)
		x, mid, lo, hi = append(x, float64(p.Sessions)), append(mid, p.MeanR), append(lo, ci[0]), append(hi, ci[1])
		sig = append(sig, 100*p.Significant)
	}
	doc.Numbers["results"] = r
	sec := doc.Section("Learning curve (DEIPP)")
	sec.Figure(report.Curve("Performance against training sessions", "training sessions", "pooled r (every session predicted)", x, mid, lo, hi, 0, ""),
		fmt.Sprintf("Each session predicted by a model trained on n of the other sessions, drawn at random %d times per n, with the hyperparameter nested leave-one-session-out chose for it; band: 2.5-97.5 percentiles over repeats.", r.Options.Repeats))
	sec.Figure(report.Curve("Repeats significantly above chance", "training sessions", "% of repeats with p < α and r > 0", x, sig, sig, sig, 95, "95%"),
		fmt.Sprintf("Hierarchical bootstrap p of each repeat's r (%d draws), α = %g, as DEIPP's rall_bootsig.", r.Options.Bootstraps, r.Options.Alpha))
}
