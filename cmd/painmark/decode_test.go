package main

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/decode"
	"github.com/painmark/painmark/internal/browsercheck"
	"github.com/painmark/painmark/stats"
	"github.com/painmark/painmark/table"
)

// The decoding workflow through the command line on a simulated participant: train (nested
// leave-one-session-out, scales, bootstrap, importance, final model, report), the learning curve,
// frame-wise application to the same person and to another person.
func TestDecodeCommands(t *testing.T) {
	dir := t.TempDir()
	p := func(parts ...string) string { return filepath.Join(append([]string{dir}, parts...)...) }
	run := func(args ...string) string {
		t.Helper()
		out, errOut, code := runCLI(t, args...)
		if code != 0 {
			t.Fatalf("painmark %s: exit %d\n%s\n%s", strings.Join(args, " "), code, out, errOut)
		}
		return out
	}
	run("synthetic", "participant", p("p01"), "--sessions", "10", "--runs", "2", "--regions", "24", "--planted", "5", "--seed", "1")
	run("synthetic", "participant", p("p02"), "--sessions", "4", "--runs", "2", "--regions", "24", "--planted", "5", "--seed", "4", "--id", "02")
	out := run("decode", "train", p("p01"), "--bootstraps", "500", "--permutations", "50", "-o", p("dec"))
	if r := number(t, out, `nested leave-one-session-out: r = ([-0-9.]+)`); r < 0.35 {
		t.Errorf("nested r = %.3f\n%s", r, out)
	}
	for _, f := range []string{"model.json", "predictions.tsv", "importance.tsv", "decode.json", "decode.report.html", "decode.report.json"} {
		if _, err := os.Stat(p("dec", f)); err != nil {
			t.Errorf("missing %s", f)
		}
	}
	// The most important regions are the planted ones.
	imp, err := table.Read(p("dec", "importance.tsv"), nil)
	if err != nil {
		t.Fatal(err)
	}
	planted, _ := table.Read(p("p01", "planted_regions.tsv"), nil)
	pr, _ := planted.Column("region")
	names, _ := imp.Column("region")
	drop, _ := imp.Floats("r_drop")
	best := 0
	for i := range drop {
		if drop[i] > drop[best] {
			best = i
		}
	}
	if !strings.Contains(strings.Join(pr.Raw, ","), names.Raw[best]) {
		t.Errorf("most important region %s, planted %v", names.Raw[best], pr.Raw)
	}
	run("decode", "prepare", p("p01"), "-o", p("bins"))
	if _, err := os.Stat(p("bins", "features.npy")); err != nil {
		t.Error("prepare wrote no features.npy")
	}
	// A personalized model evaluated on another person's sessions does not generalize.
	out = run("decode", "evaluate", p("dec", "model.json"), p("p02"), "--bootstraps", "200", "-o", p("eval-other.json"))
	if r := number(t, out, `bin-level r = ([-0-9.]+)`); r > 0.2 {
		t.Errorf("person A's decoder on person B: r = %.3f\n%s", r, out)
	}
	run("decode", "importance", p("p01"), "--permutations", "20", "-o", p("importance.tsv"))
	out = run("decode", "curve", p("p01"), "--sizes", "3,8", "--repeats", "20", "-o", p("curve.json"))
	t.Log(strings.TrimSpace(out))
	out = run("decode", "apply", p("dec", "model.json"), p("p01"), "-o", p("self.tsv"))
	out2 := run("decode", "apply", p("dec", "model.json"), p("p02"), "-o", p("other.tsv"))
	t.Log(strings.TrimSpace(out), "; ", strings.TrimSpace(out2))
	// Guard rail: the decoder applied to its own training sessions says so, in the printout and
	// the report; applied to another person's runs it does not.
	if !strings.Contains(out, "IN-SAMPLE: ") || strings.Contains(out2, "IN-SAMPLE") || !strings.Contains(string(readBytes(t, p("self.report.html"))), "IN-SAMPLE: ") {
		t.Errorf("decode apply on the training sessions not labelled in-sample: %s; %s", out, out2)
	}
	corr := func(path string) float64 {
		tb, err := table.Read(path, nil)
		if err != nil {
			t.Fatal(err)
		}
		a, _ := tb.Floats("prediction")
		b, _ := tb.Floats("rating_lagged")
		return stats.Pearson(a, b)
	}
	self, other := corr(p("self.tsv")), corr(p("other.tsv"))
	if !(self > 0.1) || !(self > other+0.1) {
		t.Errorf("frame-wise r: own runs %.3f, another person's %.3f", self, other)
	}
	if _, errOut, code := runCLI(t, "decode", "train", p("nowhere"), "-o", p("x")); code == 0 || !strings.Contains(errOut, "no *_timeseries.tsv") {
		t.Errorf("missing folder: %d %s", code, errOut)
	}
	if os.Getenv("PAINMARK_CHROMIUM") != "" {
		browsercheck.Check(t, browsercheck.Chromium(t), p("dec", "decode.report.html"), "decode-report.png", 7)
	}
}

