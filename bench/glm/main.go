// Command glm benchmarks the first-level GLM of a realistic task run: painmark's glm.RunFirstLevel
// (slab-streamed) next to nilearn 0.10.3's FirstLevelModel, in one run, on the same generated files
// (a 97x115x97 float32 .nii.gz of 300 volumes, its brain mask and 4 conditions, noise model ar1).
// Each side runs in its own child process so that its peak memory (max RSS) is its own, and the
// two sides' maps are compared at a sample of voxels. Run from the repository root:
//
//	go run ./bench/glm [-volumes 300] [-repeats 3] [-dir /tmp/painmark-bench-glm]
//
// With -cpuprofile FILE only painmark's side runs, once, writing its CPU profile (go tool pprof).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"time"

	"github.com/painmark/painmark/glm"
	"github.com/painmark/painmark/internal/benchkit"
	"github.com/painmark/painmark/nifti"
	"github.com/painmark/painmark/synthetic"
)

var contrasts = []string{"c1 - c2", "c3 - c4", "c1 + c2 - c3 - c4"}

const nilearnScript = `
import json, sys, time, warnings
warnings.simplefilter("ignore")
sys.path.insert(0, sys.argv[1])
t0 = time.perf_counter()
import numpy as np, pandas as pd
from nilearn.glm.first_level import FirstLevelModel
a = json.loads(sys.argv[2])
t1 = time.perf_counter()
m = FirstLevelModel(t_r=2.0, noise_model="ar1", mask_img=a["mask"], minimize_memory=True)
m.fit(a["bold"], events=pd.read_csv(a["events"], sep="\t"))
out = {}
for e in a["contrasts"]:
    maps = m.compute_contrast(e, output_type="all")
    out[e] = {k: maps[v].get_fdata().ravel(order="F")[a["sample"]].tolist() for k, v in (("effect", "effect_size"), ("z", "z_score"))}
print(json.dumps({"seconds": time.perf_counter() - t1, "import_seconds": t1 - t0, "maps": out}))
`

func main() {
	if len(os.Args) > 2 && os.Args[1] == "-child" {
		child(os.Args[2])
		return
	}
	nvol := flag.Int("volumes", 300, "volumes of the run")
	repeats := flag.Int("repeats", 3, "runs per side (medians are reported)")
	dir := flag.String("dir", filepath.Join(os.TempDir(), "painmark-bench-glm"), "folder for the generated run")
	python := flag.String("python", "/usr/bin/python3", "Python with numpy, scipy, pandas, scikit-learn, nibabel")
	peer := flag.String("nilearn", filepath.Join("..", "shared", "peers", "nilearn-0.10.3"), "nilearn 0.10.3's source folder")
	profile := flag.String("cpuprofile", "", "run painmark's side only, once, and write its CPU profile to this file")
	flag.Parse()
	in, err := prepare(*dir, *nvol)
	if err != nil {
		fail(err)
	}
	if *profile != "" {
		in.Profile = *profile
		b, _ := json.Marshal(in)
		child(string(b))
		return
	}
	self, err := os.Executable()
	if err != nil {
		fail(err)
	}
	arg, _ := json.Marshal(in)
	script := filepath.Join(*dir, "nilearn_glm.py")
	os.WriteFile(script, []byte(nilearnScript), 0o644)
	sh := synthetic.MNI2mmShape
	fmt.Printf("First-level GLM of a %dx%dx%d x %d-volume float32 .nii.gz run (%d voxels in the mask), 4 conditions, ar1, %d contrasts\n",
		sh[0], sh[1], sh[2], *nvol, in.MaskVoxels, len(contrasts))
	fmt.Printf("%d runs each, medians; seconds exclude Python's imports; peak memory = max RSS of the process\n\n", *repeats)
	fmt.Printf("%-28s %10s %10s %12s %10s\n", "", "seconds", "vs pm", "peak MiB", "vs pm")
	type side struct {
		name string
		cmd  func() *exec.Cmd
	}
	var secs, peaks []float64
	var outs []map[string]map[string][]float64
	for _, s := range []side{
		{"painmark glm.RunFirstLevel", func() *exec.Cmd { return exec.Command(self, "-child", string(arg)) }},
		{"nilearn 0.10.3 FirstLevelModel", func() *exec.Cmd { return exec.Command(*python, script, *peer, string(arg)) }},
	} {
		t, p, last, err := benchkit.Repeat(*repeats, s.cmd)
		if err != nil {
			fail(fmt.Errorf("%s: %v", s.name, err))
		}
		var maps map[string]map[string][]float64
		if err := json.Unmarshal(last.Output["maps"], &maps); err != nil {
			fail(fmt.Errorf("%s: %v", s.name, err))
		}
		secs, peaks, outs = append(secs, t), append(peaks, p), append(outs, maps)
		fmt.Printf("%-28s %10.2f %9.2fx %12.0f %9.1fx\n", s.name, t, t/secs[0], p, p/peaks[0])
	}
	worst := 0.0
	for _, e := range contrasts {
		for _, k := range []string{"effect", "z"} {
			a, b := outs[0][e][k], outs[1][e][k]
			if len(a) != len(b) || len(a) == 0 {
				fail(fmt.Errorf("%q %s: %d and %d sampled values", e, k, len(a), len(b)))
			}
			for i := range a {
				worst = math.Max(worst, math.Abs(a[i]-b[i]))
			}
		}
	}
	fmt.Printf("\nvs pm: the side's time or memory divided by painmark's. Effect sizes and z at %d sampled voxels agree to %.2g.\n", len(in.Sample), worst)
	if worst > 1e-6 {
		fail(fmt.Errorf("the maps differ by %.3g", worst))
	}
}

