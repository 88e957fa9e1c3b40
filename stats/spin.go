package stats

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/painmark/painmark/internal/budget"
	"github.com/painmark/painmark/internal/parallel"
	"github.com/painmark/painmark/internal/progress"
	"gonum.org/v1/gonum/mat"
)

// Spatial permutation ("spin") tests of the correspondence between two cortical maps, as the
// reference code of Váša et al. (2018, frantisekvasa/rotate_parcellation, the sampling scheme
// "updated 5/9/2019") and Alexander-Bloch et al. (2018) define them: random rotations of the
// parcels' sphere coordinates (the right hemisphere mirrored through the x = 0 plane), each rotated
// parcel reassigned to an original one by a greedy maximum-minimum matching, and the null
// distribution of the maps' correlation under those reassignments (perm_sphere_p).

// Rotation is a pair of 3 x 3 rotation matrices for the left and the right hemisphere (row
// vectors are rotated as v·TL and v·TR).
type Rotation struct {
	TL, TR [3][3]float64
}

// RotationFromNormal turns a 3 x 3 matrix of standard normal draws into rotate_parcellation's
// rotations: Q of the QR decomposition made unique by the signs of R's diagonal (uniform over
// O(3)), a reflection of its first column when its determinant is negative (uniform over SO(3)),
// and TR = I1·TL·I1 with I1 = diag(−1, 1, 1) for the mirrored right hemisphere.
func RotationFromNormal(a [3][3]float64) Rotation {
	d := mat.NewDense(3, 3, []float64{a[0][0], a[0][1], a[0][2], a[1][0], a[1][1], a[1][2], a[2][0], a[2][1], a[2][2]})
	var qr mat.QR
	qr.Factorize(d)
	var q, r mat.Dense
	qr.QTo(&q)
	qr.RTo(&r)
	var rot Rotation
	for j := 0; j < 3; j++ {
		s := 1.0
		if r.At(j, j) < 0 {
			s = -1
		}
		for i := 0; i < 3; i++ {
			rot.TL[i][j] = q.At(i, j) * s
		}
	}
	t := rot.TL
	det := t[0][0]*(t[1][1]*t[2][2]-t[1][2]*t[2][1]) - t[0][1]*(t[1][0]*t[2][2]-t[1][2]*t[2][0]) + t[0][2]*(t[1][0]*t[2][1]-t[1][1]*t[2][0])
	if det < 0 {
		for i := 0; i < 3; i++ {
			rot.TL[i][0] = -rot.TL[i][0]
		}
	}
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			s := 1.0
			if (i == 0) != (j == 0) { // I1·T·I1 flips the signs of row 0 and column 0 once each
				s = -1
			}
			rot.TR[i][j] = s * rot.TL[i][j]
		}
	}
	return rot
}

// DrawRotation is rotation draw k of a seed: RotationFromNormal of nine standard normal draws
// from PCG(seed, k), row by row. Parcel and vertex spins of one seed use the same draws.
func DrawRotation(seed, k uint64) Rotation {
	rng := rand.New(rand.NewPCG(seed, k))
	var a [3][3]float64
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			a[i][j] = rng.NormFloat64()
		}
	}
	return RotationFromNormal(a)
}

// SpinMethod is how the parcels of a rotated sphere are matched back to the original parcels: the
// kernel's parameter. Users name null models through package nulls' registry (vasa, hungarian,
// nearest, nearest-rotated, baum, cornblath, moran, ...), which maps each name to its kernel.
type SpinMethod string

const (
	// SpinVasa is Váša et al.'s greedy maximum-minimum matching (rotate_parcellation, neuromaps'
	// vasa): every parcel is used once.
	SpinVasa SpinMethod = "vasa"
	// SpinHungarian is the matching of least total distance (scipy's linear_sum_assignment, as
	// neuromaps' hungarian): every parcel is used once.
	SpinHungarian SpinMethod = "hungarian"
	// SpinNearest gives each original parcel the nearest rotated parcel (Alexander-Bloch et al.
	// 2018 on parcel centroids, neuromaps' "original" / alexander_bloch on parcellated data): a
	// parcel may be used twice or not at all.
	SpinNearest SpinMethod = "nearest"
	// SpinNearestRotated is the other direction, BrainSpace's spin_permutations: each rotated
	// parcel j takes the value of the original parcel nearest it (perm[j] = argmin_i ‖c_i − r_j‖;
	// cKDTree(coords).query(coords @ rot)). Distributionally equivalent, different index arrays.
	SpinNearestRotated SpinMethod = "nearest-rotated"
)

