package morph

import (
	"math"
	"strings"
	"testing"

	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/nulls"
	"github.com/painmark/painmark/table"
)

// Analyze without a null gives no spin p (null in JSON) but the same effects; with one it draws
// the named null over the regions; an unknown null or a null without its geometry is an error;
// PCA needs two maps over the same regions.
func TestAnalyzeAndPCA(t *testing.T) {
	x := func(rel ...string) string { return fixtures.Shared(t, append([]string{"enigma"}, rel...)...) }
	tb, err := FromENIGMA("SubjID", x("xdata", "metr2_CortThick.csv"), x("xdata", "metr3_CortSurf.csv"))
	if err != nil {
		t.Fatal(err)
	}
	pt, err := table.ReadParticipants(x("xdata", "cov.csv"), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	cls, err := ReadClasses(x("derived", "dk68_economo_koskinas_class_mode.csv")+":economo_koskinas_class_mode", "classes")
	if err != nil {
		t.Fatal(err)
	}
	o := DefaultOptions()
	o.Group, o.Null = "Dx", "none"
	if _, err := Analyze(tb, pt, []*Classes{cls}, nulls.Geometry{}, o); err == nil || !strings.Contains(err.Error(), "at least 3 features, got 2") {
		t.Errorf("two features accepted: %v", err)
	}
	o.MinFeatures = 2 // the shared ENIGMA table has two features: an arithmetic check only
	a, err := Analyze(tb, pt, []*Classes{cls}, nulls.Geometry{}, o)
	if err != nil {
		t.Fatal(err)
	}
	cc := a.CaseControl
	if cc.Hub.SpinP != nil || cc.Classes[0].SpinP != nil || len(cc.Quadrants) != 4 || len(a.Global) != 20 {
		t.Errorf("no null: hub %+v, class %+v", cc.Hub, cc.Classes[0])
	}
	c, err := nulls.ReadCentroids(x("derived", "dk68_fsa5_sphere_centroids.csv"))
	if err != nil {
		t.Fatal(err)
	}
	o.Null, o.Spins = "moran", 100
	b, err := Analyze(tb, pt, []*Classes{cls}, nulls.Geometry{Centroids: c}, o)
	if err != nil {
		t.Fatal(err)
	}
	if b.CaseControl.Hub.SpinP == nil || b.CaseControl.Hub.Spins != 100 || b.CaseControl.Hub.Rho != cc.Hub.Rho || math.IsNaN(*b.CaseControl.Classes[0].SpinP) {
		t.Errorf("moran: hub %+v", b.CaseControl.Hub)
	}
	for null, want := range map[string]string{"spun": "spun", "vasa": "centroids", "baum": "sphere meshes"} {
		o.Null = null
		if _, err := Analyze(tb, pt, nil, nulls.Geometry{}, o); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v", null, err)
		}
	}
	mdd := x("summary_statistics", "mddadult_case-controls_CortThick.csv")
	maps, err := ReadConditionMaps([]string{mdd + ":d_icv", x("summary_statistics", "adhdadult_case-controls_CortThick.csv") + ":d_icv"}, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	p, err := PCA(maps, DefaultPCAOptions())
	if err != nil || len(p.Eigenvalues) != 2 || p.Conditions[1] != x("summary_statistics", "adhdadult_case-controls_CortThick.csv")+":d_icv" {
		t.Errorf("PCA %+v %v", p, err)
	}
	one, _ := ReadConditionMaps([]string{mdd + ":d_icv"}, nil, "")
	if _, err := PCA(one, PCAOptions{Standardize: true}); err == nil {
		t.Error("PCA of one map accepted")
	}
	if _, err := ReadConditionMaps([]string{mdd}, nil, ""); err == nil || !strings.Contains(err.Error(), "--columns") {
		t.Errorf("FILE without columns: %v", err)
	}
}
