package confounds

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/painmark/painmark/internal/fixtures"
)

// writeMotionRun writes an fMRIPrep run (an empty image file and its confounds) whose FD and std
// DVARS cross 0.2/0.5 mm and 1.5/3 at chosen volumes, so the two nilearn versions' scrubbing
// presets censor different frames.
func writeMotionRun(t *testing.T) (img, tsv string) {
	dir := filepath.Join(t.TempDir(), "sub-01", "func")
	os.MkdirAll(dir, 0o755)
	rng := rand.New(rand.NewPCG(4, 2))
	n := 80
	var names []string
	cols := map[string][]string{}
	num := func(v float64) string { return fmt.Sprint(v) }
	for _, m := range []string{"trans_x", "trans_y", "trans_z", "rot_x", "rot_y", "rot_z", "csf", "white_matter", "global_signal"} {
		v := make([]float64, n)
		for i := range v {
			v[i] = rng.NormFloat64()
		}
		for _, suf := range []string{"", "_derivative1", "_power2", "_derivative1_power2"} {
			names = append(names, m+suf)
			for i := range v {
				d := 0.0
				if i > 0 {
					d = v[i] - v[i-1]
				}
				switch {
				case strings.Contains(suf, "derivative1") && i == 0:
					cols[m+suf] = append(cols[m+suf], "n/a")
				case suf == "":
					cols[m+suf] = append(cols[m+suf], num(v[i]))
				case suf == "_derivative1":
					cols[m+suf] = append(cols[m+suf], num(d))
				case suf == "_power2":
					cols[m+suf] = append(cols[m+suf], num(v[i]*v[i]))
				default:
					cols[m+suf] = append(cols[m+suf], num(d*d))
				}
			}
		}
	}
	fd, dv := map[int]float64{10: 0.3, 30: 0.3, 31: 0.3, 55: 0.3, 20: 0.7, 70: 0.7}, map[int]float64{40: 2, 41: 2, 60: 2, 65: 4}
	names = append(names, "framewise_displacement", "std_dvars", "cosine00", "non_steady_state_outlier00")
	for i := 0; i < n; i++ {
		f, d := 0.1, 1.0
		if v, ok := fd[i]; ok {
			f = v
		}
		if v, ok := dv[i]; ok {
			d = v
		}
		if i == 0 {
			cols["framewise_displacement"] = append(cols["framewise_displacement"], "n/a")
			cols["std_dvars"] = append(cols["std_dvars"], "n/a")
		} else {
			cols["framewise_displacement"] = append(cols["framewise_displacement"], num(f))
			cols["std_dvars"] = append(cols["std_dvars"], num(d))
		}
		cols["cosine00"] = append(cols["cosine00"], num(math.Cos(float64(i)/float64(n)*math.Pi)))
		nss := 0.0
		if i == 0 {
			nss = 1
		}
		cols["non_steady_state_outlier00"] = append(cols["non_steady_state_outlier00"], num(nss))
	}
	var b strings.Builder
	b.WriteString(strings.Join(names, "\t") + "\n")
	for i := 0; i < n; i++ {
		row := make([]string, len(names))
		for j, c := range names {
			row[j] = cols[c][i]
		}
		b.WriteString(strings.Join(row, "\t") + "\n")
	}
	tsv = filepath.Join(dir, "sub-01_task-rest_desc-confounds_timeseries.tsv")
	img = filepath.Join(dir, "sub-01_task-rest_space-MNI152NLin2009cAsym_desc-preproc_bold.nii.gz")
	os.WriteFile(tsv, []byte(b.String()), 0o644)
	os.WriteFile(img, nil, 0o644)
	return img, tsv
}

// The scrubbing preset of each nilearn version equals nilearn 0.10.3's load_confounds_strategy
// itself (../shared/peers): 0.10.3's preset with its own defaults (FD 0.2 mm, std DVARS 3), and
// 0.13's with 0.10.3's thresholds set to 0.5 and 1.5 (the only change): same regressors, values to
// 1e-12 and sample masks; the two censor different frames.
func TestLiveScrubbingPresetsByNilearnVersion(t *testing.T) {
	img, tsv := writeMotionRun(t)
	peer := fixtures.Shared(t, "..", "peers", "nilearn-0.10.3")
	masks := map[string][]int{}
	for _, v := range []string{Nilearn0103, Nilearn013} {
		spec, err := PresetFor("scrubbing", v)
		if err != nil {
			t.Fatal(err)
		}
		r, err := Load(tsv, spec)
		if err != nil {
			t.Fatal(err)
		}
		var want struct {
			Names []string
			Data  []float64
			Mask  []int
		}
		kw := ""
		if v == Nilearn013 {
			kw = ", fd_threshold=0.5, std_dvars_threshold=1.5"
		}
		fixtures.RunPythonInline(t, `
import json, sys
sys.path.insert(0, `+fmt.Sprintf("%q", peer)+`)
from nilearn.interfaces.fmriprep import load_confounds_strategy
a = json.load(open(sys.argv[1]))
c, m = load_confounds_strategy(a["img"], "scrubbing"`+kw+`)
c = c[sorted(c.columns)]
json.dump({"Names": list(c.columns), "Data": [float(x) for x in c.values.reshape(-1)], "Mask": [int(x) for x in m]}, open(sys.argv[2], "w"))
`, map[string]string{"img": img}, &want)
		if !slices.Equal(r.Names, want.Names) {
			t.Fatalf("nilearn %s: regressors %v, nilearn's %v", v, r.Names, want.Names)
		}
		if !slices.Equal(r.SampleMask, want.Mask) {
			t.Errorf("nilearn %s: sample mask %v, nilearn's %v", v, r.SampleMask, want.Mask)
		}
		var d float64
		for i := range want.Data {
			d = math.Max(d, math.Abs(r.Data[i]-want.Data[i]))
		}
		if d > 1e-12 {
			t.Errorf("nilearn %s: regressors differ by %.3g", v, d)
		}
		masks[v] = r.SampleMask
		t.Logf("nilearn %s: %d of 80 frames kept", v, len(r.SampleMask))
	}
	if slices.Equal(masks[Nilearn0103], masks[Nilearn013]) {
		t.Error("the two versions' presets censor the same frames: the test cannot tell them apart")
	}
}
