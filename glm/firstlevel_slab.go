package glm

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"

	"github.com/painmark/painmark/nifti"
	"gonum.org/v1/gonum/mat"
)

// slabSource reads the masked voxels of a 4D NIfTI run slab by slab (a range of z-planes at a time,
// all volumes): uncompressed files by reading each volume's slab at its offset, gzip files by
// streaming the volumes again for each slab (one pass when the mask fits one slab).
type slabSource struct {
	path  string
	r     *nifti.Reader
	f     *os.File // uncompressed data file; nil for gzip
	nxy   int
	nvol  int
	slope float64
	inter float64
	vol   []float64 // one volume (gzip) or one slab (plain) of decoded values
	raw   []byte
	// spill holds a gzip run's masked values slab by slab (volume after volume within a slab) when
	// the mask needs several slabs, as float32 when the values are float32 (single), else float64;
	// spillOff[i] is slab i's offset, spillSize the bytes of a value.
	spill     *os.File
	spillOff  []int64
	spillSize int
}

func openSlabSource(path string) (*slabSource, error) {
	r, err := nifti.Open(path, nil)
	if err != nil {
		return nil, err
	}
	h := r.Header
	if h.NDim() != 4 || r.NumVolumes() < 2 {
		r.Close()
		return nil, fmt.Errorf("%s: a first-level model needs a 4D image of 2 or more volumes (dims %v)", path, h.Shape())
	}
	if h.Datatype.IsComplex() || h.Datatype.IsRGB() || !h.Datatype.Known() {
		r.Close()
		return nil, fmt.Errorf("%s: datatype %s is not a real-valued type", path, h.Datatype)
	}
	s := &slabSource{path: path, r: r, nxy: int(h.Dim[1] * h.Dim[2]), nvol: r.NumVolumes()}
	if s.slope, s.inter, err = h.SlopeInter(); err != nil {
		r.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if !r.IsGzip() {
		if s.f, err = os.Open(r.DataPath); err != nil {
			r.Close()
			return nil, err
		}
	}
	return s, nil
}

// single reports whether nilearn's masker would hand the run's values over as float32 (a float32
// image without scaling; nibabel scales other images to float64).
func (s *slabSource) single() bool {
	return s.r.Header.Datatype == nifti.Float32 && s.slope == 1 && s.inter == 0
}

func (s *slabSource) Close() {
	if s.spill != nil {
		s.spill.Close()
	}
	s.r.Close()
	if s.f != nil {
		s.f.Close()
	}
}

// read fills y (nvol x len(idx)) with the values of voxels idx (ascending NIfTI indices, all in
// planes [z0, z1)) of slab i, as float64 after scl_slope/scl_inter (nibabel's get_fdata).
func (s *slabSource) read(i, z0, z1 int, idx []int, y *mat.Dense) error {
	h := s.r.Header
	size := h.Datatype.Size()
	base := z0 * s.nxy
	if s.spill != nil {
		b := make([]byte, s.spillSize*len(idx))
		for t := 0; t < s.nvol; t++ {
			if _, err := s.spill.ReadAt(b, s.spillOff[i]+int64(t*len(b))); err != nil {
				return fmt.Errorf("%s: reading back the decompressed slab: %w", s.path, err)
			}
			row := y.RawRowView(t)
			if s.spillSize == 4 {
				for j := range row {
					row[j] = float64(math.Float32frombits(binary.LittleEndian.Uint32(b[4*j:])))
				}
				continue
			}
			for j := range row {
				row[j] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*j:]))
			}
		}
		return nil
	}
	if s.f == nil {
		if err := s.r.Rewind(); err != nil {
			return err
		}
		if len(s.vol) != s.nxy*int(h.Dim[3]) {
			s.vol = make([]float64, s.nxy*int(h.Dim[3]))
		}
		for t := 0; t < s.nvol; t++ {
			if err := s.r.Next(s.vol); err != nil {
				return err
			}
			row := y.RawRowView(t)
			for j, v := range idx {
				row[j] = s.vol[v]
			}
		}
		return nil
	}
	n := (z1 - z0) * s.nxy
	if len(s.raw) != n*size {
		s.raw, s.vol = make([]byte, n*size), make([]float64, n)
	}
	nvox := int64(s.nxy) * h.Dim[3]
	for t := 0; t < s.nvol; t++ {
		off := h.VoxOffset + (int64(t)*nvox+int64(base))*int64(size)
		if _, err := s.f.ReadAt(s.raw, off); err != nil {
			return fmt.Errorf("%s: reading volume %d: %w", s.path, t, err)
		}
		nifti.DecodeReal(h.Datatype, h.ByteOrder, s.raw, s.vol)
		row := y.RawRowView(t)
		for j, v := range idx {
			x := s.vol[v-base]
			if s.slope != 1 || s.inter != 0 {
				x = float64(x*s.slope) + s.inter
			}
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return fmt.Errorf("%s: volume %d has a non-finite value (%v) inside the mask at voxel index %d", s.path, t, x, v)
			}
			row[j] = x
		}
	}
	return nil
}

