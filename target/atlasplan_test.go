package target

import (
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/report"
)

// Population targeting on a simulated cohort: with the group probability maps only, the targets
// in the left precentral strip are the group's left precentral SCAN nodes (within one voxel of
// each), their probabilities are those of the maps, the hit probability is at least the
// probability at the target, and the report states it. Reading the maps back from the written
// NIfTI gives the same targets.
func TestPlanAtlasFindsGroupNodes(t *testing.T) {
	pop := SimulatePopulation(3, 20)
	o := DefaultPlanOptions()
	dir := t.TempDir()
	if err := pop.Write(dir); err != nil {
		t.Fatal(err)
	}
	o.Network, o.Avoid, o.SearchSpace, o.MinScore = "SCAN", []string{"foot", "hand", "mouth"}, filepath.Join(dir, "precentral.nii.gz"), 0.2
	pm, err := ReadProbabilityMaps(filepath.Join(dir, "network_probabilities.nii.gz"), pop.Networks, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := PlanAtlas(pm, o)
	if err != nil {
		t.Fatal(err)
	}
	var group [][3]float64
	for _, n := range pop.Nodes[0] {
		if n.Network == "SCAN" && n.Precentral && n.Group[0] < 0 {
			group = append(group, n.Group)
		}
	}
	if len(res.Targets) != len(group) {
		t.Fatalf("%d targets for %d group SCAN nodes in the strip: %+v", len(res.Targets), len(group), res.Targets)
	}
	found := map[int]bool{}
	for _, tg := range res.Targets {
		best, at := math.Inf(1), -1
		for k, g := range group {
			if d := Distance(tg.MM, g); d < best {
				best, at = d, k
			}
		}
		if best > 3*math.Sqrt(3) || found[at] {
			t.Errorf("target %d at %v: %.1f mm from the group node %v", tg.Rank, tg.MM, best, group[at])
		}
		found[at] = true
		if *tg.Probability != pm.Maps[0][tg.Index] || *tg.HitProbability < *tg.Probability || *tg.ExpectedShare > *tg.HitProbability || *tg.Probability < o.MinScore {
			t.Errorf("target %d: probability %v, hit %v, share %v", tg.Rank, *tg.Probability, *tg.HitProbability, *tg.ExpectedShare)
		}
	}
	doc := report.New("t", "")
	res.AddReport(doc)
	if html := string(doc.HTML()); !strings.Contains(html, "hit probability (chance that SCAN lies within 10 mm") {
		t.Error("the report does not state the hit probability")
	}
	// In memory (float64 shares rather than the file's float32), the same targets.
	mem, err := PlanAtlas(pop.Probabilities(), o)
	if err != nil || len(mem.Targets) != len(res.Targets) {
		t.Fatalf("in-memory maps: %v", err)
	}
	for k, tg := range mem.Targets {
		if tg.MM != res.Targets[k].MM || tg.Size != res.Targets[k].Size {
			t.Errorf("in-memory maps: target %d at %v, from the file at %v", k+1, tg.MM, res.Targets[k].MM)
		}
	}
	if err := res.WriteFiles(filepath.Join(dir, "out")); err != nil {
		t.Fatal(err)
	}
	o.Network = "scan"
	if _, err := PlanAtlas(pm, o); !errors.Is(err, ErrUnknownNetwork) {
		t.Errorf("an unknown network: %v", err)
	}
	if _, err := ReadProbabilityMaps(filepath.Join(dir, "person-01_networks.nii.gz"), nil, nil); err == nil {
		t.Error("a label image without names read as probabilities")
	}
}

// With the people's own maps (person-NN_networks.nii.gz), the hit probability is exact: the share
// of the people whose SCAN has a voxel within 10 mm of the target, counted here on the simulated
// cohort's labels; it is at least the probability at the target and at least the lower bound the
// maps alone give, and the report says how it was computed. A map that is no label image is
// refused.
func TestPlanAtlasExactHitProbability(t *testing.T) {
	pop := SimulatePopulation(3, 20)
	dir := t.TempDir()
	if err := pop.Write(dir); err != nil {
		t.Fatal(err)
	}
	o := DefaultPlanOptions()
	o.Network, o.Avoid, o.SearchSpace, o.MinScore = "SCAN", []string{"foot", "hand", "mouth"}, filepath.Join(dir, "precentral.nii.gz"), 0.2
	pm, err := ReadProbabilityMaps(filepath.Join(dir, "network_probabilities.nii.gz"), pop.Networks, nil)
	if err != nil {
		t.Fatal(err)
	}
	bound, err := PlanAtlas(pm, o)
	if err != nil {
		t.Fatal(err)
	}
	var people []string
	for p := range pop.People {
		people = append(people, filepath.Join(dir, fmt.Sprintf("person-%02d_networks.nii.gz", p+1)))
	}
	if err := pm.ReadPeople(people); err != nil {
		t.Fatal(err)
	}
	res, err := PlanAtlas(pm, o)
	if err != nil || len(res.Targets) != len(bound.Targets) || len(res.Targets) == 0 {
		t.Fatalf("%v: %d targets with the people, %d without", err, len(res.Targets), len(bound.Targets))
	}
	for k, tg := range res.Targets {
		hits := 0
		for _, labels := range pop.People {
			for i, c := range pop.Grid.Coords {
				if labels[i] == 0 && Distance(c, tg.MM) <= o.HitRadius {
					hits++
					break
				}
			}
		}
		want := float64(hits) / float64(len(pop.People))
		t.Logf("target %d: exact hit probability %.2f, lower bound %.2f, probability %.2f", k+1, *tg.HitProbability, *bound.Targets[k].HitProbability, *tg.Probability)
		if *tg.HitProbability != want || *tg.HitProbability < *tg.Probability || *tg.HitProbability < *bound.Targets[k].HitProbability {
			t.Errorf("target %d: exact hit %v, counted %v, probability %v, bound %v", k+1, *tg.HitProbability, want, *tg.Probability, *bound.Targets[k].HitProbability)
		}
	}
	doc := report.New("t", "")
	res.AddReport(doc)
	if html := string(doc.HTML()); !strings.Contains(html, "the share of the 20 people whose SCAN lies there") {
		t.Error("the report does not say the hit probability is the people's share")
	}
	if err := pm.ReadPeople([]string{filepath.Join(dir, "network_probabilities.nii.gz")}); err == nil {
		t.Error("probability maps read as a person's labels")
	}
}
