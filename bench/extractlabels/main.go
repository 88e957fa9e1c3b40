// Command extractlabels benchmarks ROI time-series extraction: painmark's streaming label masker
// next to the nilearn path with nibabel+numpy+scipy (load the whole 4D image, then the mean of each
// label per volume with scipy.ndimage.mean, as nilearn's img_to_signals_labels), in one run, on a
// generated 97x115x97 float32 .nii.gz and a 139-region parcellation. Run from the repository root:
//
//	go run ./bench/extractlabels [-volumes 100,300] [-repeats 5] [-dir bench/out]
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/painmark/painmark/atlas"
	"github.com/painmark/painmark/extract"
	"github.com/painmark/painmark/internal/benchkit"
	"github.com/painmark/painmark/synthetic"
)

const regions = 139

// nilearnScript is nilearn's img_to_signals_labels on nibabel data: _safe_get_data (the image in
// memory, non-finite values set to 0), then scipy.ndimage.mean per volume.
const nilearnScript = `
import json, sys, time
import nibabel as nib, numpy as np
from scipy import ndimage
t0 = time.perf_counter()
img = nib.load(sys.argv[1])
labels = np.asanyarray(nib.load(sys.argv[2]).dataobj)
data = np.asanyarray(img.dataobj)
bad = ~np.isfinite(data)
if bad.any():
    data[bad] = 0
index = np.arange(1, int(sys.argv[3]) + 1)
signals = np.empty((data.shape[-1], len(index)))
for n, vol in enumerate(np.rollaxis(data, -1)):
    signals[n] = np.asarray(ndimage.mean(vol, labels=labels, index=index))
t1 = time.perf_counter()
print(json.dumps({"seconds": t1 - t0, "signals": signals.tolist()}))
`

func main() {
	if len(os.Args) > 3 && os.Args[1] == "-child" {
		child(os.Args[2], os.Args[3])
		return
	}
	vols := flag.String("volumes", "100,300", "image lengths (volumes)")
	repeats := flag.Int("repeats", 5, "runs per contestant and size (medians are reported)")
	dir := flag.String("dir", filepath.Join("bench", "out"), "folder for generated images")
	python := flag.String("python", "/usr/bin/python3", "Python with Debian's nibabel, numpy and scipy")
	flag.Parse()
	must(os.MkdirAll(*dir, 0o755))
	self, err := os.Executable()
	must(err)
	script := filepath.Join(*dir, "nilearn_labels.py")
	must(os.WriteFile(script, []byte(nilearnScript), 0o644))
	atlasPath := filepath.Join(*dir, fmt.Sprintf("parcellation_%d.nii.gz", regions))
	if _, err := os.Stat(atlasPath); err != nil {
		must(synthetic.WriteParcellation(atlasPath, regions, 7))
	}
	versions, _ := exec.Command(*python, "-c", "import nibabel, numpy, scipy; print('nibabel', nibabel.__version__, 'numpy', numpy.__version__, 'scipy', scipy.__version__)").Output()
	sh := synthetic.MNI2mmShape
	fmt.Printf("ROI extraction, %d regions, %dx%dx%d float32 .nii.gz: painmark (streaming label masker) vs the nilearn path on %s", regions, sh[0], sh[1], sh[2], versions)
	fmt.Printf("(load the image, then scipy.ndimage.mean per volume); %d runs each, medians; peak = max RSS\n\n", *repeats)
	fmt.Printf("%-8s %-8s %-34s %9s %9s %10s %9s\n", "volumes", "file MB", "contestant", "seconds", "vs pm", "peak MiB", "vs pm")
	for _, s := range strings.Split(*vols, ",") {
		nv, err := strconv.Atoi(strings.TrimSpace(s))
		must(err)
		img := filepath.Join(*dir, fmt.Sprintf("bold_%dx%dx%dx%d.nii.gz", sh[0], sh[1], sh[2], nv))
		if _, err := os.Stat(img); err != nil {
			fmt.Fprintf(os.Stderr, "generating %s ...\n", img)
			must(synthetic.WriteBOLD(img, nv, 42))
		}
		st, _ := os.Stat(img)
		pmSecs, pmPeak, pmRun, err := benchkit.Repeat(*repeats, func() *exec.Cmd { return exec.Command(self, "-child", img, atlasPath) })
		must(err)
		nlSecs, nlPeak, nlRun, err := benchkit.Repeat(*repeats, func() *exec.Cmd {
			return exec.Command(*python, script, img, atlasPath, strconv.Itoa(regions))
		})
		must(err)
		var a, b [][]float64
		must(json.Unmarshal(pmRun.Output["signals"], &a))
		must(json.Unmarshal(nlRun.Output["signals"], &b))
		var maxRel float64
		for t := range a {
			for j := range a[t] {
				maxRel = math.Max(maxRel, math.Abs(a[t][j]-b[t][j])/math.Max(1, math.Abs(b[t][j])))
			}
		}
		if maxRel > 1e-9 {
			must(fmt.Errorf("signals differ by %g (relative)", maxRel))
		}
		mb := float64(st.Size()) / 1e6
		fmt.Printf("%-8d %-8.0f %-34s %9.2f %8.2fx %10.0f %8.1fx\n", nv, mb, "painmark extract (stream)", pmSecs, 1.0, pmPeak, 1.0)
		fmt.Printf("%-8d %-8.0f %-34s %9.2f %8.2fx %10.0f %8.1fx\n", nv, mb, "nibabel + scipy.ndimage.mean", nlSecs, nlSecs/pmSecs, nlPeak, nlPeak/pmPeak)
		fmt.Printf("%-8s %-8s signals agree to %.1g (relative)\n", "", "", maxRel)
	}
	fmt.Println("\nvs pm: the contestant's time or peak memory divided by painmark's.")
}

func child(img, atlasPath string) {
	start := time.Now()
	li, err := atlas.LoadLabelImage(atlasPath)
	must(err)
	tbl := &atlas.Table{Name: "parcellation"}
	for i := 1; i <= regions; i++ {
		tbl.Regions = append(tbl.Regions, atlas.Region{Index: i, Name: fmt.Sprintf("parcel%03d", i), System: atlas.Brain})
	}
	res, err := extract.Labels(img, li, tbl, extract.LabelOptions{Strategy: extract.Mean})
	must(err)
	rows := make([][]float64, res.Signals.Rows)
	for t := range rows {
		rows[t] = res.Signals.Data[t*res.Signals.Cols : (t+1)*res.Signals.Cols]
	}
	b, _ := json.Marshal(map[string]any{"seconds": time.Since(start).Seconds(), "signals": rows})
	os.Stdout.Write(b)
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "extractlabels:", err)
		os.Exit(1)
	}
}