type input struct {
	BOLD       string   `json:"bold"`
	Mask       string   `json:"mask"`
	Events     string   `json:"events"`
	Contrasts  []string `json:"contrasts"`
	Sample     []int    `json:"sample"`
	MaskVoxels int      `json:"mask_voxels"`
	Profile    string   `json:"profile,omitempty"`
}

// prepare generates the run, its mask (voxels non-zero in the first volume) and events once.
func prepare(dir string, nvol int) (*input, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	in := &input{BOLD: filepath.Join(dir, fmt.Sprintf("bold_%d.nii.gz", nvol)), Mask: filepath.Join(dir, "mask.nii.gz"),
		Events: filepath.Join(dir, "events.tsv"), Contrasts: contrasts}
	if _, err := os.Stat(in.BOLD); err != nil {
		fmt.Fprintf(os.Stderr, "generating %s ...\n", in.BOLD)
		if err := synthetic.WriteBOLD(in.BOLD, nvol, 42); err != nil {
			return nil, err
		}
	}
	r, err := nifti.Open(in.BOLD, nil)
	if err != nil {
		return nil, err
	}
	vol := make([]float64, r.VoxelsPerVolume())
	err = r.Next(vol)
	r.Close()
	if err != nil {
		return nil, err
	}
	mask := make([]float64, len(vol))
	for i, v := range vol {
		if v != 0 {
			mask[i], in.MaskVoxels = 1, in.MaskVoxels+1
			if in.MaskVoxels%97 == 0 {
				in.Sample = append(in.Sample, i)
			}
		}
	}
	h := nifti.NewHeader(r.Header.Shape()[:3], nifti.Uint8)
	a, _, _ := r.Header.Affine()
	h.SetAffine(a, r.Header.SformCode)
	if err := nifti.Write(in.Mask, h, mask); err != nil {
		return nil, err
	}
	ev := "onset\tduration\ttrial_type\n"
	for k := 0; float64(k)*15+12 < float64(nvol)*2; k++ {
		ev += fmt.Sprintf("%g\t10\tc%d\n", float64(k)*15+float64(k%3), 1+(k*7)%4)
	}
	return in, os.WriteFile(in.Events, []byte(ev), 0o644)
}

// child fits painmark's first-level model and prints the time and the sampled maps as JSON.
func child(arg string) {
	var in input
	if err := json.Unmarshal([]byte(arg), &in); err != nil {
		fail(err)
	}
	if in.Profile != "" {
		f, err := os.Create(in.Profile)
		if err != nil {
			fail(err)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	start := time.Now()
	hr, err := nifti.Open(in.BOLD, nil)
	if err != nil {
		fail(err)
	}
	mask, err := glm.LoadMask(in.Mask, hr.Header)
	hr.Close()
	if err != nil {
		fail(err)
	}
	runs, err := glm.LoadFirstLevelRuns([]string{in.BOLD}, []string{in.Events}, nil, "")
	if err != nil {
		fail(err)
	}
	res, err := glm.RunFirstLevel(runs, mask, in.Contrasts, glm.DefaultFirstLevelOptions())
	if err != nil {
		fail(err)
	}
	secs := time.Since(start).Seconds()
	out := map[string]map[string][]float64{}
	for _, c := range res.Contrasts {
		out[c.Expr] = map[string][]float64{}
		for k, vals := range map[string][]float64{"effect": c.Effect, "z": c.Z} {
			full := res.Model.Map(vals)
			for _, i := range in.Sample {
				out[c.Expr][k] = append(out[c.Expr][k], full[i])
			}
		}
	}
	if in.Profile != "" {
		fmt.Printf("painmark: %.2f s; CPU profile in %s\n", secs, in.Profile)
		return
	}
	b, _ := json.Marshal(map[string]any{"seconds": secs, "maps": out})
	fmt.Println(string(b))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "glm bench:", err)
	os.Exit(1)
}
