package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

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
