package learn

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/painmark/painmark/internal/legacyjson"
	"github.com/painmark/painmark/internal/linalg"
)

// ElasticNet is scikit-learn's ElasticNet (NUMERICS.md §6): minimise
// (1/(2n))‖y − Xw − b‖² + α·ρ‖w‖₁ + (α(1−ρ)/2)‖w‖² by cyclic coordinate descent from zero, stopping
// when the largest coefficient change is below Tol relative to the largest coefficient and the
// duality gap is below Tol·‖y − ȳ‖². With ρ = 1 it is the Lasso.
type ElasticNet struct {
	Alpha   float64 `json:"alpha"`
	L1Ratio float64 `json:"l1_ratio"`
	MaxIter int     `json:"max_iter"` // 0 means 1000, scikit-learn's default
	Tol     float64 `json:"tol"`      // 0 means 1e-4
}

// UnmarshalJSON reads the model's settings, also as painmark wrote them before its keys were
// snake_case.
func (e *ElasticNet) UnmarshalJSON(b []byte) error {
	type plain ElasticNet
	b, err := legacyjson.Rename(b, map[string]string{"L1Ratio": "l1_ratio", "MaxIter": "max_iter"})
	if err != nil {
		return err
	}
	return json.Unmarshal(b, (*plain)(e))
}

// LinearModel is a fitted linear model: prediction = x·Coef + Intercept.
type LinearModel struct {
	Coef      []float64
	Intercept float64
	// NIter is the number of coordinate-descent sweeps; Gap the final duality gap; Converged
	// whether the gap fell below the tolerance within MaxIter sweeps.
	NIter     int
	Gap       float64
	Converged bool
}

// Predict returns x·Coef + Intercept for every row of x.
func (m *LinearModel) Predict(x Matrix) []float64 {
	out := make([]float64, x.Rows)
	for i := range out {
		row := x.Data[i*x.Cols : (i+1)*x.Cols]
		var s float64
		for j, w := range m.Coef {
			s += row[j] * w
		}
		out[i] = s + m.Intercept
	}
	return out
}

// Fit fits the model with an intercept (data centred, not scaled).
func (e ElasticNet) Fit(x Matrix, y []float64) (*LinearModel, error) {
	n, p := x.Rows, x.Cols
	if n != len(y) {
		return nil, fmt.Errorf("%d samples but %d targets", n, len(y))
	}
	if n < 2 {
		return nil, fmt.Errorf("ElasticNet needs at least 2 samples")
	}
	if e.Alpha < 0 || e.L1Ratio < 0 || e.L1Ratio > 1 {
		return nil, fmt.Errorf("alpha %g and l1_ratio %g: need alpha ≥ 0 and 0 ≤ l1_ratio ≤ 1", e.Alpha, e.L1Ratio)
	}
	maxIter, tol := e.MaxIter, e.Tol
	if maxIter == 0 {
		maxIter = 1000
	}
	if tol == 0 {
		tol = 1e-4
	}
	// Centre X and y (scikit-learn's _preprocess_data) and store X by columns.
	xOff := make([]float64, p)
	for j := 0; j < p; j++ {
		var s float64
		for i := 0; i < n; i++ {
			s += x.Data[i*p+j]
		}
		xOff[j] = s / float64(n)
	}
	var yOff float64
	for _, v := range y {
		yOff += v
	}
	yOff /= float64(n)
	cols := make([][]float64, p)
	buf := make([]float64, n*p)
	for j := 0; j < p; j++ {
		cols[j] = buf[j*n : (j+1)*n]
		for i := 0; i < n; i++ {
			cols[j][i] = x.Data[i*p+j] - xOff[j]
		}
	}
	yc := make([]float64, n)
	for i, v := range y {
		yc[i] = v - yOff
	}
	w, niter, gap, conv := coordinateDescent(cols, yc, e.Alpha*e.L1Ratio*float64(n), e.Alpha*(1-e.L1Ratio)*float64(n), maxIter, tol)
	b := yOff
	for j := range w {
		b -= xOff[j] * w[j]
	}
	return &LinearModel{Coef: w, Intercept: b, NIter: niter, Gap: gap, Converged: conv}, nil
}

// coordinateDescent is scikit-learn's enet_coordinate_descent (dense, cyclic, not positive) on
// centred data: minimises ½‖y − Xw‖² + l1‖w‖₁ + (l2/2)‖w‖².
func coordinateDescent(cols [][]float64, y []float64, l1, l2 float64, maxIter int, tol float64) ([]float64, int, float64, bool) {
	p := len(cols)
	w := make([]float64, p)
	normCols := make([]float64, p)
	for j, c := range cols {
		normCols[j] = linalg.Dot(c, c)
	}
	r := append([]float64(nil), y...)
	dwTol := tol
	tol *= linalg.Dot(y, y)
	gap := tol + 1
	for it := 0; it < maxIter; it++ {
		var wMax, dwMax float64
		for j, c := range cols {
			if normCols[j] == 0 {
				continue
			}
			wj := w[j]
			if wj != 0 {
				axpy(wj, c, r)
			}
			tmp := linalg.Dot(c, r)
			sign := 0.0 // fsign: the sign of tmp, 0 for 0 (so a zeroed coefficient may be -0.0, as in scikit-learn)
			if tmp > 0 {
				sign = 1
			} else if tmp < 0 {
				sign = -1
			}
			nw := sign * math.Max(math.Abs(tmp)-l1, 0) / (normCols[j] + l2)
			w[j] = nw
			if nw != 0 {
				axpy(-nw, c, r)
			}
			dwMax = math.Max(dwMax, math.Abs(nw-wj))
			wMax = math.Max(wMax, math.Abs(nw))
		}
		if wMax == 0 || dwMax/wMax < dwTol || it == maxIter-1 {
			// Duality gap (the ultimate stopping criterion).
			var dualNorm float64
			for j, c := range cols {
				dualNorm = math.Max(dualNorm, math.Abs(linalg.Dot(c, r)-l2*w[j]))
			}
			rNorm2 := linalg.Dot(r, r)
			wNorm2 := linalg.Dot(w, w)
			var cst float64
			if dualNorm > l1 {
				cst = l1 / dualNorm
				gap = 0.5 * (rNorm2 + rNorm2*cst*cst)
			} else {
				cst = 1
				gap = rNorm2
			}
			var l1Norm float64
			for _, v := range w {
				l1Norm += math.Abs(v)
			}
			gap += l1*l1Norm - cst*linalg.Dot(r, y) + 0.5*l2*(1+cst*cst)*wNorm2
			if gap < tol {
				return w, it + 1, gap, true
			}
		}
	}
	return w, maxIter, gap, false
}

func axpy(a float64, x, y []float64) {
	for i, v := range x {
		y[i] += a * v
	}
}
