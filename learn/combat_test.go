package learn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/painmark/painmark/internal/fixtures"
)

// comBatData draws features with a planted site effect (additive and multiplicative) and an age
// effect to preserve.
func comBatData(seed uint64, n, p int) (Matrix, []string, Matrix) {
	rng := rand.New(rand.NewPCG(seed, 1))
	x := Matrix{Rows: n, Cols: p, Data: make([]float64, n*p)}
	cov := Matrix{Rows: n, Cols: 1, Data: make([]float64, n)}
	site := make([]string, n)
	shift := []float64{0, 2, -1.5}
	scale := []float64{1, 2.5, 0.6}
	for i := 0; i < n; i++ {
		s := i % 3
		site[i] = fmt.Sprintf("site%d", s+1)
		age := 20 + 40*rng.Float64()
		cov.Data[i] = age
		for j := 0; j < p; j++ {
			x.Data[i*p+j] = 0.05*age*float64(j%3) + shift[s] + 0.3*float64(j) + scale[s]*rng.NormFloat64()
		}
	}
	return x, site, cov
}

// ComBat on its training rows equals a numpy transcription of neuroCombat's equations (Fortin et
// al.: neuroCombat.py's design, standardisation, aprior/bprior, it_sol and int_eprior, adjustment)
// to 1e-10, parametric and non-parametric, with a covariate preserved.
func TestLiveComBatEqualsNeuroCombatTranscription(t *testing.T) {
	x, site, cov := comBatData(3, 36, 12)
	for _, parametric := range []bool{true, false} {
		o := DefaultComBatOptions()
		o.Parametric = parametric
		m, err := FitComBat(x, site, cov, o)
		if err != nil {
			t.Fatal(err)
		}
		got, err := m.Apply(x, site, cov)
		if err != nil {
			t.Fatal(err)
		}
		var want []float64
		fixtures.RunPythonInline(t, neuroCombatScript, map[string]any{"x": x.Data, "n": x.Rows, "p": x.Cols, "site": site, "age": cov.Data, "parametric": parametric}, &want)
		var d float64
		for i := range want {
			d = math.Max(d, math.Abs(got.Data[i]-want[i])/math.Max(1, math.Abs(want[i])))
		}
		if d > 1e-10 {
			t.Errorf("parametric %v: ComBat differs from the neuroCombat transcription by %.3g", parametric, d)
		}
		t.Logf("parametric %v: max relative difference %.3g", parametric, d)
	}
}

// neuroCombatScript transcribes neuroCombat.py (Fortin et al., v0.2.12) for one covariate with
// numpy only: data are features x samples as there.
const neuroCombatScript = `
import json, math, sys
import numpy as np
import numpy.linalg as la
d = json.load(open(sys.argv[1]))
n, p = d["n"], d["p"]
dat = np.array(d["x"]).reshape(n, p).T
batch = np.array(d["site"])
levels = np.unique(batch)
batch_design = np.array([[1.0 if b == l else 0.0 for l in levels] for b in batch])
X = np.hstack([batch_design, np.array(d["age"]).reshape(n, 1)])
n_batch = len(levels)
batch_info = [list(np.where(batch == l)[0]) for l in levels]
n_batches = np.array([len(v) for v in batch_info])
n_array = float(n)
B_hat = np.dot(np.dot(la.inv(np.dot(X.T, X)), X.T), dat.T)
grand_mean = np.dot((n_batches / n_array).T, B_hat[:n_batch, :])
var_pooled = np.dot(((dat - np.dot(X, B_hat).T) ** 2), np.ones((n, 1)) / n_array)
stand_mean = np.dot(grand_mean.T.reshape((len(grand_mean), 1)), np.ones((1, n)))
tmp = np.array(X.copy()); tmp[:, :n_batch] = 0
stand_mean += np.dot(tmp, B_hat).T
s_data = (dat - stand_mean) / np.dot(np.sqrt(var_pooled), np.ones((1, n)))
gamma_hat = np.dot(np.dot(la.inv(np.dot(batch_design.T, batch_design)), batch_design.T), s_data.T)
delta_hat = np.array([np.var(s_data[:, idx], axis=1, ddof=1) for idx in batch_info])
gamma_bar = np.mean(gamma_hat, axis=1)
t2 = np.var(gamma_hat, axis=1, ddof=1)
def aprior(dh):
    m = np.mean(dh); s2 = np.var(dh, ddof=1); return (2 * s2 + m ** 2) / s2
def bprior(dh):
    m = dh.mean(); s2 = np.var(dh, ddof=1); return (m * s2 + m ** 3) / s2
def it_sol(sdat, g_hat, d_hat, g_bar, t2, a, b, conv=0.0001):
    nn = (1 - np.isnan(sdat)).sum(axis=1)
    g_old = g_hat.copy(); d_old = d_hat.copy(); change = 1
    while change > conv:
        g_new = (t2 * nn * g_hat + d_old * g_bar) / (t2 * nn + d_old)
        sum2 = ((sdat - np.dot(g_new.reshape((g_new.shape[0], 1)), np.ones((1, sdat.shape[1])))) ** 2).sum(axis=1)
        d_new = (0.5 * sum2 + b) / (nn / 2.0 + a - 1.0)
        change = max((abs(g_new - g_old) / g_old).max(), (abs(d_new - d_old) / d_old).max())
        g_old = g_new; d_old = d_new
    return g_new, d_new
def int_eprior(sdat, g_hat, d_hat):
    gs, ds = [], []
    for i in range(sdat.shape[0]):
        g = np.delete(g_hat, i); dd = np.delete(d_hat, i); x = sdat[i, :]; m = x.shape[0]
        A = np.repeat(x, g.shape[0]).reshape(m, g.shape[0]).T
        Bm = np.repeat(g, m).reshape(g.shape[0], m)
        sum2 = np.square(A - Bm).dot(np.repeat(1, m))
        LH = np.nan_to_num(1 / (2 * math.pi * dd) ** (m / 2) * np.exp(-sum2 / (2 * dd)))
        gs.append(sum(g * LH) / sum(LH)); ds.append(sum(dd * LH) / sum(LH))
    return np.array(gs), np.array(ds)
gamma_star, delta_star = [], []
for i, idx in enumerate(batch_info):
    if d["parametric"]:
        g, dl = it_sol(s_data[:, idx], gamma_hat[i], delta_hat[i], gamma_bar[i], t2[i], aprior(delta_hat[i]), bprior(delta_hat[i]))
    else:
        g, dl = int_eprior(s_data[:, idx], gamma_hat[i], delta_hat[i])
    gamma_star.append(g); delta_star.append(dl)
gamma_star = np.array(gamma_star); delta_star = np.array(delta_star)
bayes = np.array(s_data)
for j, idx in enumerate(batch_info):
    denom = np.dot(np.sqrt(delta_star[j, :]).reshape(p, 1), np.ones((1, len(idx))))
    bayes[:, idx] = (bayes[:, idx] - np.dot(batch_design[idx, :], gamma_star).T) / denom
bayes = bayes * np.dot(np.sqrt(var_pooled).reshape((p, 1)), np.ones((1, n))) + stand_mean
json.dump(list(bayes.T.reshape(-1)), open(sys.argv[2], "w"))
`

