package nulls

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/painmark/painmark/internal/parallel"
	"github.com/painmark/painmark/nifti"
	"github.com/painmark/painmark/stats"
)

// VolumeSpace is a volumetric (or dense-surface) map's space for the null models: its
// brainordinates' mm positions as one block (no hemispheres), named by their index; neighbour is
// the distance (mm) within which brainordinates are neighbours (for voxels, 1.01 x the voxel
// diagonal joins the 26 neighbours). The variogram model then matches BrainSMASH's Base generator
// on the Euclidean distances between the brainordinates; moran (BrainSpace's MSR, which accepts
// any weight matrix) takes as weights each map's own smoothness kernel, the Gaussian of the FWHM
// estimated from the map's differences between neighbours along the grid's axes (gaussianMEMs),
// under which its sign flips are an exact null for stationary smooth maps; MoranNeighbourGraph
// keeps BrainSpace's kind of graph weights (1/d between neighbours, 0 beyond) for comparison, and
// moran-pair is refused. shuffle and parametric are the naive tests. Both surrogate models build
// dense N x N matrices: a few thousand brainordinates at most (resample a map to a coarser grid
// first).
func VolumeSpace(coords [][3]float64, neighbour float64) (*Space, error) {
	if len(coords) < 4 {
		return nil, fmt.Errorf("volume space: %d brainordinates, need at least 4", len(coords))
	}
	if !(neighbour > 0) {
		return nil, fmt.Errorf("volume space: neighbour distance %v mm must be positive", neighbour)
	}
	s := &Space{Left: coords, Neighbour: neighbour, Regions: make([]string, len(coords)), Order: make([]int, len(coords))}
	for i := range coords {
		s.Regions[i], s.Order[i] = strconv.Itoa(i+1), i
	}
	return s, nil
}

// neighbourWeights is the neighbourhood graph's weights: 1/d for brainordinates at most radius mm
// apart, 0 otherwise (row-major n x n).
func neighbourWeights(coords [][3]float64, radius float64) []float64 {
	n := len(coords)
	w := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			a, b := coords[i], coords[j]
			d := math.Sqrt((a[0]-b[0])*(a[0]-b[0]) + (a[1]-b[1])*(a[1]-b[1]) + (a[2]-b[2])*(a[2]-b[2]))
			if i != j && d <= radius {
				w[i*n+j] = 1 / d
			}
		}
	}
	return w
}

// volumePairFPR is moran-pair's measured false-positive rate on volumes (bench/spin, 1,000 pairs
// of 10x10x10 stationary smooth random volumes of 4 mm voxels, with each map's smoothness kernel
// as the weights; 0.147 and 0.183 on the 1/d neighbour graph), named when it is refused.
const volumePairFPR = "0.138 and 0.175 at FWHM 8 and 12 mm"

// gridAxis is one axis of a volume's grid: its step (mm) and the pairs of brainordinates one step
// apart along it (both inside the space).
type gridAxis struct {
	step  float64
	pairs [][2]int
}

// gridAxes finds a volume's grid axes among the difference vectors of brainordinates at most
// radius mm apart: the shortest, the shortest not parallel to it, and the shortest out of their
// plane (the voxel axes for a grid from an affine whose axes are not strongly sheared), each
// with its pairs.
func gridAxes(coords [][3]float64, radius float64) []gridAxis {
	type group struct {
		v     [3]float64
		pairs [][2]int
	}
	groups := map[[3]int64]*group{}
	for i := range coords {
		for j := i + 1; j < len(coords); j++ {
			a, b := i, j
			v := [3]float64{coords[j][0] - coords[i][0], coords[j][1] - coords[i][1], coords[j][2] - coords[i][2]}
			d := math.Sqrt(v[0]*v[0] + v[1]*v[1] + v[2]*v[2])
			if d > radius || d == 0 {
				continue
			}
			for _, c := range v { // one sign for v and −v
				if math.Abs(c) > 1e-6*d {
					if c < 0 {
						v, a, b = [3]float64{-v[0], -v[1], -v[2]}, j, i
					}
					break
				}
			}
			key := [3]int64{int64(math.Round(v[0] * 1e3)), int64(math.Round(v[1] * 1e3)), int64(math.Round(v[2] * 1e3))}
			g := groups[key]
			if g == nil {
				g = &group{v: v}
				groups[key] = g
			}
			g.pairs = append(g.pairs, [2]int{a, b})
		}
	}
	all := make([]*group, 0, len(groups))
	for _, g := range groups {
		all = append(all, g)
	}
	norm := func(v [3]float64) float64 { return math.Sqrt(v[0]*v[0] + v[1]*v[1] + v[2]*v[2]) }
	sort.Slice(all, func(p, q int) bool {
		np, nq := norm(all[p].v), norm(all[q].v)
		if math.Abs(np-nq) > 1e-9 {
			return np < nq
		}
		return len(all[p].pairs) > len(all[q].pairs)
	})
	cross := func(a, b [3]float64) [3]float64 {
		return [3]float64{a[1]*b[2] - a[2]*b[1], a[2]*b[0] - a[0]*b[2], a[0]*b[1] - a[1]*b[0]}
	}
	var axes []gridAxis
	var chosen [][3]float64
	for _, g := range all {
		switch len(chosen) {
		case 1:
			if norm(cross(chosen[0], g.v)) <= 1e-3*norm(chosen[0])*norm(g.v) {
				continue
			}
		case 2:
			n := cross(chosen[0], chosen[1])
			if math.Abs(n[0]*g.v[0]+n[1]*g.v[1]+n[2]*g.v[2]) <= 1e-3*norm(n)*norm(g.v) {
				continue
			}
		}
		chosen = append(chosen, g.v)
		axes = append(axes, gridAxis{norm(g.v), g.pairs})
		if len(axes) == 3 {
			break
		}
	}
	return axes
}

