package genes

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/nulls"
	"github.com/painmark/painmark/stats"
)

// donorTables writes four donors' tables made from the real Schaefer-100 expression (the first
// 120 genes) with donor-specific noise of growing size, donor 2 without three regions (rows
// absent) and donor 3 with two empty rows, as abagen writes regions without samples.
func donorTables(t *testing.T) []string {
	e, err := ReadExpression(fixtures.Shared(t, "ahba-dk", "ahba", "allgenes_stable_r0.6_schaefer_100.csv"))
	if err != nil {
		t.Fatal(err)
	}
	p, q := len(e.Genes), 120
	dir := t.TempDir()
	var paths []string
	for k := 0; k < 4; k++ {
		var b strings.Builder
		b.WriteString("label," + strings.Join(e.Genes[:q], ",") + "\n")
		for i, r := range e.Regions {
			if k == 2 && i%40 == 5 {
				continue
			}
			b.WriteString(r)
			for j := 0; j < q; j++ {
				if k == 3 && (i == 7 || i == 60) {
					b.WriteString(",")
					continue
				}
				noise := float64(k+1) * 0.12 * float64(j%9+1) * math.Sin(float64(7*i+13*j+31*k))
				fmt.Fprintf(&b, ",%.6f", e.Values[i*p+j]+noise)
			}
			b.WriteString("\n")
		}
		path := filepath.Join(dir, fmt.Sprintf("donor%d.csv", k))
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, path)
	}
	return paths
}

// TestLiveStableEqualsAbagenSteps: differential stability (Spearman and Pearson), the percentile
// and absolute cutoffs, the kept genes and their donor mean equal a pandas transcription of
// abagen's keep_stable_genes and donor aggregation (testdata/abagen_stable.py) on donor tables
// made from the real Schaefer-100 expression.
func TestLiveStableEqualsAbagenSteps(t *testing.T) {
	paths := donorTables(t)
	d, err := ReadDonorExpression(paths...)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range []StableOptions{DefaultStableOptions(), {Threshold: 0.8, Rank: false}} {
		res, err := Stable(d, o)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Expression.Genes) == 0 || len(res.Expression.Genes) == len(d.Genes) {
			t.Errorf("%+v: kept %d of %d genes", o, len(res.Expression.Genes), len(d.Genes))
		}
		if os.Getenv("PAINMARK_PYTHON") == "" {
			continue
		}
		var want struct {
			Stability []float64
			Kept      []string
			Cutoff    float64
			Labels    []string
			Mean      [][]*float64
		}
		fixtures.RunPython(t, filepath.Join("testdata", "abagen_stable.py"), map[string]any{"files": paths, "threshold": o.Threshold, "percentile": o.Percentile, "rank": o.Rank}, &want)
		worst := math.Abs(res.Cutoff - want.Cutoff)
		for j, s := range want.Stability {
			worst = math.Max(worst, math.Abs(res.Stability[j]-s))
		}
		if strings.Join(res.Expression.Genes, ",") != strings.Join(want.Kept, ",") || strings.Join(res.Expression.Regions, ",") != strings.Join(want.Labels, ",") {
			t.Fatalf("%+v: kept %v, abagen's steps %v", o, res.Expression.Genes, want.Kept)
		}
		q := len(res.Expression.Genes)
		for i := range want.Mean {
			for k, v := range want.Mean[i] {
				got := res.Expression.Values[i*q+k]
				if v == nil != math.IsNaN(got) {
					t.Fatalf("region %s gene %d: %v, pandas %v", want.Labels[i], k, got, v)
				}
				if v != nil {
					worst = math.Max(worst, math.Abs(got-*v))
				}
			}
		}
		t.Logf("%+v: %d of %d genes kept (cutoff %.4f); largest difference from abagen's steps %.2g", o, q, len(d.Genes), res.Cutoff, worst)
		if worst > 1e-12 {
			t.Errorf("%+v: differs from abagen's steps by %g", o, worst)
		}
	}
	if _, err := ReadDonorExpression(paths[0]); err == nil {
		t.Error("one donor accepted")
	}
	if _, err := Stable(d, StableOptions{Threshold: 1.5}); err == nil {
		t.Error("threshold 1.5 accepted")
	}
}

// The Schaefer-100 expression table (abagen, 810 genes with differential stability > 0.6) runs
// through Analyze with a Schaefer-100 map: a map planted as PVALB's expression over the left
// hemisphere plus noise puts PVALB in PLS+ and in the top 15% of the PLS1 ranking (hundreds of genes share its gradient); the same map given by
// parcel index (--match-by index) gives the same analysis.
func TestSchaeferExpressionThroughGenes(t *testing.T) {
	e, err := ReadExpression(fixtures.Shared(t, "ahba-dk", "ahba", "allgenes_stable_r0.6_schaefer_100.csv"))
	if err != nil {
		t.Fatal(err)
	}
	g := -1
	for j, name := range e.Genes {
		if name == "PVALB" {
			g = j
		}
	}
	p := len(e.Genes)
	var regions, labels []string
	var values []float64
	for i, r := range e.Regions {
		regions, labels = append(regions, r), append(labels, fmt.Sprint(i+1))
		values = append(values, e.Values[i*p+g]+0.02*math.Sin(float64(5*i)))
	}
	o := DefaultOptions()
	o.Bootstraps, o.Null = 100, "none"
	a, err := Analyze(e, regions, values, nil, nulls.Geometry{}, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Regions) != 50 || !strings.Contains(a.Regions[0], "_LH_") {
		t.Fatalf("%d regions analysed (%v)", len(a.Regions), a.Regions[:3])
	}
	rank := -1
	for i, name := range a.Association.Ranked {
		if name == "PVALB" {
			rank = i + 1
		}
	}
	if inPlus := strings.Contains(","+strings.Join(a.Plus, ",")+",", ",PVALB,"); !inPlus || rank < 1 || rank > a.Genes*15/100 || a.PctVarY[0] < 0.5 {
		t.Errorf("PVALB ranked %d of %d by PLS1 (in PLS+: %v); PLS1 explains %.2f of the map", rank, a.Genes, inPlus, a.PctVarY[0])
	}
	o.MatchBy = "index"
	b, err := Analyze(e, labels, values, nil, nulls.Geometry{}, o)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(b.Association.Ranked, ",") != strings.Join(a.Association.Ranked, ",") || b.PctVarY[0] != a.PctVarY[0] {
		t.Error("matching by index differs from matching by name")
	}
	t.Logf("Schaefer-100, left hemisphere: %d regions x %d genes; PLS1 explains %.1f%%; PVALB ranked %d (r with the map %.2f)", len(a.Regions), a.Genes, 100*a.PctVarY[0], rank, stats.Pearson(a.Association.Map, a.Association.PLS.XScores[0]))
	if _, err := e.NamesOfLabels([]string{"115"}); err == nil {
		t.Error("index 115 of 114 regions accepted")
	}
	if _, err := e.NamesOfLabels([]string{"L_bankssts"}); err == nil {
		t.Error("a name accepted as an index")
	}
	num := &Expression{Regions: []string{"3", "1", "2"}, Genes: []string{"x"}, Values: []float64{1, 2, 3}}
	if n, err := num.NamesOfLabels([]string{"1", "3.0"}); err != nil || n[0] != "1" || n[1] != "3" {
		t.Errorf("integer labels: %v %v", n, err)
	}
	for name, want := range map[string]string{"L_insula": "left", "7Networks_RH_Vis_1": "right", "LH_Default_1": "left", "Lthal": ""} {
		if got := regionHemisphere(name); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
}
