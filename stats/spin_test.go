package stats

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/table"
)

// readCoords reads sphere coordinates: a table with x, y, z columns, or whitespace-separated rows.
func readCoords(t *testing.T, path string) [][3]float64 {
	t.Helper()
	if strings.HasSuffix(path, ".csv") {
		tb, err := table.Read(path, nil)
		if err != nil {
			t.Fatal(err)
		}
		var cols [3][]float64
		for k, c := range []string{"x", "y", "z"} {
			if cols[k], err = tb.Floats(c); err != nil {
				t.Fatal(err)
			}
		}
		out := make([][3]float64, len(cols[0]))
		for i := range out {
			out[i] = [3]float64{cols[0][i], cols[1][i], cols[2][i]}
		}
		return out
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out [][3]float64
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		f := strings.Fields(line)
		var v [3]float64
		for k := 0; k < 3; k++ {
			if v[k], err = strconv.ParseFloat(f[k], 64); err != nil {
				t.Fatal(err)
			}
		}
		out = append(out, v)
	}
	return out
}

// goldenRotations reads the stored normal draws and rotations of the reference run.
func goldenRotations(t *testing.T, name string) (a [][3][3]float64, tl, tr [][3][3]float64, accepted []bool) {
	t.Helper()
	tb, err := table.Read(fixtures.Shared(t, "golden", "spin", name), nil)
	if err != nil {
		t.Fatal(err)
	}
	acc, _ := tb.Floats("accepted")
	get := func(prefix string) [][3][3]float64 {
		out := make([][3][3]float64, tb.NumRows())
		for i := 0; i < 3; i++ {
			for j := 0; j < 3; j++ {
				v, err := tb.Floats(fmt.Sprintf("%s%d%d", prefix, i+1, j+1))
				if err != nil {
					t.Fatal(err)
				}
				for k := range out {
					out[k][i][j] = v[k]
				}
			}
		}
		return out
	}
	for _, v := range acc {
		accepted = append(accepted, v == 1)
	}
	return get("A"), get("TL"), get("TR"), accepted
}

// From the reference run's stored normal draws, the rotations match to 1e-14 and the Váša
// reassignments of DK-68 (100 draws) and HCP-MMP 360 (20 draws) equal rotate_parcellation's
// perm_id exactly; the draw the reference rejected maps to the identity.
func TestSpinPermutationsEqualReference(t *testing.T) {
	for _, c := range []struct {
		name, coords, rotations, permID string
		nLeft                           int
	}{
		{"DK-68", fixtures.Shared(t, "enigma", "derived", "dk68_fsa5_sphere_centroids.csv"), "dk68_rotations.csv", "dk68_perm_id.csv", 34},
		{"HCP-360", fixtures.Shared(t, "atlases", "hcp-mmp", "sphere_HCP.txt"), "hcp360_rotations.csv", "hcp360_perm_id.csv", 180},
	} {
		coords := readCoords(t, c.coords)
		left, right := coords[:c.nLeft], coords[c.nLeft:]
		a, tl, tr, _ := goldenRotations(t, c.rotations)
		want, err := table.Read(fixtures.Shared(t, "golden", "spin", c.permID), nil)
		if err != nil {
			t.Fatal(err)
		}
		var dRot float64
		for k := range a {
			rot := RotationFromNormal(a[k])
			for i := 0; i < 3; i++ {
				for j := 0; j < 3; j++ {
					dRot = math.Max(dRot, math.Max(math.Abs(rot.TL[i][j]-tl[k][i][j]), math.Abs(rot.TR[i][j]-tr[k][i][j])))
				}
			}
			perm, identity, err := SpinPermutation(left, right, rot, SpinVasa)
			if err != nil {
				t.Fatal(err)
			}
			col, err := want.Floats(fmt.Sprintf("r%d", k+1))
			if err != nil {
				t.Fatal(err)
			}
			for i := range perm {
				if float64(perm[i]+1) != col[i] {
					t.Fatalf("%s draw %d: region %d gets %d, reference %v", c.name, k+1, i+1, perm[i]+1, col[i])
				}
			}
			if identity {
				t.Errorf("%s draw %d: identity", c.name, k+1)
			}
		}
		if dRot > 1e-14 {
			t.Errorf("%s: rotations differ by %.3g", c.name, dRot)
		}
		t.Logf("%s: %d permutations identical to the reference; rotations within %.2g", c.name, len(a), dRot)
	}
	coords := readCoords(t, fixtures.Shared(t, "enigma", "derived", "dk68_fsa5_sphere_centroids.csv"))
	a, _, _, accepted := goldenRotations(t, "dk68_rejected_draws.csv")
	if _, identity, err := SpinPermutation(coords[:34], coords[34:], RotationFromNormal(a[0]), SpinVasa); err != nil || !identity || accepted[0] {
		t.Errorf("the draw the reference rejected does not map to the identity (%v)", err)
	}
	bad := append([][3]float64{{math.NaN(), 0, 1}}, coords[1:34]...)
	if _, _, err := SpinPermutation(bad, coords[34:], RotationFromNormal(a[0]), SpinHungarian); err == nil {
		t.Error("a non-finite sphere coordinate was accepted")
	}
}