// estimateFWHM is a map's smoothness as the FWHM (mm) of the Gaussian kernel that would make it
// from white noise, by first differences as AFNI's 3dFWHMx -classic (Forman et al. 1995; FSL's
// smoothest rests on the same lag-one relation): per axis, with var(x) the map's variance and
// var(dx) that of its differences between neighbours one step apart along the axis (both with
// n − 1), FWHM = step·√(−2 ln 2 / ln(1 − var(dx)/(2 var(x)))); the axes whose argument is not
// in (0, 1) are left out, and the map's FWHM is the geometric mean of the others (3dFWHMx's
// combined estimate). It returns NaN when no axis gives one.
func estimateFWHM(x []float64, axes []gridAxis) (float64, []float64) {
	_, sd := stats.MeanSD(x)
	vx := sd * sd
	per := make([]float64, len(axes))
	logSum, valid := 0.0, 0
	for a, ax := range axes {
		per[a] = math.NaN()
		if len(ax.pairs) < 2 || !(vx > 0) {
			continue
		}
		var sum, sq float64
		for _, p := range ax.pairs {
			d := x[p[1]] - x[p[0]]
			sum += d
			sq += d * d
		}
		c := float64(len(ax.pairs))
		vdx := (sq - sum*sum/c) / (c - 1)
		arg := 1 - vdx/(2*vx)
		if arg <= 0 || arg >= 1 {
			continue
		}
		per[a] = ax.step * math.Sqrt(-2*math.Ln2/math.Log(arg))
		logSum += math.Log(per[a])
		valid++
	}
	if valid == 0 {
		return math.NaN(), per
	}
	return math.Exp(logSum / float64(valid)), per
}

// gaussianMEMs are the Moran eigenvectors of a volume's Gaussian weights (stats.GaussianWeights)
// at each map's own smoothness (estimateFWHM rounded to 0.5 mm, kept within one voxel step and
// the volume's diameter, a rough map taking the step), computed once per width and kept.
type gaussianMEMs struct {
	coords  [][3]float64
	axes    []gridAxis
	lo, hi  float64
	mu      sync.Mutex
	byWidth map[float64]*memEntry
}

type memEntry struct {
	once sync.Once
	mem  *stats.MoranEigenvectors
	err  error
}

func newGaussianMEMs(coords [][3]float64, radius float64) (*gaussianMEMs, error) {
	axes := gridAxes(coords, radius)
	if len(axes) == 0 {
		return nil, fmt.Errorf("no two brainordinates are neighbours (at most %v mm apart): the map's smoothness cannot be estimated", radius)
	}
	hi := 0.0
	for i := range coords {
		for j := 0; j < i; j++ {
			a, b := coords[i], coords[j]
			hi = math.Max(hi, (a[0]-b[0])*(a[0]-b[0])+(a[1]-b[1])*(a[1]-b[1])+(a[2]-b[2])*(a[2]-b[2]))
		}
	}
	return &gaussianMEMs{coords: coords, axes: axes, lo: axes[0].step, hi: math.Sqrt(hi), byWidth: map[float64]*memEntry{}}, nil
}

