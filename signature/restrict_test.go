package signature

import (
	"fmt"
	"math"
	"testing"

	"github.com/painmark/painmark/connectome"
	"github.com/painmark/painmark/learn"
)

// The RPN without the global signal, applied to the features of the 122 MIST regions only, predicts
// what the full RPN predicts with the global signal's edges removed.
func TestRestrictRPNToMIST(t *testing.T) {
	s, x, _, _ := rpnOnBochum(t)
	r, err := s.Restrict("RPN-noGS", func(reg Region) bool { return reg.Name != "GlobSig" })
	if err != nil {
		t.Fatal(err)
	}
	if r.Features.NumFeatures != 122*121/2 || len(r.Regions) != 122 {
		t.Fatalf("restricted: %d regions, %d features", len(r.Regions), r.Features.NumFeatures)
	}
	// The MIST-only features: the full vector's edges (i, j) with i, j ≥ 1 (GlobSig is region 0).
	var cols []int
	for i := 1; i < 123; i++ {
		for j := 0; j < i; j++ {
			if j >= 1 {
				cols = append(cols, i*(i-1)/2+j)
			}
		}
	}
	sub := learn.Matrix{Rows: x.Rows, Cols: len(cols), Data: make([]float64, x.Rows*len(cols))}
	for i := 0; i < x.Rows; i++ {
		for k, c := range cols {
			sub.Data[i*len(cols)+k] = x.Data[i*x.Cols+c]
		}
	}
	got, err := r.Apply(sub)
	if err != nil {
		t.Fatal(err)
	}
	noGS := *s
	noGS.Weights = append([]float64(nil), s.Weights...)
	dropped := 0
	for c, f := range s.Selected {
		i := int((1 + math.Sqrt(1+8*float64(f))) / 2) // row of feature f: i(i−1)/2 ≤ f < i(i+1)/2
		for i*(i-1)/2 > f {
			i--
		}
		for (i+1)*i/2 <= f {
			i++
		}
		if j := f - i*(i-1)/2; j == 0 && s.Weights[c] != 0 {
			noGS.Weights[c] = 0
			dropped++
		}
	}
	want, _ := noGS.Apply(x)
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-12 {
			t.Fatalf("subject %d: restricted %v, full without the global signal's edges %v", i, got[i], want[i])
		}
	}
	t.Logf("%d of the RPN's weighted edges touch the global signal; %d remain", dropped, len(r.Selected))
}

// A signature that names its features keeps the names of the kept edges, so a restricted signature
// still applies by name (the CSps protocol's bCSps).
func TestRestrictKeepsFeatureNames(t *testing.T) {
	s, _, _, _ := rpnOnBochum(t)
	named := *s
	named.FeatureNames = make([]string, s.Features.NumFeatures)
	for k := range named.FeatureNames {
		named.FeatureNames[k] = fmt.Sprintf("edge%05d", k)
	}
	r, err := named.Restrict("RPN-noGS", func(reg Region) bool { return reg.Name != "GlobSig" })
	if err != nil {
		t.Fatal(err)
	}
	if len(r.FeatureNames) != r.Features.NumFeatures {
		t.Fatalf("%d names for %d features", len(r.FeatureNames), r.Features.NumFeatures)
	}
	// Restricted feature 0 is edge (1, 2) of the original regions (GlobSig is region 0).
	if want := fmt.Sprintf("edge%05d", connectome.EdgeIndex(2, 1)); r.FeatureNames[0] != want {
		t.Errorf("first kept feature named %q, want %q", r.FeatureNames[0], want)
	}
}
