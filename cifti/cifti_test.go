package cifti

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/internal/fixtures"
)

type peerAxis struct {
	Type        string
	Len         int
	Start, Step float64
	Unit        string
	Names       []string
	Labels      [][][]any
	Models      []struct {
		Structure, Type string
		Offset, Count   int
		Vertices        []int
		Nvertices       int
		Voxels          [][3]int
	}
	Volume []int
	Affine [][]float64
}

// compareAxis reports how an axis differs from nibabel's reading.
func compareAxis(t *testing.T, where string, a *Axis, w peerAxis) {
	t.Helper()
	if a.Type != w.Type || a.Len != w.Len {
		t.Fatalf("%s: %s of %d, nibabel %s of %d", where, a.Type, a.Len, w.Type, w.Len)
	}
	switch a.Type {
	case Series:
		if math.Abs(a.SeriesStart-w.Start) > 1e-12 || math.Abs(a.SeriesStep-w.Step) > 1e-12 || !strings.EqualFold(a.SeriesUnit, w.Unit) {
			t.Errorf("%s: series %v %v %s, nibabel %v %v %s", where, a.SeriesStart, a.SeriesStep, a.SeriesUnit, w.Start, w.Step, w.Unit)
		}
	case Scalars, Labels:
		for i, m := range a.Maps {
			if m.Name != w.Names[i] {
				t.Errorf("%s: map %d named %q, nibabel %q", where, i, m.Name, w.Names[i])
			}
			if a.Type != Labels {
				continue
			}
			if len(m.Labels) != len(w.Labels[i]) {
				t.Fatalf("%s: %d labels, nibabel %d", where, len(m.Labels), len(w.Labels[i]))
			}
			for k, l := range m.Labels { // nibabel's table sorted by key, as painmark writes it
				wl := w.Labels[i][k]
				rgba := wl[2].([]any)
				if float64(l.Key) != wl[0].(float64) || l.Name != wl[1].(string) || l.Red != rgba[0].(float64) || l.Alpha != rgba[3].(float64) {
					t.Errorf("%s: label %+v, nibabel %v", where, l, wl)
				}
			}
		}
	case BrainModels:
		if len(a.Models) != len(w.Models) {
			t.Fatalf("%s: %d brain models, nibabel %d", where, len(a.Models), len(w.Models))
		}
		for i, m := range a.Models {
			wm := w.Models[i]
			if m.Structure != wm.Structure || m.Type != wm.Type || m.Offset != wm.Offset || m.Count != wm.Count {
				t.Fatalf("%s: model %d %s %s %d+%d, nibabel %s %s %d+%d", where, i, m.Structure, m.Type, m.Offset, m.Count, wm.Structure, wm.Type, wm.Offset, wm.Count)
			}
			if m.Type == SurfaceModel {
				if m.SurfaceVertices != wm.Nvertices || len(m.Vertices) != len(wm.Vertices) {
					t.Fatalf("%s: %s %d of %d vertices, nibabel %d of %d", where, m.Structure, len(m.Vertices), m.SurfaceVertices, len(wm.Vertices), wm.Nvertices)
				}
				for k := range m.Vertices {
					if m.Vertices[k] != wm.Vertices[k] {
						t.Fatalf("%s: %s vertex %d: %d, nibabel %d", where, m.Structure, k, m.Vertices[k], wm.Vertices[k])
					}
				}
			} else {
				for k := range m.Voxels {
					if m.Voxels[k] != wm.Voxels[k] {
						t.Fatalf("%s: %s voxel %d: %v, nibabel %v", where, m.Structure, k, m.Voxels[k], wm.Voxels[k])
					}
				}
			}
		}
		if w.Volume != nil {
			if a.Volume == nil || a.Volume.Dims != [3]int{w.Volume[0], w.Volume[1], w.Volume[2]} {
				t.Fatalf("%s: volume %+v, nibabel %v", where, a.Volume, w.Volume)
			}
			for r := 0; r < 4; r++ {
				for c := 0; c < 4; c++ {
					if math.Abs(a.Volume.Affine[r][c]-w.Affine[r][c]) > 1e-12 {
						t.Fatalf("%s: affine %v, nibabel %v", where, a.Volume.Affine, w.Affine)
					}
				}
			}
		}
	}
}