func (m SpinMethod) check() error {
	switch m {
	case SpinVasa, SpinHungarian, SpinNearest, SpinNearestRotated:
		return nil
	}
	return fmt.Errorf("spin method %q: want vasa, hungarian, nearest or nearest-rotated", m)
}

// distances is the matrix dist(i, j) = ‖coord_i − rot_j‖ (row-major).
func distances(coord, rot [][3]float64) []float64 {
	n := len(coord)
	dist := make([]float64, n*len(rot))
	for i := range coord {
		for j := range rot {
			dist[i*len(rot)+j] = euclidean(coord[i], rot[j])
		}
	}
	return dist
}

// match returns perm, the rotated parcel given to each original parcel i.
func match(m SpinMethod, coord, rot [][3]float64) []int {
	switch m {
	case SpinHungarian:
		// Distances between finite coordinates are finite (checkSpin checks them).
		return assign(distances(coord, rot), len(coord))
	case SpinNearest:
		n := len(coord)
		dist := distances(coord, rot)
		perm := make([]int, n)
		for i := 0; i < n; i++ {
			best := 0
			for j := 1; j < n; j++ {
				if dist[i*n+j] < dist[i*n+best] {
					best = j
				}
			}
			perm[i] = best
		}
		return perm
	case SpinNearestRotated:
		n := len(coord)
		dist := distances(coord, rot)
		perm := make([]int, n)
		for j := 0; j < n; j++ {
			best := 0
			for i := 1; i < n; i++ {
				if dist[i*n+j] < dist[best*n+j] {
					best = i
				}
			}
			perm[j] = best
		}
		return perm
	}
	return vasaMatch(coord, rot)
}

// vasaMatch assigns every rotated parcel to an original one: dist(i, j) = ‖coord_i − rot_j‖;
// repeatedly, among the unassigned originals, the one whose nearest unassigned rotated parcel is
// farthest chooses first and takes that nearest parcel (ties: the first index, as MATLAB's max and
// min). perm[i] is the rotated parcel given to original i.
func vasaMatch(coord, rot [][3]float64) []int {
	n := len(coord)
	dist := distances(coord, rot)
	rowDone, colDone := make([]bool, n), make([]bool, n)
	perm := make([]int, n)
	for step := 0; step < n; step++ {
		bestRow, bestMin := -1, math.Inf(-1)
		for i := 0; i < n; i++ {
			if rowDone[i] {
				continue
			}
			m := math.Inf(1)
			for j := 0; j < n; j++ {
				if !colDone[j] && dist[i*n+j] < m {
					m = dist[i*n+j]
				}
			}
			if m > bestMin {
				bestRow, bestMin = i, m
			}
		}
		bestCol, best := -1, math.Inf(1)
		for j := 0; j < n; j++ {
			if !colDone[j] && dist[bestRow*n+j] < best {
				bestCol, best = j, dist[bestRow*n+j]
			}
		}
		perm[bestRow] = bestCol
		rowDone[bestRow], colDone[bestCol] = true, true
	}
	return perm
}

// SpinPermutation applies a rotation to the left and right hemispheres' sphere coordinates and
// returns the reassignment of all parcels by the method (left first, right indices offset by the
// left count; 0-based) and whether it is the identity (which the references reject).
func SpinPermutation(left, right [][3]float64, rot Rotation, method SpinMethod) ([]int, bool, error) {
	if err := checkSpin(left, right, method); err != nil {
		return nil, false, err
	}
	perm, identity := spinPermutation(left, right, rot, method)
	return perm, identity, nil
}

// checkSpin checks a method and the parcels' coordinates (finite, at least 3 parcels).
func checkSpin(left, right [][3]float64, method SpinMethod) error {
	if err := method.check(); err != nil {
		return err
	}
	if len(left)+len(right) < 3 {
		return fmt.Errorf("need at least 3 parcels, got %d and %d in the two hemispheres", len(left), len(right))
	}
	for _, h := range [][][3]float64{left, right} {
		for _, c := range h {
			for _, v := range c {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return fmt.Errorf("a sphere coordinate is not finite: %v", c)
				}
			}
		}
	}
	return nil
}

// spinPermutation is SpinPermutation on checked parcels.
func spinPermutation(left, right [][3]float64, rot Rotation, method SpinMethod) ([]int, bool) {
	rotate := func(c [][3]float64, t [3][3]float64) [][3]float64 {
		out := make([][3]float64, len(c))
		for i, v := range c {
			for j := 0; j < 3; j++ {
				out[i][j] = v[0]*t[0][j] + v[1]*t[1][j] + v[2]*t[2][j]
			}
		}
		return out
	}
	pl := match(method, left, rotate(left, rot.TL))
	pr := match(method, right, rotate(right, rot.TR))
	perm := append([]int(nil), pl...)
	for _, j := range pr {
		perm = append(perm, len(left)+j)
	}
	identity := true
	for i, j := range perm {
		if i != j {
			identity = false
			break
		}
	}
	return perm, identity
}

