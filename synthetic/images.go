package synthetic

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/painmark/painmark/atlas"
	"github.com/painmark/painmark/nifti"
	"github.com/painmark/painmark/space"
	"gonum.org/v1/gonum/mat"
)

// ImageTR is the repetition time written into the synthetic images' headers (seconds).
const ImageTR = 2.5

// BrainImageSpace and CordImageSpace are the BIDS space entities of the synthetic runs: the brain
// run as fMRIPrep names it, the cord run as the corticospinal set expects beside it
// (extract.CordFor).
const (
	BrainImageSpace = "MNI152NLin2009cAsym"
	CordImageSpace  = atlas.CordSpace
)

// WriteGreyMatterMask writes the grey-matter mask of the synthetic images' global signal GM: every
// MIST-122 voxel and the unlabelled voxels next to one (a one-voxel shell), on MIST's 3 mm MNI
// grid. The shell makes GM more than the union of the parcels, so the images can carry an
// independent GM series (with MIST alone, GM would be the parcels' voxel-weighted mean).
func WriteGreyMatterMask(path string) error {
	dir, err := os.MkdirTemp("", "painmark-gm-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	mist, err := atlas.BuiltinImage("mist122", dir)
	if err != nil {
		return err
	}
	sh := mist.Shape
	data := make([]float64, len(mist.Labels))
	for idx, v := range mist.Labels {
		if v != 0 {
			data[idx] = 1
			continue
		}
		i, j, k := idx%sh[0], (idx/sh[0])%sh[1], idx/(sh[0]*sh[1])
		for _, d := range [][3]int{{1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, 0, 1}, {0, 0, -1}} {
			a, b, c := i+d[0], j+d[1], k+d[2]
			if a >= 0 && b >= 0 && c >= 0 && a < sh[0] && b < sh[1] && c < sh[2] && mist.Labels[a+sh[0]*(b+sh[1]*c)] != 0 {
				data[idx] = 1
				break
			}
		}
	}
	h := nifti.NewHeader([]int{sh[0], sh[1], sh[2]}, nifti.Uint8)
	h.SetAffine(mist.Affine, nifti.XformMNI152)
	return nifti.Write(path, h, data)
}

// imageSpace is one space's grid with each voxel's atom (the set of regions it belongs to; -1:
// none) and the map from region series to atom values.
type imageSpace struct {
	name   string
	shape  [3]int
	affine space.Affine
	code   nifti.XformCode
	atom   []int
	cols   []int      // the set's columns of this space
	solve  *mat.Dense // atoms x len(cols): atom values = solve · series
	natoms int
}

// planSpace resamples the space's parts onto the grid as extraction does (nearest neighbour), groups
// voxels into atoms by the regions they belong to, and solves for atom values whose region means
// are the planted series exactly (minimum-norm solution of A·v = x, A[r][a] = share of region r's
// voxels in atom a).
func planSpace(set *atlas.RegionSet, sp string, shape [3]int, aff space.Affine, code nifti.XformCode) (*imageSpace, error) {
	is := &imageSpace{name: sp, shape: shape, affine: aff, code: code}
	n := shape[0] * shape[1] * shape[2]
	sig := make([][]int32, 0)
	var parts []int
	col, firstCol := 0, map[int]int{}
	for p, part := range set.Parts {
		firstCol[p] = col
		col += part.Table.Len()
		if part.Space != sp {
			continue
		}
		li, err := part.Labels.ResampleTo(shape, aff)
		if err != nil {
			return nil, err
		}
		parts = append(parts, p)
		sig = append(sig, li.Labels)
		for k := range part.Table.Regions {
			is.cols = append(is.cols, firstCol[p]+k)
		}
	}
	atoms := map[string]int{}
	var members [][]int32 // atom -> its label in each of the space's parts
	var sizes []int
	is.atom = make([]int, n)
	key := make([]byte, 0, 4*len(parts))
	for v := 0; v < n; v++ {
		key = key[:0]
		any := false
		for _, l := range sig {
			key = fmt.Appendf(key, "%d,", l[v])
			any = any || l[v] != 0
		}
		if !any {
			is.atom[v] = -1
			continue
		}
		a, ok := atoms[string(key)]
		if !ok {
			a = len(sizes)
			atoms[string(key)] = a
			m := make([]int32, len(sig))
			for i, l := range sig {
				m[i] = l[v]
			}
			members = append(members, m)
			sizes = append(sizes, 0)
		}
		sizes[a]++
		is.atom[v] = a
	}
	is.natoms = len(sizes)
	R := len(is.cols)
	A := mat.NewDense(R, is.natoms, nil)
	r := 0
	for i, p := range parts {
		for _, reg := range set.Parts[p].Table.Regions {
			total := 0
			for a, m := range members {
				if m[i] == int32(reg.Index) {
					total += sizes[a]
				}
			}
			if total == 0 {
				return nil, fmt.Errorf("region %s has no voxel on the %s grid", reg.Name, sp)
			}
			for a, m := range members {
				if m[i] == int32(reg.Index) {
					A.Set(r, a, float64(sizes[a])/float64(total))
				}
			}
			r++
		}
	}
	var AAt, inv mat.Dense
	AAt.Mul(A, A.T())
	if err := inv.Inverse(&AAt); err != nil {
		return nil, fmt.Errorf("the regions in %s space are not independent on this grid (a region is the union of others): %w", sp, err)
	}
	is.solve = &mat.Dense{}
	is.solve.Mul(A.T(), &inv)
	return is, nil
}

// write writes one run's image of this space: each voxel holds its atom's value, so every region's
// mean is the planted series.
func (is *imageSpace) write(path string, series [][]float64) error {
	T := len(series)
	h := nifti.NewHeader([]int{is.shape[0], is.shape[1], is.shape[2], T}, nifti.Float32)
	h.SetAffine(is.affine, is.code)
	h.Pixdim[4] = ImageTR
	w, err := nifti.Create(path, h)
	if err != nil {
		return err
	}
	x := mat.NewVecDense(len(is.cols), nil)
	var vals mat.VecDense
	vol := make([]float64, len(is.atom))
	for t := 0; t < T; t++ {
		for i, c := range is.cols {
			x.SetVec(i, series[t][c])
		}
		vals.MulVec(is.solve, x)
		for v, a := range is.atom {
			if a >= 0 {
				vol[v] = vals.AtVec(a)
			}
		}
		if err := w.WriteVolume(vol); err != nil {
			w.Abort()
			return err
		}
	}
	return w.Close()
}

// Images writes synthetic runs as brain and cord images from which the corticospinal region set
// extracts the planted series: the brain on MIST-122's 3 mm MNI grid, the cord in PAM50 space on a
// 1 x 1 x 2 mm grid around the set's spinal horns (PAM50's orientation, the field of view of a
// cervical cord acquisition).
type Images struct {
	set    *atlas.RegionSet
	spaces []*imageSpace
}

// NewImages prepares the images of a region set with the synthetic study's regions in order (the
// corticospinal set of atlas.LoadCorticospinal, its GM mask from WriteGreyMatterMask).
func NewImages(set *atlas.RegionSet) (*Images, error) {
	regions, err := Regions()
	if err != nil {
		return nil, err
	}
	names := set.Table().Names()
	if len(names) != len(regions) {
		return nil, fmt.Errorf("region set %s has %d regions; the synthetic study has %d", set.Name, len(names), len(regions))
	}
	for i, r := range regions {
		if names[i] != r.Name {
			return nil, fmt.Errorf("region %d of set %s is %s; the synthetic study's is %s", i+1, set.Name, names[i], r.Name)
		}
	}
	im := &Images{set: set}
	for _, sp := range set.Spaces() {
		var grid [3]int
		var aff space.Affine
		code := nifti.XformMNI152
		if sp == atlas.CordSpace {
			grid, aff = cordGrid(set)
			code = nifti.XformTemplate
		} else {
			brain := set.Parts[0].Labels
			grid, aff = brain.Shape, brain.Affine
		}
		is, err := planSpace(set, sp, grid, aff, code)
		if err != nil {
			return nil, err
		}
		im.spaces = append(im.spaces, is)
	}
	return im, nil
}

// cordGrid is a 1 x 1 x 2 mm grid in PAM50's orientation covering the set's cord parts with a
// margin of two voxels.
func cordGrid(set *atlas.RegionSet) ([3]int, space.Affine) {
	var li *atlas.LabelImage
	for _, p := range set.Parts {
		if p.Space == atlas.CordSpace {
			li = p.Labels
		}
	}
	sh := li.Shape
	lo, hi := [3]int{sh[0], sh[1], sh[2]}, [3]int{}
	for idx, v := range li.Labels {
		if v != 0 {
			c := [3]int{idx % sh[0], (idx / sh[0]) % sh[1], idx / (sh[0] * sh[1])}
			for a := 0; a < 3; a++ {
				lo[a], hi[a] = min(lo[a], c[a]), max(hi[a], c[a])
			}
		}
	}
	aff := li.Affine
	vs := aff.VoxelSizes()
	scale := [3]float64{1 / vs[0], 1 / vs[1], 2 / vs[2]}
	var grid [3]int
	for a := 0; a < 3; a++ {
		for r := 0; r < 3; r++ {
			aff[r][a] *= scale[a]
		}
		lo[a] = max(0, lo[a]-int(2*scale[a]))
		grid[a] = int(math.Ceil(float64(hi[a]-lo[a])/scale[a])) + 3
	}
	x0, y0, z0 := li.Affine.Apply(float64(lo[0]), float64(lo[1]), float64(lo[2]))
	aff[0][3], aff[1][3], aff[2][3] = x0, y0, z0
	return grid, aff
}

// WriteCohort writes a cohort's runs under dir as an fMRIPrep-style folder:
// sub-<ID>/func/sub-<ID>_task-rest_space-MNI152NLin2009cAsym_desc-preproc_bold.nii.gz and its cord
// run ..._space-PAM50_desc-preproc_bold.nii.gz.
func (im *Images) WriteCohort(dir string, c *Cohort) error {
	for _, s := range c.Subjects {
		fdir := filepath.Join(dir, "sub-"+s.ID, "func")
		if err := os.MkdirAll(fdir, 0o755); err != nil {
			return err
		}
		series := make([][]float64, s.Series.Rows)
		for t := range series {
			series[t] = s.Series.Data[t*s.Series.Cols : (t+1)*s.Series.Cols]
		}
		for _, is := range im.spaces {
			sp := BrainImageSpace
			if is.name == atlas.CordSpace {
				sp = CordImageSpace
			}
			name := fmt.Sprintf("sub-%s_task-rest_space-%s_desc-preproc_bold.nii.gz", s.ID, sp)
			if err := is.write(filepath.Join(fdir, name), series); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
	}
	return nil
}

// WriteImages writes every cohort's runs as images under dir/<cohort>/fmriprep (WriteCohort).
func (st *Study) WriteImages(dir string, im *Images) error {
	for _, c := range st.Cohorts() {
		if err := im.WriteCohort(filepath.Join(dir, c.Name, "fmriprep"), c); err != nil {
			return fmt.Errorf("cohort %s: %w", c.Name, err)
		}
	}
	return nil
}

// String describes the grids.
func (im *Images) String() string {
	var parts []string
	for _, is := range im.spaces {
		vs := is.affine.VoxelSizes()
		parts = append(parts, fmt.Sprintf("%s %dx%dx%d at %gx%gx%g mm", is.name, is.shape[0], is.shape[1], is.shape[2], vs[0], vs[1], vs[2]))
	}
	return strings.Join(parts, ", ")
}

// WriteStudyImages writes the study's runs as images (painmark synthetic csps --images): the
// grey-matter mask dir/gm_mask.nii.gz (WriteGreyMatterMask), then every cohort's brain and cord
// runs under dir/<cohort>/fmriprep, for the corticospinal set with the default PAG and RVM, that GM
// mask and the PAM50 template folder pam50.
func (st *Study) WriteStudyImages(dir, pam50 string) (*Images, error) {
	gm := filepath.Join(dir, "gm_mask.nii.gz")
	if err := WriteGreyMatterMask(gm); err != nil {
		return nil, err
	}
	o := atlas.DefaultCorticospinalOptions()
	o.PAM50, o.GreyMatter = pam50, gm
	set, err := atlas.LoadCorticospinal(o)
	if err != nil {
		return nil, err
	}
	im, err := NewImages(set)
	if err != nil {
		return nil, err
	}
	return im, st.WriteImages(dir, im)
}
