package pattern_test

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/glm"
	"github.com/painmark/painmark/nifti"
	"github.com/painmark/painmark/pattern"
	"github.com/painmark/painmark/signature"
	"github.com/painmark/painmark/synthetic"
)

// taskBetaMaps simulates the synthetic heat-vs-warm study, fits each subject's run with heat and
// warm regressors (OLS on the series) and writes the heat and warm beta maps; it returns the maps
// as inputs and the study folder (with truth/).
func taskBetaMaps(t *testing.T) ([]pattern.Input, string) {
	t.Helper()
	o := synthetic.DefaultTaskOptions()
	dir := t.TempDir()
	st, err := synthetic.SimulateTask(o)
	if err == nil {
		err = st.WriteTruth(dir)
	}
	if err != nil {
		t.Fatal(err)
	}
	heat, warm, err := st.WriteConditionBetas(dir)
	if err != nil {
		t.Fatal(err)
	}
	var in []pattern.Input
	for i, run := range st.Runs {
		in = append(in, pattern.Input{Subject: run.Subject, Condition: "heat", Path: heat[i]}, pattern.Input{Subject: run.Subject, Condition: "warm", Path: warm[i]})
	}
	return in, dir
}

// TestForcedChoiceHeatWarm: the synthetic study's pain pattern, as a voxel-pattern signature file
// (embedded: all three metrics; by path: the dot product), applied to every subject's heat and
// warm beta maps, separates heat from warm in a forced choice (all subjects, binomial p < 0.01).
func TestForcedChoiceHeatWarm(t *testing.T) {
	in, dir := taskBetaMaps(t)
	mapPath := filepath.Join(dir, "truth", "pattern-pain.nii.gz")
	for _, embed := range []bool{true, false} {
		s, err := pattern.NewSignature(mapPath, dir, "pain pattern", "MNI152NLin2009cAsym", "CC0-1.0", embed)
		if err != nil {
			t.Fatal(err)
		}
		sigPath := filepath.Join(dir, fmt.Sprintf("pain-%v.signature.json", embed))
		if err := s.Write(sigPath); err != nil {
			t.Fatal(err)
		}
		back, err := pattern.ReadSignature(sigPath)
		if err != nil {
			t.Fatal(err)
		}
		if !embed && back.MapPath != filepath.Join("truth", "pattern-pain.nii.gz") {
			t.Errorf("map path %q, want it relative to the signature's folder", back.MapPath)
		}
		m, err := back.Map(sigPath)
		if err != nil {
			t.Fatal(err)
		}
		metrics := pattern.Metrics
		if !embed {
			metrics = metrics[:1] // the map by path: the same map, one metric is enough
		}
		for _, metric := range metrics {
			o := pattern.DefaultApplyOptions()
			o.Metric = metric
			res, err := pattern.Apply(m, s.Name, in, o)
			if err != nil {
				t.Fatal(err)
			}
			heat, err1 := res.Application("heat")
			warm, err2 := res.Application("warm")
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			fc, err := signature.ForcedChoice(heat, warm, signature.DefaultForcedChoiceOptions())
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("embedded %v, %s: accuracy %.3f, p %.3g over %d subjects", embed, metric, fc.Accuracy, fc.P, fc.N)
			if fc.Accuracy != 1 || !(fc.P < 0.01) || fc.N != 8 {
				t.Errorf("embedded %v, %s: forced choice accuracy %v, p %v, n %d", embed, metric, fc.Accuracy, fc.P, fc.N)
			}
		}
	}
	if _, err := (&pattern.Responses{}).Application("heat"); err == nil {
		t.Error("no responses: accepted")
	}
}

// TestSimilaritiesEdgeCases: voxels with zero weight or zero/NaN data are left out; cosine is 0
// and correlation NaN where they are undefined.
func TestSimilaritiesEdgeCases(t *testing.T) {
	w := []float64{1, 2, 0, 3, math.NaN()}
	x := []float64{2, 0, 5, math.NaN(), 7}
	s := pattern.Similarities(w, x)
	if s.Dot != 2 || s.NVoxels != 1 || s.Cosine != 1 || !math.IsNaN(s.Correlation) {
		t.Errorf("%+v", s)
	}
	if s := pattern.Similarities([]float64{1, 1}, []float64{0, 0}); s.Cosine != 0 || s.NVoxels != 0 {
		t.Errorf("%+v", s)
	}
}

