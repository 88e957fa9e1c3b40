package target

import (
	"errors"
	"os"
	"path/filepath"

	"strings"
	"testing"
)

// Plan on a simulated participant finds the clusters scanTargets finds by hand (the same
// selection with the library's defaults), refuses network names that are not the templates'
// (naming the valid ones), and writes its result files.
func TestPlanWorkflow(t *testing.T) {
	dir := t.TempDir()
	sim := SimulateParticipant(1, 60)
	if err := sim.Write(dir, false); err != nil {
		t.Fatal(err)
	}
	d, err := Load(Source{Bold: filepath.Join(dir, "bold.nii.gz"), Mask: filepath.Join(dir, "mask.nii.gz")})
	if err != nil {
		t.Fatal(err)
	}
	o := DefaultPlanOptions()
	o.Templates, o.Names, o.Network = filepath.Join(dir, "templates.nii.gz"), sim.Networks, "SCAN"
	o.Avoid, o.SearchSpace, o.MinScore = []string{"foot", "hand", "mouth"}, filepath.Join(dir, "precentral.nii.gz"), 0.15
	res, err := Plan(d, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Targets) == 0 || res.ScoreName != "similarity to SCAN" || len(res.Maps) != 3 {
		t.Fatalf("%d targets ranked by %q", len(res.Targets), res.ScoreName)
	}
	// The same selection by hand.
	sel := res.Select
	sel.Neighbour = d.DefaultNeighbour()
	byHand, err := SelectTargets(d, sel)
	if err != nil || !sameTargets(byHand, res.Targets) {
		t.Errorf("Plan's targets differ from the selection's: %v", err)
	}
	if err := res.WriteFiles(filepath.Join(dir, "out")); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"networks.nii.gz", "maps.nii.gz", "markers.nii.gz", "targets.tsv", "targets.json"} {
		if _, err := os.Stat(filepath.Join(dir, "out", f)); err != nil {
			t.Error(err)
		}
	}
	for _, bad := range []func(o *PlanOptions){
		func(o *PlanOptions) { o.Avoid = []string{"feet"} },
		func(o *PlanOptions) { o.Network = "scan" },
	} {
		b := o
		bad(&b)
		_, err := Plan(d, b)
		if !errors.Is(err, ErrUnknownNetwork) || !strings.Contains(err.Error(), "[SCAN AMN foot hand mouth]") {
			t.Errorf("an unknown network: %v", err)
		}
	}
}

func sameTargets(a, b []Target) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Rank != b[i].Rank || a[i].Index != b[i].Index || a[i].MM != b[i].MM || a[i].Size != b[i].Size || a[i].MeanScore != b[i].MeanScore {
			return false
		}
	}
	return true
}
