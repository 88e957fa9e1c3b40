package nifti

import (
	"fmt"
	"io"

	"github.com/painmark/painmark/internal/describe"
)

// Image is a whole image in memory: the header and every voxel as float64, in NIfTI (Fortran) order
// (x fastest, then y, z, then volumes), with scaling applied, as nibabel's get_fdata().
type Image struct {
	Path   string
	Header *Header
	Data   []float64
}

// Load reads a whole image into memory. Prefer Open and Next for 4D data: Load refuses images whose
// float64 copy would exceed Options.MaxImageBytes.
func Load(path string, opts *Options) (*Image, error) {
	r, err := Open(path, opts)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return r.readAll()
}

func (r *Reader) readAll() (*Image, error) {
	h := r.Header
	if err := r.checkReal(); err != nil {
		return nil, err
	}
	total := int64(h.VoxelsPerVolume()) * int64(h.NumVolumes())
	if total*8 > r.opts.maxImage() {
		return nil, fmt.Errorf("%s: loading all %d voxels would need %d MiB (limit %d MiB); stream the volumes instead",
			r.Path, total, total*8>>20, r.opts.maxImage()>>20)
	}
	data := make([]float64, total)
	n := h.VoxelsPerVolume()
	for t := 0; t < h.NumVolumes(); t++ {
		if err := r.Next(data[t*n : (t+1)*n : (t+1)*n]); err != nil {
			if err == io.EOF {
				return nil, fmt.Errorf("%s: ended after %d of %d volumes", r.Path, t, h.NumVolumes())
			}
			return nil, err
		}
	}
	return &Image{Path: r.Path, Header: h, Data: data}, nil
}

// At returns the value of voxel (i, j, k) in volume t.
func (im *Image) At(i, j, k, t int) float64 {
	sh := im.Header.VolumeShape()
	return im.Data[i+sh[0]*(j+sh[1]*(k+sh[2]*t))]
}

// Volume returns volume t (a slice of Data, not a copy).
func (im *Image) Volume(t int) []float64 {
	n := im.Header.VoxelsPerVolume()
	return im.Data[t*n : (t+1)*n]
}

// Stats summarises the values of an image: the count, the number of non-finite values, and the
// minimum, maximum, mean and population standard deviation (numpy's std, ddof=0) of the finite ones
// (the one summary of values that the inspect summaries of every format share).
type Stats = describe.Stats

// ComputeStats streams every volume of the image at path and summarises its scaled values.
// Non-finite values are counted, not refused.
func ComputeStats(path string) (*Header, Stats, error) {
	r, err := Open(path, &Options{AllowNonFinite: true})
	if err != nil {
		return nil, Stats{}, err
	}
	defer r.Close()
	var st Stats
	if err := r.checkReal(); err != nil {
		return r.Header, st, err
	}
	buf := make([]float64, r.VoxelsPerVolume())
	for {
		err := r.Next(buf)
		if err == io.EOF {
			break
		}
		if err != nil {
			return r.Header, st, err
		}
		st.Add(buf)
	}
	return r.Header, st, nil
}