// TestLiveNibabel reads the real CIFTI-2 files of ../shared/data/tms, files nibabel writes (a
// dtseries of surface vertices and voxels, a dscalar, a dlabel) and files painmark writes from
// them, and compares every axis and value with nibabel's reading.
func TestLiveNibabel(t *testing.T) {
	real := []string{fixtures.Shared(t, "tms", "LPFC_LH.dtseries.nii"), fixtures.Shared(t, "tms", "LPFC_LH+RH.dtseries.nii")}
	dir := t.TempDir()
	type peerFile struct {
		Axes  []peerAxis
		Data  []float64
		Shape []int
	}
	var first map[string]peerFile
	fixtures.RunPython(t, "testdata/nibabel_cifti.py", map[string]any{"read": real, "dir": dir}, &first)
	if len(first) != 5 {
		t.Fatalf("nibabel reported %d files", len(first))
	}
	// painmark rewrites each file nibabel wrote; nibabel reads painmark's files back.
	var again []string
	for path, want := range first {
		f, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		for d := 0; d < 2; d++ {
			compareAxis(t, filepath.Base(path), f.Axes[d], want.Axes[d])
		}
		m, err := f.Matrix()
		if err != nil {
			t.Fatal(err)
		}
		if len(m) != len(want.Data) || f.Rows() != want.Shape[0] || f.Cols() != want.Shape[1] {
			t.Fatalf("%s: %d x %d, nibabel %v", path, f.Rows(), f.Cols(), want.Shape)
		}
		nonzero := 0
		for i := range m {
			if m[i] != want.Data[i] {
				t.Fatalf("%s: value %d = %v, nibabel %v", path, i, m[i], want.Data[i])
			}
			if m[i] != 0 {
				nonzero++
			}
		}
		if nonzero == 0 {
			t.Errorf("%s: all values zero", path)
		}
		if strings.HasPrefix(filepath.Base(path), "nib.") {
			out := filepath.Join(dir, "pm."+strings.TrimPrefix(filepath.Base(path), "nib."))
			if err := Write(out, f.Axes, m); err != nil {
				t.Fatal(err)
			}
			again = append(again, out)
		}
	}
	var second map[string]peerFile
	fixtures.RunPython(t, "testdata/nibabel_cifti.py", map[string]any{"read": again, "dir": t.TempDir()}, &second)
	for _, path := range again {
		want, ok := second[path]
		if !ok {
			t.Fatalf("nibabel did not read %s", path)
		}
		orig := first[filepath.Join(dir, "nib."+strings.TrimPrefix(filepath.Base(path), "pm."))]
		for d := 0; d < 2; d++ {
			f, _ := Open(path)
			compareAxis(t, "nibabel reading "+filepath.Base(path), f.Axes[d], want.Axes[d])
		}
		for i := range want.Data {
			if want.Data[i] != orig.Data[i] {
				t.Fatalf("%s: nibabel reads value %d as %v, written %v", path, i, want.Data[i], orig.Data[i])
			}
		}
	}
	t.Logf("%d files read as nibabel reads them; %d written files read back by nibabel", len(first), len(again))
}

// TestRealMasks: the real LPFC search-space masks are fs_LR 32k surfaces (29,696 + 29,716
// vertices of 32,492), values 0/1.
func TestRealMasks(t *testing.T) {
	f, err := Open(fixtures.Shared(t, "tms", "LPFC_LH.dtseries.nii"))
	if err != nil {
		t.Fatal(err)
	}
	bm := f.Axes[1]
	if bm.Type != BrainModels || len(bm.Models) != 2 || bm.Models[0].Count != 29696 || bm.Models[1].SurfaceVertices != 32492 || f.Rows() != 1 {
		t.Fatalf("%+v", bm.Models[0].Structure)
	}
	m, err := f.Matrix()
	if err != nil {
		t.Fatal(err)
	}
	on := 0
	for _, v := range m {
		if v != 0 && v != 1 {
			t.Fatalf("value %v in a mask", v)
		}
		if v == 1 {
			on++
		}
	}
	if on == 0 || on > 29696 {
		t.Errorf("%d vertices in the left LPFC mask", on)
	}
}

// TestBadFiles: plain NIfTI, truncated data and broken XML name the problem.
func TestBadFiles(t *testing.T) {
	dir := t.TempDir()
	src := fixtures.Shared(t, "tms", "LPFC_LH.dtseries.nii")
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	trunc := filepath.Join(dir, "trunc.dtseries.nii")
	os.WriteFile(trunc, b[:len(b)-1000], 0o644)
	f, err := Open(trunc)
	if err == nil {
		_, err = f.Matrix()
	}
	if err == nil || !strings.Contains(err.Error(), "trunc") {
		t.Errorf("truncated: %v", err)
	}
	broken := filepath.Join(dir, "broken.dtseries.nii")
	os.WriteFile(broken, []byte(strings.Replace(string(b), "IndexCount=\"29696\"", "IndexCount=\"29695\"", 1)), 0o644)
	if _, err := Open(broken); err == nil || !strings.Contains(err.Error(), "29695") {
		t.Errorf("inconsistent brain model: %v", err)
	}
	if _, err := parseXML([]byte("<CIFTI Version=\"1\"></CIFTI>")); err == nil {
		t.Error("CIFTI-1 accepted")
	}
}
