package morph

import (
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"testing"

	"github.com/painmark/painmark/internal/fixtures"
)

// enigmaTable is the real ENIGMA 20-subject table, thickness and surface area (68 regions).
func enigmaTable(t *testing.T) *Table {
	tb, err := FromENIGMA("SubjID", fixtures.Shared(t, "enigma", "xdata", "metr2_CortThick.csv"), fixtures.Shared(t, "enigma", "xdata", "metr3_CortSurf.csv"))
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

// MS, regional MS and global MS equal numpy's computation of the same definitions, on the real
// ENIGMA table (two features) and on random five-feature tables. Skipped unless PAINMARK_PYTHON
// is set.
func TestLiveSimilarityEqualsNumpy(t *testing.T) {
	requirePython(t)
	rng := rand.New(rand.NewSource(2))
	random := &Table{Subjects: []string{"a", "b", "c"}, Features: FreeSurferFeatures}
	for r := 0; r < 30; r++ {
		random.Regions = append(random.Regions, string(rune('A'+r)))
	}
	for i := 0; i < 3*30*5; i++ {
		random.Data = append(random.Data, rng.NormFloat64()*float64(1+i%5)+float64(i%7))
	}
	for _, tb := range []*Table{enigmaTable(t), random} {
		nr, nf := len(tb.Regions), len(tb.Features)
		data := make([][][]float64, len(tb.Subjects))
		for s := range data {
			data[s] = make([][]float64, nr)
			for r := range data[s] {
				data[s][r] = make([]float64, nf)
				for f := range data[s][r] {
					data[s][r][f] = tb.At(s, r, f)
				}
			}
		}
		var want []struct {
			MS       [][]*float64 `json:"ms"`
			Regional []float64
			Global   float64
		}
		fixtures.RunPython(t, filepath.Join("testdata", "numpy_ms.py"), map[string]any{"data": data}, &want)
		var d float64
		for s := range tb.Subjects {
			ms, err := Similarity(tb, s, nil)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < nr; i++ {
				for j := 0; j < nr; j++ {
					w := want[s].MS[i][j]
					got := ms.Data[i*nr+j]
					if w == nil {
						if !math.IsNaN(got) {
							t.Fatalf("subject %d (%d,%d): %v, numpy NaN", s, i, j, got)
						}
						continue
					}
					d = math.Max(d, math.Abs(got-*w))
				}
			}
			reg := RegionalMS(ms)
			for i := range reg {
				d = math.Max(d, math.Abs(reg[i]-want[s].Regional[i]))
			}
			d = math.Max(d, math.Abs(GlobalMS(reg)-want[s].Global))
		}
		if d > 1e-12 {
			t.Errorf("%d subjects x %d regions x %d features: MS differs from numpy by %.3g", len(tb.Subjects), nr, nf, d)
		}
		t.Logf("%d subjects x %d regions x %d features: within %.2g of numpy", len(tb.Subjects), nr, nf, d)
	}
}

// The ENIGMA reader pairs the feature tables by region and subject.
func TestFromENIGMA(t *testing.T) {
	tb := enigmaTable(t)
	if len(tb.Subjects) != 20 || len(tb.Regions) != 68 || tb.Features[0] != "thickavg" || tb.Features[1] != "surfavg" || tb.Regions[0] != "L_bankssts" {
		t.Fatalf("%d subjects, %d regions, features %v, first region %s", len(tb.Subjects), len(tb.Regions), tb.Features, tb.Regions[0])
	}
	if tb.At(0, 0, 0) != 2.564 || tb.At(0, 0, 1) != 736 {
		t.Errorf("sub-PX003 L_bankssts: thickness %v, area %v (the files: 2.564, 736)", tb.At(0, 0, 0), tb.At(0, 0, 1))
	}
}

// A SUBJECTS_DIR of real recons (FreeSurfer 7.2 and 5.3) gives the 68 Desikan-Killiany regions'
// five features as in their aparc.stats, and finite MS values.
func TestFromSubjectsDir(t *testing.T) {
	dir := t.TempDir()
	for subj, src := range map[string]string{"bert": "bert_fs7.2", "hcp": "hcp198451_fs5.3"} {
		if err := os.MkdirAll(filepath.Join(dir, subj, "stats"), 0o755); err != nil {
			t.Fatal(err)
		}
		for _, h := range []string{"lh", "rh"} {
			if err := os.Symlink(fixtures.Shared(t, "freesurfer", src, h+".aparc.stats"), filepath.Join(dir, subj, "stats", h+".aparc.stats")); err != nil {
				t.Fatal(err)
			}
		}
	}
	tb, err := FromSubjectsDir(dir, []string{"bert", "hcp"}, "aparc", FreeSurferFeatures)
	if err != nil {
		t.Fatal(err)
	}
	if len(tb.Regions) != 68 || tb.Regions[0] != "L_bankssts" || tb.Regions[34] != "R_bankssts" {
		t.Fatalf("%d regions: %v ...", len(tb.Regions), tb.Regions[:2])
	}
	// hcp (FS 5.3) lh bankssts: NumVert 1668, SurfArea 1180, GrayVol 3228, ThickAvg 2.759.
	if tb.At(1, 0, 0) != 3228 || tb.At(1, 0, 1) != 1180 || tb.At(1, 0, 2) != 2.759 {
		t.Errorf("hcp L_bankssts: %v %v %v", tb.At(1, 0, 0), tb.At(1, 0, 1), tb.At(1, 0, 2))
	}
	for s := range tb.Subjects {
		ms, err := Similarity(tb, s, nil)
		if err != nil {
			t.Fatal(err)
		}
		g := GlobalMS(RegionalMS(ms))
		if math.IsNaN(g) || math.Abs(g) > 1 {
			t.Errorf("subject %s: global MS %v", tb.Subjects[s], g)
		}
	}
	if _, err := FromSubjectsDir(dir, []string{"bert", "nobody"}, "aparc", FreeSurferFeatures); err == nil {
		t.Error("a missing subject accepted")
	}
}
