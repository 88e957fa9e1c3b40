package stats

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/painmark/painmark/freesurfer"
	"github.com/painmark/painmark/gifti"
	"github.com/painmark/painmark/internal/fixtures"
)

// fsaverage5DK reads the real fsaverage5 spheres and aparc annotations of ENIGMA: 68 parcels
// (the left hemisphere's 34 first), unknown and corpus callosum as medial wall.
func fsaverage5DK(t *testing.T) SphereParcellation {
	t.Helper()
	var p SphereParcellation
	index := map[string]int{}
	for h, side := range []string{"lh", "rh"} {
		m, err := gifti.ReadSurface(fixtures.Shared(t, "enigma", "surfaces", "fsa5_sphere_"+side+".gii"))
		if err != nil {
			t.Fatal(err)
		}
		a, err := freesurfer.ReadAnnotation(fixtures.Shared(t, "enigma", "annot", "fsa5_"+side+"_aparc.annot"))
		if err != nil {
			t.Fatal(err)
		}
		labels := make([]int, len(a.Labels))
		for v, l := range a.Labels {
			labels[v] = -1
			if l < 0 {
				continue
			}
			name := a.Table[l].Name
			if name == "unknown" || name == "corpuscallosum" {
				continue
			}
			key := side + "_" + name
			if _, ok := index[key]; !ok {
				index[key] = len(index)
			}
			labels[v] = index[key]
		}
		if h == 0 {
			p.Left, p.LabelsLeft = m.Vertices, labels
		} else {
			p.Right, p.LabelsRight = m.Vertices, labels
		}
	}
	p.Parcels = len(index)
	if p.Parcels != 68 {
		t.Fatalf("%d parcels", p.Parcels)
	}
	return p
}

// TestLiveSurfaceNullsNeuromaps compares the Baum and Cornblath nulls of a map with missing
// parcels with neuromaps' definitions computed by numpy/scipy (cKDTree vertex spins, scipy's
// mode, nanmean) on the real fsaverage5 meshes, for the first rotations of a seed.
func TestLiveSurfaceNullsNeuromaps(t *testing.T) {
	p := fsaverage5DK(t)
	const n, seed = 6, 11
	spins, err := SurfaceSpins(p, n, seed)
	if err != nil {
		t.Fatal(err)
	}
	var rots [][2][3][3]float64
	for k := 0; k < n; k++ { // the draws SurfaceSpins makes (none is rejected on fsaverage5)
		r := DrawRotation(seed, uint64(k))
		rots = append(rots, [2][3][3]float64{r.TL, r.TR})
	}
	rng := rand.New(rand.NewPCG(3, 4))
	y := make([]float64, p.Parcels)
	yJSON := make([]any, p.Parcels)
	for i := range y {
		y[i] = rng.NormFloat64()
		yJSON[i] = y[i]
		if i%17 == 5 { // missing parcels (NaN) must stay out of Cornblath's means
			y[i], yJSON[i] = math.NaN(), nil
		}
	}
	plus1 := func(l []int) []int {
		out := make([]int, len(l))
		for i, v := range l {
			out[i] = v + 1
		}
		return out
	}
	var want struct{ Baum, Cornblath [][]*float64 }
	fixtures.RunPython(t, filepath.Join("testdata", "neuromaps_surface_nulls.py"), map[string]any{
		"left": p.Left, "right": p.Right, "labels_left": plus1(p.LabelsLeft), "labels_right": plus1(p.LabelsRight),
		"rotations": rots, "y": yJSON}, &want)
	worst := 0.0
	for k, s := range spins {
		for m, got := range map[string][]float64{"baum": s.Baum(y), "cornblath": s.Cornblath(y)} {
			w := want.Baum[k]
			if m == "cornblath" {
				w = want.Cornblath[k]
			}
			for i := range got {
				if (w[i] == nil) != math.IsNaN(got[i]) {
					t.Fatalf("%s spin %d parcel %d: %v, neuromaps %v", m, k, i, got[i], w[i])
				}
				if w[i] != nil {
					worst = math.Max(worst, math.Abs(got[i]-*w[i]))
				}
			}
		}
	}
	t.Logf("%d spins of 68 parcels x 20,484 vertices: largest difference %.2g", n, worst)
	if worst > 1e-12 {
		t.Fatalf("null maps differ from neuromaps' by %g", worst)
	}
}

