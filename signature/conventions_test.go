package signature

import (
	"math"
	"testing"

	"github.com/painmark/painmark/learn"
)

// signature train's defaults read bootstrap weight p-values by CanlabCore's convention
// (2·(min(#>0, #<0) + 1)/(n + 1): every p is 2m+2 over n+1 for a whole m, which the Wald
// approximation never gives) and record it; --permute predictions gives the permutation test of
// the fixed out-of-fold predictions (learn's predictions mode), recorded in the signature.
func TestTrainPaperConventions(t *testing.T) {
	_, x, y, _ := rpnOnBochum(t)
	o := DefaultTrainOptions()
	o.Grid = learn.Grid{K: []int{25}, Alpha: []float64{0.005}, L1Ratio: []float64{0.999}}
	o.Bootstraps, o.Permutations, o.PermutationMode = 30, 200, learn.PermutePredictions
	s, rep, err := Train(x, y, o)
	if err != nil {
		t.Fatal(err)
	}
	if s.Training.BootstrapPConvention != "canlab" || s.Training.PermutationMode != "predictions" {
		t.Errorf("recorded %q, %q", s.Training.BootstrapPConvention, s.Training.PermutationMode)
	}
	n := float64(o.Bootstraps)
	for j, p := range rep.Bootstrap.P {
		m := p*(n+1)/2 - 1
		if p < 1 && (math.Abs(m-math.Round(m)) > 1e-9 || m < 0 || m > n/2) {
			t.Fatalf("feature %d: p = %v is not 2(m+1)/(n+1)", j, p)
		}
	}
	pl := o.Base
	pl.K, pl.Model.Alpha, pl.Model.L1Ratio = 25, 0.005, 0.999
	want, err := learn.PermutationTest(pl, x, y, learn.PermutationOptions{N: 200, Seed: o.Seed, Mode: learn.PermutePredictions})
	if err != nil {
		t.Fatal(err)
	}
	if s.Training.CV["p_r"] != want.P.R || rep.Permutation.Options.Mode != learn.PermutePredictions {
		t.Errorf("p_r %v, learn's predictions test %v", s.Training.CV["p_r"], want.P.R)
	}
}