// perm_sphere_p on the stored DK-68 permutations: the empirical rho and every null correlation to
// 1e-12, and the p-values exactly, for Spearman and Pearson.
func TestPermSpherePEqualsReference(t *testing.T) {
	maps, err := table.Read(fixtures.Shared(t, "golden", "spin", "maps.csv"), nil)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := table.Read(fixtures.Shared(t, "golden", "spin", "dk68_perm_id.csv"), nil)
	if err != nil {
		t.Fatal(err)
	}
	var perms [][]int
	for k := 1; k <= 100; k++ {
		col, _ := pid.Floats(fmt.Sprintf("r%d", k))
		p := make([]int, len(col))
		for i, v := range col {
			p[i] = int(v) - 1
		}
		perms = append(perms, p)
	}
	want, err := table.Read(fixtures.Shared(t, "golden", "spin", "perm_sphere_p.csv"), nil)
	if err != nil {
		t.Fatal(err)
	}
	nulls, err := table.Read(fixtures.Shared(t, "golden", "spin", "perm_sphere_null.csv"), nil)
	if err != nil {
		t.Fatal(err)
	}
	pairCol, _ := want.Column("pair")
	typeCol, _ := want.Column("corr_type")
	rho, _ := want.Floats("rho_emp")
	pxy, _ := want.Floats("p_perm_xy")
	pyx, _ := want.Floats("p_perm_yx")
	p, _ := want.Floats("p_perm")
	nullPair, _ := nulls.Column("pair")
	x, _ := maps.Floats("scz_CortThick_d_icv")
	ys := map[string]string{"scz_vs_mddadult": "mddadult_CortThick_d_icv", "scz_vs_bd_adult": "bd_adult_CortThick_d_icv"}
	for row := range rho {
		pair, kind := pairCol.Raw[row], typeCol.Raw[row]
		y, _ := maps.Floats(ys[pair])
		res, err := PermSphereP(x, y, perms, kind)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(res.Rho-rho[row]) > 1e-12 || res.PXY != pxy[row] || res.PYX != pyx[row] || res.P != p[row] {
			t.Errorf("%s %s: rho %v p %v/%v/%v, reference %v p %v/%v/%v", pair, kind, res.Rho, res.PXY, res.PYX, res.P, rho[row], pxy[row], pyx[row], p[row])
		}
		nxy, _ := nulls.Floats("rho_null_xy_" + kind)
		nyx, _ := nulls.Floats("rho_null_yx_" + kind)
		var d float64
		k := 0
		for i, pr := range nullPair.Raw {
			if pr != pair {
				continue
			}
			d = math.Max(d, math.Max(math.Abs(res.NullXY[k]-nxy[i]), math.Abs(res.NullYX[k]-nyx[i])))
			k++
		}
		if k != 100 || d > 1e-12 {
			t.Errorf("%s %s: %d nulls compared, max difference %.3g", pair, kind, k, d)
		}
	}
}

// Seeded spins are reproducible, never the identity, never repeated, and do not depend on the
// number of workers.
func TestSpinPermutationsSeeded(t *testing.T) {
	coords := readCoords(t, fixtures.Shared(t, "enigma", "derived", "dk68_fsa5_sphere_centroids.csv"))
	a, err := SpinPermutations(coords[:34], coords[34:], 600, 9, SpinVasa)
	if err != nil {
		t.Fatal(err)
	}
	prev := runtime.GOMAXPROCS(1)
	b, _ := SpinPermutations(coords[:34], coords[34:], 600, 9, SpinVasa)
	runtime.GOMAXPROCS(prev)
	seen := map[string]bool{}
	for k := range a {
		if fmt.Sprint(a[k]) != fmt.Sprint(b[k]) {
			t.Fatalf("spin %d differs with one worker", k)
		}
		key := fmt.Sprint(a[k])
		if seen[key] {
			t.Fatalf("spin %d repeats an earlier one", k)
		}
		seen[key] = true
		identity := true
		for i, j := range a[k] {
			if i != j {
				identity = false
			}
		}
		if identity {
			t.Fatalf("spin %d is the identity", k)
		}
	}
}