// decode stream on a run file gives, frame by frame, what decode apply --normalize expanding gives
// offline on the same run (to 1e-12), with no prediction in the drop and the warm-up.
func TestDecodeStreamCommand(t *testing.T) {
	dir := t.TempDir()
	p := func(parts ...string) string { return filepath.Join(append([]string{dir}, parts...)...) }
	for _, args := range [][]string{
		{"synthetic", "participant", p("p01"), "--sessions", "3", "--runs", "2", "--regions", "12", "--planted", "4", "--seed", "2"},
		{"decode", "train", p("p01"), "--bootstraps", "20", "--permutations", "2", "-o", p("dec")},
	} {
		if out, errOut, code := runCLI(t, args...); code != 0 {
			t.Fatalf("painmark %s: exit %d\n%s\n%s", strings.Join(args, " "), code, out, errOut)
		}
	}
	// One run on its own (a rest run: no rating, no censoring).
	name := "sub-01_ses-02_run-1_timeseries"
	if err := os.MkdirAll(p("rest"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, ext := range []string{".tsv", ".json"} {
		b, err := os.ReadFile(p("p01", name+ext))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(p("rest", name+ext), b, 0o644)
	}
	if _, errOut, code := runCLI(t, "decode", "apply", p("dec", "model.json"), p("rest"), "--normalize", "expanding", "--warmup", "10", "-o", p("apply.tsv")); code != 0 {
		t.Fatal(errOut)
	}
	if _, errOut, code := runCLI(t, "decode", "stream", p("dec", "model.json"), p("rest", name+".tsv"), "--tr", "1", "--warmup", "10", "-o", p("live.tsv")); code != 0 {
		t.Fatal(errOut)
	}
	off, err := table.Read(p("apply.tsv"), nil)
	if err != nil {
		t.Fatal(err)
	}
	live, err := table.Read(p("live.tsv"), nil)
	if err != nil {
		t.Fatal(err)
	}
	offFrame, _ := off.Floats("frame")
	offPred, _ := off.Floats("prediction")
	liveFrame, _ := live.Floats("frame")
	livePred, _ := live.Floats("prediction")
	at := map[int]float64{}
	for i, f := range liveFrame {
		at[int(f)] = livePred[i]
	}
	compared := 0
	for i, f := range offFrame {
		got := at[int(f)]
		if (got != got) != (offPred[i] != offPred[i]) || (got == got && math.Abs(got-offPred[i]) > 1e-12*max(1, math.Abs(got))) {
			t.Fatalf("frame %v: stream %v, apply %v", f, got, offPred[i])
		}
		if got == got {
			compared++
		}
	}
	if compared < 500 || len(liveFrame) != 600 {
		t.Fatalf("%d predictions compared, %d frames streamed", compared, len(liveFrame))
	}
}

// decode curve --deipp writes the library's TrainSize result byte for byte (sizes 1 to n-2).
func TestDecodeCurveDEIPP(t *testing.T) {
	dir := t.TempDir()
	p := func(parts ...string) string { return filepath.Join(append([]string{dir}, parts...)...) }
	for _, args := range [][]string{
		{"synthetic", "participant", p("p01"), "--sessions", "5", "--runs", "2", "--regions", "10", "--planted", "4", "--seed", "3"},
		{"decode", "curve", p("p01"), "--deipp", "--repeats", "2", "--bootstraps", "20", "-o", p("cli.json")},
	} {
		if out, errOut, code := runCLI(t, args...); code != 0 {
			t.Fatalf("painmark %s: exit %d\n%s\n%s", strings.Join(args, " "), code, out, errOut)
		}
	}
	part, err := decode.ReadParticipant(p("p01"), 0, true)
	if err != nil {
		t.Fatal(err)
	}
	o := decode.DefaultTrainSizeOptions()
	o.Repeats, o.Bootstraps = 2, 20
	res, err := decode.TrainSize(part, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Points) != 3 || res.Points[0].Sessions != 1 {
		t.Fatalf("%d sizes", len(res.Points))
	}
	if err := res.WriteFiles(p("lib.json")); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(p("cli.json"))
	b, _ := os.ReadFile(p("lib.json"))
	if string(a) != string(b) || len(a) == 0 {
		t.Fatalf("the CLI's curve differs from the library's:\n%s\n%s", a, b)
	}
}
