package stats

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Williams' test holds its level: with equal population correlations of y with a and b, about 5%
// of samples reject at 0.05; with a clearly better predictor it rejects mostly; identical
// predictions give p = 1; swapping a and b flips the sign of T.
func TestWilliamsTestCalibration(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	draw := func(n int, ca, cb float64) ([]float64, []float64, []float64) {
		y, a, b := make([]float64, n), make([]float64, n), make([]float64, n)
		for i := range y {
			y[i] = rng.NormFloat64()
			shared := rng.NormFloat64() // a and b correlate beyond y
			a[i] = ca*y[i] + 0.6*shared + rng.NormFloat64()
			b[i] = cb*y[i] + 0.6*shared + rng.NormFloat64()
		}
		return y, a, b
	}
	const reps = 4000
	reject := 0
	for k := 0; k < reps; k++ {
		y, a, b := draw(50, 0.5, 0.5)
		d, err := CompareDependentCorrelations(y, a, b)
		if err != nil {
			t.Fatal(err)
		}
		if d.P < 0.05 {
			reject++
		}
	}
	if rate := float64(reject) / reps; rate < 0.035 || rate > 0.065 {
		t.Errorf("type I error %.3f at level 0.05", rate)
	}
	power := 0
	for k := 0; k < 500; k++ {
		y, a, b := draw(80, 1.2, 0.2)
		d, _ := CompareDependentCorrelations(y, a, b)
		if d.P < 0.05 && d.T > 0 {
			power++
		}
	}
	if power < 400 {
		t.Errorf("power %d of 500 for a clearly better predictor", power)
	}
	y, a, b := draw(30, 0.8, 0.3)
	d1, _ := CompareDependentCorrelations(y, a, b)
	d2, _ := CompareDependentCorrelations(y, b, a)
	if math.Abs(d1.T+d2.T) > 1e-12 || math.Abs(d1.P-d2.P) > 1e-12 {
		t.Errorf("swapping: T %v and %v, p %v and %v", d1.T, d2.T, d1.P, d2.P)
	}
	if d, _ := CompareDependentCorrelations(y, a, a); d.P != 1 || d.T != 0 {
		t.Errorf("identical predictions: %+v", d)
	}
}
