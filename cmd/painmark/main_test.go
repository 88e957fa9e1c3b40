package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/internal/fixtures"
	"github.com/spf13/cobra"
)

// runCLI runs painmark in-process and returns stdout, stderr and the exit code.
func runCLI(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	return runRoot(t, newRoot(), args...)
}

// runRoot runs the command tree root in-process (as painmark's main does) and returns stdout,
// stderr and the exit code.
func runRoot(t *testing.T, root *cobra.Command, args ...string) (string, string, int) {
	t.Helper()
	oldOut, oldErr := os.Stdout, os.Stderr
	rOut, wOut, _ := os.Pipe()
	rErr, wErr, _ := os.Pipe()
	os.Stdout, os.Stderr = wOut, wErr
	done := make(chan [2]string)
	go func() {
		var o, e bytes.Buffer
		ch := make(chan struct{})
		go func() { io.Copy(&e, rErr); close(ch) }()
		io.Copy(&o, rOut)
		<-ch
		done <- [2]string{o.String(), e.String()}
	}()
	root.SetOut(wOut)
	root.SetErr(wErr)
	code := execute(root, args)
	wOut.Close()
	wErr.Close()
	os.Stdout, os.Stderr = oldOut, oldErr
	res := <-done
	return res[0], res[1], code
}

func TestInspectJSONMatchesNibabel(t *testing.T) {
	for _, name := range []string{"scl-int16-be", "affine-qform-oblique", "v2-float64", "gz-int16", "affine-none"} {
		fixture := filepath.Join("..", "..", "nifti", "testdata", "nibabel", name)
		matches, _ := filepath.Glob(fixture + ".nii*")
		if len(matches) != 1 {
			t.Fatalf("fixture %s: %v", name, matches)
		}
		out, errOut, code := runCLI(t, "inspect", "--json", matches[0])
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", name, code, errOut)
		}
		var got map[string]any
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("%s: %v\n%s", name, err, out)
		}
		b, _ := os.ReadFile(fixture + ".json")
		var want map[string]any
		json.Unmarshal(b, &want)
		for _, k := range []string{"dims", "datatype", "pixdim", "affine", "scl_slope", "scl_inter", "min", "max", "mean", "std"} {
			if _, ok := got[k]; !ok {
				t.Errorf("%s: key %q missing", name, k)
			}
		}
		check := func(key string, g, w any) {
			gb, _ := json.Marshal(g)
			wb, _ := json.Marshal(w)
			if string(gb) != string(wb) {
				t.Errorf("%s: %s = %s, nibabel %s", name, key, gb, wb)
			}
		}
		check("dims", got["dims"], want["shape"])
		check("datatype", got["datatype"], want["datatype"])
		check("affine", got["affine"], want["affine"])
		ws := want["stats"].(map[string]any)
		for _, k := range []string{"min", "max"} {
			check(k, got[k], ws[k])
		}
		for _, k := range []string{"mean", "std"} {
			g, w := got[k].(float64), ws[k].(float64)
			if d := g - w; d > 1e-12*(1+w) || d < -1e-12*(1+w) {
				t.Errorf("%s: %s = %v, numpy %v", name, k, g, w)
			}
		}
	}
}

func TestInspectTextAndOtherFormats(t *testing.T) {
	out, _, code := runCLI(t, "inspect", filepath.Join("..", "..", "nifti", "testdata", "nibabel", "dt-float32.nii"))
	if code != 0 || !strings.Contains(out, "affine_source  sform") || !strings.Contains(out, "datatype       float32") {
		t.Errorf("text output (%d):\n%s", code, out)
	}
	out, _, code = runCLI(t, "inspect", "--json", filepath.Join("..", "..", "npy", "testdata", "numpy", "fortran-2d.npy"))
	if code != 0 || !strings.Contains(out, `"shape": [`) || !strings.Contains(out, `"dtype": "<f8"`) {
		t.Errorf("npy (%d):\n%s", code, out)
	}
	tsv := filepath.Join(t.TempDir(), "t.tsv")
	os.WriteFile(tsv, []byte("a\tb\n1\tx\nn/a\ty\n"), 0o644)
	out, _, code = runCLI(t, "inspect", tsv)
	if code != 0 || !strings.Contains(out, "rows           2") || !strings.Contains(out, "missing 1") {
		t.Errorf("table (%d):\n%s", code, out)
	}
}

func TestExitCodes(t *testing.T) {
	if _, errOut, code := runCLI(t, "inspect"); code != 2 || !strings.Contains(errOut, "arg") {
		t.Errorf("missing argument: exit %d, %q", code, errOut)
	}
	if _, _, code := runCLI(t, "inspect", "--bogus", "x"); code != 2 {
		t.Errorf("unknown flag: exit %d", code)
	}
	bad := filepath.Join(t.TempDir(), "bad.nii")
	os.WriteFile(bad, []byte("this is not an image, not at all, no"), 0o644)
	if _, errOut, code := runCLI(t, "inspect", bad); code != 1 || !strings.Contains(errOut, bad) || !strings.Contains(errOut, "not a NIfTI") {
		t.Errorf("bad file: exit %d, %q", code, errOut)
	}
	if out, _, code := runCLI(t, "version"); code != 0 || !strings.HasPrefix(out, "painmark ") {
		t.Errorf("version: %d %q", code, out)
	}
}

