package connectome

import (
	"fmt"
	"math"

	"github.com/painmark/painmark/internal/optimize"
	"github.com/painmark/painmark/internal/parallel"
	"github.com/painmark/painmark/internal/progress"
	"github.com/painmark/painmark/signal"
)

// DCC-GARCH dynamic conditional correlation (Engle 2002) as Lindquist et al. (2014) compute it with
// DCC.m → dcc_mvgarch(data, 1, 1, 1, 1): a GARCH(1,1) per series, then DCC(1,1) on the standardized
// residuals, both by maximum likelihood, with the reference code's conventions reproduced exactly
// (NUMERICS.md §8, golden/dcc/README.md): estimation uses the population SD as pre-sample value and
// pads the residuals with zeros; the output recomputes the variances with the sample SD and pads
// with ones. Series are used as given (not demeaned): z-score them first.

const (
	realmin = 2.2250738585072014e-308
	tolCon  = 1e-6 // fmincon's TolCon in the reference: bounds a, b ≥ 2·TolCon, a + b ≤ 1 − 2·TolCon
	log2Pi  = 1.8378770664093453
)

// GARCH holds GARCH(1,1) parameters: h_t = ω + α·x²_{t-1} + β·h_{t-1}.
type GARCH struct{ Omega, Alpha, Beta float64 }

// garchRecursion fills h (len(x)) with the recursion started from the pre-sample value s0
// (d_0 = s0, h_0 = s0²), as the reference's garchcore on [s0; x].
func garchRecursion(x []float64, p GARCH, s0 float64, h []float64) {
	dPrev, hPrev := s0, s0*s0
	for t, v := range x {
		ht := (p.Omega + p.Alpha*dPrev*dPrev) + p.Beta*hPrev
		h[t] = ht
		dPrev, hPrev = v, ht
	}
}

// sumSquares returns Σ(x − x̄)².
func sumSquares(x []float64) float64 {
	var m float64
	for _, v := range x {
		m += v
	}
	m /= float64(len(x))
	var ss float64
	for _, v := range x {
		ss += (v - m) * (v - m)
	}
	return ss
}

// popStd is the population standard deviation (MATLAB's std(x, 1)).
func popStd(x []float64) float64 { return math.Sqrt(sumSquares(x) / float64(len(x))) }

// sampleVar is the sample variance (MATLAB's var(x), N−1).
func sampleVar(x []float64) float64 { return sumSquares(x) / float64(len(x)-1) }

// GarchVariancesEstimation are the conditional variances of the estimation path
// (fattailed_garchlikelihood): parameters ≤ 0 become realmin, pre-sample value std(x, 1).
func GarchVariancesEstimation(x []float64, p GARCH) []float64 {
	for _, v := range []*float64{&p.Omega, &p.Alpha, &p.Beta} {
		if *v <= 0 {
			*v = realmin
		}
	}
	h := make([]float64, len(x))
	garchRecursion(x, p, popStd(x), h)
	return h
}

// GarchVariancesOutput are the conditional variances of the output path (dcc_univariate_simulate):
// pre-sample value sqrt(var(x)) with the N-1 divisor, no clamp.
func GarchVariancesOutput(x []float64, p GARCH) []float64 {
	h := make([]float64, len(x))
	garchRecursion(x, p, math.Sqrt(sampleVar(x)), h)
	return h
}

// GarchLLF is the reference's minus log-likelihood ½(Σ log h_t + Σ x_t²/h_t + T log 2π) on the
// estimation path.
func GarchLLF(x []float64, p GARCH) float64 {
	h := GarchVariancesEstimation(x, p)
	var sl, sq float64
	for t, v := range x {
		sl += math.Log(h[t])
		sq += v * v / h[t]
	}
	return 0.5 * (sl + sq + float64(len(x))*log2Pi)
}