// SpinPermutations draws n rotations and their reassignments by the method, rejecting identity
// maps and duplicates of an earlier permutation (neither is a valid null draw): draw k's normal
// matrix comes from PCG(seed, k), so the set does not depend on the number of workers, and the
// methods see the same rotations. It is NewSpinStream's draws all at once.
func SpinPermutations(left, right [][3]float64, n int, seed uint64, method SpinMethod) ([][]int, error) {
	if err := checkSpin(left, right, method); err != nil {
		return nil, err
	}
	// Each accepted spin keeps its permutation (and the duplicate check its hash).
	if err := budget.Check("spins", int64(n), int64(8*(len(left)+len(right))+64)); err != nil {
		return nil, err
	}
	s, err := NewSpinStream(left, right, n, seed, method)
	if err != nil {
		return nil, err
	}
	return s.all()
}

// NewSpinStream is SpinPermutations' null made a block at a time (DrawStream): its Next calls
// give SpinPermutations' permutations in order, holding only the duplicate check's hashes
// between blocks.
func NewSpinStream(left, right [][3]float64, n int, seed uint64, method SpinMethod) (*DrawStream[[]int], error) {
	if err := checkSpin(left, right, method); err != nil {
		return nil, err
	}
	return newDrawStream(n, 256, "spins", func(k uint64) ([]int, uint64, bool) {
		perm, identity := spinPermutation(left, right, DrawRotation(seed, k), method)
		return perm, hashKey(perm), identity
	})
}

// all is every draw of the stream, with a progress bar on a terminal.
func (s *DrawStream[T]) all() ([]T, error) {
	out := make([]T, 0, s.n)
	bar := progress.Loop(s.what)
	for len(out) < s.n {
		if bar != nil {
			bar(len(out), s.n)
		}
		v, err := s.Next(s.batch)
		if err != nil {
			return nil, err
		}
		out = append(out, v...)
	}
	if bar != nil {
		bar(s.n, s.n)
	}
	return out, nil
}

// SpinTest is perm_sphere_p's result: the empirical correlation and the one-sided p-values of the
// nulls that permute x and that permute y, and their mean; and, from the x-permuted null, the
// two-sided p-values of the other peers (NUMERICS.md §12): neuromaps' and netneurotools'
// (1 + #|null| ≥ |rho|)/(1 + n) and BrainSMASH's nonparp #|null| > |rho|/n.
type SpinTest struct {
	Rho                  float64
	NullXY, NullYX       []float64
	PXY, PYX, P          float64
	PNeuromaps, PNonparp float64
}

// PermSphereP is perm_sphere_p (Alexander-Bloch et al. 2018, as the reference code computes it):
// rho = corr(x, y) ("pearson" or "spearman", average ranks for ties); for each permutation,
// corr(x[perm], y) and corr(y[perm], x); when rho > 0, p_xy = the share of the first null strictly
// above rho (strictly below otherwise), likewise p_yx; p = (p_xy + p_yx)/2. No +1 correction.
func PermSphereP(x, y []float64, perms [][]int, kind string) (*SpinTest, error) {
	if len(x) != len(y) {
		return nil, fmt.Errorf("maps of %d and %d parcels", len(x), len(y))
	}
	for k, perm := range perms {
		if len(perm) != len(x) {
			return nil, fmt.Errorf("permutation %d has %d entries for %d parcels", k, len(perm), len(x))
		}
	}
	permute := func(v []float64) func(k int) []float64 {
		return func(k int) []float64 {
			out := make([]float64, len(v))
			for i, j := range perms[k] {
				out[i] = v[j]
			}
			return out
		}
	}
	return spinTest(x, y, len(perms), kind, spinSource{nullX: permute(x), nullY: permute(y)}, true)
}

// SurrogateTest is PermSphereP with any null maps (reordered maps, vertex-level nulls,
// Moran spectral randomization, variogram matching): nullX are the null maps of x, nullY of y, as
// many of each; parcels a null leaves empty (NaN) are omitted from its correlation.
func SurrogateTest(x, y []float64, nullX, nullY [][]float64, kind string) (*SpinTest, error) {
	if len(x) != len(y) || len(nullX) != len(nullY) {
		return nil, fmt.Errorf("maps of %d and %d parcels with %d and %d surrogates", len(x), len(y), len(nullX), len(nullY))
	}
	for k := range nullX {
		if len(nullX[k]) != len(x) || len(nullY[k]) != len(x) {
			return nil, fmt.Errorf("surrogate %d has %d and %d values for %d parcels", k, len(nullX[k]), len(nullY[k]), len(x))
		}
	}
	return spinTest(x, y, len(nullX), kind, spinSource{nullX: func(k int) []float64 { return nullX[k] }, nullY: func(k int) []float64 { return nullY[k] }}, true)
}

