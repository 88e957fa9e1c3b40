package pipeline

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/target"
)

// A study's [target] step plans with target.Plan, so an avoided network that is not among the
// templates' networks is refused, naming the valid ones, as painmark target refuses it.
func TestTargetRecipeUnknownAvoid(t *testing.T) {
	dir := t.TempDir()
	sim := target.SimulateParticipant(1, 30)
	if err := sim.Write(dir, false); err != nil {
		t.Fatal(err)
	}
	fdir := filepath.Join(dir, "fmriprep", "sub-01", "func")
	os.MkdirAll(fdir, 0o755)
	os.Rename(filepath.Join(dir, "bold.nii.gz"), filepath.Join(fdir, "sub-01_task-rest_space-MNI152NLin2009cAsym_desc-preproc_bold.nii.gz"))
	st := filepath.Join(dir, "study.toml")
	os.WriteFile(st, []byte(`output = "out"
[inputs]
fmriprep = "fmriprep"
[extract]
missing = "drop"
[connectivity]
kind = "correlation"
[target]
templates = "templates.nii.gz"
names = ["SCAN", "AMN", "foot", "hand", "mouth"]
network = "SCAN"
avoid = ["feet"]
search_space = "precentral.nii.gz"
`), 0o644)
	s, err := Load(st)
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Plan("test")
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.RunLocal(Build, nil)
	if err == nil || !strings.Contains(err.Error(), `avoid network "feet" is not among the templates' networks [SCAN AMN foot hand mouth]`) {
		t.Errorf("avoid = [\"feet\"]: %v", err)
	}
}