func TestDemo(t *testing.T) {
	fixtures.Long(t)
	dir := t.TempDir()
	// Fewer resamples than the default keep the unit suite quick; the study is otherwise the same.
	out, errOut, code := runCLI(t, "demo", "--out", dir, "--permutations", "100", "--bootstraps", "100")
	if code != 0 {
		t.Fatalf("demo exit %d: %s\n%s", code, errOut, out)
	}
	for _, want := range []string{"subjects                      35", "wrote 39 files", "K = 25, alpha = 0.005", "r = 0.627", "nested leave-one-out"} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
	page, err := os.ReadFile(filepath.Join(dir, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, fig := range []string{"Out-of-fold predictions", "Null distribution", `class="edge"`, "Performance against training size"} {
		if !strings.Contains(string(page), fig) {
			t.Errorf("report lacks %q", fig)
		}
	}
	if out, errOut, code := runCLI(t, "signature", "show", filepath.Join(dir, "rpn_signature.json")); code != 0 || !strings.Contains(out, "RPN-demo") {
		t.Errorf("signature show of the demo's signature: %d %s %s", code, out, errOut)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.npy"))
	if len(files) != 35 {
		t.Errorf("%d .npy files", len(files))
	}
	// No temporary files are left behind.
	if tmp, _ := filepath.Glob(filepath.Join(dir, ".*tmp*")); len(tmp) != 0 {
		t.Errorf("temporary files left: %v", tmp)
	}
}

func TestAtlasCommands(t *testing.T) {
	out, _, code := runCLI(t, "atlas", "list")
	if code != 0 || !strings.Contains(out, "mist122") || !strings.Contains(out, "122 regions") || !strings.Contains(out, "dk68") {
		t.Errorf("atlas list:\n%s", out)
	}
	out, _, code = runCLI(t, "atlas", "show", "dk68", "--json")
	var regions []map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &regions) != nil || len(regions) != 68 {
		t.Errorf("atlas show dk68 --json: %d, %d regions", code, len(regions))
	}
	tsv := filepath.Join(t.TempDir(), "mist.tsv")
	if _, errOut, code := runCLI(t, "atlas", "show", "mist122", "--tsv", tsv); code != 0 {
		t.Fatalf("export: %s", errOut)
	}
	out, _, code = runCLI(t, "atlas", "show", tsv)
	if code != 0 || !strings.Contains(out, "CER6_p") {
		t.Errorf("show exported table: %d\n%s", code, out)
	}
}

func TestConfoundsCommand(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "sub-01_desc-confounds_timeseries.tsv")
	var b strings.Builder
	b.WriteString("trans_x\ttrans_y\ttrans_z\trot_x\trot_y\trot_z\tcsf\twhite_matter\tcosine00\tframewise_displacement\tstd_dvars\n")
	for i := 0; i < 20; i++ {
		fd := "0.1"
		if i == 0 {
			fd = "n/a"
		} else if i == 10 {
			fd = "0.9"
		}
		b.WriteString(strings.Repeat("0.5\t", 5) + "0.25\t1\t2\t0.1\t" + fd + "\t1\n")
	}
	os.WriteFile(in, []byte(b.String()), 0o644)
	outTSV := filepath.Join(dir, "conf.tsv")
	out, errOut, code := runCLI(t, "confounds", "--strategy", "motion,wm_csf,high_pass,scrub", "--motion", "basic", "--scrub", "0", in, "-o", outTSV)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "9 regressors, 19 of 20 volumes retained") {
		t.Errorf("output: %s", out)
	}
	side, err := os.ReadFile(filepath.Join(dir, "conf.json"))
	if err != nil || !strings.Contains(string(side), `"NumRetained": 19`) {
		t.Errorf("sidecar: %v\n%s", err, side)
	}
	if _, errOut, code := runCLI(t, "confounds", "--preset", "nope", in, "-o", outTSV); code != 2 || !strings.Contains(errOut, "unknown confound preset") {
		t.Errorf("bad preset: %d %s", code, errOut)
	}
}

// TestHelpFilesUsed checks that every help/NAME.txt belongs to a command, so texts cannot linger
// after their command is gone.
func TestHelpFilesUsed(t *testing.T) {
	used := map[string]bool{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		used[strings.ReplaceAll(c.CommandPath(), " ", "-")] = true
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(newRoot())
	entries, err := helpFiles.ReadDir("help")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := strings.TrimSuffix(e.Name(), ".txt")
		if !used[name] && !used["painmark-"+name] {
			t.Errorf("help/%s is not the help of any command", e.Name())
		}
	}
}
