package atlas

import (
	"strings"
	"testing"

	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/table"
)

func TestSplitHemisphere(t *testing.T) {
	for in, want := range map[string][2]string{
		"L_bankssts": {"left", "bankssts"}, "lh_insula": {"left", "insula"}, "ctx-rh-precuneus": {"right", "precuneus"},
		"rh.insula": {"right", "insula"}, "insula_L": {"left", "insula"}, "Right-precentral": {"right", "precentral"},
	} {
		h, n, ok := SplitHemisphere(in)
		if !ok || h != want[0] || n != want[1] {
			t.Errorf("%s: %s %s %v, want %v", in, h, n, ok, want)
		}
	}
	if _, _, ok := SplitHemisphere("insula"); ok {
		t.Error("a name without hemisphere got one")
	}
}

// TestReadSphereParcellation reads the real fsaverage5 DK parcellation in the order of ENIGMA's
// centroid table (regions L_<name>, R_<name>), and names the problem when the sets differ.
func TestReadSphereParcellation(t *testing.T) {
	files := SphereParcellationFiles{
		SphereLeft: fixtures.Shared(t, "enigma", "surfaces", "fsa5_sphere_lh.gii"), SphereRight: fixtures.Shared(t, "enigma", "surfaces", "fsa5_sphere_rh.gii"),
		AnnotLeft: fixtures.Shared(t, "enigma", "annot", "fsa5_lh_aparc.annot"), AnnotRight: fixtures.Shared(t, "enigma", "annot", "fsa5_rh_aparc.annot"),
	}
	tb, err := table.Read(fixtures.Shared(t, "enigma", "derived", "dk68_fsa5_sphere_centroids.csv"), nil)
	if err != nil {
		t.Fatal(err)
	}
	reg, _ := tb.Column("region")
	nv, _ := tb.Floats("n_vertices")
	regions := reg.Raw
	p, err := ReadSphereParcellation(files, regions)
	if err != nil {
		t.Fatal(err)
	}
	counts := make([]int, p.Parcels)
	for _, l := range append(append([]int{}, p.LabelsLeft...), p.LabelsRight...) {
		if l >= 0 {
			counts[l]++
		}
	}
	for k := range regions { // the centroid table counts each region's fsaverage5 vertices
		if float64(counts[k]) != nv[k] {
			t.Errorf("%s: %d vertices, the centroid table %v", regions[k], counts[k], nv[k])
		}
	}
	if _, err := ReadSphereParcellation(files, regions[1:]); err == nil || !strings.Contains(err.Error(), "bankssts") {
		t.Errorf("a missing region: %v", err)
	}
	if _, err := ReadSphereParcellation(files, append(append([]string{}, regions...), "L_nowhere")); err == nil || !strings.Contains(err.Error(), "L_nowhere") {
		t.Errorf("an extra region: %v", err)
	}
	bad := files
	bad.SphereRight = files.SphereLeft
	bad.AnnotRight = fixtures.Shared(t, "enigma", "surfaces", "fsa5_rh.gii")
	if _, err := ReadSphereParcellation(bad, regions); err == nil || !strings.Contains(err.Error(), "fsa5_rh.gii") {
		t.Errorf("a GIFTI given as annotation: %v", err)
	}
}