// FitGARCH estimates GARCH(1,1) by maximum likelihood from the reference's start (ω = 0.1·var(x),
// α = 0.15, β = 0.75) under its constraints (ω, α, β ≥ 0, α + β ≤ 1 − 2·TolCon), by Nelder-Mead on
// an unconstrained parametrisation with restarts until the likelihood stops improving. It returns
// the parameters and the minimised GarchLLF.
func FitGARCH(x []float64) (GARCH, float64) {
	v := sampleVar(x)
	maxPersist := 1 - 2*tolCon
	decode := func(u []float64) GARCH {
		s := maxPersist * logistic(u[1])
		a := s * logistic(u[2])
		return GARCH{Omega: math.Exp(u[0]), Alpha: a, Beta: s - a}
	}
	start := GARCH{Omega: (1 - 0.15 - 0.75) * v, Alpha: 0.15, Beta: 0.75}
	u0 := []float64{math.Log(start.Omega), logit((start.Alpha + start.Beta) / maxPersist), logit(start.Alpha / (start.Alpha + start.Beta))}
	f := func(u []float64) float64 { return GarchLLF(x, decode(u)) }
	u, fu := optimize.MinimizeRestarts(f, u0)
	return decode(u), fu
}

// DCCParams are the DCC(1,1) parameters: Q_t = (1-a-b)·Q̄ + a·z_{t-1}z_{t-1}ᵀ + b·Q_{t-1}.
type DCCParams struct{ A, B float64 }

// dccPath runs the Q/R recursion over k standardized series z (z[i][t]) from Q_0 = Q̄ with the
// pre-sample residual z_0 = pad (0 in estimation, 1 in output). For each t it calls visit with R_t
// (k x k, row-major), Q_t, and the log-determinant and quadratic form z_tᵀR_t⁻¹z_t.
func dccPath(z [][]float64, qbar []float64, p DCCParams, pad float64, visit func(t int, r, q []float64, logdet, quad float64)) bool {
	k := len(z)
	T := len(z[0])
	q := append([]float64(nil), qbar...)
	prev := make([]float64, k)
	for i := range prev {
		prev[i] = pad
	}
	r := make([]float64, k*k)
	sq := make([]float64, k)
	zt := make([]float64, k)
	c := 1 - p.A - p.B
	for t := 0; t < T; t++ {
		for i := 0; i < k; i++ {
			for j := 0; j < k; j++ {
				q[i*k+j] = (qbar[i*k+j]*c + p.A*(prev[i]*prev[j])) + p.B*q[i*k+j]
			}
		}
		for i := 0; i < k; i++ {
			sq[i] = math.Sqrt(q[i*k+i])
		}
		for i := 0; i < k; i++ {
			for j := 0; j < k; j++ {
				r[i*k+j] = q[i*k+j] / (sq[i] * sq[j])
			}
			zt[i] = z[i][t]
		}
		logdet, quad, ok := logdetQuad(r, zt, k)
		if !ok {
			return false
		}
		if visit != nil {
			visit(t, r, q, logdet, quad)
		}
		copy(prev, zt)
	}
	return true
}

// logdetQuad returns log det R and zᵀR⁻¹z (closed form for k = 2; Cholesky otherwise).
func logdetQuad(r, z []float64, k int) (float64, float64, bool) {
	if k == 2 {
		det := r[0]*r[3] - r[1]*r[2]
		if !(det > 0) {
			return 0, 0, false
		}
		quad := (r[3]*z[0]*z[0] - (r[1]+r[2])*z[0]*z[1] + r[0]*z[1]*z[1]) / det
		return math.Log(det), quad, true
	}
	l := make([]float64, k*k)
	for j := 0; j < k; j++ {
		s := r[j*k+j]
		for m := 0; m < j; m++ {
			s -= l[j*k+m] * l[j*k+m]
		}
		if !(s > 0) {
			return 0, 0, false
		}
		l[j*k+j] = math.Sqrt(s)
		for i := j + 1; i < k; i++ {
			s := r[i*k+j]
			for m := 0; m < j; m++ {
				s -= l[i*k+m] * l[j*k+m]
			}
			l[i*k+j] = s / l[j*k+j]
		}
	}
	var logdet, quad float64
	y := make([]float64, k)
	for i := 0; i < k; i++ {
		logdet += 2 * math.Log(l[i*k+i])
		s := z[i]
		for m := 0; m < i; m++ {
			s -= l[i*k+m] * y[m]
		}
		y[i] = s / l[i*k+i]
		quad += y[i] * y[i]
	}
	return logdet, quad, true
}

