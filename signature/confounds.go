package signature

import (
	"fmt"
	"math"
	"slices"

	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/stats"
	"github.com/painmark/painmark/table"
)

// CovariateCheck is the association of a signature's predictions with one participant
// characteristic (age, sex, questionnaires, motion), as the CSps study's confounder analysis
// (Lin et al. 2025): a continuous characteristic by Pearson r and its two-sided permutation
// p-value, a binary one (e.g. sex, text or two numbers) by the logistic regression of the
// characteristic on the predictions (Wald p, statsmodels' Logit); the Benjamini-Hochberg q over
// all characteristics checked together. A specific signature predicts pain, not its confounds.
type CovariateCheck struct {
	Name string `json:"name"`
	N    int    `json:"n"`
	// R is the Pearson correlation of the predictions with the characteristic (with a binary one,
	// coded 0 for Levels[0] and 1 for Levels[1]: the point-biserial r).
	R float64 `json:"r"`
	P float64 `json:"p"`
	Q float64 `json:"q"`
	// Test is "permutation correlation" or "logistic regression".
	Test string `json:"test"`
	// Levels are a binary characteristic's two values, the second coded 1, and LogOdds the
	// logistic slope: the change in log-odds of Levels[1] per unit of prediction.
	Levels  []string `json:"levels,omitempty"`
	LogOdds float64  `json:"log_odds,omitempty"`
}

// The covariate tests.
const (
	TestPermutedCorrelation = "permutation correlation"
	TestLogistic            = "logistic regression"
)

// Characteristic is one participant characteristic to check against the predictions: a value per
// subject (NaN: missing, left out of its test) and, for a binary characteristic, its two Levels
// (values 0 for Levels[0], 1 for Levels[1]), tested by logistic regression.
type Characteristic struct {
	Name   string
	Values []float64
	Levels []string
}

// CheckCovariates correlates the predictions with each covariate (subjects missing a covariate —
// NaN — are left out of that covariate's test), with two-sided permutation p-values (|r| at least
// as large, permutation k drawn from PCG(seed, k)) and FDR across covariates.
func CheckCovariates(pred []float64, names []string, covariates [][]float64, permutations int, seed uint64) ([]CovariateCheck, error) {
	cs := make([]Characteristic, len(names))
	for c, name := range names {
		cs[c] = Characteristic{Name: name, Values: covariates[c]}
	}
	return CheckCharacteristics(pred, cs, permutations, seed)
}

// CheckCharacteristics tests each characteristic against the predictions (continuous ones by
// the permutation correlation of CheckCovariates, binary ones by stats.LogitWald) with FDR
// across them all.
func CheckCharacteristics(pred []float64, cs []Characteristic, permutations int, seed uint64) ([]CovariateCheck, error) {
	out := make([]CovariateCheck, len(cs))
	ps := make([]float64, len(cs))
	for c, ch := range cs {
		if len(ch.Values) != len(pred) {
			return nil, fmt.Errorf("covariate %s has %d values for %d subjects", ch.Name, len(ch.Values), len(pred))
		}
		var p, v []float64
		for i, x := range ch.Values {
			if !math.IsNaN(x) {
				p, v = append(p, pred[i]), append(v, x)
			}
		}
		if len(p) < 3 {
			return nil, fmt.Errorf("covariate %s has %d values: need at least 3", ch.Name, len(p))
		}
		out[c] = CovariateCheck{Name: ch.Name, N: len(p), Test: TestPermutedCorrelation}
		var err error
		if ch.Levels == nil {
			out[c].R, out[c].P, err = stats.PermutedCorrelation(p, v, permutations, seed)
		} else {
			var lr stats.LogitResult
			lr, err = stats.LogitWald(p, v)
			out[c].R, out[c].P, out[c].Test, out[c].Levels, out[c].LogOdds = stats.Pearson(p, v), lr.P, TestLogistic, ch.Levels, lr.Slope
		}
		if err != nil {
			return nil, fmt.Errorf("covariate %s: %w", ch.Name, err)
		}
		ps[c] = out[c].P
	}
	q, err := stats.FDR(ps)
	if err != nil {
		return nil, err
	}
	for c := range out {
		out[c].Q = q[c]
	}
	return out, nil
}

// ReadCharacteristic reads one characteristic of the subjects from a participants table: a text
// column (e.g. sex) or a numeric one with exactly two values among the subjects is binary (levels
// in sorted order, the second coded 1); any other numeric column is continuous. A text column
// needs exactly two values and every subject's cell.
func ReadCharacteristic(pt *table.Participants, ids []string, name string) (Characteristic, error) {
	col, err := pt.Column(name)
	if err != nil {
		return Characteristic{}, err
	}
	ch := Characteristic{Name: name}
	if col.IsNumeric() {
		if ch.Values, err = pt.Covariate(ids, name); err != nil {
			return ch, err
		}
		var distinct []float64
		for _, v := range ch.Values {
			if !math.IsNaN(v) && !slices.Contains(distinct, v) {
				distinct = append(distinct, v)
			}
		}
		if len(distinct) != 2 {
			return ch, nil
		}
		slices.Sort(distinct)
		ch.Levels = []string{fmt.Sprint(distinct[0]), fmt.Sprint(distinct[1])}
		for i, v := range ch.Values {
			if v == distinct[0] {
				ch.Values[i] = 0
			} else if v == distinct[1] {
				ch.Values[i] = 1
			}
		}
		return ch, nil
	}
	labels, err := pt.Labels(ids, name)
	if err != nil {
		return ch, err
	}
	for _, l := range labels {
		if !slices.Contains(ch.Levels, l) {
			ch.Levels = append(ch.Levels, l)
		}
	}
	if len(ch.Levels) != 2 {
		return ch, fmt.Errorf("%s: column %q has %d values among the subjects (%v): a text characteristic is tested as binary and needs exactly two", pt.Path, name, len(ch.Levels), ch.Levels)
	}
	slices.Sort(ch.Levels)
	ch.Values = make([]float64, len(labels))
	for i, l := range labels {
		if l == ch.Levels[1] {
			ch.Values[i] = 1
		}
	}
	return ch, nil
}

// addCovariateSection adds a cohort's characteristics as the CSps paper shows them: −log10 p per
// characteristic as bars (with the p = 0.05 level named in the caption) and their table.
func addCovariateSection(d *report.Document, cohort string, checks []CovariateCheck) {
	if len(checks) == 0 {
		return
	}
	labels, lp := make([]string, len(checks)), make([]float64, len(checks))
	var rows [][]string
	for i, c := range checks {
		labels[i], lp[i] = c.Name, -math.Log10(c.P)
		rows = append(rows, []string{c.Name, c.Test, fmt.Sprint(c.N), fmt.Sprintf("%.3f", c.R), fmt.Sprintf("%.4g", c.P), fmt.Sprintf("%.4g", c.Q)})
	}
	sec := d.Section("Confounders: " + cohort)
	sec.Text("Each participant characteristic against the predictions: continuous ones by a two-sided permutation test of their correlation, binary ones (text such as sex, or two numeric values) by logistic regression of the characteristic on the predictions (Wald p); q is the Benjamini-Hochberg FDR across characteristics.")
	sec.Figure(report.Bars("Confounders: −log10 p", "−log10 p", labels, lp, 0), fmt.Sprintf("−log10 p per characteristic; bars above %.2f are p < 0.05 before FDR.", -math.Log10(0.05)))
	sec.Table("Characteristics", []string{"characteristic", "test", "n", "r", "p", "q (FDR)"}, rows)
}
