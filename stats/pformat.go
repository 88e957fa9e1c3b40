package stats

import (
	"fmt"
	"strconv"
	"strings"
)

// PValue is a p-value with what a reader needs to judge it: from how many resamples (0: an
// analytic p), one- or two-sided, and whose counting convention (PermutationConvention's names
// or a peer's, e.g. "neuromaps", "perm_sphere_p").
type PValue struct {
	P          float64
	Resamples  int
	TwoSided   bool
	Convention string
}

// String is the one way painmark prints and plots a p: "p = 0.0731 (two-sided, neuromaps;
// 10000 spins)". A p from n resamples is never printed as 0: below 1/(n+1), the smallest p the
// resamples can resolve, it reads "p < 1/(n+1)" with that bound's value.
func (v PValue) String() string {
	side := "one-sided"
	if v.TwoSided {
		side = "two-sided"
	}
	detail := side
	if v.Convention != "" {
		detail += ", " + v.Convention
	}
	if v.Resamples > 0 {
		detail += fmt.Sprintf("; %d resamples", v.Resamples)
	}
	return FormatP(v.P, v.Resamples) + " (" + detail + ")"
}

// FormatP is "p = 0.0731", or for a p from n resamples (n > 0) below 1/(n+1), the smallest it can
// resolve, "p < 0.000999"; an analytic p (n = 0) of exactly 0 reads "p < 1e-300", NaN "p = n/a".
func FormatP(p float64, n int) string {
	v := PText(p, n)
	if strings.HasPrefix(v, "<") {
		return "p " + v
	}
	return "p = " + v
}

// PText is FormatP without the "p = " (a table cell): "0.0731" or "< 0.000999".
func PText(p float64, n int) string {
	g := func(x float64) string { return strconv.FormatFloat(x, 'g', 3, 64) }
	switch {
	case p != p:
		return "n/a"
	case n > 0 && p < 1/float64(n+1)*(1-1e-9):
		return "< " + g(1/float64(n+1))
	case n == 0 && p == 0:
		return "< 1e-300"
	}
	return g(p)
}
