package signature

import (
	"fmt"
	"io"

	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/stats"
)

// ArmBalance compares the intervention arms on one participant characteristic, as the CSps study
// checked its rTMS arms: a text column (e.g. sex) by Pearson's chi-square test of the arms x levels
// table (scipy.stats.chi2_contingency, Yates' correction for 2 x 2), a numeric one (e.g. age) by
// Student's t test between the two arms (scipy.stats.ttest_ind).
type ArmBalance struct {
	Column    string  `json:"column"`
	Test      string  `json:"test"`
	Statistic float64 `json:"statistic"`
	DF        float64 `json:"df"`
	P         float64 `json:"p"`
}

// armBalance tests each column between the arms of the paired subjects.
func armBalance(subjects, groups []string, cols []ParticipantsColumn) ([]ArmBalance, error) {
	var out []ArmBalance
	for _, c := range cols {
		col, err := c.Table.Column(c.Column)
		if err != nil {
			return nil, err
		}
		if !col.IsNumeric() {
			labels, err := c.Table.Labels(subjects, c.Column)
			if err != nil {
				return nil, err
			}
			_, _, counts, err := stats.CrossTab(groups, labels)
			if err != nil {
				return nil, err
			}
			chi, err := stats.ChiSquareContingency(counts, true)
			if err != nil {
				return nil, fmt.Errorf("balance of %s between arms: %w", c.Column, err)
			}
			out = append(out, ArmBalance{Column: c.Column, Test: "chi-square", Statistic: chi.Chi2, DF: chi.DF, P: chi.P})
			continue
		}
		vals, err := c.Table.Values(subjects, c.Column)
		if err != nil {
			return nil, err
		}
		by := map[string][]float64{}
		var arms []string
		for i, g := range groups {
			if _, ok := by[g]; !ok {
				arms = append(arms, g)
			}
			by[g] = append(by[g], vals[i])
		}
		if len(arms) != 2 {
			return nil, fmt.Errorf("balance of %s: a t test compares two arms, the groups are %v", c.Column, arms)
		}
		tt, err := stats.TTestInd(by[arms[0]], by[arms[1]], true)
		if err != nil {
			return nil, fmt.Errorf("balance of %s between arms: %w", c.Column, err)
		}
		out = append(out, ArmBalance{Column: c.Column, Test: "t", Statistic: tt.T, DF: tt.DF, P: tt.P})
	}
	return out, nil
}

// printBalance writes one line per balance test.
func printBalance(w io.Writer, b []ArmBalance) {
	for _, a := range b {
		fmt.Fprintf(w, "arms balanced on %s? %s(%g) = %.3f, p = %.3g\n", a.Column, a.Test, a.DF, a.Statistic, a.P)
	}
}

// addBalanceSection adds the balance tests as a table.
func addBalanceSection(d *report.Document, b []ArmBalance) {
	if len(b) == 0 {
		return
	}
	var rows [][]string
	for _, a := range b {
		rows = append(rows, []string{a.Column, a.Test, fmt.Sprintf("%.3f", a.Statistic), fmt.Sprint(a.DF), fmt.Sprintf("%.3g", a.P)})
	}
	d.Section("Balance between arms").Table("Characteristics by arm", []string{"column", "test", "statistic", "df", "p"}, rows)
}
