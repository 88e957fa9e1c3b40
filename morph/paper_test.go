package morph

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/nulls"
	"github.com/painmark/painmark/table"
)

// enigmaFourFeatures is the real ENIGMA table (20 subjects, DK-68 thickness and surface area)
// with two features derived from them, grey-matter volume ≈ area × thickness and log area, so that
// a feature can be left out and two or more remain: a test table, not a morphometric recipe.
func enigmaFourFeatures(t *testing.T) *Table {
	tb := enigmaTable(t)
	out := &Table{Subjects: tb.Subjects, Regions: tb.Regions, Features: []string{"thickavg", "surfavg", "volume", "log_surfavg"}}
	for s := range tb.Subjects {
		for r := range tb.Regions {
			th, area := tb.At(s, r, 0), tb.At(s, r, 1)
			out.Data = append(out.Data, th, area, th*area, math.Log(area))
		}
	}
	return out
}

// TestLivePaperStepsEqualNumpyStatsmodels: the global MS test, the class-level MS GLM (von
// Economo-Koskinas classes) and the leave-one-feature-out check of the case-control maps, run by
// Analyze on the ENIGMA table with Dx, Age, Sex, ICV and Age*Sex, equal a numpy/scipy/statsmodels
// transcription of Martins et al. (2022)'s steps (testdata/paper_steps.py).
func TestLivePaperStepsEqualNumpyStatsmodels(t *testing.T) {
	tb := enigmaFourFeatures(t)
	pt, err := table.ReadParticipants(fixtures.Shared(t, "enigma", "xdata", "cov.csv"), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	cls, err := ReadClasses(fixtures.Shared(t, "enigma", "derived", "dk68_economo_koskinas_class_mode.csv")+":economo_koskinas_class_mode", "--classes")
	if err != nil {
		t.Fatal(err)
	}
	o := DefaultOptions()
	o.Group, o.Case, o.Null = "Dx", "1", "none"
	o.Covariates, o.Interactions = []string{"Age", "Sex", "ICV"}, []string{"Age*Sex"}
	o.LeaveOneFeatureOutChange = true
	a, err := Analyze(tb, pt, []*Classes{cls}, nulls.Geometry{}, o)
	if err != nil {
		t.Fatal(err)
	}
	cc := a.CaseControl
	if cc.Global == nil || len(cc.ClassTests) != 1 || a.LOFOChange == nil {
		t.Fatalf("global %v, %d class tests, LOFO %v", cc.Global, len(cc.ClassTests), a.LOFOChange)
	}
	requirePython(t)
	col := func(name string) []float64 {
		v, err := pt.Values(tb.Subjects, name)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	dx, age, sex, icv := col("Dx"), col("Age"), col("Sex"), col("ICV")
	x := make([][]float64, len(tb.Subjects))
	for s := range x {
		c := 0.0
		if dx[s] == 1 {
			c = 1
		}
		x[s] = []float64{1, c, age[s], sex[s], icv[s], age[s] * sex[s]}
	}
	data := make([][][]float64, len(tb.Subjects))
	for s := range data {
		for r := range tb.Regions {
			data[s] = append(data[s], tb.Data[(s*len(tb.Regions)+r)*4:(s*len(tb.Regions)+r+1)*4])
		}
	}
	labels := make([]string, len(tb.Regions))
	for r, name := range tb.Regions {
		labels[r] = cls.ClassOf[name]
	}
	type effect struct{ Beta, SE, T, P, DF, Q float64 }
	var want struct {
		Global       effect
		Classes      []string
		ClassValues  [][]float64 `json:"class_values"`
		ClassEffects []effect    `json:"class_effects"`
		FullT        []float64   `json:"full_t"`
		LOFOT        [][]float64 `json:"lofo_t"`
		LOFORho      []float64   `json:"lofo_rho"`
	}
	fixtures.RunPython(t, filepath.Join("testdata", "paper_steps.py"), map[string]any{"data": data, "x": x, "classes": labels}, &want)
	rel := func(a, b float64) float64 { return math.Abs(a-b) / math.Max(1e-12, math.Abs(b)) }
	worst := 0.0
	same := func(e RegionEffect, w effect, withQ bool) {
		worst = math.Max(worst, math.Max(math.Max(rel(e.Beta, w.Beta), rel(e.SE, w.SE)), math.Max(rel(e.T, w.T), rel(e.P, w.P))))
		worst = math.Max(worst, math.Abs(e.DF-w.DF))
		if withQ {
			worst = math.Max(worst, math.Abs(e.Q-w.Q))
		}
	}
	same(*cc.Global, want.Global, false)
	ct := cc.ClassTests[0]
	if strings.Join(ct.Classes, ",") != strings.Join(want.Classes, ",") {
		t.Fatalf("classes %v, numpy %v", ct.Classes, want.Classes)
	}
	for k := range want.Classes {
		same(ct.Effects[k], want.ClassEffects[k], true)
		for s := range ct.Values {
			worst = math.Max(worst, math.Abs(ct.Values[s][k]-want.ClassValues[s][k]))
		}
	}
	for r, v := range want.FullT {
		worst = math.Max(worst, rel(a.LOFOChange.FullT[r], v))
	}
	for f := range want.LOFOT {
		for r, v := range want.LOFOT[f] {
			worst = math.Max(worst, rel(a.LOFOChange.T[f][r], v))
		}
		worst = math.Max(worst, math.Abs(a.LOFOChange.Rho[f]-want.LOFORho[f]))
	}
	t.Logf("global MS t = %.3f p = %.3g; class-level t %.3f; LOFO Spearman rho %.3f; largest difference from numpy/statsmodels %.2g",
		cc.Global.T, cc.Global.P, []float64{ct.Effects[0].T, ct.Effects[1].T}, a.LOFOChange.Rho, worst)
	if !(worst <= 1e-8) {
		t.Fatalf("the paper's steps differ from the numpy/statsmodels transcription by %.3g", worst)
	}
}

// The class-level MS of a planted table is the mean over the class's regions; a map without
// classes and the leave-one-feature-out check of two features are refused.
func TestClassMSAndErrors(t *testing.T) {
	names, v, err := ClassMS([]string{"a", "b", "c"}, [][]float64{{1, 2, 4}, {0, 1, 1}}, map[string]string{"a": "x", "b": "y", "c": "x"})
	if err != nil || strings.Join(names, ",") != "x,y" || v[0][0] != 2.5 || v[0][1] != 2 || v[1][0] != 0.5 {
		t.Errorf("%v %v %v", names, v, err)
	}
	if _, _, err := ClassMS([]string{"a"}, [][]float64{{1}}, map[string]string{"z": "x"}); err == nil {
		t.Error("no class matched, accepted")
	}
	tb := enigmaTable(t)
	if _, err := LeaveOneFeatureOutChange(tb, nil, nil, nil, nil); err == nil || !strings.Contains(err.Error(), "2 features") {
		t.Errorf("two features: %v", err)
	}
	o := DefaultOptions()
	o.LeaveOneFeatureOutChange, o.MinFeatures = true, 2
	if _, err := Analyze(tb, nil, nil, nulls.Geometry{}, o); err == nil || !strings.Contains(err.Error(), "participants") {
		t.Errorf("without participants: %v", err)
	}
}
