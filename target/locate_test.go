package target

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/report"
)

// Locate on the simulated population's maps: the group SCAN node lies on SCAN at distance 0 from
// it and away from the other networks; points read from x,y,z, a contacts table and a lesion mask;
// the report has the table and slices.
func TestLocateSimulated(t *testing.T) {
	dir := t.TempDir()
	pop := SimulatePopulation(2, 8)
	if err := pop.Write(dir); err != nil {
		t.Fatal(err)
	}
	contacts := filepath.Join(dir, "contacts.csv")
	os.WriteFile(contacts, []byte("name,x,y,z\nP1,-36,-18,30\nP2,0,24,30\n"), 0o644)
	pts, err := ReadPoints(contacts)
	if err != nil || len(pts) != 2 || pts[1].Name != "P2" {
		t.Fatalf("%v %v", pts, err)
	}
	lesion, err := ReadPoints(filepath.Join(dir, "precentral.nii.gz"))
	if err != nil || len(lesion) != 1 || !strings.HasSuffix(lesion[0].Name, "centroid") {
		t.Fatalf("%v %v", lesion, err)
	}
	one, err := ReadPoints("-36,-18,5")
	if err != nil || one[0].MM != [3]float64{-36, -18, 5} {
		t.Fatalf("%v %v", one, err)
	}
	if _, err := ReadPoints("1,2"); err == nil {
		t.Error("two numbers read as a point")
	}
	o, err := LocateFiles{Atlases: []string{filepath.Join(dir, "person-01_networks.nii.gz")}, Maps: []string{filepath.Join(dir, "network_probabilities.nii.gz")},
		Networks: filepath.Join(dir, "network_probabilities.nii.gz"), Names: pop.Networks}.Read()
	if err != nil {
		t.Fatal(err)
	}
	res, err := Locate(append(pts, one...), o)
	if err != nil {
		t.Fatal(err)
	}
	scan := res.Locations[0]
	if scan.Network != "SCAN" || scan.Distances[0] != 0 || !(scan.Distances[1] > 20) || len(res.MapNames) != 5 || scan.Values[0] != scan.NetworkProbability {
		t.Errorf("the SCAN node: %+v (maps %v)", scan, res.MapNames)
	}
	if res.Locations[1].Network != "AMN" {
		t.Errorf("the dACC: %+v", res.Locations[1])
	}
	if err := res.WriteFiles(filepath.Join(dir, "loc.tsv")); err != nil {
		t.Fatal(err)
	}
	doc := report.New("t", "")
	res.AddReport(doc)
	if figs, _ := doc.Figures(); len(figs) != 2 { // the slices on the MNI template and the glass brain
		t.Errorf("%d figures", len(figs))
	}
}

