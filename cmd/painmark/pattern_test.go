package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/painmark/painmark/glm"
	"github.com/painmark/painmark/pattern"
)

// TestPatternCLI: synthetic task, pattern make and pattern apply on the planted single-trial
// response series write what the library writes byte for byte; the responses, labelled by the
// events' conditions, separate heat from warm in signature forced-choice; signature validate,
// compare and change take them as predictions (change: heat as before, warm as after).
func TestPatternCLI(t *testing.T) {
	dir := t.TempDir()
	study := filepath.Join(dir, "task")
	run := func(args ...string) string {
		t.Helper()
		out, errOut, code := runCLI(t, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		return out
	}
	run("synthetic", "task", study, "--subjects", "6")
	sig := filepath.Join(study, "pain.signature.json")
	run("pattern", "make", filepath.Join(study, "truth", "pattern-pain.nii.gz"), "--name", "pain", "--licence", "CC0-1.0", "-o", sig)
	var maps []string
	for s := 1; s <= 6; s++ {
		maps = append(maps, filepath.Join(study, "truth", "sub-0"+string(rune('0'+s))+"_run-1_trial-betas.nii.gz"))
	}
	resp := filepath.Join(dir, "responses.tsv")
	run(append([]string{"pattern", "apply", "--signature", sig, "--metric", "correlation", "-o", resp, "--report", "none"}, maps...)...)
	m, name, err := pattern.Load(sig)
	if err != nil {
		t.Fatal(err)
	}
	in, _ := pattern.InputsFromPaths(maps, "all")
	o := pattern.DefaultApplyOptions()
	o.Metric = pattern.Correlation
	lib, err := pattern.Apply(m, name, in, o)
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	lib.WriteTSV(&want)
	got, _ := os.ReadFile(resp)
	if !bytes.Equal(got, want.Bytes()) || len(lib.Rows) != 6*16 {
		t.Fatalf("responses.tsv differs from the library's (%d rows):\n%.400s", len(lib.Rows), got)
	}
	// Label each volume with its event's condition.
	lines := strings.Split(strings.TrimSpace(string(got)), "\n")
	for i := range lib.Rows {
		r := lib.Rows[i]
		ev, err := glm.ReadEvents(filepath.Join(study, "sub-"+r.Subject, "func", "sub-"+r.Subject+"_task-heat_run-1_events.tsv"))
		if err != nil {
			t.Fatal(err)
		}
		f := strings.Split(lines[i+1], "\t")
		f[1] = ev[r.Volume].TrialType
		lines[i+1] = strings.Join(f, "\t")
	}
	labelled := filepath.Join(dir, "labelled.tsv")
	os.WriteFile(labelled, []byte(strings.Join(lines, "\n")+"\n"), 0o644)
	fc := filepath.Join(dir, "forced.json")
	run("signature", "forced-choice", labelled, "heat", "warm", "-o", fc, "--report", "none")
	var res struct {
		Accuracy float64 `json:"accuracy"`
		N        int     `json:"n"`
	}
	b, _ := os.ReadFile(fc)
	if err := json.Unmarshal(b, &res); err != nil || res.Accuracy != 1 || res.N != 6 {
		t.Errorf("forced choice heat vs warm: %v %+v", err, res)
	}
	// validate and compare on pattern responses: an outcome that follows the heat responses.
	r, err := pattern.ReadResponses(labelled)
	if err != nil {
		t.Fatal(err)
	}
	heat, _ := r.Application("heat")
	warm, _ := r.Application("warm")
	var pt strings.Builder
	pt.WriteString("participant_id\tpain\tpain_post\tarm\n")
	for i, s := range heat.Subjects {
		pre := 2*heat.Predictions[i] + 1e-5*float64(i%3)
		// pain after: changes by three times the response change from heat (pre) to warm (post)
		post := pre + 3*(warm.Predictions[i]-heat.Predictions[i]) + 1e-5*float64(i%2)
		pt.WriteString("sub-" + s + "\t" + strconv.FormatFloat(pre, 'g', -1, 64) + "\t" + strconv.FormatFloat(post, 'g', -1, 64) + "\t" + []string{"active", "sham"}[i%2] + "\n")
	}
	parts := filepath.Join(dir, "participants.tsv")
	os.WriteFile(parts, []byte(pt.String()), 0o644)
	val := filepath.Join(dir, "validation.json")
	run("signature", "validate", labelled, "heat", "--target", parts+":pain", "--permutations", "99", "--bootstraps", "0", "-o", val, "--report", "none")
	var v struct {
		Cohorts []struct {
			R float64 `json:"r"`
		} `json:"cohorts"`
	}
	b, _ = os.ReadFile(val)
	if err := json.Unmarshal(b, &v); err != nil || len(v.Cohorts) != 1 || !(v.Cohorts[0].R > 0.99) {
		t.Errorf("validate on pattern responses: %v %s", err, b)
	}
	run("signature", "compare", labelled, "heat", labelled, "warm", "--target", parts+":pain", "--permutations", "0", "--bootstraps", "0", "-o", filepath.Join(dir, "compare.json"), "--report", "none")
	// change on pattern responses: heat as "pre", warm as "post"; the signature change is each
	// subject's warm minus heat response, and it follows the pain change in both arms.
	chg := filepath.Join(dir, "change.json")
	run("signature", "change", labelled, "heat", "warm", "--pain-pre", parts+":pain", "--pain-post", parts+":pain_post", "--group", parts+":arm",
		"--permutations", "99", "-o", chg, "--report", "none")
	var c struct {
		Subjects        []string  `json:"subjects"`
		SignatureChange []float64 `json:"signature_change"`
		ByGroup         []struct {
			Group string  `json:"group"`
			N     int     `json:"n"`
			R     float64 `json:"r"`
		} `json:"by_group"`
	}
	b, _ = os.ReadFile(chg)
	if err := json.Unmarshal(b, &c); err != nil || len(c.Subjects) != 6 || len(c.ByGroup) != 2 {
		t.Fatalf("change on pattern responses: %v %s", err, b)
	}
	for i, s := range c.Subjects {
		k := slices.Index(heat.Subjects, strings.TrimPrefix(s, "sub-"))
		if k < 0 || math.Abs(c.SignatureChange[i]-(warm.Predictions[k]-heat.Predictions[k])) > 1e-12 {
			t.Errorf("change of %s: %v, warm - heat response %v", s, c.SignatureChange[i], warm.Predictions[max(k, 0)]-heat.Predictions[max(k, 0)])
		}
	}
	for _, g := range c.ByGroup {
		if g.N != 3 || !(g.R > 0.99) {
			t.Errorf("change on pattern responses, arm %s: n %d, r %v", g.Group, g.N, g.R)
		}
	}
	if _, _, code := runCLI(t, "signature", "validate", labelled, "heat"); code != 2 {
		t.Errorf("validate on responses without --target: exit %d", code)
	}
	if _, _, code := runCLI(t, "pattern", "apply", "--signature", sig, "--metric", "cosine", maps[0]); code != 2 {
		t.Errorf("unknown metric: exit %d", code)
	}
}
