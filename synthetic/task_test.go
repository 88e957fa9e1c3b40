package synthetic

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/painmark/painmark/glm"
	"github.com/painmark/painmark/nifti"
)

// TestTaskWriteDeterministic: the same seed writes the same files byte for byte, another seed
// other ones; the events and the BOLD image read back as simulated (float32 rounding).
func TestTaskWriteDeterministic(t *testing.T) {
	o := DefaultTaskOptions()
	o.Subjects = 2
	write := func(dir string, seed uint64) *Task {
		o.Seed = seed
		st, err := SimulateTask(o)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Write(dir); err != nil {
			t.Fatal(err)
		}
		return st
	}
	a, b, c := t.TempDir(), t.TempDir(), t.TempDir()
	st := write(a, 3)
	write(b, 3)
	write(c, 4)
	for _, rel := range []string{"sub-02/func/sub-02_task-heat_run-1_bold.nii.gz", "sub-02/func/sub-02_task-heat_run-1_events.tsv", "truth/sub-01_run-1_trial-betas.nii.gz"} {
		x, err := os.ReadFile(filepath.Join(a, rel))
		if err != nil {
			t.Fatal(err)
		}
		y, _ := os.ReadFile(filepath.Join(b, rel))
		z, _ := os.ReadFile(filepath.Join(c, rel))
		if !bytes.Equal(x, y) || bytes.Equal(x, z) {
			t.Errorf("%s: same seed equal %v, other seed equal %v", rel, bytes.Equal(x, y), bytes.Equal(x, z))
		}
	}
	ev, err := glm.ReadEvents(st.EventsPath(a, 1))
	if err != nil || len(ev) != 2*o.Trials || ev[3] != st.Runs[1].Events[3] {
		t.Fatalf("events read back: %v, %d events, %+v", err, len(ev), ev)
	}
	img, err := nifti.Load(st.BoldPath(a, 1), nil)
	if err != nil {
		t.Fatal(err)
	}
	ys, err := st.Series(1)
	if err != nil {
		t.Fatal(err)
	}
	sh := TaskGridShape
	for _, v := range []int{0, len(st.Voxels) / 2, len(st.Voxels) - 1} {
		g := st.Voxels[v]
		i, j, k := g%sh[0], (g/sh[0])%sh[1], g/(sh[0]*sh[1])
		for _, tt := range []int{0, 50, o.Frames - 1} {
			if got := img.At(i, j, k, tt); math.Abs(got-ys[v][tt]) > 1e-4 {
				t.Errorf("voxel %d frame %d: image %v, series %v", v, tt, got, ys[v][tt])
			}
		}
	}
}
