package stats

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// LogitResult is a logistic regression of a binary outcome on one predictor with an intercept:
// the coefficients (log-odds), the slope's standard error from the inverse information matrix,
// its Wald z and two-sided normal p-value (statsmodels' Logit(y, add_constant(x)).fit(): params,
// bse, tvalues and pvalues of the predictor).
type LogitResult struct {
	Intercept, Slope float64
	SE, Z, P         float64
}

// LogitWald fits the logistic regression of y (0/1) on x with an intercept by maximum likelihood
// (Newton-Raphson to convergence, as statsmodels' Logit) and tests the slope by Wald's z. Both
// classes are needed, and outcomes the predictor separates perfectly (no finite maximum) are
// refused.
func LogitWald(x, y []float64) (LogitResult, error) {
	n := len(x)
	if len(y) != n {
		return LogitResult{}, fmt.Errorf("%d predictor values but %d outcomes", n, len(y))
	}
	var pos float64
	for i, v := range y {
		if v != 0 && v != 1 {
			return LogitResult{}, fmt.Errorf("outcome %d is %g: logistic regression needs 0 or 1", i+1, v)
		}
		pos += v
	}
	if pos == 0 || int(pos) == n {
		return LogitResult{}, fmt.Errorf("logistic regression needs both classes (%d of %d are 1)", int(pos), n)
	}
	b0, b1 := math.Log(pos/(float64(n)-pos)), 0.0
	var h00, h01, h11 float64
	for it := 0; ; it++ {
		var g0, g1 float64
		h00, h01, h11 = 0, 0, 0
		for i, xi := range x {
			p := 1 / (1 + math.Exp(-(b0 + b1*xi)))
			w := p * (1 - p)
			g0, g1 = g0+y[i]-p, g1+(y[i]-p)*xi
			h00, h01, h11 = h00+w, h01+w*xi, h11+w*xi*xi
		}
		det := h00*h11 - h01*h01
		if !(det > 0) || it == 100 || math.Abs(b1) > 1e6 {
			return LogitResult{}, fmt.Errorf("the logistic regression does not converge: the predictor separates the two classes (perfectly or nearly), so the log-odds have no finite estimate")
		}
		d0, d1 := (h11*g0-h01*g1)/det, (h00*g1-h01*g0)/det
		b0, b1 = b0+d0, b1+d1
		if math.Max(math.Abs(d0), math.Abs(d1)) < 1e-12*(1+math.Max(math.Abs(b0), math.Abs(b1))) {
			break
		}
	}
	// The information at the estimate (the last step was below rounding).
	se := math.Sqrt(h00 / (h00*h11 - h01*h01))
	z := b1 / se
	return LogitResult{Intercept: b0, Slope: b1, SE: se, Z: z, P: 2 * distuv.UnitNormal.Survival(math.Abs(z))}, nil
}
