package decode

import (
	"math"
	"math/rand"
	"testing"

	"github.com/painmark/painmark/learn"
	"github.com/painmark/painmark/stats"
	"github.com/painmark/painmark/synthetic"
)

// The Gram-matrix decoder is learn.PCRLasso (PCA, lasso path by LARS, relaxed OLS refit; equal to
// scikit-learn's composition in the extended suite): for every number of components the same
// predictions on new bins and the same weights on the features.
func TestKernelFitEqualsPCRLasso(t *testing.T) {
	rng := rand.New(rand.NewSource(4))
	n, p := 45, 160
	x := learn.Matrix{Rows: n, Cols: p, Data: make([]float64, n*p)}
	y := make([]float64, n)
	for i := 0; i < n; i++ {
		f := rng.NormFloat64()
		for j := 0; j < p; j++ {
			x.Data[i*p+j] = f*float64(j%5)/3 + rng.NormFloat64()
		}
		y[i] = f + 0.4*x.Data[i*p+7] + 0.3*rng.NormFloat64()
	}
	train, test := make([]int, 0, 35), []int{}
	for i := 0; i < n; i++ {
		if i%4 == 3 {
			test = append(test, i)
		} else {
			train = append(train, i)
		}
	}
	g := newGram(x)
	f, err := g.fit(train, y, math.MaxInt)
	if err != nil {
		t.Fatal(err)
	}
	xtr := x.SelectRows(train)
	ytr := make([]float64, len(train))
	for k, i := range train {
		ytr[k] = y[i]
	}
	path, err := learn.PCRLasso{}.Fit(xtr, ytr)
	if err != nil {
		t.Fatal(err)
	}
	if len(path.Models) != len(f.u) {
		t.Fatalf("%d relaxed models, the Gram path has %d components", len(path.Models), len(f.u))
	}
	kp := g.predict(f, test)
	xte := x.SelectRows(test)
	var dp, dw float64
	for k, m := range path.Models {
		if len(m.Selected) != k+1 {
			t.Fatalf("model %d selects %d components", k, len(m.Selected))
		}
		want := m.Predict(xte)
		for i := range test {
			dp = math.Max(dp, math.Abs(kp[i][k]-want[i]))
		}
		w, b := f.edgeWeights(x, k+1)
		for j := range w {
			dw = math.Max(dw, math.Abs(w[j]-m.Coef[j]))
		}
		dw = math.Max(dw, math.Abs(b-m.Intercept))
	}
	if dp > 1e-8 || dw > 1e-8 {
		t.Errorf("predictions differ by %.3g, weights by %.3g", dp, dw)
	}
	t.Logf("%d models: predictions within %.2g, weights within %.2g", len(path.Models), dp, dw)
}

// On a simulated participant the nested leave-one-session-out decoder tracks the rating, and a
// second person with another planted pattern is not decoded by the first person's model.
func TestDecoderOnSimulatedParticipants(t *testing.T) {
	var planted [][]int
	sim := func(seed uint64) *Data {
		sp, err := synthetic.SimulateParticipant(synthetic.ParticipantOptions{Sessions: 12, RunsPerSession: 2, Frames: 600, Regions: 24, Planted: 5, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		planted = append(planted, sp.Planted)
		runs := make([]Run, len(sp.Runs))
		for i, r := range sp.Runs {
			runs[i] = Run{Session: r.Session, Run: r.Run, TR: r.TR, Series: r.Series, Censored: r.Censored, RatingTime: r.RatingTime, Rating: r.Rating}
		}
		d, err := Prepare(runs, DefaultPrepare)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	a, b := sim(1), sim(4) // two people whose planted regions do not overlap
	for _, i := range planted[0] {
		for _, j := range planted[1] {
			if i == j {
				t.Fatalf("planted regions overlap: %v and %v", planted[0], planted[1])
			}
		}
	}
	res, err := NestedLOSO(a, 0)
	if err != nil {
		t.Fatal(err)
	}
	if res.R < 0.35 {
		t.Errorf("nested leave-one-session-out r = %.3f on a participant with a planted pattern", res.R)
	}
	// The first person's model (trained without session 1) on the second person's bins.
	cross := make([]float64, b.X.Rows)
	for i := range cross {
		cross[i] = res.Intercepts[0]
		for j, w := range res.Weights[0] {
			cross[i] += w * b.X.Data[i*b.X.Cols+j]
		}
	}
	if r := stats.Pearson(cross, b.Y); math.Abs(r) > 0.25 {
		t.Errorf("person A's model on person B: r = %.3f (different planted regions)", r)
	}
	t.Logf("%d bins, nested r = %.3f, components %v; cross-person r = %.3f", a.X.Rows, res.R, res.Components, stats.Pearson(cross, b.Y))
}
