package decode

import (
	"math"
	"testing"

	"github.com/painmark/painmark/internal/fixtures"
)

// TestLiveTrainSizeEqualsScikitLearn: DEIPP's learning curve (sizes 1 to N−2, every session
// predicted, the fold's number of components) equals a numpy/scikit-learn transcription of
// analysis_predict_rating_func_trainsize.m given the same draws: every repeat's predictions and r.
func TestLiveTrainSizeEqualsScikitLearn(t *testing.T) {
	p := participant(t, "01", 6, 6)
	o := DefaultTrainSizeOptions()
	o.Repeats, o.Bootstraps = 3, 50
	d, err := p.Prepare(o.Prepare)
	if err != nil {
		t.Fatal(err)
	}
	nested, err := NestedLOSO(d, o.Model)
	if err != nil {
		t.Fatal(err)
	}
	res, err := TrainSizeCurve(d, nested, o)
	if err != nil {
		t.Fatal(err)
	}
	N := len(nested.Sessions)
	if len(res.Points) != N-2 || res.Points[0].Sessions != 1 {
		t.Fatalf("%d sizes from %d, want 1 to %d", len(res.Points), res.Points[0].Sessions, N-2)
	}
	var draws [][][][]int
	for n := 1; n <= N-2; n++ {
		var reps [][][]int
		for rep := 0; rep < o.Repeats; rep++ {
			reps = append(reps, trainSizeDraw(N, n, rep, o.Seed))
		}
		draws = append(draws, reps)
	}
	rows := make([][]float64, d.X.Rows)
	for i := range rows {
		rows[i] = d.X.Data[i*d.X.Cols : (i+1)*d.X.Cols]
	}
	var want [][]struct {
		R    float64
		Pred []float64
	}
	fixtures.RunPython(t, "testdata/sklearn_trainsize.py", map[string]any{"x": rows, "y": d.Y, "sessions": d.Session, "order": nested.Sessions,
		"components": nested.Components, "draws": draws}, &want)
	g := newGram(d.X)
	binsOf := map[string][]int{}
	for i, s := range d.Session {
		binsOf[s] = append(binsOf[s], i)
	}
	for si, pt := range res.Points {
		for rep := range pt.R {
			w := want[si][rep]
			if math.Abs(w.R-pt.R[rep]) > 1e-9 {
				t.Fatalf("%d sessions, repeat %d: r %v, scikit-learn %v", pt.Sessions, rep, pt.R[rep], w.R)
			}
			pred, err := trainSizePredictions(g, d, nested, o.Model, binsOf, draws[si][rep])
			if err != nil {
				t.Fatal(err)
			}
			for i := range pred {
				if math.Abs(pred[i]-w.Pred[i]) > 1e-8*math.Max(1, math.Abs(w.Pred[i])) {
					t.Fatalf("%d sessions, repeat %d, bin %d: %v, scikit-learn %v", pt.Sessions, rep, i, pred[i], w.Pred[i])
				}
			}
		}
		t.Logf("%d sessions: mean r %.3f, %.0f%% significant (r equal to scikit-learn's in all %d repeats)", pt.Sessions, pt.MeanR, 100*pt.Significant, len(pt.R))
	}
}
