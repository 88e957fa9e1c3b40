package synthetic

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/study"
)

// TestWriteBIDSDeterministic: the same seed writes the same bytes; the dataset has fMRIPrep's
// layout (preprocessed runs found by study.FindPreprocBold, each with its confounds) and a
// participants.tsv keyed participant_id.
func TestWriteBIDSDeterministic(t *testing.T) {
	o := BIDSOptions{Subjects: 3, Runs: 2, Frames: 20, Seed: 4}
	a, b := t.TempDir(), t.TempDir()
	st, err := WriteBIDS(a, o)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := WriteBIDS(b, o); err != nil {
		t.Fatal(err)
	}
	n := 0
	filepath.Walk(a, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(a, p)
		x, _ := os.ReadFile(p)
		y, err := os.ReadFile(filepath.Join(b, rel))
		if err != nil || !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs with one seed", rel)
		}
		n++
		return nil
	})
	bolds, err := study.FindPreprocBold(filepath.Join(a, "derivatives", "fmriprep"), nil)
	if err != nil || len(bolds) != 6 {
		t.Fatalf("%d preprocessed runs: %v", len(bolds), err)
	}
	for _, bo := range bolds {
		if _, err := study.ConfoundsFor(bo); err != nil {
			t.Error(err)
		}
	}
	pt, _ := os.ReadFile(filepath.Join(a, "participants.tsv"))
	if !strings.HasPrefix(string(pt), "participant_id\tage\tpain\nsub-01\t") || len(st.Pain) != 3 || len(st.Planted) != 4 {
		t.Fatalf("participants.tsv:\n%s", pt)
	}
	if n != 6*6+5 {
		t.Errorf("%d files", n)
	}
}
