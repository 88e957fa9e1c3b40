package confounds

import (
	"fmt"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// writeFmriprep writes an fMRIPrep-style confounds TSV and JSON with n volumes: every column family
// load_confounds knows, derivatives n/a at volume 0, one non-steady-state volume (0), and FD spikes
// at the given volumes.
func writeFmriprep(t *testing.T, n int, fdSpikes []int) string {
	t.Helper()
	rng := rand.New(rand.NewSource(1))
	var cols []string
	add := func(base string, deriv bool) {
		cols = append(cols, base)
		if deriv {
			cols = append(cols, base+"_derivative1", base+"_power2", base+"_derivative1_power2")
		}
	}
	for _, m := range []string{"trans_x", "trans_y", "trans_z", "rot_x", "rot_y", "rot_z", "csf", "white_matter", "global_signal"} {
		add(m, true)
	}
	cols = append(cols, "framewise_displacement", "std_dvars", "cosine00", "cosine01",
		"a_comp_cor_00", "a_comp_cor_01", "a_comp_cor_02", "a_comp_cor_03", "a_comp_cor_04", "a_comp_cor_05",
		"t_comp_cor_00", "t_comp_cor_01", "aroma_motion_01", "aroma_motion_02", "non_steady_state_outlier00")
	spike := map[int]bool{}
	for _, s := range fdSpikes {
		spike[s] = true
	}
	var b strings.Builder
	b.WriteString(strings.Join(cols, "\t") + "\n")
	for tt := 0; tt < n; tt++ {
		row := make([]string, len(cols))
		for j, c := range cols {
			v := rng.NormFloat64()
			switch {
			case tt == 0 && (strings.Contains(c, "derivative1") || c == "framewise_displacement" || c == "std_dvars"):
				row[j] = "n/a"
				continue
			case c == "framewise_displacement":
				v = 0.1
				if spike[tt] {
					v = 0.9
				}
			case c == "std_dvars":
				v = 1.0
			case c == "non_steady_state_outlier00":
				v = 0
				if tt == 0 {
					v = 1
				}
			}
			row[j] = fmt.Sprint(v)
		}
		b.WriteString(strings.Join(row, "\t") + "\n")
	}
	dir := t.TempDir()
	tsv := filepath.Join(dir, "sub-01_task-rest_desc-confounds_timeseries.tsv")
	if err := os.WriteFile(tsv, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	js := `{
 "a_comp_cor_00": {"Mask": "combined", "Method": "aCompCor", "CumulativeVarianceExplained": 0.3},
 "a_comp_cor_01": {"Mask": "combined", "Method": "aCompCor", "CumulativeVarianceExplained": 0.45},
 "a_comp_cor_02": {"Mask": "combined", "Method": "aCompCor", "CumulativeVarianceExplained": 0.55},
 "a_comp_cor_03": {"Mask": "WM", "Method": "aCompCor", "CumulativeVarianceExplained": 0.6},
 "a_comp_cor_04": {"Mask": "WM", "Method": "aCompCor", "CumulativeVarianceExplained": 0.7},
 "a_comp_cor_05": {"Mask": "CSF", "Method": "aCompCor", "CumulativeVarianceExplained": 0.5},
 "t_comp_cor_00": {"Method": "tCompCor"},
 "t_comp_cor_01": {"Method": "tCompCor"}
}`
	os.WriteFile(strings.TrimSuffix(tsv, ".tsv")+".json", []byte(js), 0o644)
	return tsv
}

func TestSimplePreset(t *testing.T) {
	path := writeFmriprep(t, 30, nil)
	spec, _ := Preset("simple")
	r, err := Load(path, spec)
	if err != nil {
		t.Fatal(err)
	}
	// 24 motion + csf, white_matter + 2 cosines, sorted by name.
	if len(r.Names) != 28 {
		t.Fatalf("%d regressors: %v", len(r.Names), r.Names)
	}
	for i := 1; i < len(r.Names); i++ {
		if r.Names[i-1] >= r.Names[i] {
			t.Fatalf("names not sorted: %v", r.Names)
		}
	}
	// The non-steady-state volume 0 is removed from the sample mask.
	if r.Kept() != 29 || r.SampleMask[0] != 1 {
		t.Errorf("sample mask %v", r.SampleMask)
	}
	for j, name := range r.Names {
		col := r.Column(j)
		var s float64
		for _, tt := range r.SampleMask {
			s += col[tt]
		}
		if math.Abs(s/float64(r.Kept())) > 1e-12 {
			t.Errorf("%s not demeaned over kept volumes: mean %g", name, s/float64(r.Kept()))
		}
		if strings.Contains(name, "derivative1") && col[0] != col[1] {
			t.Errorf("%s: volume 0 (n/a) should take volume 1's value", name)
		}
	}
}

func TestStrategyComponents(t *testing.T) {
	path := writeFmriprep(t, 40, nil)
	cases := []struct {
		name  string
		spec  func(*Spec)
		count int
		has   []string
	}{
		{"motion basic", func(s *Spec) { s.Strategy = []string{"motion"}; s.Motion = "basic" }, 6, []string{"rot_z"}},
		{"motion derivatives", func(s *Spec) { s.Strategy = []string{"motion"}; s.Motion = "derivatives" }, 12, []string{"trans_x_derivative1"}},
		{"motion power2", func(s *Spec) { s.Strategy = []string{"motion"}; s.Motion = "power2" }, 12, []string{"rot_y_power2"}},
		{"wm_csf full", func(s *Spec) { s.Strategy = []string{"wm_csf"}; s.WMCSF = "full" }, 8, []string{"csf_derivative1_power2"}},
		{"global derivatives", func(s *Spec) { s.Strategy = []string{"global_signal"}; s.GlobalSignal = "derivatives" }, 2, []string{"global_signal_derivative1"}},
		{"high pass", func(s *Spec) { s.Strategy = []string{"high_pass"} }, 2, []string{"cosine01"}},
		{"compcor combined all", func(s *Spec) { s.Strategy = []string{"compcor"} }, 3, []string{"a_comp_cor_02"}},
		{"compcor combined 2", func(s *Spec) { s.Strategy = []string{"compcor"}; s.NCompcor = 2 }, 2, []string{"a_comp_cor_01"}},
		{"compcor separated", func(s *Spec) { s.Strategy = []string{"compcor"}; s.Compcor = "anat_separated" }, 3, []string{"a_comp_cor_03", "a_comp_cor_05"}},
		{"compcor 50% variance", func(s *Spec) { s.Strategy = []string{"compcor"}; s.CompcorVariance = 0.5 }, 3, []string{"a_comp_cor_02"}},
		{"compcor temporal", func(s *Spec) { s.Strategy = []string{"compcor"}; s.Compcor = "temporal" }, 2, []string{"t_comp_cor_01"}},
		{"compcor temporal+anat", func(s *Spec) { s.Strategy = []string{"compcor"}; s.Compcor = "temporal_anat_combined"; s.NCompcor = 1 }, 2, []string{"t_comp_cor_00", "a_comp_cor_00"}},
		{"aroma basic", func(s *Spec) { s.Strategy = []string{"ica_aroma"}; s.ICAAroma = "basic" }, 2, []string{"aroma_motion_02"}},
		{"aroma full", func(s *Spec) { s.Strategy = []string{"ica_aroma"} }, 0, nil},
	}
	for _, c := range cases {
		s := Defaults()
		c.spec(&s)
		r, err := Load(path, s)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if len(r.Names) != c.count {
			t.Errorf("%s: %d regressors %v, want %d", c.name, len(r.Names), r.Names, c.count)
		}
		for _, h := range c.has {
			found := false
			for _, n := range r.Names {
				found = found || n == h
			}
			if !found {
				t.Errorf("%s: %s missing from %v", c.name, h, r.Names)
			}
		}
	}
}

func TestScrubbing(t *testing.T) {
	path := writeFmriprep(t, 40, []int{6, 10, 30})
	spec, _ := Preset("scrubbing")
	r, err := Load(path, spec)
	if err != nil {
		t.Fatal(err)
	}
	// Volume 0 non-steady-state; 6 and 10 flagged, the 3-volume gap 7-9 is shorter than 5; 30 alone.
	removed := map[int]bool{0: true, 6: true, 7: true, 8: true, 9: true, 10: true, 30: true}
	if r.Kept() != 40-len(removed) {
		t.Fatalf("kept %d volumes: %v", r.Kept(), r.SampleMask)
	}
	for _, tt := range r.SampleMask {
		if removed[tt] {
			t.Errorf("volume %d should be censored", tt)
		}
	}
}

func TestOptimizeScrub(t *testing.T) {
	for _, c := range []struct {
		in   []int
		n, s int
		want []int
	}{
		{[]int{3, 9, 10, 17}, 20, 5, []int{0, 1, 2, 3, 9, 10, 17, 18, 19}},
		{[]int{6, 10, 30}, 40, 5, []int{6, 7, 8, 9, 10, 30}},
		{[]int{6, 12}, 40, 5, []int{6, 12}}, // a 5-volume segment is long enough
		{[]int{5, 34}, 40, 5, []int{5, 34}}, // leading and trailing segments of exactly 5 stay
		{[]int{4, 35}, 40, 5, []int{0, 1, 2, 3, 4, 35, 36, 37, 38, 39}},
	} {
		if got := OptimizeScrub(c.in, c.n, c.s); !reflect.DeepEqual(got, c.want) {
			t.Errorf("OptimizeScrub(%v, %d, %d) = %v, want %v", c.in, c.n, c.s, got, c.want)
		}
	}
}

func TestMissingAndBadInput(t *testing.T) {
	dir := t.TempDir()
	tsv := filepath.Join(dir, "c.tsv")
	os.WriteFile(tsv, []byte("trans_x\ttrans_y\tcsf\n1\t2\t3\n4\t5\t6\n"), 0o644)
	s := Defaults()
	_, err := Load(tsv, s)
	if err == nil || !strings.Contains(err.Error(), tsv) || !strings.Contains(err.Error(), "trans_z") || !strings.Contains(err.Error(), "white_matter") {
		t.Errorf("missing confounds: %v", err)
	}
	s.Strategy = []string{"compcor"}
	if _, err := Load(tsv, s); err == nil || !strings.Contains(err.Error(), "sidecar") {
		t.Errorf("compcor without JSON: %v", err)
	}
	s.Strategy = []string{"bogus"}
	if _, err := Load(tsv, s); err == nil || !strings.Contains(err.Error(), "unknown confound component") {
		t.Errorf("unknown component: %v", err)
	}
	camel := filepath.Join(dir, "old.tsv")
	os.WriteFile(camel, []byte("WhiteMatter\tX\n1\t2\n3\t4\n"), 0o644)
	if _, err := Load(camel, Defaults()); err == nil || !strings.Contains(err.Error(), "camel case") {
		t.Errorf("old fMRIPrep: %v", err)
	}
	all := writeFmriprep(t, 12, []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11})
	sc, _ := Preset("scrubbing")
	if _, err := Load(all, sc); err == nil || !strings.Contains(err.Error(), "every volume") {
		t.Errorf("all censored: %v", err)
	}
	if _, err := Preset("aggressive"); err == nil {
		t.Error("unknown preset accepted")
	}
}
