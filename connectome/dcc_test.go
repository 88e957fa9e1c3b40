package connectome

import (
	"math"
	"math/rand"
	"strconv"
	"testing"

	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/signal"
	"github.com/painmark/painmark/table"
)

// The golden vectors of the Lindquist DCC code (Octave) are in ../shared/data/golden/dcc; its
// README gives inputs, conventions and tolerances.

var dccPairs = [4][2]string{{"AINS_pd", "ACcor_d"}, {"THAL_d", "PINS_d"}, {"AINS_pd", "THAL_d"}, {"ACcor_d", "PINS_d"}}

func goldenTable(t *testing.T, name string) *table.Table {
	t.Helper()
	tb, err := table.Read(fixtures.Shared(t, "golden", "dcc", name), nil)
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

func col(t *testing.T, tb *table.Table, name string) []float64 {
	t.Helper()
	v, err := tb.Floats(name)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func dccInput(t *testing.T) map[string][]float64 {
	in := goldenTable(t, "input_series_zscored.csv")
	out := map[string][]float64{}
	for _, r := range []string{"AINS_pd", "ACcor_d", "THAL_d", "PINS_d"} {
		out[r] = col(t, in, r)
	}
	return out
}

func relDiff(a, b float64) float64 { return math.Abs(a-b) / math.Max(1, math.Abs(b)) }

func TestDCCPinnedOutputsMatchReference(t *testing.T) {
	x := dccInput(t)
	params := goldenTable(t, "params.csv")
	logliks := goldenTable(t, "pinned_loglik.csv")
	set := params.Columns[0].Raw
	num := func(tb *table.Table, c string, row int) float64 { return col(t, tb, c)[row] }
	for _, ps := range []struct{ set, file string }{{"start", "pinned_start_timeseries.csv"}, {"fit", "pinned_fit_timeseries.csv"}} {
		ts := goldenTable(t, ps.file)
		pairCol := col(t, ts, "pair")
		for row := range set {
			if set[row] != ps.set {
				continue
			}
			pair := int(num(params, "pair", row))
			xs, ys := x[dccPairs[pair-1][0]], x[dccPairs[pair-1][1]]
			gx := GARCH{num(params, "omega_x", row), num(params, "alpha_x", row), num(params, "beta_x", row)}
			gy := GARCH{num(params, "omega_y", row), num(params, "alpha_y", row), num(params, "beta_y", row)}
			p := DCCParams{num(params, "dcc_a", row), num(params, "dcc_b", row)}
			hx, hy := GarchVariancesEstimation(xs, gx), GarchVariancesEstimation(ys, gy)
			z := standardized([][]float64{xs, ys}, [][]float64{hx, hy})
			qbar := covN1(z)
			var rhoEst, llDCC []float64
			dccPath(z, qbar, p, 0, func(tt int, r, q []float64, logdet, quad float64) {
				rhoEst = append(rhoEst, r[1])
				llDCC = append(llDCC, 0.5*(logdet+quad))
			})
			out, err := ComputeDCCOutput([][]float64{xs, ys}, []GARCH{gx, gy}, p)
			if err != nil {
				t.Fatal(err)
			}
			var worst float64
			check := func(name string, got []float64) {
				want := col(t, ts, name)
				k := 0
				for i := range want {
					if int(pairCol[i]) != pair {
						continue
					}
					worst = math.Max(worst, math.Abs(got[k]-want[i]))
					if d := math.Abs(got[k] - want[i]); !(d <= 1e-12) {
						t.Errorf("%s pair %d %s t=%d: %.17g, reference %.17g", ps.set, pair, name, k+1, got[k], want[i])
						return
					}
					k++
				}
			}
			llg := func(xv, h []float64) []float64 {
				out := make([]float64, len(xv))
				for i := range xv {
					out[i] = -0.5 * (math.Log(h[i]) + xv[i]*xv[i]/h[i] + log2Pi)
				}
				return out
			}
			q := func(idx int) []float64 {
				v := make([]float64, len(out.Q))
				for i, m := range out.Q {
					v[i] = m[idx]
				}
				return v
			}
			rhoFull := make([]float64, len(out.R))
			for i, r := range out.R {
				rhoFull[i] = r[1]
			}
			check("h_x_est", hx)
			check("h_y_est", hy)
			check("h_x_sim", out.H[0])
			check("h_y_sim", out.H[1])
			check("rho_dcc_est", rhoEst)
			check("rho_full", rhoFull)
			check("q11_full", q(0))
			check("q12_full", q(1))
			check("q22_full", q(3))
			check("ll_garch_x_t", llg(xs, hx))
			check("ll_garch_y_t", llg(ys, hy))
			check("ll_dcc_t", llDCC)
			check("ll_full_t", out.LLFull)
			for _, c := range []struct {
				name string
				got  float64
			}{{"garch_LLF_x", GarchLLF(xs, gx)}, {"garch_LLF_y", GarchLLF(ys, gy)}, {"dcc_logL", DCCLogL(z, qbar, p)}, {"full_logL", out.FullLogL}} {
				if d := relDiff(c.got, num(logliks, c.name, row)); !(d <= 1e-12) {
					t.Errorf("%s pair %d %s: %.17g, reference %.17g", ps.set, pair, c.name, c.got, num(logliks, c.name, row))
				}
			}
			t.Logf("%s pair %d: 13 series x 200 frames, max |difference| %.2g", ps.set, pair, worst)
		}
	}
}

func TestDCCGridsMatchReference(t *testing.T) {
	x := dccInput(t)
	g := goldenTable(t, "grid_garch_llf.csv")
	roi := g.Columns[1].Raw
	om, al, be, llf := col(t, g, "omega"), col(t, g, "alpha"), col(t, g, "beta"), col(t, g, "garch_LLF")
	var worst float64
	for i := range roi {
		d := relDiff(GarchLLF(x[roi[i]], GARCH{om[i], al[i], be[i]}), llf[i])
		worst = math.Max(worst, d)
	}
	if !(worst <= 1e-12) {
		t.Errorf("GARCH likelihood grid: max relative difference %.3g", worst)
	}
	// DCC grid at the pinned "fit" GARCH parameters.
	params := goldenTable(t, "params.csv")
	fitG := map[int][2]GARCH{}
	for row, s := range params.Columns[0].Raw {
		if s == "fit" {
			pair := int(col(t, params, "pair")[row])
			fitG[pair] = [2]GARCH{
				{col(t, params, "omega_x")[row], col(t, params, "alpha_x")[row], col(t, params, "beta_x")[row]},
				{col(t, params, "omega_y")[row], col(t, params, "alpha_y")[row], col(t, params, "beta_y")[row]}}
		}
	}
	dg := goldenTable(t, "grid_dcc_logl.csv")
	pairs, as, bs, dl, fl := col(t, dg, "pair"), col(t, dg, "dcc_a"), col(t, dg, "dcc_b"), col(t, dg, "dcc_logL"), col(t, dg, "full_logL")
	worst = 0
	for i := range pairs {
		pair := int(pairs[i])
		xs, ys := x[dccPairs[pair-1][0]], x[dccPairs[pair-1][1]]
		gg := fitG[pair]
		z := standardized([][]float64{xs, ys}, [][]float64{GarchVariancesEstimation(xs, gg[0]), GarchVariancesEstimation(ys, gg[1])})
		p := DCCParams{as[i], bs[i]}
		worst = math.Max(worst, relDiff(DCCLogL(z, covN1(z), p), dl[i]))
		out, err := ComputeDCCOutput([][]float64{xs, ys}, gg[:], p)
		if err != nil {
			t.Fatal(err)
		}
		worst = math.Max(worst, relDiff(out.FullLogL, fl[i]))
	}
	if !(worst <= 1e-12) {
		t.Errorf("DCC likelihood grid: max relative difference %.3g", worst)
	}
}

// TestDCCEstimation checks the output at the reference's estimates (DCC.m's correlations), then the
// optimisers by their objective values, and the full estimates by their log-likelihood.
func TestDCCEstimation(t *testing.T) {
	x := dccInput(t)
	est := goldenTable(t, "estimated_params.csv")
	rho := goldenTable(t, "estimated_rho_DCC_m.csv")
	c := func(name string, row int) float64 { return col(t, est, name)[row] }
	for row := 0; row < 4; row++ {
		xs, ys := x[dccPairs[row][0]], x[dccPairs[row][1]]
		gx := GARCH{c("omega_x", row), c("alpha_x", row), c("beta_x", row)}
		gy := GARCH{c("omega_y", row), c("alpha_y", row), c("beta_y", row)}
		out, err := ComputeDCCOutput([][]float64{xs, ys}, []GARCH{gx, gy}, DCCParams{c("dcc_a", row), c("dcc_b", row)})
		if err != nil {
			t.Fatal(err)
		}
		want := col(t, rho, "rho_pair"+strconv.Itoa(row+1))
		for tt, r := range out.R {
			if d := math.Abs(r[1] - want[tt]); !(d <= 1e-12) {
				t.Fatalf("pair %d t=%d: rho %.17g, DCC.m %.17g", row+1, tt+1, r[1], want[tt])
			}
		}
		if d := relDiff(-out.FullLogL, c("loglikelihood", row)); !(d <= 1e-12) {
			t.Errorf("pair %d: loglikelihood %.17g, reference %.17g", row+1, -out.FullLogL, c("loglikelihood", row))
		}
		// The two-stage estimate (the reference's estimator) is at least as good as the reference's
		// on each stage's objective, evaluated on painmark's residuals.
		two, err := FitDCC([][]float64{xs, ys}, nil, DCCOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for i, g := range []GARCH{gx, gy} {
			if GarchLLF([]([]float64){xs, ys}[i], two.GARCH[i]) > GarchLLF([]([]float64){xs, ys}[i], g)+1e-9 {
				t.Errorf("pair %d series %d: GARCH stage worse than the reference's estimate", row+1, i)
			}
		}
		z := standardized([][]float64{xs, ys}, [][]float64{GarchVariancesEstimation(xs, two.GARCH[0]), GarchVariancesEstimation(ys, two.GARCH[1])})
		if two.DCCLogL > DCCLogL(z, covN1(z), DCCParams{c("dcc_a", row), c("dcc_b", row)})+1e-9 {
			t.Errorf("pair %d: DCC stage %.10f worse than at the reference's (a, b)", row+1, two.DCCLogL)
		}
		// The joint maximum-likelihood estimate reaches at least the reference's log-likelihood.
		joint, err := FitDCC([][]float64{xs, ys}, nil, DCCOptions{Joint: true})
		if err != nil {
			t.Fatal(err)
		}
		if joint.LogLikelihood < c("loglikelihood", row) {
			t.Errorf("pair %d: joint log-likelihood %.10f below the reference's %.10f", row+1, joint.LogLikelihood, c("loglikelihood", row))
		}
		t.Logf("pair %d: log-likelihood reference %.8f, two-stage %.8f, joint %.8f; (a, b) reference (%.5f, %.5f), two-stage (%.5f, %.5f)",
			row+1, c("loglikelihood", row), two.LogLikelihood, joint.LogLikelihood, c("dcc_a", row), c("dcc_b", row), two.Params.A, two.Params.B)
	}
	// GARCH fits: at least as low a minus log-likelihood as Octave's sqp (+1e-5), parameters close.
	gf := goldenTable(t, "garch_fit_octave.csv")
	for i, r := range gf.Columns[1].Raw {
		g, llf := FitGARCH(x[r])
		ref := col(t, gf, "garch_LLF_min")[i]
		if llf > ref+1e-5 {
			t.Errorf("%s: GARCH minus log-likelihood %.10f, reference %.10f", r, llf, ref)
		}
		if math.Abs(g.Alpha-col(t, gf, "alpha")[i]) > 5e-3 || math.Abs(g.Omega-col(t, gf, "omega")[i]) > 5e-3 {
			t.Errorf("%s: GARCH %+v, reference ω %v α %v β %v", r, g, col(t, gf, "omega")[i], col(t, gf, "alpha")[i], col(t, gf, "beta")[i])
		}
	}
	// DCC stage at the pinned GARCH parameters: objective within 1e-6, (a, b) within 1e-4.
	params := goldenTable(t, "params.csv")
	stage := goldenTable(t, "dcc_stage_fit_at_pinned_garch.csv")
	for row, s := range params.Columns[0].Raw {
		if s != "fit" {
			continue
		}
		pair := int(col(t, params, "pair")[row])
		xs, ys := x[dccPairs[pair-1][0]], x[dccPairs[pair-1][1]]
		gx := GARCH{col(t, params, "omega_x")[row], col(t, params, "alpha_x")[row], col(t, params, "beta_x")[row]}
		gy := GARCH{col(t, params, "omega_y")[row], col(t, params, "alpha_y")[row], col(t, params, "beta_y")[row]}
		z := standardized([][]float64{xs, ys}, [][]float64{GarchVariancesEstimation(xs, gx), GarchVariancesEstimation(ys, gy)})
		p, f := FitDCCStage(z)
		i := pair - 1
		if f > col(t, stage, "dcc_logL_min")[i]+1e-6 || math.Abs(p.A-col(t, stage, "dcc_a_hat")[i]) > 1e-4 || math.Abs(p.B-col(t, stage, "dcc_b_hat")[i]) > 1e-4 {
			t.Errorf("pair %d DCC stage: (%.6f, %.6f) logL %.10f, reference (%.6f, %.6f) %.10f", pair, p.A, p.B, f,
				col(t, stage, "dcc_a_hat")[i], col(t, stage, "dcc_b_hat")[i], col(t, stage, "dcc_logL_min")[i])
		}
	}
}

// The multivariate mode (DCCsimple: one DCC over k > 2 series) gives valid correlation matrices.
func TestMultivariateDCC(t *testing.T) {
	x := dccInput(t)
	fit, err := FitDCC([][]float64{x["AINS_pd"], x["ACcor_d"], x["THAL_d"], x["PINS_d"]}, nil, DCCOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for tt, r := range fit.Output.R {
		for i := 0; i < 4; i++ {
			if math.Abs(r[i*4+i]-1) > 1e-12 {
				t.Fatalf("t=%d: diagonal %v", tt, r[i*4+i])
			}
			for j := 0; j < 4; j++ {
				if r[i*4+j] != r[j*4+i] || math.Abs(r[i*4+j]) > 1+1e-12 {
					t.Fatalf("t=%d: R not a correlation matrix", tt)
				}
			}
		}
		if _, _, ok := logdetQuad(r, []float64{1, 0, 0, 0}, 4); !ok {
			t.Fatalf("t=%d: R not positive definite", tt)
		}
	}
	if fit.Params.A <= 0 || fit.Params.B <= 0 || fit.Params.A+fit.Params.B >= 1 {
		t.Errorf("parameters %+v", fit.Params)
	}
}

// DCC of a subset of edges equals the same edges' columns of the all-pairs computation.
func TestPairwiseDCCEdgesSubset(t *testing.T) {
	rng := rand.New(rand.NewSource(12))
	x := signal.NewMatrix(120, 5)
	for i := range x.Data {
		x.Data[i] = rng.NormFloat64()
	}
	all, _, err := PairwiseDCC(x)
	if err != nil {
		t.Fatal(err)
	}
	edges := Edges(5, true)
	pick := []int{7, 0, 3}
	sub := make([]Edge, len(pick))
	for k, e := range pick {
		sub[k] = edges[e]
	}
	got, _, err := PairwiseDCCEdges(x, sub)
	if err != nil {
		t.Fatal(err)
	}
	for tt := 0; tt < x.Rows; tt++ {
		for k, e := range pick {
			if got.Data[tt*len(pick)+k] != all.Data[tt*all.Cols+e] {
				t.Fatalf("frame %d, edge %d: %v vs %v", tt, e, got.Data[tt*len(pick)+k], all.Data[tt*all.Cols+e])
			}
		}
	}
	if _, _, err := PairwiseDCCEdges(x, []Edge{{2, 2}}); err == nil {
		t.Error("a region paired with itself accepted")
	}
}