// spillSlabs decompresses a gzip run once into an unnamed temporary file holding each slab's masked
// values contiguously, so that a mask of several slabs costs one decompression, not one per slab
// and pass (the temporary file takes the masked run as float32 for a float32 run without scaling,
// exactly, else as float64).
func (s *slabSource) spillSlabs(voxels []int, sl [][3]int) error {
	if s.f != nil || len(sl) < 2 {
		return nil
	}
	f, err := os.CreateTemp("", "painmark-glm-*.slabs")
	if err != nil {
		return fmt.Errorf("%s: a temporary file for the decompressed run: %w", s.path, err)
	}
	os.Remove(f.Name()) // unnamed: the space is freed when it is closed, whatever happens
	s.spill, s.spillOff, s.spillSize = f, make([]int64, len(sl)), 8
	if s.single() {
		s.spillSize = 4
	}
	var off int64
	for i := range sl {
		s.spillOff[i] = off
		off += int64(slabEnd(sl, i, len(voxels))-sl[i][2]) * int64(s.nvol) * int64(s.spillSize)
	}
	vol := make([]float64, s.nxy*int(s.r.Header.Dim[3]))
	var b []byte
	for t := 0; t < s.nvol; t++ {
		if err := s.r.Next(vol); err != nil {
			return err
		}
		for i := range sl {
			idx := voxels[sl[i][2]:slabEnd(sl, i, len(voxels))]
			b = b[:0]
			for _, v := range idx {
				if s.spillSize == 4 {
					b = binary.LittleEndian.AppendUint32(b, math.Float32bits(float32(vol[v])))
				} else {
					b = binary.LittleEndian.AppendUint64(b, math.Float64bits(vol[v]))
				}
			}
			if _, err := f.WriteAt(b, s.spillOff[i]+int64(t*len(b))); err != nil {
				return fmt.Errorf("%s: writing the decompressed slab: %w", s.path, err)
			}
		}
	}
	return nil
}

// slabEnd is the index in the mask's voxels after slab i's last voxel.
func slabEnd(sl [][3]int, i, nv int) int {
	if i+1 < len(sl) {
		return sl[i+1][2]
	}
	return nv
}

// slabs splits the mask's voxels (ascending NIfTI indices) into runs of whole z-planes whose time
// series (float64) take at most maxBytes each (at least one plane per slab).
func slabs(idx []int, nxy, nz, nvol int, maxBytes int64) [][3]int {
	var out [][3]int // z0, z1, index of first voxel in idx
	perPlane := make([]int, nz)
	for _, v := range idx {
		perPlane[v/nxy]++
	}
	start, z0, count := 0, 0, 0
	for z := 0; z < nz; z++ {
		if count > 0 && int64(count+perPlane[z])*int64(nvol)*8 > maxBytes {
			out = append(out, [3]int{z0, z, start})
			start += count
			z0, count = z, 0
		}
		count += perPlane[z]
	}
	if count > 0 {
		out = append(out, [3]int{z0, nz, start})
	}
	return out
}
