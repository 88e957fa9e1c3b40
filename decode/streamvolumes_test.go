package decode

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/painmark/painmark/extract"
	"github.com/painmark/painmark/nifti"
)

// A 4D image written volume by volume while decode streams it (extract.Online, a label atlas)
// gives the predictions StreamRows gives on painmark extract's table of the finished image.
func TestStreamVolumesOfAGrowingImage(t *testing.T) {
	dir := t.TempDir()
	shape, nvol, regions := [3]int{8, 7, 6}, 40, 5
	rng := rand.New(rand.NewPCG(3, 4))
	labels := make([]float64, shape[0]*shape[1]*shape[2])
	for i := range labels {
		labels[i] = float64(1 + i%regions)
	}
	lh := nifti.NewHeader([]int{shape[0], shape[1], shape[2]}, nifti.Int16)
	if err := nifti.Write(filepath.Join(dir, "labels.nii"), lh, labels); err != nil {
		t.Fatal(err)
	}
	data := make([]float64, len(labels)*nvol)
	for i := range data {
		data[i] = 100 + rng.NormFloat64()
	}
	h := nifti.NewHeader([]int{shape[0], shape[1], shape[2], nvol}, nifti.Float32)
	h.Pixdim[4] = 1
	full := filepath.Join(dir, "full.nii")
	if err := nifti.Write(full, h, data); err != nil {
		t.Fatal(err)
	}
	o := extract.DefaultRunOptions()
	o.Atlas = filepath.Join(dir, "labels.nii")
	spec, err := o.Spec()
	if err != nil {
		t.Fatal(err)
	}
	spec.Images = map[string]string{"data": full}
	ext, err := extract.ExtractRun(spec)
	if err != nil {
		t.Fatal(err)
	}
	m := &Model{Regions: ext.Names, Prepare: PrepareOptions{DropSeconds: 3}}
	for k := 0; k < regions*(regions-1)/2; k++ {
		m.Weights = append(m.Weights, math.Sin(float64(k+1)))
	}
	var rows strings.Builder
	rows.WriteString(strings.Join(ext.Names, "\t") + "\n")
	for f := 0; f < ext.Series.Rows; f++ {
		for j := 0; j < ext.Series.Cols; j++ {
			if j > 0 {
				rows.WriteString("\t")
			}
			fmt.Fprint(&rows, ext.Series.Data[f*ext.Series.Cols+j])
		}
		rows.WriteString("\n")
	}
	so := StreamOptions{TR: 1, Warmup: 5}
	var want bytes.Buffer
	if _, err := StreamRows(m, strings.NewReader(rows.String()), &want, so); err != nil {
		t.Fatal(err)
	}
	// The image grows: header first, then a volume every few milliseconds.
	b, err := os.ReadFile(full)
	if err != nil {
		t.Fatal(err)
	}
	growing := filepath.Join(dir, "growing.nii")
	g, err := os.Create(growing)
	if err != nil {
		t.Fatal(err)
	}
	volBytes := len(labels) * 4
	head := len(b) - nvol*volBytes
	g.Write(b[:head])
	done := make(chan error, 1)
	go func() {
		for v := 0; v < nvol; v++ {
			time.Sleep(2 * time.Millisecond)
			if _, err := g.Write(b[head+v*volBytes : head+(v+1)*volBytes]); err != nil {
				done <- err
				return
			}
		}
		done <- g.Close()
	}()
	on, err := extract.OpenOnline(growing, spec.Set, spec.Labels, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	sum, err := StreamVolumes(m, on, &got, so)
	if err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if sum.Frames != nvol || sum.Predicted != nvol-3-so.Warmup+1 {
		t.Fatalf("%d frames, %d predictions", sum.Frames, sum.Predicted)
	}
	column := func(s string) []string { // the predictions, without the latencies
		var out []string
		for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
			f := strings.Split(l, "\t")
			out = append(out, f[0]+"\t"+f[2])
		}
		return out
	}
	if a, b := column(got.String()), column(want.String()); strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Fatalf("volumes:\n%s\nrows:\n%s", strings.Join(a[:8], "\n"), strings.Join(b[:8], "\n"))
	}
}
