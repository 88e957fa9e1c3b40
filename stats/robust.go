package stats

import (
	"fmt"
	"math"
)

// BisquareC is Tukey's biweight tuning constant (95% efficiency under normal errors), the default
// of MATLAB's robustfit and of statsmodels' TukeyBiweight.
const BisquareC = 4.685

// madNormal is the normal distribution's third quartile: MAD / madNormal estimates σ.
const madNormal = 0.6744897501960817

// RobustLine is a straight line fitted by Tukey's biweight M-estimator (RobustFit): the
// coefficients, each point's residual and final weight (0 for points beyond BisquareC scales),
// the residual scale and the iterations taken.
type RobustLine struct {
	Intercept  float64   `json:"intercept"`
	Slope      float64   `json:"slope"`
	Residuals  []float64 `json:"residuals"`
	Weights    []float64 `json:"weights"`
	Scale      float64   `json:"scale"`
	Iterations int       `json:"iterations"`
}

// RobustFit fits y = a + b·x by iteratively reweighted least squares with Tukey's biweight
// (c = BisquareC), as statsmodels' RLM(y, add_constant(x), M=TukeyBiweight()).fit() does: an
// ordinary least-squares start, the scale re-estimated at every step as the residuals' median
// absolute value / 0.6745 (statsmodels' scale.mad with center 0), and iterations until the
// deviance (statsmodels' criterion) changes by at most 1e-8 (at most 50). MATLAB's robustfit also
// adjusts the residuals for leverage and estimates the scale from all but the smallest
// residuals; painmark follows statsmodels, the peer its tests compare with.
func RobustFit(x, y []float64) (*RobustLine, error) {
	n := len(x)
	if n != len(y) {
		return nil, fmt.Errorf("robust fit: %d x values, %d y values", n, len(y))
	}
	if n < 3 {
		return nil, fmt.Errorf("robust fit: %d points, at least 3 needed", n)
	}
	w := make([]float64, n)
	for i := range w {
		w[i] = 1
	}
	a, b, ok := weightedLine(x, y, w)
	if !ok {
		return nil, fmt.Errorf("robust fit: the x values are all equal")
	}
	res := make([]float64, n)
	resid := func() {
		for i := range res {
			res[i] = y[i] - a - b*x[i]
		}
	}
	resid()
	scale := medianAbs(res) / madNormal
	// statsmodels' convergence criterion (RLM.deviance): Σρ(r / s²) with s² the weighted
	// least-squares step's Σw·r²/(n-2) and its ρ = -(1-(z/c)²)³·c²/6 inside c, 0 beyond.
	deviance := func() float64 {
		var ssr, d float64
		for i, r := range res {
			ssr += w[i] * r * r
		}
		s2 := ssr / float64(n-2)
		for _, r := range res {
			if z := r / s2; math.Abs(z) <= BisquareC {
				u := 1 - (z/BisquareC)*(z/BisquareC)
				d -= u * u * u * BisquareC * BisquareC / 6
			}
		}
		return d
	}
	prev, it := deviance(), 1
	for scale > 0 {
		for i, r := range res {
			w[i] = bisquareWeight(r / scale)
		}
		if a, b, ok = weightedLine(x, y, w); !ok {
			return nil, fmt.Errorf("robust fit: fewer than two distinct x values keep a weight")
		}
		resid()
		scale = medianAbs(res) / madNormal
		d := deviance()
		it++
		if math.Abs(d-prev) <= 1e-8 || it >= 50 {
			break
		}
		prev = d
	}
	return &RobustLine{Intercept: a, Slope: b, Residuals: res, Weights: w, Scale: scale, Iterations: it}, nil
}

// weightedLine is the weighted least-squares line; ok is false when the weighted x values have
// no spread.
func weightedLine(x, y, w []float64) (a, b float64, ok bool) {
	var sw, sx, sy float64
	for i := range x {
		sw += w[i]
		sx += w[i] * x[i]
		sy += w[i] * y[i]
	}
	if sw == 0 {
		return 0, 0, false
	}
	mx, my := sx/sw, sy/sw
	var sxx, sxy float64
	for i := range x {
		sxx += w[i] * (x[i] - mx) * (x[i] - mx)
		sxy += w[i] * (x[i] - mx) * (y[i] - my)
	}
	if !(sxx > 0) {
		return 0, 0, false
	}
	b = sxy / sxx
	return my - b*mx, b, true
}

func bisquareWeight(z float64) float64 {
	if math.Abs(z) > BisquareC {
		return 0
	}
	u := 1 - (z/BisquareC)*(z/BisquareC)
	return u * u
}

// medianAbs is the median of the absolute values.
func medianAbs(v []float64) float64 {
	a := make([]float64, len(v))
	for i, x := range v {
		a[i] = math.Abs(x)
	}
	return Median(a)
}