// The Hungarian and nearest-parcel matchings equal neuromaps' computations with scipy
// (linear_sum_assignment on the distance matrix; cKDTree query of the original parcels among the
// rotated ones) for 50 rotations of the DK-68 and HCP-360 left hemispheres, and
// LinearSumAssignment equals linear_sum_assignment on random cost matrices (including integer
// costs with ties, compared by total cost). Skipped unless PAINMARK_PYTHON is set.
func TestLiveSpinMatchingsEqualScipy(t *testing.T) {
	if os.Getenv("PAINMARK_PYTHON") == "" {
		t.Skip("PAINMARK_PYTHON not set (the extended suite sets it)")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	var rots [][3][3]float64
	for k := 0; k < 50; k++ {
		var a [3][3]float64
		for i := range a {
			for j := range a[i] {
				a[i][j] = rng.NormFloat64()
			}
		}
		rots = append(rots, RotationFromNormal(a).TL)
	}
	var costs [][][]float64
	for k, n := range []int{1, 2, 5, 17, 60, 60} {
		c := make([][]float64, n)
		for i := range c {
			c[i] = make([]float64, n)
			for j := range c[i] {
				if k == 5 {
					c[i][j] = float64(rng.IntN(4)) // many ties: compare the totals
				} else {
					c[i][j] = rng.Float64()
				}
			}
		}
		costs = append(costs, c)
	}
	for _, set := range []struct{ name, path string }{
		{"DK-68", fixtures.Shared(t, "enigma", "derived", "dk68_fsa5_sphere_centroids.csv")},
		{"HCP-360", fixtures.Shared(t, "atlases", "hcp-mmp", "sphere_HCP.txt")},
	} {
		coords := readCoords(t, set.path)
		left := coords[:len(coords)/2]
		var want struct {
			Hungarian, Nearest, Assignments [][]int
			NearestRotated                  [][]int `json:"nearest_rotated"`
			Totals                          []float64
		}
		fixtures.RunPython(t, filepath.Join("testdata", "scipy_spin_matching.py"), map[string]any{"coords": left, "rotations": rots, "costs": costs}, &want)
		rotate := func(t [3][3]float64) [][3]float64 {
			out := make([][3]float64, len(left))
			for i, v := range left {
				for j := 0; j < 3; j++ {
					out[i][j] = v[0]*t[0][j] + v[1]*t[1][j] + v[2]*t[2][j]
				}
			}
			return out
		}
		var differ [3]int
		for k, r := range rots {
			rot := rotate(r)
			if fmt.Sprint(match(SpinHungarian, left, rot)) != fmt.Sprint(want.Hungarian[k]) {
				differ[0]++
			}
			if fmt.Sprint(match(SpinNearest, left, rot)) != fmt.Sprint(want.Nearest[k]) {
				differ[1]++
			}
			if fmt.Sprint(match(SpinNearestRotated, left, rot)) != fmt.Sprint(want.NearestRotated[k]) {
				differ[2]++
			}
		}
		if differ != [3]int{} {
			t.Errorf("%s: %d Hungarian, %d nearest and %d nearest-rotated matchings of 50 differ from scipy's", set.name, differ[0], differ[1], differ[2])
		}
		for k, c := range costs {
			n := len(c)
			flat := make([]float64, 0, n*n)
			for _, row := range c {
				flat = append(flat, row...)
			}
			col, err := LinearSumAssignment(flat, n)
			if err != nil {
				t.Fatal(err)
			}
			var total float64
			for i, j := range col {
				total += c[i][j]
			}
			if math.Abs(total-want.Totals[k]) > 1e-9 || (k < 5 && fmt.Sprint(col) != fmt.Sprint(want.Assignments[k])) {
				t.Errorf("cost matrix %d (%d x %d): total %.12g, scipy %.12g", k, n, n, total, want.Totals[k])
			}
		}
		t.Logf("%s: 50 Hungarian and 50 nearest matchings of each direction equal scipy's; %d assignment problems equal", set.name, len(costs))
	}
}

// Smooth random maps over DK-68 are reproducible from their seed and smooth: neighbouring parcels
// carry similar values (package nulls tests the nulls' false-positive rates on them).
func TestSmoothRandomMaps(t *testing.T) {
	coords := readCoords(t, fixtures.Shared(t, "enigma", "derived", "dk68_fsa5_sphere_centroids.csv"))
	left, right := coords[:34], coords[34:]
	maps, err := SmoothRandomMaps(left, right, 40, 800, 3)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := SmoothRandomMaps(left, right, 40, 800, 3)
	if fmt.Sprint(again[799]) != fmt.Sprint(maps[799]) {
		t.Fatal("smooth random maps are not reproducible from the seed")
	}
	// Neighbouring parcels carry similar values: the map is smooth.
	var near, far []float64
	for k := 0; k < 200; k++ {
		near = append(near, maps[k][0]-maps[k][nearestTo(left, 0)])
		far = append(far, maps[k][0]-maps[k][farthestFrom(left, 0)])
	}
	_, sdNear := MeanSD(near)
	_, sdFar := MeanSD(far)
	if !(sdNear < 0.7*sdFar) {
		t.Errorf("random maps are not smooth: SD of differences %.3f to the nearest parcel, %.3f to the farthest", sdNear, sdFar)
	}
}

func nearestTo(c [][3]float64, i int) int {
	best, bd := -1, math.Inf(1)
	for j := range c {
		if d := euclidean(c[i], c[j]); j != i && d < bd {
			best, bd = j, d
		}
	}
	return best
}

func farthestFrom(c [][3]float64, i int) int {
	best, bd := -1, -1.0
	for j := range c {
		if d := euclidean(c[i], c[j]); d > bd {
			best, bd = j, d
		}
	}
	return best
}

// Moran spectral randomization keeps a map's mean and variance (the singleton procedure flips
// the signs of its coordinates on orthonormal maps that, with the constant, span every map);
// package nulls tests that its surrogates keep the false-positive rate low on smooth maps.
func TestMoranSurrogates(t *testing.T) {
	coords := readCoords(t, fixtures.Shared(t, "enigma", "derived", "dk68_fsa5_sphere_centroids.csv"))
	left := coords[:34]
	m, err := NewMoranEigenvectors(InverseDistanceWeights(left), len(left), 1e-6)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Values) != 33 {
		t.Fatalf("%d Moran eigenvectors for 34 parcels (want 33: all but the constant)", len(m.Values))
	}
	for i := 1; i < len(m.Values); i++ {
		if m.Values[i] > m.Values[i-1] {
			t.Fatal("Moran eigenvalues are not in descending order")
		}
	}
	x := make([]float64, 34)
	for i := range x {
		x[i] = left[i][0]/50 + math.Sin(float64(i))
	}
	mean, sd := MeanSD(x)
	for _, proc := range []string{"singleton", "pair"} {
		sur, err := m.Surrogates(x, 50, proc, 4)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range sur {
			mu, s2 := MeanSD(s)
			if math.Abs(mu-mean) > 1e-9 || math.Abs(s2-sd) > 1e-9 {
				t.Fatalf("%s surrogate: mean %.6g SD %.6g, map %.6g %.6g", proc, mu, s2, mean, sd)
			}
		}
	}
	if _, err := m.Surrogates(x, 5, "triple", 1); err == nil {
		t.Error("unknown procedure accepted")
	}
}

