package stats

import (
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/stat/distuv"
)

// ChiSquare is Pearson's chi-square test of independence of a contingency table, as
// scipy.stats.chi2_contingency computes it: expected counts from the margins, degrees of freedom
// (r − 1)(c − 1), and with correction Yates' continuity correction when there is one degree of
// freedom (each observed count moved up to 0.5 towards its expected count; scipy's default).
type ChiSquare struct {
	Chi2, DF, P float64
	Expected    [][]float64
	Corrected   bool
}

// ChiSquareContingency tests a table of counts (rows x columns, at least 2 x 2, no negative count,
// no empty row or column).
func ChiSquareContingency(observed [][]float64, correction bool) (*ChiSquare, error) {
	r := len(observed)
	if r < 2 || len(observed[0]) < 2 {
		return nil, fmt.Errorf("a chi-square test needs at least a 2 x 2 table")
	}
	c := len(observed[0])
	rows, cols := make([]float64, r), make([]float64, c)
	var total float64
	for i, row := range observed {
		if len(row) != c {
			return nil, fmt.Errorf("contingency table row %d has %d cells, row 1 has %d", i+1, len(row), c)
		}
		for j, v := range row {
			if !(v >= 0) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("contingency table cell (%d, %d) = %v: counts are finite and not negative", i+1, j+1, v)
			}
			rows[i] += v
			cols[j] += v
			total += v
		}
	}
	for i, v := range rows {
		if v == 0 {
			return nil, fmt.Errorf("contingency table row %d is empty", i+1)
		}
	}
	for j, v := range cols {
		if v == 0 {
			return nil, fmt.Errorf("contingency table column %d is empty", j+1)
		}
	}
	res := &ChiSquare{DF: float64((r - 1) * (c - 1)), Expected: make([][]float64, r)}
	res.Corrected = correction && res.DF == 1
	for i := range observed {
		res.Expected[i] = make([]float64, c)
		for j, o := range observed[i] {
			e := rows[i] * cols[j] / total
			res.Expected[i][j] = e
			if res.Corrected {
				d := e - o
				o += math.Copysign(math.Min(0.5, math.Abs(d)), d)
				if d == 0 {
					o = e
				}
			}
			res.Chi2 += (o - e) * (o - e) / e
		}
	}
	res.P = distuv.ChiSquared{K: res.DF}.Survival(res.Chi2)
	return res, nil
}

// CrossTab counts the pairs (a[i], b[i]) into a table: rows the sorted distinct values of a,
// columns those of b.
func CrossTab(a, b []string) (rowLevels, colLevels []string, counts [][]float64, err error) {
	if len(a) != len(b) {
		return nil, nil, nil, fmt.Errorf("cross-tabulation of %d and %d values", len(a), len(b))
	}
	levels := func(v []string) ([]string, map[string]int) {
		seen := map[string]bool{}
		var out []string
		for _, s := range v {
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
		sort.Strings(out)
		idx := map[string]int{}
		for i, s := range out {
			idx[s] = i
		}
		return out, idx
	}
	rl, ri := levels(a)
	cl, ci := levels(b)
	counts = make([][]float64, len(rl))
	for i := range counts {
		counts[i] = make([]float64, len(cl))
	}
	for i := range a {
		counts[ri[a[i]]][ci[b[i]]]++
	}
	return rl, cl, counts, nil
}
