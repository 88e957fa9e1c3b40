package signature

import (
	"math"
	"math/rand"
	"testing"

	"github.com/painmark/painmark/stats"
)

// In a planted intervention, the group whose signature change tracks its pain change shows a strong
// r and a small p, the other none; an edge that changes in one group only differs between groups by
// the t test of its Fisher-z changes.
func TestChangeAnalysis(t *testing.T) {
	rng := rand.New(rand.NewSource(22))
	n := 40
	sig, pain, groups := make([]float64, n), make([]float64, n), make([]string, n)
	pre, post := make([]float64, n), make([]float64, n)
	for i := 0; i < n; i++ {
		groups[i] = []string{"active", "sham"}[i%2]
		pain[i] = rng.NormFloat64()
		pre[i] = 0.2 + 0.1*rng.NormFloat64()
		post[i] = pre[i] + 0.05*rng.NormFloat64()
		if groups[i] == "active" {
			sig[i] = pain[i] + 0.3*rng.NormFloat64()
			post[i] += 0.2
		} else {
			sig[i] = rng.NormFloat64()
		}
	}
	res, err := ChangeByGroup(sig, pain, groups, 999, 1)
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Group != "active" || res[0].R < 0.8 || res[0].P > 0.01 || res[1].P < 0.05 {
		t.Errorf("group changes %+v", res)
	}
	tt, err := EdgeChange(pre, post, groups, "active", "sham", true)
	if err != nil {
		t.Fatal(err)
	}
	var da, db []float64
	for i := range pre {
		d := math.Atanh(post[i]) - math.Atanh(pre[i])
		if groups[i] == "active" {
			da = append(da, d)
		} else {
			db = append(db, d)
		}
	}
	want, _ := stats.TTestInd(da, db, true)
	if tt.T != want.T || tt.P > 1e-6 || tt.CohenD < 1 {
		t.Errorf("edge change: t %v (direct %v), p %v, d %v", tt.T, want.T, tt.P, tt.CohenD)
	}
	if _, err := EdgeChange([]float64{1.2}, []float64{0.1}, []string{"active"}, "active", "sham", true); err == nil {
		t.Error("a value beyond a correlation's range accepted")
	}
	t.Logf("active r = %.2f (p %.3g), sham r = %.2f (p %.3g); edge Δz t = %.2f, d = %.2f", res[0].R, res[0].P, res[1].R, res[1].P, tt.T, tt.CohenD)
}
