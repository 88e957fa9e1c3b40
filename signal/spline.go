package signal

import "fmt"

// cubicSpline is scipy.interpolate.CubicSpline with the default "not-a-knot" end conditions: a
// piecewise cubic through (x[i], y[i]) with continuous second derivatives, whose third derivative is
// also continuous at the second and the second-to-last knots. It extrapolates with the end pieces.
type cubicSpline struct {
	x, y, slope []float64
}

func newCubicSpline(x, y []float64) (*cubicSpline, error) {
	n := len(x)
	if n < 2 {
		return nil, fmt.Errorf("cubic spline needs at least 2 points, got %d", n)
	}
	dx := make([]float64, n-1)
	sl := make([]float64, n-1)
	for i := 0; i < n-1; i++ {
		dx[i] = x[i+1] - x[i]
		if dx[i] <= 0 {
			return nil, fmt.Errorf("cubic spline knots must increase")
		}
		sl[i] = (y[i+1] - y[i]) / dx[i]
	}
	s := make([]float64, n)
	switch {
	case n == 2:
		s[0], s[1] = sl[0], sl[0] // not-a-knot on two points: the line
	case n == 3:
		// not-a-knot at both ends of three points: the parabola through them (scipy's special case).
		c := (sl[1] - sl[0]) / (x[2] - x[0])
		s[0] = sl[0] - c*dx[0]
		s[1] = sl[0] + c*dx[0]
		s[2] = sl[1] + c*dx[1]
	default:
		// Tridiagonal system for the slopes (scipy's banded formulation).
		lower := make([]float64, n)
		diag := make([]float64, n)
		upper := make([]float64, n)
		rhs := make([]float64, n)
		for i := 1; i < n-1; i++ {
			lower[i] = dx[i]
			diag[i] = 2 * (dx[i-1] + dx[i])
			upper[i] = dx[i-1]
			rhs[i] = 3 * (dx[i]*sl[i-1] + dx[i-1]*sl[i])
		}
		d := x[2] - x[0]
		diag[0] = dx[1]
		upper[0] = d
		rhs[0] = ((dx[0]+2*d)*dx[1]*sl[0] + dx[0]*dx[0]*sl[1]) / d
		d = x[n-1] - x[n-3]
		diag[n-1] = dx[n-3]
		lower[n-1] = d
		rhs[n-1] = (dx[n-2]*dx[n-2]*sl[n-3] + (2*d+dx[n-2])*dx[n-3]*sl[n-2]) / d
		// Thomas algorithm.
		for i := 1; i < n; i++ {
			w := lower[i] / diag[i-1]
			diag[i] -= w * upper[i-1]
			rhs[i] -= w * rhs[i-1]
		}
		s[n-1] = rhs[n-1] / diag[n-1]
		for i := n - 2; i >= 0; i-- {
			s[i] = (rhs[i] - upper[i]*s[i+1]) / diag[i]
		}
	}
	return &cubicSpline{x: x, y: y, slope: s}, nil
}

// at evaluates the spline (extrapolating beyond the knots with the end pieces).
func (c *cubicSpline) at(t float64) float64 {
	n := len(c.x)
	i := 0
	// Binary search for the interval [x[i], x[i+1]] (clamped to the end pieces).
	lo, hi := 0, n-2
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if c.x[mid] <= t {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	i = lo
	h := c.x[i+1] - c.x[i]
	sl := (c.y[i+1] - c.y[i]) / h
	// Hermite form of the piece: y_i + s_i·u + c2·u² + c3·u³, u = t - x_i.
	c2 := (3*sl - 2*c.slope[i] - c.slope[i+1]) / h
	c3 := (c.slope[i] + c.slope[i+1] - 2*sl) / (h * h)
	u := t - c.x[i]
	return c.y[i] + u*(c.slope[i]+u*(c2+u*c3))
}
