package pipeline

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/target"
)

// A study's [target] step plans with target.Plan, so an avoided network that is not among the
// templates' networks is refused, naming the valid ones, as painmark target refuses it.
func TestTargetStepUnknownAvoid(t *testing.T) {
	dir := t.TempDir()
	if err := target.SimulateParticipant(1, 30).Write(dir, false); err != nil {
		t.Fatal(err)
	}
	o := targetOptions{Bold: filepath.Join(dir, "bold.nii.gz"), Mask: filepath.Join(dir, "mask.nii.gz"), TargetRecipe: TargetRecipe{
		Templates: filepath.Join(dir, "templates.nii.gz"), Names: []string{"SCAN", "AMN", "foot", "hand", "mouth"}, Network: "SCAN",
		Avoid: []string{"feet"}, SearchSpace: filepath.Join(dir, "precentral.nii.gz"), MinSize: 5, MaxTargets: 10}}
	err := buildTargets(o, dir)
	if err == nil || !strings.Contains(err.Error(), `avoid network "feet" is not among the templates' networks [SCAN AMN foot hand mouth]`) {
		t.Errorf("avoid = [\"feet\"]: %v", err)
	}
}
