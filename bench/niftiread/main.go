// Command niftiread benchmarks reading a realistic 4D fMRI .nii.gz: painmark's streaming reader next
// to nibabel+numpy, in one run, on the same generated file. Each reader runs in its own child
// process so that its peak memory (max RSS) is its own. Run from the repository root:
//
//	go run ./bench/niftiread [-volumes 75,150,300] [-repeats 5] [-dir bench/out]
//
// Both sides compute the mean of every volume (the global signal), and the two results are compared,
// so the benchmark also checks that the readers agree.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/painmark/painmark/internal/benchkit"
	"github.com/painmark/painmark/nifti"
	"github.com/painmark/painmark/synthetic"
)

var shape = synthetic.MNI2mmShape

const nibabelScript = `
import json, sys, time
import nibabel as nib, numpy as np
t0 = time.perf_counter()
img = nib.load(sys.argv[1])
if sys.argv[2] == "fdata":
    data = img.get_fdata()          # float64, as nilearn's maskers use it
else:
    data = np.asanyarray(img.dataobj)  # native float32
means = data.reshape(-1, data.shape[3], order="F").mean(axis=0, dtype=np.float64)
t1 = time.perf_counter()
print(json.dumps({"seconds": t1 - t0, "means": means.tolist()}))
`

func main() {
	if len(os.Args) > 2 && os.Args[1] == "-child" {
		child(os.Args[2])
		return
	}
	vols := flag.String("volumes", "75,150,300", "image lengths to test (volumes)")
	repeats := flag.Int("repeats", 5, "runs per reader and size (medians are reported)")
	dir := flag.String("dir", filepath.Join("bench", "out"), "folder for the generated images")
	python := flag.String("python", "/usr/bin/python3", "Python with Debian's nibabel and numpy")
	flag.Parse()
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		fail(err)
	}
	self, err := os.Executable()
	if err != nil {
		fail(err)
	}
	script := filepath.Join(*dir, "nibabel_read.py")
	os.WriteFile(script, []byte(nibabelScript), 0o644)
	nibVersion, _ := exec.Command(*python, "-c", "import nibabel, numpy; print('nibabel', nibabel.__version__, 'numpy', numpy.__version__)").Output()

	fmt.Printf("Reading a %dx%dx%d float32 fMRI .nii.gz: painmark (stream, one volume at a time) vs %s", shape[0], shape[1], shape[2], nibVersion)
	fmt.Printf("task: mean of every volume; %d runs each, medians; peak memory = max RSS of the reading process\n", *repeats)
	nvox := shape[0] * shape[1] * shape[2]
	fmt.Printf("one volume: %.1f MiB as float32 on disk, %.1f MiB as float64 in memory\n\n", float64(4*nvox)/(1<<20), float64(8*nvox)/(1<<20))
	fmt.Printf("%-8s %-9s %-30s %10s %10s %12s %10s\n", "volumes", "file MB", "reader", "seconds", "vs pm", "peak MiB", "vs pm")
	for _, s := range strings.Split(*vols, ",") {
		nv, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			fail(err)
		}
		path := filepath.Join(*dir, fmt.Sprintf("bold_%dx%dx%dx%d.nii.gz", shape[0], shape[1], shape[2], nv))
		if _, err := os.Stat(path); err != nil {
			fmt.Fprintf(os.Stderr, "generating %s ...\n", path)
			if err := synthetic.WriteBOLD(path, nv, 42); err != nil {
				fail(err)
			}
		}
		st, _ := os.Stat(path)
		type result struct {
			name       string
			secs, peak float64
			means      []float64
		}
		runs := []struct {
			name string
			cmd  func() *exec.Cmd
		}{
			{"painmark (stream)", func() *exec.Cmd { return exec.Command(self, "-child", path) }},
			{"nibabel dataobj (float32)", func() *exec.Cmd { return exec.Command(*python, script, path, "dataobj") }},
			{"nibabel get_fdata (float64)", func() *exec.Cmd { return exec.Command(*python, script, path, "fdata") }},
		}
		var results []result
		for _, r := range runs {
			secs, peak, last, err := benchkit.Repeat(*repeats, r.cmd)
			if err != nil {
				fail(fmt.Errorf("%s: %v", r.name, err))
			}
			var means []float64
			if err := json.Unmarshal(last.Output["means"], &means); err != nil {
				fail(fmt.Errorf("%s: %v", r.name, err))
			}
			results = append(results, result{r.name, secs, peak, means})
		}
		pm := results[0]
		for _, r := range results {
			if len(r.means) != len(pm.means) {
				fail(fmt.Errorf("%s returned %d means, painmark %d", r.name, len(r.means), len(pm.means)))
			}
			for i := range r.means {
				if math.Abs(r.means[i]-pm.means[i]) > 1e-9*math.Abs(pm.means[i]) {
					fail(fmt.Errorf("%s: volume %d mean %v, painmark %v", r.name, i, r.means[i], pm.means[i]))
				}
			}
			fmt.Printf("%-8d %-9.0f %-30s %10.2f %9.2fx %12.0f %9.1fx\n", nv, float64(st.Size())/1e6, r.name, r.secs, r.secs/pm.secs, r.peak, r.peak/pm.peak)
		}
	}
	fmt.Println("\nvs pm: the reader's time or memory divided by painmark's (above 1: painmark is faster or smaller).")
	fmt.Println("Per-volume means of all readers agree to 1e-9 relative.")
}

// child streams the image and prints the elapsed time and the volume means as JSON.
func child(path string) {
	start := time.Now()
	r, err := nifti.Open(path, nil)
	if err != nil {
		fail(err)
	}
	defer r.Close()
	buf := make([]float64, r.VoxelsPerVolume())
	var means []float64
	for {
		err := r.Next(buf)
		if err == io.EOF {
			break
		}
		if err != nil {
			fail(err)
		}
		var s float64
		for _, v := range buf {
			s += v
		}
		means = append(means, s/float64(len(buf)))
	}
	b, _ := json.Marshal(map[string]any{"seconds": time.Since(start).Seconds(), "means": means})
	os.Stdout.Write(b)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "niftiread:", err)
	os.Exit(1)
}
