package target

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/painmark/painmark/cifti"
)

// scanTargets plans SCAN targets in the left precentral strip from a network map.
func scanTargets(t *testing.T, sim *Simulation, nm *NetworkMap, minScore float64) []Target {
	t.Helper()
	d := sim.Data
	in, avoid := make([]bool, d.Len()), make([]bool, d.Len())
	for i := range in {
		in[i] = sim.SearchSpace[i] && nm.Assign[i] == 0    // SCAN
		avoid[i] = sim.SearchSpace[i] && nm.Assign[i] >= 2 // effector networks
	}
	targets, err := SelectTargets(d, SelectOptions{In: in, Avoid: avoid, AvoidMargin: 0, Score: nm.Similarity[0], MinScore: minScore, Neighbour: 5.3, MinSize: 4})
	if err != nil {
		t.Fatal(err)
	}
	return targets
}

// TestSimulatedParticipantTargets: on a simulated participant whose precentral SCAN nodes sit
// 10 mm from the group's, template matching with the group templates finds the person's SCAN
// nodes in the precentral strip within 6 mm, and the group template alone misses them by more.
func TestSimulatedParticipantTargets(t *testing.T) {
	sim := SimulateParticipant(1, 150)
	nm, err := TemplateMatch(sim.Data, sim.Networks, sim.Templates)
	if err != nil {
		t.Fatal(err)
	}
	targets := scanTargets(t, sim, nm, 0.15)
	// The group template alone: its SCAN clusters in the strip.
	group := &NetworkMap{Names: sim.Networks, Assign: make([]int, sim.Data.Len()), Similarity: sim.Templates}
	for i := range group.Assign {
		best := 0
		for k := range sim.Templates {
			if sim.Templates[k][i] > sim.Templates[best][i] {
				best = k
			}
		}
		group.Assign[i] = -1
		if sim.Templates[best][i] > 0.3 {
			group.Assign[i] = best
		}
	}
	groupTargets := scanTargets(t, sim, group, 0.3)
	for _, n := range sim.Nodes {
		if n.Network != "SCAN" || !n.Precentral || n.Person[0] > 0 {
			continue
		}
		near, groupNear := math.Inf(1), math.Inf(1)
		for _, tg := range targets {
			near = math.Min(near, Distance(tg.MM, n.Person))
		}
		for _, tg := range groupTargets {
			groupNear = math.Min(groupNear, Distance(tg.MM, n.Person))
		}
		t.Logf("SCAN node at %v: nearest individual target %.1f mm, nearest group-template target %.1f mm", n.Person, near, groupNear)
		if near > 6 {
			t.Errorf("the individual targets miss the node at %v by %.1f mm", n.Person, near)
		}
		if groupNear <= near || groupNear <= 6 {
			t.Errorf("the group template is as close (%.1f mm) as the individual map (%.1f mm)", groupNear, near)
		}
	}
	t.Logf("%d individual targets, %d group-template targets", len(targets), len(groupTargets))
}

// TestSimulatedParticipantCIFTI: the same participant written as a CIFTI-2 dtseries (voxel
// models) and read back gives the same SCAN targets within 6 mm of the planted nodes.
func TestSimulatedParticipantCIFTI(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 51,200 x 120 CIFTI file")
	}
	sim := SimulateParticipant(2, 120)
	d := sim.Data
	path := filepath.Join(t.TempDir(), "sim.dtseries.nii")
	bm := &cifti.Axis{Type: cifti.BrainModels, Len: d.Len(), Volume: &cifti.Volume{Dims: d.Shape, Affine: d.Affine},
		Models: []cifti.BrainModel{{Structure: "CIFTI_STRUCTURE_CORTEX_LEFT", Type: cifti.VoxelModel, Count: d.Len(), Voxels: d.Voxels}}}
	data := make([]float64, d.Timepoints*d.Len())
	for i, s := range d.Series {
		for tt, v := range s {
			data[tt*d.Len()+i] = float64(v)
		}
	}
	if err := cifti.Write(path, [2]*cifti.Axis{{Type: cifti.Series, Len: d.Timepoints, SeriesStep: 0.8}, bm}, data); err != nil {
		t.Fatal(err)
	}
	cd, err := FromCIFTI(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	sim.Data = cd
	nm, err := TemplateMatch(cd, sim.Networks, sim.Templates)
	if err != nil {
		t.Fatal(err)
	}
	targets := scanTargets(t, sim, nm, 0.15)
	for _, n := range sim.Nodes {
		if n.Network != "SCAN" || !n.Precentral || n.Person[0] > 0 {
			continue
		}
		near := math.Inf(1)
		for _, tg := range targets {
			near = math.Min(near, Distance(tg.MM, n.Person))
		}
		t.Logf("CIFTI: SCAN node at %v: nearest target %.1f mm (voxel %v)", n.Person, near, targets[0].Voxel)
		if near > 6 {
			t.Errorf("CIFTI: the targets miss the node at %v by %.1f mm", n.Person, near)
		}
	}
}

// TestSeedBasedSCANNodes: the SCAN nodes found as Gordon et al. and DEIPP do, by the connectivity
// of an SMA seed along the precentral strip, lie within 6 mm of the planted nodes (centroid and
// peak aiming), and the effector regions between them are not targets.
func TestSeedBasedSCANNodes(t *testing.T) {
	sim := SimulateParticipant(3, 150)
	d := sim.Data
	seed, err := SphereSeed(d, "SMA", [3]float64{0, -6, 50}, 6)
	if err != nil {
		t.Fatal(err)
	}
	_, z, err := SeedCorrelation(d, SeedSeries(d, seed))
	if err != nil {
		t.Fatal(err)
	}
	for _, peak := range []bool{false, true} {
		targets, err := SelectTargets(d, SelectOptions{In: sim.SearchSpace, Score: z, MinScore: 0.3, Neighbour: 5.3, MinSize: 4, Peak: peak})
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range sim.Nodes {
			if !n.Precentral || n.Person[0] > 0 {
				continue
			}
			near := math.Inf(1)
			for _, tg := range targets {
				near = math.Min(near, Distance(tg.MM, n.Person))
			}
			if n.Network == "SCAN" && near > 6 {
				t.Errorf("peak %v: the SCAN node at %v is %.1f mm from the nearest seed-based target", peak, n.Person, near)
			}
			if n.Network != "SCAN" && near < 6 {
				t.Errorf("peak %v: a target lies on the %s region at %v (%.1f mm)", peak, n.Network, n.Person, near)
			}
		}
		t.Logf("peak %v: %d targets from the SMA seed", peak, len(targets))
	}
}