// Inside cross-validation folds ComBat is fitted on the training rows only: changing a left-out
// subject's data changes nothing of its fold's training rows or of the model applied to it, while
// the planted site effect is removed from the training rows (site means and SDs brought together)
// and the age effect kept.
func TestComBatFoldsNeverSeeTheLeftOutSubject(t *testing.T) {
	x, site, cov := comBatData(5, 30, 8)
	splits := LeaveOneOutSplits(x.Rows)
	train, test, err := ComBatFolds(x, site, cov, splits, DefaultComBatOptions())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []int{0, 7, 29} {
		y := x.Clone()
		left := splits[f].Test[0]
		for j := 0; j < y.Cols; j++ {
			y.Data[left*y.Cols+j] += 100 * float64(j+1)
		}
		tr2, te2, err := ComBatFolds(y, site, cov, splits[f:f+1], DefaultComBatOptions())
		if err != nil {
			t.Fatal(err)
		}
		for k := range tr2[0].Data {
			if tr2[0].Data[k] != train[f].Data[k] {
				t.Fatalf("fold %d: the training rows' harmonisation changed with the left-out subject's data", f)
			}
		}
		// The left-out row is harmonised by the training estimates: shifted by exactly its own change
		// divided by its site's multiplicative effect.
		m, _ := FitComBat(x.SelectRows(splits[f].Train), pickSites(site, splits[f].Train), cov.SelectRows(splits[f].Train), DefaultComBatOptions())
		b := 0
		for i, s := range m.Sites {
			if s == site[left] {
				b = i
			}
		}
		for j := 0; j < y.Cols; j++ {
			want := 100 * float64(j+1) / math.Sqrt(m.DeltaStar[b][j])
			if d := te2[0].Data[j] - test[f].Data[j]; math.Abs(d-want) > 1e-9*want {
				t.Errorf("fold %d feature %d: the left-out row moved by %v, want %v", f, j, d, want)
			}
		}
	}
	// The site effect is gone from the harmonised training rows of fold 0.
	rows := splits[0].Train
	spread := func(m Matrix, sites []string) float64 {
		mean := map[string]float64{}
		cnt := map[string]float64{}
		for i := 0; i < m.Rows; i++ {
			mean[sites[i]] += m.Data[i*m.Cols]
			cnt[sites[i]]++
		}
		lo, hi := math.Inf(1), math.Inf(-1)
		for s := range mean {
			v := mean[s] / cnt[s]
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
		return hi - lo
	}
	before, after := spread(x.SelectRows(rows), pickSites(site, rows)), spread(train[0], pickSites(site, rows))
	if !(after < before/4) {
		t.Errorf("site means of feature 1 spread %.3f before ComBat, %.3f after", before, after)
	}
}

func pickSites(v []string, rows []int) []string {
	out := make([]string, len(rows))
	for k, i := range rows {
		out[k] = v[i]
	}
	return out
}
