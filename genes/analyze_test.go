package genes

import (
	"fmt"
	"strings"
	"testing"

	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/nulls"
	"github.com/painmark/painmark/stats"
)

// Analyze keeps the hemisphere's regions, draws the named null over them and gives what
// Associate gives with the same shuffles; enrichment runs in both directions; errors name the
// hemisphere, the null and what the null needs.
func TestAnalyze(t *testing.T) {
	e, err := ReadExpression(fixtures.Shared(t, "ahba-dk", "ahba", "allgenes_stable_r0.6.csv"))
	if err != nil {
		t.Fatal(err)
	}
	regions, values, err := nulls.ReadRegionalMaps(fixtures.Shared(t, "enigma", "summary_statistics", "scz_case-controls_CortThick.csv"), "", "d_icv")
	if err != nil {
		t.Fatal(err)
	}
	sets, err := ReadGeneSets(fixtures.Shared(t, "gene-sets", "seidlitz2020", "celltypes_PSP.csv"))
	if err != nil {
		t.Fatal(err)
	}
	o := DefaultOptions()
	o.Bootstraps, o.Permutations, o.RankPermutations = 40, 60, 50
	res, err := Analyze(e, regions, values[0], sets, nulls.Geometry{}, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Regions) != 34 || !strings.HasPrefix(res.Regions[0], "L_") || res.Permutations != 60 || len(res.Enrichment) != 2*len(sets) {
		t.Fatalf("%d regions, %d permutations, %d enrichment rows", len(res.Regions), res.Permutations, len(res.Enrichment))
	}
	m, err := Match(e, res.Regions, pick(regions, values[0], res.Regions))
	if err != nil {
		t.Fatal(err)
	}
	perms := make([][]int, 60)
	for k := range perms {
		perms[k] = stats.Permutation(o.Seed, uint64(k+1), 34)
	}
	a, err := Associate(m, AssociationOptions{Components: 3, Bootstraps: 40, Seed: o.Seed, ZThreshold: 3, Null: nulls.FromPermutations(perms)})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(a.PVar) != fmt.Sprint(res.PVar) || fmt.Sprint(a.Z[0][:5]) != fmt.Sprint(res.Association.Z[0][:5]) {
		t.Errorf("Analyze %v, Associate %v", res.PVar, a.PVar)
	}
	for _, bad := range []struct {
		edit func(*Options)
		want string
	}{
		{func(o *Options) { o.Hemisphere = "middle" }, "middle"},
		{func(o *Options) { o.Null = "spun" }, "spun"},
		{func(o *Options) { o.Null = "vasa" }, "centroids"},
		{func(o *Options) { o.Null = "parametric" }, "no draws"},
	} {
		b := o
		bad.edit(&b)
		if _, err := Analyze(e, regions, values[0], nil, nulls.Geometry{}, b); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%+v: %v", b, err)
		}
	}
}

func pick(regions []string, values []float64, want []string) []float64 {
	at := map[string]float64{}
	for i, r := range regions {
		at[r] = values[i]
	}
	out := make([]float64, len(want))
	for i, r := range want {
		out[i] = at[r]
	}
	return out
}
