package main

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/cifti"
	"github.com/painmark/painmark/internal/browsercheck"
	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/table"
	"github.com/painmark/painmark/target"
)

// painmark synthetic target-participant, then painmark target on its NIfTI and CIFTI files: the
// three ranked targets are the person's left precentral SCAN nodes (within 6 mm of each), the
// outputs are written, and the report loads in Chromium.
func TestTargetCommand(t *testing.T) {
	dir := t.TempDir()
	sim := filepath.Join(dir, "sim")
	if out, errOut, code := runCLI(t, "synthetic", "target-participant", sim, "--cifti", "--timepoints", "120"); code != 0 {
		t.Fatalf("synthetic: %d %s %s", code, out, errOut)
	}
	nodes, err := table.Read(filepath.Join(sim, "planted_nodes.tsv"), nil)
	if err != nil {
		t.Fatal(err)
	}
	net, _ := nodes.Column("network")
	pre, _ := nodes.Column("precentral")
	var px [3][]float64
	for k, c := range []string{"person_x", "person_y", "person_z"} {
		px[k], _ = nodes.Floats(c)
	}
	shift := filepath.Join(dir, "to_template.txt") // native -> template: 2 mm along x
	os.WriteFile(shift, []byte("1 0 0 2\n0 1 0 0\n0 0 1 0\n0 0 0 1\n"), 0o644)
	for _, run := range []struct {
		name string
		args []string
	}{
		{"nifti", []string{"--bold", filepath.Join(sim, "bold.nii.gz"), "--mask", filepath.Join(sim, "mask.nii.gz"), "--templates", filepath.Join(sim, "templates.nii.gz"),
			"--names", "SCAN,AMN,foot,hand,mouth", "--search-space", filepath.Join(sim, "precentral.nii.gz")}},
		{"cifti", []string{"--dtseries", filepath.Join(sim, "bold.dtseries.nii"), "--templates", filepath.Join(sim, "templates.dscalar.nii"),
			"--search-space", filepath.Join(sim, "precentral.dscalar.nii")}},
	} {
		out := filepath.Join(dir, run.name)
		args := append([]string{"target"}, run.args...)
		args = append(args, "--network", "SCAN", "--avoid", "foot,hand,mouth", "--min-score", "0.15", "-o", out, "--to-template", shift)
		stdout, errOut, code := runCLI(t, args...)
		if code != 0 {
			t.Fatalf("%s: %d %s %s", run.name, code, stdout, errOut)
		}
		tg, err := table.Read(filepath.Join(out, "targets.tsv"), nil)
		if err != nil {
			t.Fatal(err)
		}
		x, _ := tg.Floats("x_mm")
		tx, _ := tg.Floats("template_x_mm")
		if tx[0] != x[0]+2 {
			t.Errorf("%s: template x %v for native x %v (a 2 mm shift)", run.name, tx[0], x[0])
		}
		y, _ := tg.Floats("y_mm")
		z, _ := tg.Floats("z_mm")
		found := 0
		for i := range net.Raw {
			if net.Raw[i] != "SCAN" || pre.Raw[i] != "true" || px[0][i] > 0 {
				continue
			}
			best := math.Inf(1)
			for k := range x {
				best = math.Min(best, target.Distance([3]float64{x[k], y[k], z[k]}, [3]float64{px[0][i], px[1][i], px[2][i]}))
			}
			if best > 6 {
				t.Errorf("%s: the planted node at (%v, %v, %v) is %.1f mm from the nearest target", run.name, px[0][i], px[1][i], px[2][i], best)
			}
			found++
		}
		if found != 3 || tg.NumRows() != 3 {
			t.Errorf("%s: %d targets for %d planted nodes:\n%s", run.name, tg.NumRows(), found, stdout)
		}
		ext := ".nii.gz"
		if run.name == "cifti" {
			ext = ".dscalar.nii"
		}
		labels := "networks.nii.gz"
		if run.name == "cifti" {
			labels = "networks.dlabel.nii"
		}
		for _, f := range []string{"maps" + ext, "markers" + ext, "targets.json", labels} {
			if _, err := os.Stat(filepath.Join(out, f)); err != nil {
				t.Error(err)
			}
		}
		if run.name == "nifti" && os.Getenv("PAINMARK_CHROMIUM") != "" {
			browsercheck.Check(t, browsercheck.Chromium(t), filepath.Join(out, "targets.report.html"), "target-report.png", 1)
		}
	}
	// Tolerability: scalp positions above the precentral strip and the real TMS-SMART ratings.
	scalp := filepath.Join(dir, "scalp.tsv")
	os.WriteFile(scalp, []byte("name\tx\ty\tz\nC3\t-60\t-12\t45\nFC5\t-70\t-12\t10\nC5\t-90\t-40\t-20\n"), 0o644)
	tolOut := filepath.Join(dir, "tol")
	stdout, errOut, code := runCLI(t, "target", "--bold", filepath.Join(sim, "bold.nii.gz"), "--mask", filepath.Join(sim, "mask.nii.gz"), "--templates", filepath.Join(sim, "templates.nii.gz"),
		"--names", "SCAN,AMN,foot,hand,mouth", "--search-space", filepath.Join(sim, "precentral.nii.gz"), "--network", "SCAN", "--min-score", "0.15",
		"--scalp", scalp, "--ratings", fixtures.Shared(t, "tms", "meteyard-l_holmes-2018_TMS-SMART_data.txt"), "-o", tolOut)
	if code != 0 {
		t.Fatalf("tolerability: %d %s %s", code, stdout, errOut)
	}
	tt, _ := table.Read(filepath.Join(tolOut, "targets.tsv"), nil)
	site, _ := tt.Column("scalp_site")
	pain, _ := tt.Floats("pain")
	if site.Raw[0] == "" || !(pain[0] > 0) || !strings.Contains(stdout, "(pain ") {
		t.Errorf("no tolerability in the targets:\n%s", stdout)
	}
	if _, errOut, code := runCLI(t, "target", "--bold", filepath.Join(sim, "bold.nii.gz"), "--search-space", filepath.Join(sim, "precentral.nii.gz"), "-o", filepath.Join(dir, "x")); code != 2 {
		t.Errorf("no templates and no seed: %d %s", code, errOut)
	}
	if _, errOut, code := runCLI(t, "target", "--dtseries", filepath.Join(sim, "bold.dtseries.nii"), "--templates", filepath.Join(sim, "templates.nii.gz"),
		"--network", "SCAN", "--search-space", filepath.Join(sim, "precentral.dscalar.nii"), "-o", filepath.Join(dir, "x")); code == 0 {
		t.Errorf("NIfTI templates for CIFTI data accepted: %s", errOut)
	}
}

