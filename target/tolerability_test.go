package target

import (
	"math"
	"testing"

	"github.com/painmark/painmark/internal/fixtures"
)

// TestLiveMeteyardHolmesPandas: the mean pain and annoyance per scalp site equal pandas' groupby
// means of the real TMS-SMART table.
func TestLiveMeteyardHolmesPandas(t *testing.T) {
	path := fixtures.Shared(t, "tms", "meteyard-l_holmes-2018_TMS-SMART_data.txt")
	r, err := ReadMeteyardHolmes(path)
	if err != nil {
		t.Fatal(err)
	}
	script := `
import json, sys
import pandas as pd
d = pd.read_csv(json.load(open(sys.argv[1]))["path"], sep="\t")
g = d.groupby("HomLocation")[["Pain", "Annoyance"]].mean()
json.dump({k: [float(v["Pain"]), float(v["Annoyance"])] for k, v in g.iterrows()}, open(sys.argv[2], "w"))
`
	var want map[string][2]float64
	fixtures.RunPythonInline(t, script, map[string]any{"path": path}, &want)
	if len(want) != len(r) {
		t.Fatalf("%d sites, pandas %d", len(r), len(want))
	}
	worst := 0.0
	for k, w := range want {
		worst = math.Max(worst, math.Max(math.Abs(r[k][0]-w[0]), math.Abs(r[k][1]-w[1])))
	}
	t.Logf("%d sites: means within %.2g of pandas", len(r), worst)
	if worst > 1e-12 {
		t.Fatalf("ratings differ from pandas by %g", worst)
	}
}

// TestTolerabilityWeighting: the nearest scalp site's pain rating lowers a target's weighted
// score; 10-10 names map to the homologous pairs.
func TestTolerabilityWeighting(t *testing.T) {
	for in, want := range map[string]string{"C3": "C3.4", "c4": "C3.4", "Cz": "CZ", "FC1": "FC1.2", "Fp2": "FP", "AF3": "AF", "TPJ": "TPJ", "O2": "O1.2"} {
		if got := HomologousSite(in); got != want {
			t.Errorf("%s -> %s, want %s", in, got, want)
		}
	}
	tol := &Tolerability{Ratings: map[string][2]float64{"C3.4": {1, 2}, "F7.8": {6, 5}, "V5": {3, 3}}, Weight: 0.5,
		Sites: []ScalpSite{{"C3", [3]float64{-60, -10, 70}}, {"F7", [3]float64{-70, 40, 10}}, {"V5", [3]float64{-50, -70, 0}}}}
	a := Target{MM: [3]float64{-40, -10, 50}, MeanScore: 1}
	b := Target{MM: [3]float64{-45, 35, 10}, MeanScore: 1.2}
	v := Target{MM: [3]float64{-40, -70, 0}, MeanScore: 1}
	tol.apply(&a)
	tol.apply(&b)
	tol.apply(&v)
	if a.ScalpSite != "C3" || math.Abs(a.Weighted-0.95) > 1e-12 || b.ScalpSite != "F7" || math.Abs(b.Weighted-1.2*0.7) > 1e-12 || v.Pain != 3 {
		t.Errorf("a %+v\nb %+v\nv %+v", a, b, v)
	}
	if !(a.Weighted > b.Weighted) {
		t.Error("the painful site did not lose its lead")
	}
}
