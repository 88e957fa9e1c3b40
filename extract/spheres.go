package extract

import (
	"fmt"
	"math"
)

// Spheres extracts the mean signal in a sphere of the given radius (mm) around each seed (world
// mm), as nilearn's NiftiSpheresMasker: the voxels whose centres lie within the radius, plus the
// voxel nearest the seed (so radius 0 takes one voxel). Overlapping spheres are refused unless
// allowOverlap. names labels the seeds (nil: sphere_000, ...).
func Spheres(path string, seeds [][3]float64, radius float64, names []string, allowOverlap bool, o Options) (*Result, error) {
	if radius < 0 {
		return nil, fmt.Errorf("sphere radius %g mm is negative", radius)
	}
	if len(seeds) == 0 {
		return nil, fmt.Errorf("no seed coordinates given")
	}
	if names == nil {
		for i := range seeds {
			names = append(names, fmt.Sprintf("sphere_%03d", i))
		}
	}
	if len(names) != len(seeds) {
		return nil, fmt.Errorf("%d seeds but %d names", len(seeds), len(names))
	}
	r, aff, err := open4D(path, o)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	inv, err := aff.Inverse()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	sh := r.Header.VolumeShape()
	red := &labelReducer{strategy: Mean, allowNaN: o.AllowNonFinite}
	owner := map[int32]int{}
	counts := make([]int, len(seeds))
	r2 := radius * radius
	for s, seed := range seeds {
		var vx []int32
		seen := map[int32]bool{}
		add := func(i int32) {
			if !seen[i] {
				seen[i] = true
				vx = append(vx, i)
			}
		}
		// Nearest voxel: the seed's voxel coordinates rounded half to even (numpy's round).
		ci, cj, ck := inv.Apply(seed[0], seed[1], seed[2])
		ni, nj, nk := int(math.RoundToEven(ci)), int(math.RoundToEven(cj)), int(math.RoundToEven(ck))
		inside := func(i, j, k int) bool { return i >= 0 && j >= 0 && k >= 0 && i < sh[0] && j < sh[1] && k < sh[2] }
		// Candidate voxels: a box around the seed wide enough for the radius in every direction.
		vs := aff.VoxelSizes()
		span := [3]int{}
		for a := 0; a < 3; a++ {
			span[a] = int(math.Ceil(radius/math.Max(vs[a], 1e-9))) + 1
		}
		for k := nk - span[2]; k <= nk+span[2]; k++ {
			for j := nj - span[1]; j <= nj+span[1]; j++ {
				for i := ni - span[0]; i <= ni+span[0]; i++ {
					if !inside(i, j, k) {
						continue
					}
					x, y, z := aff.Apply(float64(i), float64(j), float64(k))
					dx, dy, dz := x-seed[0], y-seed[1], z-seed[2]
					if dx*dx+dy*dy+dz*dz <= r2 {
						add(int32(i + sh[0]*(j+sh[1]*k)))
					}
				}
			}
		}
		if inside(ni, nj, nk) {
			add(int32(ni + sh[0]*(nj+sh[1]*nk)))
		}
		if len(vx) == 0 {
			return nil, fmt.Errorf("%s: the sphere around seed %d (%s at %v mm, radius %g mm) contains no voxel of the image", path, s, names[s], seed, radius)
		}
		if !allowOverlap {
			for _, v := range vx {
				if prev, ok := owner[v]; ok {
					return nil, fmt.Errorf("%s: spheres %s and %s overlap (radius %g mm); allow overlap explicitly if intended", path, names[prev], names[s], radius)
				}
				owner[v] = s
			}
		}
		counts[s] = len(vx)
		red.voxels = append(red.voxels, vx)
	}
	maxVox := 0
	for _, vx := range red.voxels {
		maxVox = max(maxVox, len(vx))
	}
	red.scratch = make([]float64, 0, maxVox)
	// No flat voxel list: spheres may overlap, so they are reduced region by region.
	sig, err := run(r, red, o)
	if err != nil {
		return nil, err
	}
	return &Result{Source: path, Names: names, Signals: sig, VoxelCounts: counts, TR: tr(r), AllZero: allZeroColumns(sig, names)}, nil
}
