package nulls

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/painmark/painmark/internal/budget"
	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/stats"
)

func dkSpace(t *testing.T, m Model) (*Centroids, *Space) {
	t.Helper()
	c, err := ReadCentroids(fixtures.Shared(t, "enigma", "derived", "dk68_fsa5_sphere_centroids.csv"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := Geometry{Centroids: c}.Space(c.Regions, m)
	if err != nil {
		t.Fatal(err)
	}
	return c, s
}

// dkMaps are two smooth-ish test maps over DK-68's sphere centroids, in the sphere's order.
func dkMaps(t *testing.T) (*Centroids, *Space, []float64, []float64) {
	t.Helper()
	vasa, _ := Lookup("vasa")
	c, s := dkSpace(t, vasa)
	x, y := make([]float64, 68), make([]float64, 68)
	for i := range x {
		x[i], y[i] = c.XYZ[i][0]+math.Sin(float64(i)), c.XYZ[i][1]+float64(i%5)
	}
	return c, s, x, y
}

// Every name of the registry resolves, spin is vasa, and an unknown name lists the known ones.
func TestRegistry(t *testing.T) {
	for _, n := range Names() {
		m, err := Lookup(n)
		if err != nil || m.Name() != n || m.Description() == "" {
			t.Errorf("%s: %v %v", n, m, err)
		}
	}
	if m, _ := Lookup("spin"); m.Name() != "vasa" {
		t.Errorf("spin is %s", m.Name())
	}
	if _, err := Lookup("spun"); err == nil || !strings.Contains(err.Error(), "variogram") {
		t.Errorf("unknown name: %v", err)
	}
	if len(Spatial()) != 11 {
		t.Errorf("spatial models %v", Spatial())
	}
}

// Test with each rotation matching gives exactly perm_sphere_p on stats.SpinPermutations' spins of
// the same seed (the kernels compared with the reference code in package stats), with the regions
// in any order: the maps are taken in the sphere's order. The surrogate nulls give each map its
// own stream, and the parametric model the t test.
func TestTestEqualsKernels(t *testing.T) {
	c, s, x, y := dkMaps(t)
	vasa, _ := Lookup("vasa")
	for _, name := range []string{"vasa", "nearest", "hungarian", "nearest-rotated"} {
		m, _ := Lookup(name)
		res, err := Test(x, y, s, m, TestOptions{Kind: "spearman", Draws: 200, Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		perms, err := stats.SpinPermutations(s.Left, s.Right, 200, 3, stats.SpinMethod(name))
		if err != nil {
			t.Fatal(err)
		}
		want, _ := stats.PermSphereP(x, y, perms, "spearman") // the centroid table lists lh first: sphere order = table order
		if res.P != want.P || res.Rho != want.Rho || fmt.Sprint(res.NullYX) != fmt.Sprint(want.NullYX) {
			t.Errorf("%s: p %v rho %v, perm_sphere_p %v %v", name, res.P, res.Rho, want.P, want.Rho)
		}
		// The same maps over reversed regions: the same numbers.
		rev := func(v []float64) []float64 {
			out := make([]float64, len(v))
			for i := range v {
				out[len(v)-1-i] = v[i]
			}
			return out
		}
		regions := make([]string, 68)
		for i, r := range c.Regions {
			regions[67-i] = r
		}
		rs, err := Geometry{Centroids: c}.Space(regions, m)
		if err != nil {
			t.Fatal(err)
		}
		again, err := Test(rev(x), rev(y), rs, m, TestOptions{Kind: "spearman", Draws: 200, Seed: 3})
		if err != nil || again.P != res.P || again.Rho != res.Rho {
			t.Errorf("%s over reversed regions: %v %v (%v)", name, again.P, again.Rho, err)
		}
	}
	m, _ := Lookup("moran")
	null, err := m.Draw(s, 20, 4)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := null.Maps(x, 0)
	b, _ := null.Maps(x, 1)
	if fmt.Sprint(a) == fmt.Sprint(b) {
		t.Error("the streams of Moran surrogates are the same")
	}
	p, _ := Lookup("parametric")
	res, err := Test(x, y, &Space{Regions: c.Regions}, p, TestOptions{Kind: "pearson"})
	if err != nil || res.P != stats.PearsonTestP(stats.Pearson(x, y), 68) || res.NullXY != nil {
		t.Errorf("parametric: %+v %v", res, err)
	}
	// A map lacking a region of the centroids is refused by name.
	sub, err := Geometry{Centroids: c}.Space(c.Regions[1:], vasa)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Test(x[1:], y[1:], sub, vasa, TestOptions{Kind: "spearman", Draws: 10, Seed: 1}); err == nil || !strings.Contains(err.Error(), c.Regions[0]) {
		t.Errorf("missing region: %v", err)
	}
	if _, err := (Geometry{}).Space(c.Regions, vasa); err == nil {
		t.Error("no centroids accepted for vasa")
	}
}

// On pairs of independent smooth random maps over DK-68, the spin test with nearest-parcel
// matching keeps its false-positive rate near alpha while the parametric test of r, blind to
// spatial autocorrelation, is inflated; Moran's surrogates keep it far below the parametric
// test's (bench/spin measures all models over 1,000 pairs).
func TestFalsePositiveRate(t *testing.T) {
	nearest, _ := Lookup("nearest")
	_, s := dkSpace(t, nearest)
	maps, err := stats.SmoothRandomMaps(s.Left, s.Right, 40, 800, 3)
	if err != nil {
		t.Fatal(err)
	}
	null, err := nearest.Draw(s, 500, 5)
	if err != nil {
		t.Fatal(err)
	}
	r, err := FalsePositiveRate(maps, null, 0.05)
	if err != nil {
		t.Fatal(err)
	}
	if r.Method != "nearest" || r.Rate < 0.02 || r.Rate > 0.09 {
		t.Errorf("nearest-parcel spin test: false-positive rate %.3f over %d pairs (alpha 0.05)", r.Rate, r.Pairs)
	}
	par, _ := Lookup("parametric")
	pn, _ := par.Draw(s, 0, 0)
	rp, err := FalsePositiveRate(maps, pn, 0.05)
	if err != nil || rp.Rate < 0.1 {
		t.Errorf("parametric test on smooth maps: false-positive rate %.3f, expected inflated (%v)", rp.Rate, err)
	}
	t.Logf("%d pairs: spin (nearest) %.3f, parametric %.3f", r.Pairs, r.Rate, rp.Rate)
	moran, _ := Lookup("moran")
	left := s.Left
	ms := SphereSpace(left, s.Right)
	mn, err := moran.Draw(ms, 200, 0)
	if err != nil {
		t.Fatal(err)
	}
	mm, err := stats.SmoothRandomMaps(left, s.Right, 40, 400, 8)
	if err != nil {
		t.Fatal(err)
	}
	rm, err := FalsePositiveRate(mm, mn, 0.05)
	if err != nil {
		t.Fatal(err)
	}
	if rm.Rate > 0.12 {
		t.Errorf("Moran spectral randomization: false-positive rate %.3f on smooth maps", rm.Rate)
	}
	t.Logf("Moran singleton: false-positive rate %.3f over %d pairs", rm.Rate, rm.Pairs)
}

// `genes --permutations 2e9` (the shuffle null) or `morph --spins 2e9` are refused at once by the
// memory budget, naming the draws, for every model but the parametric baseline (issue 21: the
// shuffle null allocated every permutation until the system killed the process).
func TestDrawCountsWithinBudget(t *testing.T) {
	t.Setenv(budget.EnvVar, "")
	c, err := ReadCentroids(fixtures.Shared(t, "enigma", "derived", "dk68_fsa5_sphere_centroids.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range Names() {
		if _, err := (Geometry{Centroids: c}).Space(c.Regions, registry[name]); err != nil {
			continue // a model needing the sphere meshes (baum, cornblath)
		}
		null, err := Draw(name, Geometry{Centroids: c}, c.Regions, 2000000000, 1)
		if name == "parametric" {
			if err != nil {
				t.Errorf("parametric: %v", err)
			}
			continue
		}
		if err == nil || null != nil || !strings.Contains(err.Error(), "2000000000 null draws") {
			t.Errorf("%s: 2e9 draws: %v", name, err)
		}
	}
	x := make([]float64, len(c.Regions))
	for i := range x {
		x[i] = float64(i % 7)
	}
	sp, err := Geometry{Centroids: c}.Space(c.Regions, registry["shuffle"])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Test(x, x, sp, registry["shuffle"], TestOptions{Kind: "pearson", Draws: 2000000000}); err == nil || !strings.Contains(err.Error(), "null draws") {
		t.Errorf("Test, 2e9 draws: %v", err)
	}
}