// TestSignatureFileRefusals: a changed pattern file fails its checksum, a changed map its
// SHA-256, and signature.Read refuses a voxel-pattern file naming its kind.
func TestSignatureFileRefusals(t *testing.T) {
	dir := t.TempDir()
	mp := filepath.Join(dir, "w.nii")
	h := nifti.NewHeader([]int{4, 4, 4}, nifti.Float64)
	vals := make([]float64, 64)
	vals[5], vals[9] = 1, -2
	if err := nifti.Write(mp, h, vals); err != nil {
		t.Fatal(err)
	}
	s, err := pattern.NewSignature(mp, dir, "w", "MNI152NLin2009cAsym", "", false)
	if err != nil {
		t.Fatal(err)
	}
	sp := filepath.Join(dir, "w.json")
	if err := s.Write(sp); err != nil {
		t.Fatal(err)
	}
	if _, err := signature.Read(sp); err == nil || !strings.Contains(err.Error(), "voxel pattern") {
		t.Errorf("signature.Read of a pattern file: %v", err)
	}
	b, _ := os.ReadFile(sp)
	os.WriteFile(filepath.Join(dir, "x.json"), bytes.Replace(b, []byte(`"name": "w"`), []byte(`"name": "x"`), 1), 0o644)
	if _, err := pattern.ReadSignature(filepath.Join(dir, "x.json")); err == nil {
		t.Error("edited signature accepted")
	}
	vals[5] = 3
	nifti.Write(mp, h, vals)
	if _, _, err := pattern.Load(sp); err == nil || !strings.Contains(err.Error(), "SHA-256") {
		t.Errorf("changed map: %v", err)
	}
}

// TestForcedChoiceTrialSeries: single-trial (LSS) beta series of every synthetic subject, written
// per condition, scored by the pain pattern (one response per trial, a subject's condition score
// their mean) separate heat from warm in a forced choice.
func TestForcedChoiceTrialSeries(t *testing.T) {
	o := synthetic.DefaultTaskOptions()
	o.Subjects = 4
	dir := t.TempDir()
	st, err := synthetic.WriteTask(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	var in []pattern.Input
	for i, run := range st.Runs {
		mask, err := glm.LoadMaskLike(filepath.Join(dir, "truth", "mask.nii.gz"), st.BoldPath(dir, i))
		if err != nil {
			t.Fatal(err)
		}
		res, err := glm.BetaSeries(glm.FirstLevelRun{BOLD: st.BoldPath(dir, i), Events: run.Events}, mask, glm.DefaultBetaSeriesOptions())
		if err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(dir, "betas", "sub-"+run.Subject)
		if err := os.MkdirAll(out, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := res.WriteFiles(out); err != nil {
			t.Fatal(err)
		}
		for _, c := range res.Conditions() {
			in = append(in, pattern.Input{Subject: run.Subject, Condition: c, Path: filepath.Join(out, glm.BetaSeriesFileName(c))})
		}
	}
	m, err := pattern.LoadMap(filepath.Join(dir, "truth", "pattern-pain.nii.gz"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := pattern.Apply(m, "pain", in, pattern.DefaultApplyOptions())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != 4*2*o.Trials {
		t.Fatalf("%d responses", len(res.Rows))
	}
	pair, err := res.Pair("heat", "warm")
	if err != nil {
		t.Fatal(err)
	}
	fc, err := signature.ForcedChoice(pair[0], pair[1], signature.DefaultForcedChoiceOptions())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("trial series: accuracy %.3f, p %.3g over %d subjects", fc.Accuracy, fc.P, fc.N)
	if fc.Accuracy != 1 || fc.N != 4 {
		t.Errorf("trial-series forced choice: accuracy %v over %d subjects", fc.Accuracy, fc.N)
	}
}
