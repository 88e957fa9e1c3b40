package confounds

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// WriteFiles writes the table and a sidecar that lists every volume when nothing is censored and
// writes a disabled threshold as "none".
func TestWriteFilesSidecar(t *testing.T) {
	dir := t.TempDir()
	r := &Result{Names: []string{"a", "b"}, Data: []float64{1, 2, 3, 4, 5, 6}, NumFrames: 3}
	spec := Defaults()
	spec.FDThreshold = math.Inf(1)
	jsonPath, err := r.WriteFiles(filepath.Join(dir, "conf.tsv"), "in.tsv", spec)
	if err != nil {
		t.Fatal(err)
	}
	if jsonPath != filepath.Join(dir, "conf.json") {
		t.Errorf("sidecar at %s", jsonPath)
	}
	tsv, _ := os.ReadFile(filepath.Join(dir, "conf.tsv"))
	if !strings.HasPrefix(string(tsv), "a\tb\n1\t2\n") {
		t.Errorf("table:\n%s", tsv)
	}
	b, _ := os.ReadFile(jsonPath)
	var side map[string]any
	if err := json.Unmarshal(b, &side); err != nil {
		t.Fatal(err)
	}
	opts := side["Options"].(map[string]any)
	if opts["fd_threshold"] != "none" || opts["std_dvars_threshold"] != 1.5 || side["NumRetained"] != 3.0 || len(side["SampleMask"].([]any)) != 3 || side["Source"] != "in.tsv" {
		t.Errorf("sidecar:\n%s", b)
	}
}