// ParametricCorrelationTest is the no-null baseline in SpinTest's form: rho = corr(x, y) and
// every p the two-sided t test of r over the regions taken as independent (PearsonTestP, as
// scipy.stats.pearsonr and, for Spearman's rho, spearmanr); no null maps.
func ParametricCorrelationTest(x, y []float64, kind string) (*SpinTest, error) {
	if len(x) != len(y) {
		return nil, fmt.Errorf("maps of %d and %d parcels", len(x), len(y))
	}
	cx, cy := completePairs(x, y)
	var rho float64
	switch kind {
	case "pearson", "":
		rho = Pearson(cx, cy)
	case "spearman":
		rho = Spearman(cx, cy)
	default:
		return nil, fmt.Errorf("correlation %q: pearson or spearman", kind)
	}
	p := PearsonTestP(rho, len(cx))
	return &SpinTest{Rho: rho, PXY: p, PYX: p, P: p, PNeuromaps: p, PNonparp: p}, nil
}

// spinBlock is how many draws' null correlations a streamed spin test holds at a time.
const spinBlock = 4096

// spinTest computes perm_sphere_p's statistics from n null maps of x and of y, a block of draws
// at a time: the counts are added in draw order, so they (and the kept nulls) do not depend on
// the number of workers or the block size.
func spinTest(x, y []float64, n int, kind string, src spinSource, keepNull bool) (*SpinTest, error) {
	block := src.block
	if block <= 0 {
		block = spinBlock
	}
	corr := Pearson
	switch kind {
	case "pearson", "":
	case "spearman":
		corr = Spearman
	default:
		return nil, fmt.Errorf("correlation %q: pearson or spearman", kind)
	}
	complete := func(a, b []float64) float64 { return corr(completePairs(a, b)) } // nulls may leave parcels empty (NaN)
	res := &SpinTest{Rho: complete(x, y)}
	if keepNull {
		res.NullXY, res.NullYX = make([]float64, n), make([]float64, n)
	}
	beyond := func(v float64) bool { return (res.Rho > 0 && v > res.Rho) || (res.Rho <= 0 && v < res.Rho) }
	tally := NewPermutationTally(res.Rho, true) // of the x null, for the two-sided p's
	var cXY, cYX int
	bxy, byx := make([]float64, min(n, block)), make([]float64, min(n, block))
	bar := progress.Loop("spin test: null correlations")
	for k0 := 0; k0 < n; k0 += block {
		m := min(block, n-k0)
		if src.prepare != nil {
			if err := src.prepare(k0, m); err != nil {
				return nil, err
			}
		}
		var block func(done, total int)
		if bar != nil {
			block = func(done, _ int) { bar(k0+done, n) }
		}
		parallel.ForProgress(m, block, func(b int) {
			bxy[b], byx[b] = complete(src.nullX(k0+b), y), complete(src.nullY(k0+b), x)
		})
		for b := 0; b < m; b++ {
			if beyond(bxy[b]) {
				cXY++
			}
			if beyond(byx[b]) {
				cYX++
			}
			tally.Add(bxy[b])
		}
		if keepNull {
			copy(res.NullXY[k0:], bxy[:m])
			copy(res.NullYX[k0:], byx[:m])
		}
	}
	res.PXY, res.PYX = float64(cXY)/float64(n), float64(cYX)/float64(n)
	res.P = (res.PXY + res.PYX) / 2
	var err error
	if res.PNeuromaps, err = tally.P(PermAbs); err != nil {
		return nil, err
	}
	if res.PNonparp, err = tally.P(PermAbsStrict); err != nil {
		return nil, err
	}
	return res, nil
}

// Spearman is the Pearson correlation of the average ranks (ties share their mean rank, as
// MATLAB's tiedrank and scipy's rankdata).
func Spearman(x, y []float64) float64 { return Pearson(AverageRanks(x), AverageRanks(y)) }

// AverageRanks are 1-based ranks with ties averaged.
func AverageRanks(v []float64) []float64 {
	idx := make([]int, len(v))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return v[idx[a]] < v[idx[b]] })
	r := make([]float64, len(v))
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && v[idx[j+1]] == v[idx[i]] {
			j++
		}
		avg := float64(i+j)/2 + 1
		for k := i; k <= j; k++ {
			r[idx[k]] = avg
		}
		i = j + 1
	}
	return r
}