// Locate agrees with a nibabel/numpy lookup (the voxel at the rounded inverse-affine position,
// region names from the label tables, distances by scipy's cKDTree) on the real MIST 122 and
// Desikan-Killiany (1 and 2 mm) atlases for 1,000 random coordinates: half uniform over the
// atlases' extent and beyond, half near labelled voxels.
func TestLiveLocateRealAtlases(t *testing.T) {
	if os.Getenv("PAINMARK_PYTHON") == "" {
		t.Skip("PAINMARK_PYTHON not set (the extended suite sets it)")
	}
	mist := fixtures.Shared(t, "painter-bochum", "atlas", "MIST", "Parcellations", "MIST_122.nii.gz")
	mistCSV := fixtures.Shared(t, "painter-bochum", "atlas", "MIST", "Parcel_Information", "MIST_122.csv")
	dk1 := fixtures.Shared(t, "atlases", "dk-volumetric", "atlas-DK_1mm.nii.gz")
	dk2 := fixtures.Shared(t, "atlases", "dk-volumetric", "atlas-DK_2mm.nii.gz")
	dkCSV := fixtures.Shared(t, "atlases", "dk-volumetric", "atlas-DK_labels.csv")
	nets := []string{"bankssts", "caudalanteriorcingulate", "caudalmiddlefrontal"}
	o, err := LocateFiles{Atlases: []string{mist, dk1}, AtlasTables: []string{mistCSV, dkCSV}, Maps: []string{dk2}, Networks: dk2, Names: nets}.Read()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(26, 1))
	a := o.Atlases[1].Image
	var labelled []int
	for i, l := range a.Labels {
		if l > 0 {
			labelled = append(labelled, i)
		}
	}
	var pts []Point
	var xyz [][3]float64
	for k := 0; k < 1000; k++ {
		var p [3]float64
		if k%2 == 0 {
			p = [3]float64{-100 + 200*rng.Float64(), -135 + 235*rng.Float64(), -85 + 200*rng.Float64()}
		} else {
			v := labelled[rng.IntN(len(labelled))]
			x, y, z := a.Affine.Apply(float64(v%a.Shape[0]), float64(v/a.Shape[0]%a.Shape[1]), float64(v/(a.Shape[0]*a.Shape[1])))
			p = [3]float64{x + 4*rng.Float64() - 2, y + 4*rng.Float64() - 2, z + 4*rng.Float64() - 2}
		}
		pts, xyz = append(pts, Point{MM: p}), append(xyz, p)
	}
	res, err := Locate(pts, o)
	if err != nil {
		t.Fatal(err)
	}
	var peer struct {
		Mist, DK1, DK2 []int
		MistNames      []string `json:"mist_names"`
		DK1Names       []string `json:"dk1_names"`
		Network        []string
		Dist           [][]float64
	}
	fixtures.RunPythonInline(t, `
import json, sys
import numpy as np, nibabel as nib, pandas as pd
from scipy.spatial import cKDTree
a = json.load(open(sys.argv[1])); P = np.array(a["points"])
def lookup(path):
    img = nib.load(path); d = np.asanyarray(img.dataobj)
    ijk = np.rint((np.linalg.inv(img.affine) @ np.c_[P, np.ones(len(P))].T)[:3].T).astype(int)
    ok = np.all((ijk >= 0) & (ijk < np.array(d.shape[:3])), axis=1)
    out = np.zeros(len(P), dtype=int)
    out[ok] = d[ijk[ok, 0], ijk[ok, 1], ijk[ok, 2]]
    return out, img, d
mist, _, _ = lookup(a["mist"]); dk1, _, _ = lookup(a["dk1"]); dk2, img2, d2 = lookup(a["dk2"])
mt = pd.read_csv(a["mist_csv"], sep=";"); mnames = dict(zip(mt["roi"], mt["label"]))
dt = pd.read_csv(a["dk_csv"]); dnames = dict(zip(dt["id"], dt["label"]))
nets = a["nets"]
dist = []
for k in range(1, len(nets) + 1):
    ijk = np.argwhere(d2 == k)
    xyz = (img2.affine @ np.c_[ijk, np.ones(len(ijk))].T)[:3].T
    dist.append(cKDTree(xyz).query(P)[0].tolist())
json.dump({"mist": mist.tolist(), "mist_names": [mnames.get(l, "") if l else "" for l in mist],
  "dk1": dk1.tolist(), "dk1_names": [dnames.get(l, "") if l else "" for l in dk1], "dk2": dk2.tolist(),
  "network": [nets[l - 1] if 1 <= l <= len(nets) else "" for l in dk2], "dist": np.array(dist).T.tolist()}, open(sys.argv[2], "w"))
`, map[string]any{"points": xyz, "mist": mist, "mist_csv": mistCSV, "dk1": dk1, "dk2": dk2, "dk_csv": dkCSV, "nets": nets}, &peer)
	inside := 0
	for i, l := range res.Locations {
		v := l.Values[0]
		if math.IsNaN(v) {
			v = 0
		}
		if l.Labels[0] != peer.Mist[i] || l.Regions[0] != peer.MistNames[i] || l.Labels[1] != peer.DK1[i] || l.Regions[1] != peer.DK1Names[i] || v != float64(peer.DK2[i]) || l.Network != peer.Network[i] {
			t.Errorf("point %v: painmark %v %v %v %q, numpy %d %q %d %q %d %q", l.MM, l.Labels, l.Regions, l.Values, l.Network, peer.Mist[i], peer.MistNames[i], peer.DK1[i], peer.DK1Names[i], peer.DK2[i], peer.Network[i])
		}
		for k := range nets {
			if math.Abs(l.Distances[k]-peer.Dist[i][k]) > 1e-9 {
				t.Errorf("point %v: distance to %s %v, cKDTree %v", l.MM, nets[k], l.Distances[k], peer.Dist[i][k])
			}
		}
		if l.Labels[0] != 0 && l.Labels[1] != 0 {
			inside++
		}
	}
	t.Logf("1,000 points, %d inside both MIST and DK", inside)
	if inside < 300 {
		t.Errorf("only %d points inside the atlases", inside)
	}
}
