package extract

import (
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/painmark/painmark/nifti"
)

// MapsStrategy is how a probabilistic-map masker turns maps into signals.
type MapsStrategy string

// The strategies.
const (
	// LeastSquares regresses each volume on the maps (nilearn's NiftiMapsMasker:
	// lstsq(maps, data)): signals that, weighted by the maps, best reconstruct the volume.
	LeastSquares MapsStrategy = "lstsq"
	// WeightedMean is Σ w·x / Σ w per map.
	WeightedMean MapsStrategy = "weighted_mean"
)

type mapsReducer struct {
	strategy MapsStrategy
	allowNaN bool
	// Non-zero weights, voxel-major: entries[k] = (voxel, map, weight).
	vox    []int32
	reg    []int32
	weight []float64
	nmaps  int
	sumW   []float64
	chol   [][]float64 // Cholesky factor of MᵀM (LeastSquares)
}

func (m *mapsReducer) regions() int { return m.nmaps }

func (m *mapsReducer) reduce(vol, out []float64) error {
	for j := range out {
		out[j] = 0
	}
	for k, v := range m.vox {
		x := vol[v]
		if !finite(x) {
			if m.allowNaN {
				continue
			}
			return fmt.Errorf("non-finite value at voxel %d", v)
		}
		out[m.reg[k]] += m.weight[k] * x
	}
	switch m.strategy {
	case WeightedMean:
		for j := range out {
			out[j] /= m.sumW[j]
		}
	case LeastSquares:
		choleskySolve(m.chol, out)
	}
	return nil
}

// Maps extracts one signal per map of a 4D probabilistic-map image (one volume per region, on the
// data grid) from the 4D image at path. names labels the maps (nil: map_000, map_001, ...).
func Maps(path, mapsPath string, names []string, strategy MapsStrategy, o Options) (*Result, error) {
	if strategy == "" {
		strategy = LeastSquares
	}
	if strategy != LeastSquares && strategy != WeightedMean {
		return nil, fmt.Errorf("unknown maps strategy %q (lstsq, weighted_mean)", strategy)
	}
	r, aff, err := open4D(path, o)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	mr, err := nifti.Open(mapsPath, nil)
	if err != nil {
		return nil, err
	}
	defer mr.Close()
	maff, _, err := mr.Header.Affine()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", mapsPath, err)
	}
	shape := r.Header.VolumeShape()
	if !sameGrid(shape, aff, mr.Header.VolumeShape(), maff) {
		return nil, fmt.Errorf("%s: the maps are on grid %v, the data %s on %v: probabilistic maps must be resampled to the data grid first (continuous interpolation; painmark only resamples label images)",
			mapsPath, mr.Header.VolumeShape(), path, shape)
	}
	nmaps := mr.NumVolumes()
	if names == nil {
		for j := 0; j < nmaps; j++ {
			names = append(names, fmt.Sprintf("map_%03d", j))
		}
	}
	if len(names) != nmaps {
		return nil, fmt.Errorf("%s: %d maps but %d names", mapsPath, nmaps, len(names))
	}
	red := &mapsReducer{strategy: strategy, allowNaN: o.AllowNonFinite, nmaps: nmaps, sumW: make([]float64, nmaps)}
	ata := make([][]float64, nmaps)
	for j := range ata {
		ata[j] = make([]float64, nmaps)
	}
	// Read the maps once, keeping their non-zero weights, and accumulate MᵀM.
	nvox := mr.VoxelsPerVolume()
	perVoxel := make([][]int32, nvox) // maps with a weight at each voxel (indices into entries)
	buf := make([]float64, nvox)
	counts := make([]int, nmaps)
	for j := 0; j < nmaps; j++ {
		if err := mr.Next(buf); err != nil {
			if errors.Is(err, io.EOF) {
				err = fmt.Errorf("ended early")
			}
			return nil, fmt.Errorf("%s: map %d: %w", mapsPath, j, err)
		}
		for v, w := range buf {
			if w != 0 {
				perVoxel[v] = append(perVoxel[v], int32(len(red.vox)))
				red.vox = append(red.vox, int32(v))
				red.reg = append(red.reg, int32(j))
				red.weight = append(red.weight, w)
				red.sumW[j] += w
				counts[j]++
			}
		}
	}
	for j, c := range counts {
		if c == 0 {
			return nil, fmt.Errorf("%s: map %d (%s) is empty", mapsPath, j, names[j])
		}
		if strategy == WeightedMean && red.sumW[j] == 0 {
			return nil, fmt.Errorf("%s: the weights of map %d (%s) sum to zero", mapsPath, j, names[j])
		}
	}
	for _, entries := range perVoxel {
		for _, a := range entries {
			for _, b := range entries {
				ata[red.reg[a]][red.reg[b]] += red.weight[a] * red.weight[b]
			}
		}
	}
	if strategy == LeastSquares {
		if red.chol, err = cholesky(ata); err != nil {
			return nil, fmt.Errorf("%s: the maps are linearly dependent, least squares has no unique solution: %w", mapsPath, err)
		}
	}
	sig, err := run(r, red, o)
	if err != nil {
		return nil, err
	}
	return &Result{Source: path, Names: names, Signals: sig, VoxelCounts: counts, TR: tr(r), AllZero: allZeroColumns(sig, names)}, nil
}

// cholesky factors a symmetric positive definite matrix as L·Lᵀ.
func cholesky(a [][]float64) ([][]float64, error) {
	n := len(a)
	l := make([][]float64, n)
	for i := range l {
		l[i] = make([]float64, n)
	}
	for j := 0; j < n; j++ {
		s := a[j][j]
		for k := 0; k < j; k++ {
			s -= l[j][k] * l[j][k]
		}
		if s <= 1e-12*math.Max(1, a[j][j]) {
			return nil, fmt.Errorf("pivot %d is %g", j, s)
		}
		l[j][j] = math.Sqrt(s)
		for i := j + 1; i < n; i++ {
			s := a[i][j]
			for k := 0; k < j; k++ {
				s -= l[i][k] * l[j][k]
			}
			l[i][j] = s / l[j][j]
		}
	}
	return l, nil
}

// choleskySolve solves L·Lᵀ·x = b in place.
func choleskySolve(l [][]float64, b []float64) {
	n := len(b)
	for i := 0; i < n; i++ {
		s := b[i]
		for k := 0; k < i; k++ {
			s -= l[i][k] * b[k]
		}
		b[i] = s / l[i][i]
	}
	for i := n - 1; i >= 0; i-- {
		s := b[i]
		for k := i + 1; k < n; k++ {
			s -= l[k][i] * b[k]
		}
		b[i] = s / l[i][i]
	}
}
