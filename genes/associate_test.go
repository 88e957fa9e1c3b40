package genes

import (
	"fmt"
	"math"
	"testing"

	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/nulls"
	"github.com/painmark/painmark/stats"
	"github.com/painmark/painmark/table"
)

// The whole association from the files, regions matched by name: AHBA-DK expression against the
// ENIGMA schizophrenia thickness map restricted to the left hemisphere gives Octave plsregress's
// golden SIMPLS (the same inputs, z-scored the same way); the right-hemisphere regions without
// expression are reported as dropped when the map covers them.
func TestAssociateEqualsGoldenSIMPLS(t *testing.T) {
	e, err := ReadExpression(fixtures.Shared(t, "ahba-dk", "ahba", "allgenes_stable_r0.6.csv"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := table.Read(fixtures.Shared(t, "enigma", "summary_statistics", "scz_case-controls_CortThick.csv"), nil)
	if err != nil {
		t.Fatal(err)
	}
	names, _ := m.Column("Structure")
	d, _ := m.Floats("d_icv")
	var lr []string
	var lv []float64
	for i, r := range names.Raw {
		if r[:2] == "L_" {
			lr, lv = append(lr, r), append(lv, d[i])
		}
	}
	// Listed in reverse: the analysis follows the expression table's order, not the map's.
	for i, j := 0, len(lr)-1; i < j; i, j = i+1, j-1 {
		lr[i], lr[j], lv[i], lv[j] = lr[j], lr[i], lv[j], lv[i]
	}
	a, err := associate(e, lr, lv, AssociationOptions{Components: 3, Bootstraps: 50, Seed: 1, Null: nulls.FromPermutations(shuffles(34, 100))})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Regions) != 34 || a.Regions[0] != "L_bankssts" || len(a.Genes) != 1645 || len(a.Dropped) != 0 {
		t.Fatalf("%d regions (first %s), %d genes, dropped %v", len(a.Regions), a.Regions[0], len(a.Genes), a.Dropped)
	}
	var dw float64
	for k := 0; k < 3; k++ {
		dw = math.Max(dw, maxRel(a.PLS.Weights[k], goldenColumn(t, "octave_plsregress_genes.csv", fmt.Sprintf("W_%d", k+1))))
	}
	if dw > 1e-9 {
		t.Errorf("PLS weights differ from Octave's plsregress by %.3g (relative)", dw)
	}
	if len(a.PVar) != 3 || len(a.Ranked) != 1645 || len(a.Z[0]) != 1645 {
		t.Fatalf("PVar %v, %d ranked genes", a.PVar, len(a.Ranked))
	}
	// The whole map: right-hemisphere regions without expression rows are dropped, not misplaced.
	all, err := associate(e, names.Raw, d, AssociationOptions{Components: 2, Bootstraps: 20, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(all.Dropped) != "[R_frontalpole R_temporalpole]" || len(all.Regions) != 66 {
		t.Errorf("whole map: %d regions, dropped %v", len(all.Regions), all.Dropped)
	}
	if _, err := Match(e, []string{"L_bankssts", "L_bankssts"}, []float64{1, 2}); err == nil {
		t.Error("a map with a repeated region was accepted")
	}
	t.Logf("weights within %.2g of Octave; PLS1-3 cumulative variance p %v; %d PLS+ and %d PLS- genes at |Z| > 3", dw, a.PVar, len(a.Positive), len(a.Negative))
}

// associate matches the map and runs the association.
func associate(e *Expression, regions []string, values []float64, o AssociationOptions) (*Association, error) {
	m, err := Match(e, regions, values)
	if err != nil {
		return nil, err
	}
	return Associate(m, o)
}

func shuffles(n, k int) [][]int {
	out := make([][]int, k)
	for i := range out {
		out[i] = stats.Permutation(5, uint64(i+1), n)
	}
	return out
}
