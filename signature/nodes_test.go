package signature

import (
	"math"
	"testing"

	"github.com/painmark/painmark/atlas"
	"github.com/painmark/painmark/internal/fixtures"
)

// The RPN's nodal strengths: every weighted edge counts at both its regions; the image carries each
// MIST region's strength on its voxels and reports the global signal as a region it cannot place.
func TestNodalStrengthOfRPN(t *testing.T) {
	s, err := ImportRPN(fixtures.Shared(t, "painter-bochum", "derived", "rpn_model.json"))
	if err != nil {
		t.Fatal(err)
	}
	nodes, err := s.NodalStrength()
	if err != nil {
		t.Fatal(err)
	}
	var sumW, sumNodes float64
	nnz, edges := 0, 0
	for _, w := range s.Weights {
		if w != 0 {
			nnz++
			sumW += w
		}
	}
	values := map[string]float64{}
	best := nodes[0]
	for _, n := range nodes {
		sumNodes += n.Sum
		edges += n.Edges
		values[n.Region] = n.Sum
		if n.Region != "GlobSig" && n.AbsSum > best.AbsSum { // the global signal has no voxels
			best = n
		}
	}
	if edges != 2*nnz || math.Abs(sumNodes-2*sumW) > 1e-12 {
		t.Errorf("%d edge ends for %d weighted edges; summed strength %v, twice the weights %v", edges, nnz, sumNodes, 2*sumW)
	}
	img, err := atlas.BuiltinImage("mist122", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	table, _ := atlas.Builtin("mist122")
	vox, missing := NodalImage(values, img, table)
	if len(missing) != 1 || missing[0] != "GlobSig" {
		t.Errorf("regions without voxels: %v", missing)
	}
	label := int32(-1)
	for _, r := range table.Regions {
		if r.Name == best.Region {
			label = int32(r.Index)
		}
	}
	count := 0
	for i, l := range img.Labels {
		if l == label {
			count++
			if vox[i] != best.Sum {
				t.Fatalf("voxel %d of %s holds %v, strength %v", i, best.Region, vox[i], best.Sum)
			}
		}
	}
	if count == 0 {
		t.Errorf("region %s (strongest, %d edges) has no voxel", best.Region, best.Edges)
	}
	t.Logf("%d weighted edges; strongest region %s: %d edges, sum %.3f", nnz, best.Region, best.Edges, best.Sum)
}
