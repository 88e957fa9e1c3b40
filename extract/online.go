package extract

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/painmark/painmark/atlas"
	"github.com/painmark/painmark/nifti"
)

// Online reads a 4D NIfTI image while it is being written (a real-time export, one volume appended
// per TR) and reduces each volume to region values as soon as all its bytes are there, with the
// label masker of Set (the same regions, order and reduction as painmark extract on the finished
// image). Uncompressed single-file images only (.nii): a gzip stream cannot be read as it grows.
type Online struct {
	Path   string
	Header *nifti.Header
	// Names are the regions, in the order of the values Follow hands out.
	Names []string
	red   reducer
	f     *os.File
	idle  time.Duration
}

// OpenOnline waits (up to idle) for the image's header, then plans the reduction of its volumes by
// the region set's parts (every part in the data's space).
func OpenOnline(path string, set *atlas.RegionSet, o LabelOptions, idle time.Duration) (*Online, error) {
	if o.Strategy == "" {
		o.Strategy = Mean
	}
	if o.Missing == "" {
		o.Missing = MissingError
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	on := &Online{Path: path, f: f, idle: idle}
	buf := make([]byte, 540)
	n, err := on.readFull(buf)
	if err != nil && n < 348 {
		f.Close()
		return nil, fmt.Errorf("%s: no NIfTI header after waiting %v: %w", path, idle, err)
	}
	if on.Header, err = nifti.ParseHeader(buf[:n]); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if !on.Header.SingleFile || on.Header.NDim() < 4 {
		f.Close()
		return nil, fmt.Errorf("%s: a growing image must be a single-file 4D NIfTI (.nii)", path)
	}
	aff, _, err := on.Header.Affine()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var comp composite
	for _, part := range set.Parts {
		pl, err := planPart(path, on.Header.VolumeShape(), aff, part, o)
		if err != nil {
			f.Close()
			return nil, err
		}
		if len(pl.missing) > 0 && o.Missing == MissingError {
			f.Close()
			return nil, fmt.Errorf("%s: %d regions of %s have no voxel on the data grid (choose to drop them or keep NaN columns)", path, len(pl.missing), set.Name)
		}
		comp = append(comp, pl.red)
		on.Names = append(on.Names, pl.names...)
	}
	on.red = comp
	if _, err := f.Seek(on.Header.VoxOffset, io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	return on, nil
}

// readFull fills b from the file, waiting for bytes still to be written until idle has passed
// without any; it returns how many it read.
func (on *Online) readFull(b []byte) (int, error) {
	got, waited := 0, time.Duration(0)
	for got < len(b) {
		n, err := on.f.Read(b[got:])
		got += n
		if n > 0 {
			waited = 0
			continue
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return got, err
		}
		if waited >= on.idle {
			return got, io.ErrUnexpectedEOF
		}
		time.Sleep(5 * time.Millisecond)
		waited += 5 * time.Millisecond
	}
	return got, nil
}

// Follow hands out each volume's region values (fn's slice is reused) as the volumes arrive, with
// the time its last byte was read, until the header's number of volumes or until no byte has come
// for idle; it closes the file.
func (on *Online) Follow(fn func(t int, values []float64, arrived time.Time) error) error {
	defer on.f.Close()
	h := on.Header
	slope, inter, err := h.SlopeInter()
	if err != nil {
		return fmt.Errorf("%s: %w", on.Path, err)
	}
	raw := make([]byte, h.VoxelsPerVolume()*h.Datatype.Size())
	vol := make([]float64, h.VoxelsPerVolume())
	out := make([]float64, len(on.Names))
	for t := 0; t < h.NumVolumes(); t++ {
		if n, err := on.readFull(raw); err != nil {
			if n == 0 && errors.Is(err, io.ErrUnexpectedEOF) {
				return nil // the acquisition stopped early
			}
			return fmt.Errorf("%s: volume %d: %w", on.Path, t, err)
		}
		arrived := time.Now()
		nifti.DecodeReal(h.Datatype, h.ByteOrder, raw, vol)
		if slope != 1 || inter != 0 {
			for i := range vol {
				vol[i] = vol[i]*slope + inter
			}
		}
		if err := on.red.reduce(vol, out); err != nil {
			return fmt.Errorf("%s: volume %d: %w", on.Path, t, err)
		}
		if err := fn(t, out, arrived); err != nil {
			return err
		}
	}
	return nil
}