// PearsonTestP is scipy.stats.pearsonr's two-sided p on the same data (the parametric test the
// calibration sets beside the spatial nulls). Skipped unless PAINMARK_PYTHON is set.
func TestLivePearsonTestPEqualsScipy(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 1))
	var xs, ys [][]float64
	for _, n := range []int{5, 34, 68, 360} {
		x, y := make([]float64, n), make([]float64, n)
		for i := range x {
			x[i] = rng.NormFloat64()
			y[i] = 0.3*x[i] + rng.NormFloat64()
		}
		xs, ys = append(xs, x), append(ys, y)
	}
	var script strings.Builder
	script.WriteString("import json\nfrom scipy import stats\nout = []\n")
	for k := range xs {
		fmt.Fprintf(&script, "out.append(float(stats.pearsonr(%s, %s)[1]))\n", fixtures.PyList(xs[k]), fixtures.PyList(ys[k]))
	}
	script.WriteString("print(json.dumps(out))\n")
	want := fixtures.PythonFloats(t, script.String())
	for k := range xs {
		got := PearsonTestP(Pearson(xs[k], ys[k]), len(xs[k]))
		if math.Abs(got-want[k]) > math.Max(1e-12, 1e-9*want[k]) {
			t.Errorf("n = %d: p %.15g, scipy %.15g", len(xs[k]), got, want[k])
		}
	}
}