// covN1 is the covariance matrix (N-1) of the columns z[i].
func covN1(z [][]float64) []float64 {
	k, T := len(z), len(z[0])
	mean := make([]float64, k)
	for i := range z {
		for _, v := range z[i] {
			mean[i] += v
		}
		mean[i] /= float64(T)
	}
	c := make([]float64, k*k)
	for i := 0; i < k; i++ {
		for j := i; j < k; j++ {
			var s float64
			for t := 0; t < T; t++ {
				s += (z[i][t] - mean[i]) * (z[j][t] - mean[j])
			}
			c[i*k+j] = s / float64(T-1)
			c[j*k+i] = c[i*k+j]
		}
	}
	return c
}

func standardized(x [][]float64, h [][]float64) [][]float64 {
	z := make([][]float64, len(x))
	for i := range x {
		z[i] = make([]float64, len(x[i]))
		for t, v := range x[i] {
			z[i][t] = v / math.Sqrt(h[i][t])
		}
	}
	return z
}

// DCCLogL is the estimation objective (dcc_mvgarch_likelihood): ½ Σ_t (log det R_t + z_tᵀR_t⁻¹z_t)
// with z from the estimation-path variances, Q̄ = cov(z) and zero padding; 1e9 where R_t is not
// positive definite (as the reference's guard).
func DCCLogL(z [][]float64, qbar []float64, p DCCParams) float64 {
	var s float64
	if !dccPath(z, qbar, p, 0, func(t int, r, q []float64, logdet, quad float64) { s += logdet + quad }) {
		return 1e9
	}
	return s / 2
}

// DCCOutput is the output path (dcc_mvgarch_full_likelihood) at given parameters.
type DCCOutput struct {
	// H are the output-path conditional variances of each series.
	H [][]float64
	// R[t] is the k x k conditional correlation matrix at frame t (row-major); Q[t] likewise.
	R, Q [][]float64
	// LLFull[t] = ½(k log 2π + Σ log h + log det R_t + z_tᵀR_t⁻¹z_t); FullLogL is their sum; the
	// reference reports loglikelihood = -FullLogL.
	LLFull   []float64
	FullLogL float64
}

// ComputeDCCOutput evaluates the output path for series x[i] at the given GARCH and DCC parameters.
func ComputeDCCOutput(x [][]float64, g []GARCH, p DCCParams) (*DCCOutput, error) {
	k := len(x)
	out := &DCCOutput{H: make([][]float64, k)}
	for i := range x {
		out.H[i] = GarchVariancesOutput(x[i], g[i])
	}
	z := standardized(x, out.H)
	qbar := covN1(z)
	T := len(x[0])
	out.R, out.Q, out.LLFull = make([][]float64, T), make([][]float64, T), make([]float64, T)
	ok := dccPath(z, qbar, p, 1, func(t int, r, q []float64, logdet, quad float64) {
		out.R[t] = append([]float64(nil), r...)
		out.Q[t] = append([]float64(nil), q...)
		var lh float64
		for i := 0; i < k; i++ {
			lh += math.Log(out.H[i][t])
		}
		out.LLFull[t] = 0.5 * (((float64(k)*log2Pi + lh) + logdet) + quad)
		out.FullLogL += out.LLFull[t]
	})
	if !ok {
		return nil, fmt.Errorf("the conditional correlation matrix is not positive definite at these parameters")
	}
	return out, nil
}

