package decode

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// decode train failing while writing leaves no final-named output, so decode apply cannot pick up
// a leftover model.json (issue 21).
func TestTrainFailureLeavesNoOutput(t *testing.T) {
	a := participant(t, "01", 1, 5)
	o := DefaultTrainOptions()
	o.Bootstraps, o.Permutations = 20, 2
	res, err := Train(a, o)
	if err != nil {
		t.Fatal(err)
	}
	res.Nested.R = math.NaN() // decode.json, the last file, cannot be written
	root := t.TempDir()
	out := filepath.Join(root, "train")
	if err := res.WriteFiles(out); err == nil {
		t.Fatal("a NaN in decode.json was written")
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the output folder exists after the failure: %v", err)
	}
	if entries, _ := os.ReadDir(root); len(entries) != 0 {
		t.Errorf("left behind: %v", entries)
	}
}
