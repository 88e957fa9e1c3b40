package glm

import (
	"gonum.org/v1/gonum/mat"
)

// blockCols is the number of voxels fitted together (one matrix product) by one worker.
const blockCols = 1024

// fitSlabs is fitSeries over the mask's voxels read from a run a slab of z-planes at a time (a
// gzip run needing several slabs is spilled once to a temporary file).
func (m *FirstLevelModel) fitSlabs(src *slabSource, d *Design) (*OLSFit, error) {
	nv := len(m.Voxels)
	sl := slabs(m.Voxels, src.nxy, int(m.Grid.Dim[3]), src.nvol, int64(m.Options.SlabMiB)<<20)
	if err := src.spillSlabs(m.Voxels, sl); err != nil {
		return nil, err
	}
	kmax := 0
	starts := make([]int, len(sl))
	for i := range sl {
		kmax = max(kmax, slabEnd(sl, i, nv)-sl[i][2])
		starts[i] = sl[i][2]
	}
	buf := mat.NewDense(src.nvol, kmax, nil) // one slab's series, reused by every slab and pass
	return fitSeries(d, nv, m.Options, starts, func(i int) (*mat.Dense, error) {
		y, _, err := m.readSlabInto(src, sl, i, buf)
		return y, err
	})
}

// fitSeries is nilearn's run_glm over nv series (scans x series), read in slabs (slab i holds the
// series from starts[i]; read(i) returns them, mean-scaled when asked): OLS estimates and residual
// sums per series in a first pass; for ar1 the AR(1) coefficients (needing the residual mean over
// all series) and the binned prewhitened fits in a second pass over the same slabs (read again
// unless there is one). Within a slab, blocks of series are fitted in parallel; each series' numbers
// depend only on itself (and the global residual mean, summed in order), not on the number of
// workers.
func fitSeries(d *Design, nv int, o FirstLevelOptions, starts []int, read func(i int) (*mat.Dense, error)) (*OLSFit, error) {
	ols, err := NewOLS(d)
	if err != nil {
		return nil, err
	}
	n, p := ols.n, ols.p
	fit := &OLSFit{Models: make([]*OLS, nv), Beta: make([][]float64, nv), Dispersion: make([]float64, nv)}
	beta := make([]float64, nv*p)
	for v := range fit.Beta {
		fit.Beta[v] = beta[v*p : (v+1)*p : (v+1)*p]
	}
	ar := o.NoiseModel == NoiseAR1
	var rs residualSums
	if ar {
		rs = newResidualSums(nv)
	}
	var kept *mat.Dense
	for i, s0 := range starts {
		y, err := read(i)
		if err != nil {
			return nil, err
		}
		inBlocks(y, func(yb *mat.Dense, j0 int) {
			_, k := yb.Dims()
			sc := getScratch(n, p)
			b, r := sc.mat(0, p, k), sc.mat(1, n, k)
			b.Mul(ols.pinv, yb)
			r.Mul(ols.x, b)
			r.Sub(yb, r)
			store(fit, ols, b, r, s0+j0)
			if ar {
				rs.add(r, s0+j0)
			}
			scratchPool.Put(sc)
		})
		if ar && len(starts) == 1 {
			kept = y
		}
	}
	if !ar {
		return fit, nil
	}
	rho := rs.rho(n, o.Bins)
	models := map[float64]*OLS{}
	for _, r := range rho {
		if _, ok := models[r]; !ok {
			if models[r], err = NewAR1(d, r); err != nil {
				return nil, err
			}
		}
	}
	for i, s0 := range starts {
		y := kept
		if y == nil {
			if y, err = read(i); err != nil {
				return nil, err
			}
		}
		inBlocks(y, func(yb *mat.Dense, j0 int) { fitAR1Block(fit, models, rho, yb, s0+j0) })
	}
	return fit, nil
}

// fitAR1Block fits each voxel of a block with its AR(1) bin's prewhitened model (nilearn's
// ARModel(X, rho).fit(Y) per bin): the block's voxels grouped by bin, each group whitened
// (w[0] = y[0], w[t] = y[t] - rho·y[t-1]) and fitted by one matrix product.
func fitAR1Block(fit *OLSFit, models map[float64]*OLS, rho []float64, y *mat.Dense, off int) {
	n, k := y.Dims()
	groups := map[float64][]int{}
	var keys []float64
	for j := 0; j < k; j++ {
		r := rho[off+j]
		if _, ok := groups[r]; !ok {
			keys = append(keys, r)
		}
		groups[r] = append(groups[r], j)
	}
	sc := getScratch(n, fit.Models[off].p)
	defer scratchPool.Put(sc)
	for _, r := range keys {
		mod, cols := models[r], groups[r]
		yw := sc.mat(1, n, len(cols))
		for t := 0; t < n; t++ {
			row, out := y.RawRowView(t), yw.RawRowView(t)
			if t == 0 {
				for c, j := range cols {
					out[c] = row[j]
				}
				continue
			}
			prev := y.RawRowView(t - 1)
			for c, j := range cols {
				out[c] = row[j] - r*prev[j]
			}
		}
		b, res := sc.mat(0, mod.p, len(cols)), sc.mat(2, n, len(cols))
		b.Mul(mod.pinv, yw)
		res.Mul(mod.x, b)
		res.Sub(yw, res)
		ssr := columnSumSquares(res)
		for c, j := range cols {
			v := off + j
			fit.Models[v] = mod
			for q := range fit.Beta[v] {
				fit.Beta[v][q] = b.At(q, c)
			}
			fit.Dispersion[v] = ssr[c] / float64(mod.n-mod.p)
		}
	}
}