// DCCFit is a fitted DCC-GARCH model.
type DCCFit struct {
	GARCH  []GARCH
	Params DCCParams
	// DCCLogL is the minimised estimation objective; LogLikelihood = -FullLogL of the output path.
	DCCLogL       float64
	LogLikelihood float64
	Output        *DCCOutput
}

// FitDCCStage estimates (a, b) for standardized residuals z by minimising DCCLogL from the
// reference's start (0.01, 0.97) within its constraints.
func FitDCCStage(z [][]float64) (DCCParams, float64) {
	qbar := covN1(z)
	lo, hi := 2*tolCon, 1-2*tolCon
	decode := func(u []float64) DCCParams {
		s := 2*lo + (hi-2*lo)*logistic(u[0]) // a + b
		a := lo + (s-2*lo)*logistic(u[1])
		return DCCParams{A: a, B: s - a}
	}
	start := DCCParams{0.01, 0.97}
	s0 := start.A + start.B
	u0 := []float64{logit((s0 - 2*lo) / (hi - 2*lo)), logit((start.A - lo) / (s0 - 2*lo))}
	u, f := optimize.MinimizeRestarts(func(u []float64) float64 { return DCCLogL(z, qbar, decode(u)) }, u0)
	return decode(u), f
}

// DCCOptions choose the estimator.
type DCCOptions struct {
	// Joint, after the two-stage estimate of the reference (GARCH per series, then DCC on the
	// residuals), maximises the full log-likelihood of the output path jointly over all GARCH and
	// DCC parameters, starting from the two-stage estimate. The two-stage estimate maximises
	// neither stage's objective jointly, so its reported log-likelihood can be improved; Joint
	// gives the model's maximum-likelihood estimate (slower: use it for single models, not for
	// thousands of pairs).
	Joint bool
}

// FitDCC estimates the model for series x[i] (two stages, as dcc_mvgarch: GARCH per series, then
// DCC on the standardized residuals) and evaluates the output path. Fitted GARCH parameters can be
// passed to reuse them (nil: fit them here).
func FitDCC(x [][]float64, garch []GARCH, opts DCCOptions) (*DCCFit, error) {
	k := len(x)
	if k < 2 {
		return nil, fmt.Errorf("DCC needs at least two series")
	}
	T := len(x[0])
	for i := range x {
		if len(x[i]) != T {
			return nil, fmt.Errorf("series of different lengths")
		}
	}
	if T < 10 {
		return nil, fmt.Errorf("%d frames are too few for DCC-GARCH", T)
	}
	fit := &DCCFit{GARCH: garch}
	if fit.GARCH == nil {
		fit.GARCH = make([]GARCH, k)
		for i := range x {
			fit.GARCH[i], _ = FitGARCH(x[i])
		}
	}
	h := make([][]float64, k)
	for i := range x {
		h[i] = GarchVariancesEstimation(x[i], fit.GARCH[i])
	}
	fit.Params, fit.DCCLogL = FitDCCStage(standardized(x, h))
	if opts.Joint {
		fit.GARCH, fit.Params = jointRefine(x, fit.GARCH, fit.Params)
	}
	out, err := ComputeDCCOutput(x, fit.GARCH, fit.Params)
	if err != nil {
		return nil, err
	}
	fit.Output, fit.LogLikelihood = out, -out.FullLogL
	return fit, nil
}

