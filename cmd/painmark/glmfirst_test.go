package main

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/cifti"
	"github.com/painmark/painmark/glm"
	"github.com/painmark/painmark/nifti"
)

// TestGLMFirstCLI: painmark glm first writes the library workflow's files (glm.RunFirstLevel,
// WriteFiles) byte for byte, t and F contrasts, and the report; a bad noise model is a usage error.
func TestGLMFirstCLI(t *testing.T) {
	dir := t.TempDir()
	bold, ev := filepath.Join(dir, "run_bold.nii.gz"), filepath.Join(dir, "events.tsv")
	os.WriteFile(ev, []byte("onset\tduration\ttrial_type\n4\t16\theat\n44\t16\twarm\n84\t16\theat\n124\t16\twarm\n"), 0o644)
	h := nifti.NewHeader([]int{5, 4, 3, 80}, nifti.Float32)
	h.Pixdim[4] = 2
	data := make([]float64, 60*80)
	for i := range data {
		t, v := i/60, i%60
		data[i] = 500 + float64(v) + 3*math.Sin(float64(t*(v+1))) + float64(v%3)*math.Max(0, math.Sin(float64(t)*math.Pi/20))
	}
	if err := nifti.Write(bold, h, data); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "cli")
	if _, errOut, code := runCLI(t, "glm", "first", "--bold", bold, "--events", ev, "--contrast", "heat - warm", "--contrast", "heat", "--contrast", "heat; warm", "--noise", "ols", "-o", out); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	runs, err := glm.LoadFirstLevelRuns([]string{bold}, []string{ev}, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	opts := glm.DefaultFirstLevelOptions()
	opts.NoiseModel = glm.NoiseOLS
	res, err := glm.RunFirstLevel(runs, nil, []string{"heat - warm", "heat", "heat; warm"}, opts)
	if err != nil {
		t.Fatal(err)
	}
	lib := filepath.Join(dir, "lib")
	if err := res.WriteFiles(lib); err != nil {
		t.Fatal(err)
	}
	files, _ := os.ReadDir(lib)
	if len(files) != 17 {
		t.Fatalf("%d files, want design.tsv, first_level.json and 3 x 5 maps", len(files))
	}
	if _, err := os.Stat(filepath.Join(out, "contrast-heatWarm_stat-F_statmap.nii.gz")); err != nil {
		t.Errorf("F contrast: %v", err)
	}
	for _, f := range files {
		sameFiles(t, out, lib, f.Name())
	}
	if _, err := os.Stat(filepath.Join(out, "first_level.report.html")); err != nil {
		t.Errorf("no report: %v", err)
	}
	if _, _, code := runCLI(t, "glm", "first", "--bold", bold, "--events", ev, "--contrast", "heat", "--noise", "ar2", "-o", out); code != 2 {
		t.Errorf("--noise ar2: exit %d, want 2", code)
	}
}

// TestGLMFirstCIFTI: painmark glm first on a CIFTI-2 dtseries writes the library's dscalar maps
// and first_level.json byte for byte, and its report; a mask with a CIFTI run is refused.
func TestGLMFirstCIFTI(t *testing.T) {
	dir := t.TempDir()
	bold, ev := filepath.Join(dir, "run.dtseries.nii"), filepath.Join(dir, "events.tsv")
	os.WriteFile(ev, []byte("onset\tduration\ttrial_type\n4\t16\theat\n44\t16\twarm\n84\t16\theat\n124\t16\twarm\n"), 0o644)
	const nv, n = 40, 80
	bm := &cifti.Axis{Type: cifti.BrainModels, Len: nv, Models: []cifti.BrainModel{{Structure: "CIFTI_STRUCTURE_CORTEX_LEFT",
		Type: cifti.SurfaceModel, Count: nv, SurfaceVertices: nv, Vertices: make([]int, nv)}}}
	for i := range bm.Models[0].Vertices {
		bm.Models[0].Vertices[i] = i
	}
	data := make([]float64, n*nv)
	for i := range data {
		tt, v := i/nv, i%nv
		data[i] = 500 + float64(v) + 3*math.Sin(float64(tt*(v+1))) + float64(v%3)*math.Max(0, math.Sin(float64(tt)*math.Pi/20))
	}
	if err := cifti.Write(bold, [2]*cifti.Axis{{Type: cifti.Series, Len: n, SeriesStep: 2, SeriesUnit: "SECOND"}, bm}, data); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "cli")
	if _, errOut, code := runCLI(t, "glm", "first", "--bold", bold, "--events", ev, "--contrast", "heat - warm", "--contrast", "heat; warm", "-o", out); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	runs, _ := glm.LoadFirstLevelRuns([]string{bold}, []string{ev}, nil, "")
	res, err := glm.RunFirstLevel(runs, nil, []string{"heat - warm", "heat; warm"}, glm.DefaultFirstLevelOptions())
	if err != nil {
		t.Fatal(err)
	}
	lib := filepath.Join(dir, "lib")
	if err := res.WriteFiles(lib); err != nil {
		t.Fatal(err)
	}
	files, _ := os.ReadDir(lib)
	if len(files) != 12 || !strings.HasSuffix(files[0].Name(), ".dscalar.nii") {
		t.Fatalf("%d files (%s...), want design.tsv, first_level.json and 2 x 5 dscalar maps", len(files), files[0].Name())
	}
	for _, f := range files {
		sameFiles(t, out, lib, f.Name())
	}
	if _, err := os.Stat(filepath.Join(out, "first_level.report.html")); err != nil {
		t.Errorf("no report: %v", err)
	}
	if _, errOut, code := runCLI(t, "glm", "first", "--bold", bold, "--events", ev, "--contrast", "heat", "--mask", bold, "-o", out); code == 0 || !strings.Contains(errOut, "dtseries") {
		t.Errorf("--mask with a CIFTI run: exit %d: %s", code, errOut)
	}
}