// readSlab reads slab i of sl (masked voxels, all volumes) and mean-scales it when asked.
func (m *FirstLevelModel) readSlab(src *slabSource, sl [][3]int, i int) (*mat.Dense, []int, error) {
	return m.readSlabInto(src, sl, i, nil)
}

// readSlabInto is readSlab into buf (nvol rows, at least the slab's voxels as columns; nil: a new
// matrix).
func (m *FirstLevelModel) readSlabInto(src *slabSource, sl [][3]int, i int, buf *mat.Dense) (*mat.Dense, []int, error) {
	idx := m.Voxels[sl[i][2]:slabEnd(sl, i, len(m.Voxels))]
	if buf == nil {
		buf = mat.NewDense(src.nvol, len(idx), nil)
	}
	y := buf.Slice(0, src.nvol, 0, len(idx)).(*mat.Dense)
	if err := src.read(i, sl[i][0], sl[i][1], idx, y); err != nil {
		return nil, nil, err
	}
	if m.Options.SignalScaling {
		meanScale(y, src.single())
	}
	return y, idx, nil
}

// meanScale is nilearn's mean_scaling along time: each column to 100·(y/max(mean, 1) - 1). With
// single, the mean and the scaling are computed in float32 arithmetic, as numpy does on the float32
// array nilearn's masker returns for a float32 image (the fit itself is in float64 in both).
func meanScale(y *mat.Dense, single bool) {
	n, k := y.Dims()
	if single {
		mean := make([]float32, k)
		for t := 0; t < n; t++ {
			for j, v := range y.RawRowView(t) {
				mean[j] = float32(mean[j] + float32(v))
			}
		}
		for j := range mean {
			mean[j] = max(float32(mean[j]/float32(n)), 1)
		}
		for t := 0; t < n; t++ {
			row := y.RawRowView(t)
			for j, v := range row {
				row[j] = float64(float32(100 * float32(float32(float32(v)/mean[j])-1)))
			}
		}
		return
	}
	mean := make([]float64, k)
	for t := 0; t < n; t++ {
		for j, v := range y.RawRowView(t) {
			mean[j] += v
		}
	}
	for j := range mean {
		mean[j] = max(mean[j]/float64(n), 1)
	}
	for t := 0; t < n; t++ {
		row := y.RawRowView(t)
		for j, v := range row {
			row[j] = 100 * (v/mean[j] - 1)
		}
	}
}

// store copies a slab's estimates and OLS dispersions (SSR/(n - p), nilearn's) into fit.
func store(fit *OLSFit, ols *OLS, b, r *mat.Dense, off int) {
	p, k := b.Dims()
	for q := 0; q < p; q++ {
		row := b.RawRowView(q)
		for j := 0; j < k; j++ {
			fit.Beta[off+j][q] = row[j]
		}
	}
	ssr := columnSumSquares(r)
	for j := 0; j < k; j++ {
		fit.Models[off+j] = ols
		fit.Dispersion[off+j] = ssr[j] / float64(ols.n-ols.p)
	}
}

func columnSumSquares(r *mat.Dense) []float64 {
	n, k := r.Dims()
	s := make([]float64, k)
	for t := 0; t < n; t++ {
		for j, v := range r.RawRowView(t) {
			s[j] += v * v
		}
	}
	return s
}

// residualSums holds, per voxel, the sums of its OLS residuals that nilearn's _yule_walker needs:
// Σr, Σr², Σr[t-1]·r[t], the first and the last residual.
type residualSums struct{ s1, s2, s11, first, last []float64 }

func newResidualSums(nv int) residualSums {
	return residualSums{make([]float64, nv), make([]float64, nv), make([]float64, nv), make([]float64, nv), make([]float64, nv)}
}

func (rs residualSums) add(r *mat.Dense, off int) {
	n, k := r.Dims()
	for t := 0; t < n; t++ {
		row := r.RawRowView(t)
		for j, v := range row {
			rs.s1[off+j] += v
			rs.s2[off+j] += v * v
		}
		if t == 0 {
			copy(rs.first[off:off+k], row)
			continue
		}
		prev := r.RawRowView(t - 1)
		for j, v := range row {
			rs.s11[off+j] += prev[j] * v
		}
		if t == n-1 {
			copy(rs.last[off:off+k], row)
		}
	}
}

// rho is nilearn's AR(1) estimate per voxel: Yule-Walker on the residuals centred on their mean over
// all voxels and scans (x - x.mean()), r1/(n-1)/n over r0/n/n, truncated to a multiple of 1/bins
// as (rho*bins).astype(int)/bins.
func (rs residualSums) rho(n, bins int) []float64 {
	total := 0.0
	for _, s := range rs.s1 {
		total += s
	}
	mu := total / float64(n*len(rs.s1))
	nf := float64(n)
	out := make([]float64, len(rs.s1))
	for v := range out {
		r0 := rs.s2[v] - 2*mu*rs.s1[v] + nf*mu*mu
		r1 := rs.s11[v] - mu*(2*rs.s1[v]-rs.first[v]-rs.last[v]) + (nf-1)*mu*mu
		a := (r1 / ((nf - 1) * nf)) / (r0 / (nf * nf))
		out[v] = float64(int(a*float64(bins))) * 1.0 / float64(bins)
	}
	return out
}