// TestSurfaceSpinsProperties: on the real fsaverage5 DK parcellation, the spins are reproducible,
// move the parcels (not the identity), keep every source in its hemisphere, and a map that is
// constant stays constant under both nulls.
func TestSurfaceSpinsProperties(t *testing.T) {
	p := fsaverage5DK(t)
	a, err := SurfaceSpins(p, 20, 5)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := SurfaceSpins(p, 20, 5)
	c := make([]float64, p.Parcels)
	for i := range c {
		c[i] = 2.5
	}
	moved := 0
	for k := range a {
		for i, src := range a[k].Sources {
			for j, s := range src {
				if s != b[k].Sources[i][j] {
					t.Fatalf("spin %d differs between runs", k)
				}
				if (s.Parcel < 34) != (i < 34) {
					t.Fatalf("spin %d: parcel %d takes vertices of parcel %d in the other hemisphere", k, i, s.Parcel)
				}
			}
		}
		base := a[k].Baum(identityMap(p.Parcels))
		for i, v := range base {
			if !math.IsNaN(v) && int(v) != i {
				moved++
			}
		}
		for _, v := range a[k].Cornblath(c) {
			if !math.IsNaN(v) && math.Abs(v-2.5) > 1e-12 {
				t.Fatalf("a constant map changed under Cornblath: %v", v)
			}
		}
	}
	if moved < 20*p.Parcels/2 {
		t.Errorf("only %d of %d parcel assignments moved", moved, 20*p.Parcels)
	}
	bad := p
	bad.LabelsLeft = append([]int(nil), p.LabelsLeft...)
	bad.LabelsLeft[0] = 99
	if _, err := SurfaceSpins(bad, 2, 1); err == nil {
		t.Error("a label beyond the parcels was accepted")
	}
	bad.LabelsLeft = p.LabelsLeft[:10]
	if _, err := SurfaceSpins(bad, 2, 1); err == nil {
		t.Error("labels and vertices of different lengths were accepted")
	}
}

func identityMap(n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = float64(i)
	}
	return out
}

func TestPearsonComplete(t *testing.T) {
	x := []float64{1, 2, math.NaN(), 4, 5, 7}
	y := []float64{2, 1, 3, math.NaN(), 6, 6}
	if got, want := PearsonComplete(x, y), Pearson([]float64{1, 2, 5, 7}, []float64{2, 1, 6, 6}); got != want {
		t.Errorf("%v, want %v", got, want)
	}
	if got, want := PearsonComplete(x[:2], y[:2]), Pearson(x[:2], y[:2]); got != want {
		t.Errorf("complete data: %v, want %v", got, want)
	}
}

// TestLiveVertexSpinsNeuromaps compares the dense surface spin null (VertexSpins) of a random map
// on the real fsaverage5 spheres' cortical vertices (the DK parcellation's medial wall left out,
// as a CIFTI file leaves it out) with neuromaps' alexander_bloch computed by numpy/scipy for the
// same rotations.
func TestLiveVertexSpinsNeuromaps(t *testing.T) {
	p := fsaverage5DK(t)
	var left, right [][3]float64
	for i, l := range p.LabelsLeft {
		if l >= 0 {
			left = append(left, p.Left[i])
		}
	}
	for i, l := range p.LabelsRight {
		if l >= 0 {
			right = append(right, p.Right[i])
		}
	}
	const n, seed = 4, 5
	spins, err := VertexSpins(left, right, n, seed)
	if err != nil {
		t.Fatal(err)
	}
	var rots [][2][3][3]float64
	for k := 0; k < n; k++ { // the draws VertexSpins makes (none is rejected on fsaverage5)
		r := DrawRotation(seed, uint64(k))
		rots = append(rots, [2][3][3]float64{r.TL, r.TR})
	}
	rng := rand.New(rand.NewPCG(8, 9))
	x := make([]float64, len(left)+len(right))
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	var want struct{ Nulls [][]float64 }
	fixtures.RunPython(t, filepath.Join("testdata", "neuromaps_alexander_bloch.py"), map[string]any{
		"left": left, "right": right, "rotations": rots, "x": x}, &want)
	if len(want.Nulls) != n {
		t.Fatalf("%d peer nulls", len(want.Nulls))
	}
	for k, perm := range spins {
		for i, j := range perm {
			if x[j] != want.Nulls[k][i] {
				t.Fatalf("spin %d vertex %d takes %v, neuromaps %v", k, i, x[j], want.Nulls[k][i])
			}
			if (i < len(left)) != (int(j) < len(left)) {
				t.Fatalf("spin %d: vertex %d takes a value across hemispheres (%d)", k, i, j)
			}
		}
	}
	t.Logf("%d spins of %d+%d fsaverage5 cortical vertices equal neuromaps' alexander_bloch", n, len(left), len(right))
}
