package stats

import (
	"math"
	"testing"

	"github.com/painmark/painmark/internal/fixtures"
)

// The chi-square test of independence equals scipy.stats.chi2_contingency (2 x 2 with and without
// Yates' correction, and 2 x 3), statistic and p-value to 1e-12; bad tables are refused.
func TestLiveChiSquareEqualsScipy(t *testing.T) {
	tables := [][][]float64{{{12, 8}, {5, 15}}, {{10, 10}, {10, 10}}, {{7, 3, 10}, {4, 9, 2}}, {{20, 1}, {18, 3}}}
	for _, tb := range tables {
		for _, corr := range []bool{true, false} {
			got, err := ChiSquareContingency(tb, corr)
			if err != nil {
				t.Fatal(err)
			}
			var want struct{ Chi2, P, DF float64 }
			fixtures.RunPythonInline(t, `
import json, sys
from scipy.stats import chi2_contingency
a = json.load(open(sys.argv[1]))
r = chi2_contingency(a["t"], correction=a["c"])
json.dump({"Chi2": float(r[0]), "P": float(r[1]), "DF": float(r[2])}, open(sys.argv[2], "w"))
`, map[string]any{"t": tb, "c": corr}, &want)
			if math.Abs(got.Chi2-want.Chi2) > 1e-12*math.Max(1, want.Chi2) || math.Abs(got.P-want.P) > 1e-12 || got.DF != want.DF {
				t.Errorf("%v correction %v: chi2 %v p %v df %v; scipy %+v", tb, corr, got.Chi2, got.P, got.DF, want)
			}
		}
	}
}

func TestChiSquareRefusesBadTables(t *testing.T) {
	for _, tb := range [][][]float64{{{1, 2}}, {{1, 2}, {0, 0}}, {{1, -2}, {3, 4}}, {{1, 2}, {3}}} {
		if _, err := ChiSquareContingency(tb, true); err == nil {
			t.Errorf("%v accepted", tb)
		}
	}
	rl, cl, c, err := CrossTab([]string{"active", "sham", "active", "active"}, []string{"F", "M", "M", "F"})
	if err != nil || len(rl) != 2 || cl[0] != "F" || c[0][0] != 2 || c[1][1] != 1 {
		t.Errorf("crosstab %v %v %v %v", rl, cl, c, err)
	}
}
