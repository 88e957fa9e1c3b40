package signature

import (
	"math"
	"strings"
	"testing"

	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/stats"
)

// A validation on several cohorts reports each cohort's robust residual plot: the biweight fit of
// its outcome on the predictions (stats.RobustFit, in the report's numbers) and its figure; a
// validation on one cohort has none.
func TestValidateReportsRobustResiduals(t *testing.T) {
	s, c := bochumCohort(t)
	first, second := c, c
	first.Name, first.X, first.Y, first.Subjects = "first", c.X.SelectRows(seq(17)), c.Y[:17], c.Subjects[:17]
	second.Name, second.X, second.Y, second.Subjects = "second", c.X.SelectRows(rows(17, 35)), c.Y[17:], c.Subjects[17:]
	o := DefaultValidateOptions()
	o.Permutations, o.Bootstraps = 0, 0
	v, err := Validate(s, []Cohort{first, second}, o)
	if err != nil {
		t.Fatal(err)
	}
	d := report.New("validation", "test")
	v.AddReport(d)
	fits, ok := d.Numbers["robust_fits"].(map[string]*stats.RobustLine)
	if !ok || len(fits) != 2 {
		t.Fatalf("robust fits %v", d.Numbers["robust_fits"])
	}
	want, err := stats.RobustFit(v.Cohorts[1].Predictions, v.Cohorts[1].Outcome)
	if err != nil {
		t.Fatal(err)
	}
	if got := fits["second"]; got == nil || math.Abs(got.Slope-want.Slope) > 0 || len(got.Residuals) != 18 {
		t.Errorf("second cohort's fit %+v, want %+v", got, want)
	}
	html := string(d.HTML())
	for _, c := range []string{"first", "second"} {
		if !strings.Contains(html, "Robust residuals in "+c) {
			t.Errorf("no robust residual plot of %s", c)
		}
	}
	one, err := Validate(s, []Cohort{first}, o)
	if err != nil {
		t.Fatal(err)
	}
	d = report.New("validation", "test")
	one.AddReport(d)
	if _, ok := d.Numbers["robust_fits"]; ok {
		t.Error("one cohort got a robust residual plot")
	}
}

func rows(lo, hi int) []int {
	out := make([]int, 0, hi-lo)
	for i := lo; i < hi; i++ {
		out = append(out, i)
	}
	return out
}