// width is the weights' FWHM for map x.
func (g *gaussianMEMs) width(x []float64) float64 {
	f, _ := estimateFWHM(x, g.axes)
	if math.IsNaN(f) || f < g.lo {
		f = g.lo
	}
	return math.Round(2*math.Min(f, g.hi)) / 2
}

// forMap returns the eigenvectors for map x and their weights' FWHM.
func (g *gaussianMEMs) forMap(x []float64) (*stats.MoranEigenvectors, float64, error) {
	f := g.width(x)
	g.mu.Lock()
	e := g.byWidth[f]
	if e == nil {
		e = &memEntry{}
		g.byWidth[f] = e
	}
	g.mu.Unlock()
	e.once.Do(func() {
		e.mem, e.err = stats.NewMoranEigenvectors(stats.GaussianWeights(g.coords, f), len(g.coords), 1e-6)
	})
	return e.mem, f, e.err
}

// SmoothRandomVolumes draws n independent smooth random maps on a grid (shape, isotropic voxels of
// size mm): white noise convolved with a Gaussian of the given FWHM (mm), every voxel of the grid
// contributing, unit variance; map k draws from PCG(seed, k). It returns the maps and the voxels'
// mm positions (x fastest).
func SmoothRandomVolumes(shape [3]int, size, fwhm float64, n int, seed uint64) ([][]float64, [][3]float64, error) {
	if !(size > 0) || !(fwhm > 0) || shape[0] < 1 || shape[1] < 1 || shape[2] < 1 {
		return nil, nil, fmt.Errorf("smooth random volumes: grid %v of %v mm voxels, FWHM %v mm", shape, size, fwhm)
	}
	var coords [][3]float64
	for k := 0; k < shape[2]; k++ {
		for j := 0; j < shape[1]; j++ {
			for i := 0; i < shape[0]; i++ {
				coords = append(coords, [3]float64{size * float64(i), size * float64(j), size * float64(k)})
			}
		}
	}
	N := len(coords)
	sigma := fwhm / (2 * math.Sqrt(2*math.Ln2))
	kernel := make([]float64, N*N)
	for i, a := range coords {
		for j, b := range coords {
			d2 := (a[0]-b[0])*(a[0]-b[0]) + (a[1]-b[1])*(a[1]-b[1]) + (a[2]-b[2])*(a[2]-b[2])
			kernel[i*N+j] = math.Exp(-d2 / (2 * sigma * sigma))
		}
	}
	maps := make([][]float64, n)
	parallel.For(n, func(k int) {
		rng := rand.New(rand.NewPCG(seed, uint64(k)))
		z := make([]float64, N)
		for i := range z {
			z[i] = rng.NormFloat64()
		}
		m := make([]float64, N)
		var mean, ss float64
		for i := range m {
			row := kernel[i*N : (i+1)*N]
			for j, v := range row {
				m[i] += v * z[j]
			}
			mean += m[i] / float64(N)
		}
		for i := range m {
			ss += (m[i] - mean) * (m[i] - mean)
		}
		for i := range m {
			m[i] = (m[i] - mean) / math.Sqrt(ss/float64(N-1))
		}
		maps[k] = m
	})
	return maps, coords, nil
}

// MaxVolumeVoxels is the most brainordinates of a volume the dense surrogate models (variogram,
// moran) take: they build N x N matrices (resample larger maps to a coarser grid, or
// use variogram-sampled).
const MaxVolumeVoxels = 6000

// MaxSampledVoxels is the most brainordinates VolumeMaps accepts: variogram-sampled keeps 1,000
// neighbours of each (16 kB a brainordinate) and finds them in O(N² log N).
const MaxSampledVoxels = 50000

// denseLimit refuses a volume too large for a model that builds N x N matrices.
func denseLimit(s *Space, model string) error {
	if err := notDense(s, model); err != nil {
		return err
	}
	if s.Neighbour > 0 && len(s.Regions) > MaxVolumeVoxels {
		return fmt.Errorf("%d voxels; the %s null takes at most %d: resample the maps to a coarser grid, give a smaller --mask or use --null variogram-sampled", len(s.Regions), model, MaxVolumeVoxels)
	}
	return nil
}

