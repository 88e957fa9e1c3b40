package morph

import (
	"fmt"
	"math"
	"strings"

	"github.com/painmark/painmark/stats"
)

// Covariate is a named column of the design (age, sex, total intracranial volume, ...).
type Covariate struct {
	Name   string
	Values []float64
}

// RegionEffect is the case-control effect in one region: the group coefficient of the GLM with
// its standard error, t, two-sided p, Cohen's d with 95% CI, and the FDR (Benjamini-Hochberg) and
// Bonferroni corrections across regions.
type RegionEffect struct {
	Region             string
	Beta, SE, T, P, DF float64
	D                  float64
	DCI                [2]float64
	Q, PBonferroni     float64
}

// CaseControl fits, per region, y = b0 + b1·case + Σ covariates (+ products named in
// interactions, e.g. "Age*Sex") by ordinary least squares (statsmodels' OLS) and reports the case
// effect. values[s][r] is subject s's value in region r; isCase[s] marks the cases. Cohen's d
// follows the ENIGMA consortium's conversion of the adjusted t: d = t·(n1 + n2)/(√(n1·n2)·√df),
// with SE = √[((n1 + n2 − 1)/(n1 + n2 − 3))·(4/(n1 + n2))·(1 + d²/8)] and CI d ± 1.96·SE.
func CaseControl(regions []string, values [][]float64, isCase []bool, covariates []Covariate, interactions []string) ([]RegionEffect, error) {
	n := len(values)
	if len(isCase) != n {
		return nil, fmt.Errorf("%d subjects but %d group labels", n, len(isCase))
	}
	var n1, n2 float64
	for _, c := range isCase {
		if c {
			n1++
		} else {
			n2++
		}
	}
	if n1 < 2 || n2 < 2 {
		return nil, fmt.Errorf("%g cases and %g controls: need at least 2 of each", n1, n2)
	}
	cols := []Covariate{{Name: "case", Values: make([]float64, n)}}
	for s, c := range isCase {
		if c {
			cols[0].Values[s] = 1
		}
	}
	byName := map[string][]float64{}
	for _, c := range covariates {
		if len(c.Values) != n {
			return nil, fmt.Errorf("covariate %s has %d values for %d subjects", c.Name, len(c.Values), n)
		}
		for s, v := range c.Values {
			if math.IsNaN(v) {
				return nil, fmt.Errorf("covariate %s is missing for subject %d", c.Name, s)
			}
		}
		cols = append(cols, c)
		byName[c.Name] = c.Values
	}
	for _, in := range interactions {
		parts := strings.Split(in, "*")
		prod := make([]float64, n)
		for s := range prod {
			prod[s] = 1
		}
		for _, p := range parts {
			v, ok := byName[strings.TrimSpace(p)]
			if !ok {
				return nil, fmt.Errorf("interaction %q: no covariate %q", in, strings.TrimSpace(p))
			}
			for s := range prod {
				prod[s] *= v[s]
			}
		}
		cols = append(cols, Covariate{Name: in, Values: prod})
	}
	p := 1 + len(cols)
	if err := stats.CheckTDF(fmt.Sprintf("case-control GLM of %d subjects with %d parameters", n, p), float64(n-p)); err != nil {
		return nil, err
	}
	x := make([]float64, n*p)
	for s := 0; s < n; s++ {
		x[s*p] = 1
		for k, c := range cols {
			x[s*p+1+k] = c.Values[s]
		}
	}
	out := make([]RegionEffect, len(regions))
	pvals := make([]float64, len(regions))
	y := make([]float64, n)
	for r, name := range regions {
		for s := range y {
			if len(values[s]) != len(regions) {
				return nil, fmt.Errorf("subject %d has %d values for %d regions", s, len(values[s]), len(regions))
			}
			y[s] = values[s][r]
		}
		fit, err := stats.OLS(x, n, p, y)
		if err != nil {
			return nil, fmt.Errorf("region %s: %w", name, err)
		}
		e := RegionEffect{Region: name, Beta: fit.Coef[1], SE: fit.SE[1], T: fit.T[1], P: fit.P[1], DF: fit.DF}
		e.D = e.T * (n1 + n2) / (math.Sqrt(n1*n2) * math.Sqrt(e.DF))
		se := math.Sqrt((n1 + n2 - 1) / (n1 + n2 - 3) * (4 / (n1 + n2)) * (1 + e.D*e.D/8))
		e.DCI = [2]float64{e.D - 1.96*se, e.D + 1.96*se}
		e.PBonferroni = math.Min(1, e.P*float64(len(regions)))
		out[r] = e
		pvals[r] = e.P
	}
	q, err := stats.FDR(pvals)
	if err != nil {
		return nil, err
	}
	for r := range out {
		out[r].Q = q[r]
	}
	return out, nil
}