// jointRefine maximises the output path's full log-likelihood over all parameters (constraints as
// in the two stages) from the given estimate.
func jointRefine(x [][]float64, g []GARCH, p DCCParams) ([]GARCH, DCCParams) {
	k := len(x)
	maxPersist := 1 - 2*tolCon
	lo, hi := 2*tolCon, 1-2*tolCon
	clampLogit := func(v float64) float64 { return logit(math.Min(math.Max(v, 1e-12), 1-1e-12)) }
	u0 := make([]float64, 0, 3*k+2)
	for _, gi := range g {
		s := gi.Alpha + gi.Beta
		u0 = append(u0, math.Log(gi.Omega), clampLogit(s/maxPersist), clampLogit(gi.Alpha/math.Max(s, 1e-300)))
	}
	s0 := p.A + p.B
	u0 = append(u0, clampLogit((s0-2*lo)/(hi-2*lo)), clampLogit((p.A-lo)/(s0-2*lo)))
	decode := func(u []float64) ([]GARCH, DCCParams) {
		gs := make([]GARCH, k)
		for i := range gs {
			s := maxPersist * logistic(u[3*i+1])
			a := s * logistic(u[3*i+2])
			gs[i] = GARCH{Omega: math.Exp(u[3*i]), Alpha: a, Beta: s - a}
		}
		s := 2*lo + (hi-2*lo)*logistic(u[3*k])
		a := lo + (s-2*lo)*logistic(u[3*k+1])
		return gs, DCCParams{A: a, B: s - a}
	}
	f := func(u []float64) float64 {
		gs, dp := decode(u)
		out, err := ComputeDCCOutput(x, gs, dp)
		if err != nil {
			return 1e9
		}
		return out.FullLogL
	}
	start := f(u0)
	u, fu := optimize.MinimizeRestarts(f, u0)
	if fu >= start {
		return g, p
	}
	return decode(u)
}

// PairwiseDCC runs DCC for every pair of regions (as DCC.m), fitting each region's GARCH once and
// reusing it across its pairs, with pairs spread over the cores. It returns the conditional
// correlation series (frames x edges, Edges order) and each pair's (a, b).
func PairwiseDCC(x signal.Matrix) (signal.Matrix, []DCCParams, error) {
	return PairwiseDCCEdges(x, Edges(x.Cols, true))
}

// PairwiseDCCEdges is PairwiseDCC for the listed edges only (frames x len(edges), in that order):
// GARCH is fitted for the regions the edges touch, each once.
func PairwiseDCCEdges(x signal.Matrix, edges []Edge) (signal.Matrix, []DCCParams, error) {
	p := x.Cols
	used := make([]bool, p)
	for _, e := range edges {
		if e.I < 0 || e.I >= p || e.J < 0 || e.J >= p || e.I == e.J {
			return signal.Matrix{}, nil, fmt.Errorf("edge %d-%d is not a pair of the %d regions", e.I, e.J, p)
		}
		used[e.I], used[e.J] = true, true
	}
	var regions []int
	for j, u := range used {
		if u {
			regions = append(regions, j)
		}
	}
	cols := make([][]float64, p)
	garch := make([]GARCH, p)
	parallelRows(len(regions), func(k0, k1 int) {
		for _, j := range regions[k0:k1] {
			cols[j] = x.Column(j)
			garch[j], _ = FitGARCH(cols[j])
		}
	})
	out := signal.NewMatrix(x.Rows, len(edges))
	params := make([]DCCParams, len(edges))
	errs := make([]error, len(edges))
	parallel.ForProgress(len(edges), progress.Loop("DCC: region pairs"), func(k int) {
		e := edges[k]
		fit, err := FitDCC([][]float64{cols[e.I], cols[e.J]}, []GARCH{garch[e.I], garch[e.J]}, DCCOptions{})
		if err != nil {
			errs[k] = fmt.Errorf("pair %d-%d: %w", e.I, e.J, err)
			return
		}
		params[k] = fit.Params
		for t, r := range fit.Output.R {
			out.Data[t*len(edges)+k] = r[1]
		}
	})
	for _, err := range errs {
		if err != nil {
			return signal.Matrix{}, nil, err
		}
	}
	return out, params, nil
}

func logistic(u float64) float64 { return 1 / (1 + math.Exp(-u)) }

func logit(p float64) float64 { return math.Log(p / (1 - p)) }
