package target

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/painmark/painmark/atlas"
	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/nifti"
)

// TestLiveLesionNetworkScipy: over a cohort of four runs, the lesion network's t and p equal
// numpy's seed maps tested by scipy.stats.ttest_1samp.
func TestLiveLesionNetworkScipy(t *testing.T) {
	dir := t.TempDir()
	var runs []string
	var mask string
	for s := uint64(1); s <= 4; s++ {
		r, m := smallRun(t, dir, s)
		runs, mask = append(runs, r), m
	}
	// The lesion: a 2 x 2 x 2 voxel block.
	lesionPath := filepath.Join(dir, "lesion.nii.gz")
	ref, _ := nifti.Load(mask, nil)
	vals := make([]float64, len(ref.Data))
	shape := ref.Header.VolumeShape()
	for k := 3; k < 5; k++ {
		for j := 7; j < 9; j++ {
			for i := 5; i < 7; i++ {
				vals[i+shape[0]*(j+shape[1]*k)] = 1
			}
		}
	}
	if err := nifti.Write(lesionPath, ref.Header, vals); err != nil {
		t.Fatal(err)
	}
	lesion, err := atlas.LoadMask(lesionPath, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	var loaders []RunLoader
	for _, r := range runs {
		loaders = append(loaders, func() (*Dataset, error) { return FromNIfTI(r, mask) })
	}
	ln, d, err := MapLesionNetwork(loaders, func(d *Dataset) (Seed, error) { return MaskSeed(d, "lesion", lesion) })
	if err != nil {
		t.Fatal(err)
	}
	var want struct {
		Finite []bool
		T, P   []float64
		Lesion int
	}
	fixtures.RunPython(t, "testdata/scipy_lesion_network.py", map[string]any{"runs": runs, "mask": mask, "lesion": lesionPath}, &want)
	if want.Lesion != ln.Lesion || len(want.Finite) != d.Len() {
		t.Fatalf("lesion of %d voxels (scipy %d), %d brainordinates (%d)", ln.Lesion, want.Lesion, d.Len(), len(want.Finite))
	}
	worst, k := 0.0, 0
	for i, ok := range want.Finite {
		if !ok {
			continue
		}
		worst = math.Max(worst, math.Abs(ln.T[i]-want.T[k])/math.Max(1, math.Abs(want.T[k])))
		worst = math.Max(worst, math.Abs(ln.P[i]-want.P[k]))
		k++
	}
	t.Logf("%d runs, lesion of %d voxels, %d voxels: t and p within %.2g of scipy", ln.Runs, ln.Lesion, k, worst)
	if worst > 1e-10 {
		t.Fatalf("lesion network differs from scipy by %g", worst)
	}
}

// TestLesionNetworkSimulated: a lesion of the centromedian thalamus in a normative cohort of
// simulated people has a network that overlaps the SCAN most, as the review argues for a CM
// thalamus lesion and the SCAN.
func TestLesionNetworkSimulated(t *testing.T) {
	var loaders []RunLoader
	var sims []*Simulation
	for s := uint64(1); s <= 5; s++ {
		sim := SimulateParticipant(10+s, 80)
		sims = append(sims, sim)
		loaders = append(loaders, func() (*Dataset, error) { return sim.Data, nil })
	}
	var lesion Seed
	ln, _, err := MapLesionNetwork(loaders, func(d *Dataset) (Seed, error) {
		s, err := SphereSeed(d, "CM thalamus", [3]float64{-9, -18, 6}, 4)
		lesion = s
		return s, err
	})
	if err != nil {
		t.Fatal(err)
	}
	ov, err := ln.Overlaps(sims[0].Networks, sims[0].Templates, 3, lesion.Members)
	if err != nil {
		t.Fatal(err)
	}
	best, bestShare := 0, 0
	for k, o := range ov {
		t.Logf("%-6s r = %.3f, %d of %d suprathreshold voxels inside (%.0f%%)", o.Network, o.Correlation, o.Inside, o.Total, 100*o.Share)
		if o.Correlation > ov[best].Correlation {
			best = k
		}
		if o.Share > ov[bestShare].Share {
			bestShare = k
		}
	}
	if ov[best].Network != "SCAN" || ov[bestShare].Network != "SCAN" {
		t.Errorf("the lesion network correlates most with %s and overlaps %s most", ov[best].Network, ov[bestShare].Network)
	}
}
