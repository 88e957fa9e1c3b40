package signature

import (
	"math"
	"testing"

	"github.com/painmark/painmark/learn"
)

// Comparing the published RPN with itself finds no difference; with a copy whose weights are
// scrambled across its edges it finds the RPN better (Williams' p and the bootstrap interval of
// the difference in r both say so), on the Bochum sample.
func TestCompareSignaturesOnBochum(t *testing.T) {
	rpn, x, y, _ := rpnOnBochum(t)
	o := EvalOptions{Bootstraps: 500, Seed: 3}
	c, err := Compare([]*Signature{rpn, rpn}, []learn.Matrix{x, x}, y, o)
	if err != nil {
		t.Fatal(err)
	}
	if p := c.Pairs[0]; p.DiffR != 0 || p.Williams.P != 1 || p.DiffCI != [2]float64{0, 0} {
		t.Errorf("self comparison: %+v %+v", p, p.Williams)
	}
	scrambled := *rpn
	scrambled.Name = "scrambled"
	scrambled.Weights = append([]float64(nil), rpn.Weights...)
	for i := range scrambled.Weights {
		j := (i*7 + 3) % len(scrambled.Weights)
		scrambled.Weights[i], scrambled.Weights[j] = scrambled.Weights[j], scrambled.Weights[i]
	}
	c, err = Compare([]*Signature{rpn, &scrambled}, []learn.Matrix{x, x}, y, o)
	if err != nil {
		t.Fatal(err)
	}
	p := c.Pairs[0]
	if !(p.DiffR > 0.2) || !(p.Williams.P < 0.05) || !(p.DiffCI[0] > 0) || math.Abs(p.DiffR-(c.Evaluations[0].R-c.Evaluations[1].R)) > 1e-12 {
		t.Errorf("RPN vs scrambled: r %.3f vs %.3f, Williams T %.2f p %.3g, bootstrap CI %v", c.Evaluations[0].R, c.Evaluations[1].R, p.Williams.T, p.Williams.P, p.DiffCI)
	}
	t.Logf("RPN r = %.3f, scrambled r = %.3f: Williams T(%g) = %.2f, p = %.3g; Δr 95%% CI %.3f to %.3f",
		c.Evaluations[0].R, c.Evaluations[1].R, p.Williams.DF, p.Williams.T, p.Williams.P, p.DiffCI[0], p.DiffCI[1])
}