// painmark seedmap on a simulated participant: the SMA seed's map is written as NIfTI (smoothed)
// and as a CIFTI dscalar, and a region seed of a label image works.
func TestSeedmapCommand(t *testing.T) {
	dir := t.TempDir()
	sim := filepath.Join(dir, "sim")
	if out, errOut, code := runCLI(t, "synthetic", "target-participant", sim, "--cifti", "--timepoints", "40"); code != 0 {
		t.Fatalf("synthetic: %d %s %s", code, out, errOut)
	}
	for _, args := range [][]string{
		{"--bold", filepath.Join(sim, "bold.nii.gz"), "--mask", filepath.Join(sim, "mask.nii.gz"), "--seed-mm", "0,-6,50", "--smooth", "6", "-o", filepath.Join(dir, "sma.nii.gz")},
		{"--dtseries", filepath.Join(sim, "bold.dtseries.nii"), "--seed-mm", "0,-6,50", "-o", filepath.Join(dir, "sma.dscalar.nii")},
		{"--bold", filepath.Join(sim, "bold.nii.gz"), "--seed-region", filepath.Join(sim, "precentral.nii.gz") + ":1", "-o", filepath.Join(dir, "pc.nii.gz")},
	} {
		out, errOut, code := runCLI(t, append([]string{"seedmap"}, args...)...)
		if code != 0 || !strings.Contains(out, "r and z of 51200") {
			t.Errorf("%v: %d %s %s", args, code, out, errOut)
		}
	}
	if _, errOut, code := runCLI(t, "seedmap", "--bold", filepath.Join(sim, "bold.nii.gz"), "--seed-mm", "500,0,0", "-o", filepath.Join(dir, "x.nii.gz")); code == 0 || !strings.Contains(errOut, "within 6 mm") {
		t.Errorf("a seed outside the brain: %d %s", code, errOut)
	}
}

// The real lateral-prefrontal search spaces of ../shared/data/tms (fs_LR 32k CIFTI masks) serve as
// --search-space for data on the same grayordinates: the in-mask vertices are the mask's nonzero
// ones, matched by brain model; data of other brain models are refused.
func TestRealLPFCSearchSpace(t *testing.T) {
	path := fixtures.Shared(t, "tms", "LPFC_LH+RH.dtseries.nii")
	f, err := cifti.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := f.Matrix()
	if err != nil {
		t.Fatal(err)
	}
	nonzero := 0
	for _, v := range m {
		if v != 0 {
			nonzero++
		}
	}
	d := &target.Dataset{Source: "fs_LR data", Timepoints: 3, Models: f.Axes[1], Series: make([][]float32, f.Cols()), Coords: make([][3]float64, f.Cols())}
	maps, names, err := target.ReadMaps(d, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	in := 0
	for _, v := range maps[0] {
		if v > 0 {
			in++
		}
	}
	if in != nonzero || in == 0 || len(names) != 1 {
		t.Errorf("%d in-mask vertices, the file has %d nonzero", in, nonzero)
	}
	other := &target.Dataset{Source: "other", Timepoints: 3, Models: &cifti.Axis{Type: cifti.BrainModels, Len: f.Cols(), Models: []cifti.BrainModel{{Structure: "CIFTI_STRUCTURE_CORTEX_LEFT", Type: cifti.SurfaceModel, Count: f.Cols(), SurfaceVertices: 60000}}},
		Series: make([][]float32, f.Cols())}
	if _, _, err := target.ReadMaps(other, path, nil); err == nil {
		t.Error("a mask of other brain models was accepted")
	}
	t.Logf("LPFC left+right: %d of %d grayordinates in the search space", in, f.Cols())
}