// variogramSampled is BrainSMASH's Sampled generator (stats.SampledVariogramSurrogates) with its
// defaults (500 sampled brainordinates, 1,000 neighbours; at most N and N − 1 on smaller maps), on
// the Euclidean distances between each hemisphere's brainordinates: variogram matching for maps
// too large for the dense generator.
type variogramSampled struct{}

func (variogramSampled) Name() string { return "variogram-sampled" }
func (variogramSampled) Description() string {
	return "variogram-matching, sampled for dense maps (surrogates)"
}
func (variogramSampled) Needs() Need { return NeedsCentroids }
func (m variogramSampled) Draw(s *Space, n int, seed uint64) (Null, error) {
	if err := notDense(s, m.Name()); err != nil {
		return nil, err
	}
	return perHemisphere(m, s, n, seed, func(c [][3]float64) (*stats.SampledVariogramGeometry, error) {
		o := stats.SampledVariogramOptions{Samples: min(500, len(c)), Neighbours: min(1000, len(c)-1)}
		return stats.NewSampledVariogramGeometry(c, o)
	}, func(g *stats.SampledVariogramGeometry, part []float64) (generator, error) { return g.Surrogates(part) })
}

// VolumeMaps reads two NIfTI maps on one grid for a volumetric test: the voxels of mask (a NIfTI
// on the same grid, value ≥ 0.5; without one, the voxels where both maps are finite and not both
// zero), their values and the space (VolumeSpace with the 26-neighbour distance, 1.01 x the voxel
// diagonal). Two CIFTI-2 .dscalar.nii files are read instead by their voxel brainordinates (no
// mask; surface brainordinates refused).
func VolumeMaps(xPath, yPath, maskPath string) (*Space, [2][]float64, error) {
	if strings.HasSuffix(xPath, ".dscalar.nii") || strings.HasSuffix(yPath, ".dscalar.nii") {
		return dscalarMaps(xPath, yPath, maskPath)
	}
	var out [2][]float64
	var ims [3]*nifti.Image
	for k, p := range []string{xPath, yPath, maskPath} {
		if p == "" {
			continue
		}
		im, err := nifti.Load(p, nil)
		if err != nil {
			return nil, out, err
		}
		if k < 2 && im.Header.NumVolumes() != 1 {
			return nil, out, fmt.Errorf("%s: %d volumes; a map has one", p, im.Header.NumVolumes())
		}
		ims[k] = im
	}
	aff, _, err := ims[0].Header.Affine()
	if err != nil {
		return nil, out, fmt.Errorf("%s: %w", xPath, err)
	}
	shape := ims[0].Header.VolumeShape()
	for k, p := range []string{yPath, maskPath} {
		if im := ims[k+1]; im != nil {
			a, _, err := im.Header.Affine()
			if err != nil || im.Header.VolumeShape() != shape || a.MaxAbsDiff(aff) > 1e-3 {
				return nil, out, fmt.Errorf("%s: its grid differs from %s's %v: resample it first", p, xPath, shape)
			}
		}
	}
	var coords [][3]float64
	nvox := shape[0] * shape[1] * shape[2]
	for i := 0; i < nvox; i++ {
		x, y := ims[0].Data[i], ims[1].Data[i]
		in := !math.IsNaN(x+y) && !math.IsInf(x+y, 0) && (x != 0 || y != 0)
		if ims[2] != nil {
			in = ims[2].Data[i] >= 0.5
			if in && (math.IsNaN(x+y) || math.IsInf(x+y, 0)) {
				return nil, out, fmt.Errorf("%s or %s: voxel %d inside the mask has no finite value", xPath, yPath, i)
			}
		}
		if in {
			p, q, r := aff.Apply(float64(i%shape[0]), float64(i/shape[0]%shape[1]), float64(i/(shape[0]*shape[1])))
			coords = append(coords, [3]float64{p, q, r})
			out[0], out[1] = append(out[0], x), append(out[1], y)
		}
	}
	if len(coords) > MaxSampledVoxels {
		return nil, out, fmt.Errorf("%s: %d voxels; the volumetric nulls take at most %d (variogram-sampled; %d for the others): resample the maps to a coarser grid or give a smaller --mask", xPath, len(coords), MaxSampledVoxels, MaxVolumeVoxels)
	}
	vs := aff.VoxelSizes()
	s, err := VolumeSpace(coords, 1.01*math.Sqrt(vs[0]*vs[0]+vs[1]*vs[1]+vs[2]*vs[2]))
	if err != nil {
		return nil, out, fmt.Errorf("%s: %w", xPath, err)
	}
	return s, out, nil
}
