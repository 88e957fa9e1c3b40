package morph

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/nulls"
	"github.com/painmark/painmark/stats"
	"github.com/painmark/painmark/table"
)

func TestQuadrants(t *testing.T) {
	ms := []float64{-0.2, 0.3, -0.1, 0.4, 0.2, 0, math.NaN()}
	ch := []float64{1, 2, -1, -2, -0.5, 1, 1}
	want := []string{Dedifferentiation, Hypercoupling, Hyperdifferentiation, Decoupling, Decoupling, "", ""}
	for i := range ms {
		if q := Quadrant(ms[i], ch[i]); q != want[i] {
			t.Errorf("MS %v change %v: %q, want %q", ms[i], ch[i], q, want[i])
		}
	}
	shares := QuadrantShares(ms, ch, nil)
	if shares[3].Quadrant != Decoupling || shares[3].Regions != 2 || math.Abs(shares[3].Percent-200.0/7) > 1e-12 {
		t.Errorf("shares %+v", shares)
	}
	only := QuadrantShares(ms, ch, []bool{true, true, false, false, false, false, false})
	if only[0].Percent != 50 || only[1].Percent != 50 || only[2].Regions != 0 {
		t.Errorf("shares of the included regions %+v", only)
	}
}

// TestHubSusceptibility: a change planted on the control hubs is detected against spins of the
// real DK-68 centroids; an independent change is not; rho is Spearman's.
func TestHubSusceptibility(t *testing.T) {
	ct, err := table.Read(fixtures.Shared(t, "enigma", "derived", "dk68_fsa5_sphere_centroids.csv"), nil)
	if err != nil {
		t.Fatal(err)
	}
	var xyz [3][]float64
	for k, c := range []string{"x", "y", "z"} {
		xyz[k], _ = ct.Floats(c)
	}
	coords := make([][3]float64, 68)
	for i := range coords {
		coords[i] = [3]float64{xyz[0][i], xyz[1][i], xyz[2][i]}
	}
	perms, err := stats.SpinPermutations(coords[:34], coords[34:], 500, 1, stats.SpinNearest)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(2, 2))
	ms, planted, independent := make([]float64, 68), make([]float64, 68), make([]float64, 68)
	for i := range ms {
		ms[i] = coords[i][1]/100 + 0.1*rng.NormFloat64() // a smooth control MS map
		planted[i] = -ms[i] + 0.05*rng.NormFloat64()
		independent[i] = rng.NormFloat64()
	}
	h, err := HubSusceptibilityTest(planted, ms, nulls.FromPermutations(perms))
	if err != nil {
		t.Fatal(err)
	}
	if h.Rho != stats.Spearman(planted, ms) || h.Rho > -0.8 || h.P > 0.01 {
		t.Errorf("planted: %+v", h)
	}
	h, _ = HubSusceptibilityTest(independent, ms, nulls.FromPermutations(perms))
	if h.P < 0.05 {
		t.Errorf("independent change: %+v", h)
	}
	if h, _ := HubSusceptibilityTest(planted, ms, nil); !math.IsNaN(h.P) {
		t.Errorf("no spins gave p %v", h.P)
	}
	if _, err := HubSusceptibilityTest(planted[:5], ms, nulls.FromPermutations(perms)); err == nil {
		t.Error("maps of different lengths accepted")
	}
}

// TestLiveConditionPCA compares the PCA of three real ENIGMA case-control maps (adult depression,
// adolescent depression and ADHD thickness effects on DK-68) with scikit-learn's PCA: eigenvalues
// (explained_variance_), explained variance ratios, loadings (components_) and scores
// (transform) up to each component's sign.
func TestLiveConditionPCA(t *testing.T) {
	var maps [][]float64
	for _, name := range []string{"mddadult_case-controls_CortThick.csv", "mddadolescent_case-controls_CortThick.csv", "adhdadult_case-controls_CortThick.csv"} {
		tb, err := table.Read(fixtures.Shared(t, "enigma", "summary_statistics", name), nil)
		if err != nil {
			t.Fatal(err)
		}
		d, err := tb.Floats("d_icv")
		if err != nil {
			t.Fatal(err)
		}
		maps = append(maps, d)
	}
	pca, err := PCAOfMaps(maps)
	if err != nil {
		t.Fatal(err)
	}
	if pca.ExplainedPercent[0] < pca.ExplainedPercent[1] || math.Abs(pca.ExplainedPercent[0]+pca.ExplainedPercent[1]+pca.ExplainedPercent[2]-100) > 1e-9 {
		t.Errorf("explained %v", pca.ExplainedPercent)
	}
	requirePython(t)
	b, _ := json.Marshal(maps)
	in := filepath.Join(t.TempDir(), "maps.json")
	os.WriteFile(in, b, 0o644)
	script := `
import json, sys
import numpy as np
from sklearn.decomposition import PCA
X = np.asarray(json.load(open(sys.argv[1]))).T
p = PCA().fit(X)
print(json.dumps({"ev": p.explained_variance_.tolist(), "ratio": p.explained_variance_ratio_.tolist(),
                  "comp": p.components_.tolist(), "scores": p.transform(X).T.tolist()}))
`
	out, err := exec.Command(os.Getenv("PAINMARK_PYTHON"), "-c", script, in).CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var want struct {
		EV, Ratio []float64
		Comp      [][]float64
		Scores    [][]float64
	}
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	worst := 0.0
	for k := range want.EV {
		worst = math.Max(worst, math.Abs(pca.Eigenvalues[k]-want.EV[k])/want.EV[k])
		worst = math.Max(worst, math.Abs(pca.ExplainedPercent[k]/100-want.Ratio[k]))
		sign := 1.0
		if pca.Loadings[k][0]*want.Comp[k][0] < 0 {
			sign = -1
		}
		for j := range want.Comp[k] {
			worst = math.Max(worst, math.Abs(sign*pca.Loadings[k][j]-want.Comp[k][j]))
		}
		for i := range want.Scores[k] {
			worst = math.Max(worst, math.Abs(sign*pca.Scores[k][i]-want.Scores[k][i]))
		}
	}
	t.Logf("PC1 explains %.1f%% (loadings %.3f); largest difference from scikit-learn %.2g", pca.ExplainedPercent[0], pca.Loadings[0], worst)
	if worst > 1e-10 {
		t.Fatalf("PCA differs from scikit-learn's by %g", worst)
	}
}

// TestLeaveOneFeatureOut on the real recons' five FreeSurfer features: each map is the mean
// regional MS over the other four features (as Similarity computes it), and the maps stay close
// to the full one.
func TestLeaveOneFeatureOut(t *testing.T) {
	dir := t.TempDir()
	for subj, src := range map[string]string{"bert": "bert_fs7.2", "hcp": "hcp198451_fs5.3", "hcp2": "hcp198451_fs7.4.1_rerun"} {
		os.MkdirAll(filepath.Join(dir, subj, "stats"), 0o755)
		for _, h := range []string{"lh", "rh"} {
			if err := os.Symlink(fixtures.Shared(t, "freesurfer", src, h+".aparc.stats"), filepath.Join(dir, subj, "stats", h+".aparc.stats")); err != nil {
				t.Fatal(err)
			}
		}
	}
	tb, err := FromSubjectsDir(dir, []string{"bert", "hcp", "hcp2"}, "aparc", FreeSurferFeatures)
	if err != nil {
		t.Fatal(err)
	}
	maps, r, err := LeaveOneFeatureOut(tb)
	if err != nil {
		t.Fatal(err)
	}
	if len(maps) != 5 {
		t.Fatalf("%d maps", len(maps))
	}
	ms, _ := Similarity(tb, 2, []int{0, 1, 2, 4}) // subject 2 without feature 3
	want := RegionalMS(ms)
	var mean float64
	for s := 0; s < 3; s++ {
		m, _ := Similarity(tb, s, []int{0, 1, 2, 4})
		mean += RegionalMS(m)[10] / 3
	}
	if math.Abs(maps[3][10]-mean) > 1e-12 || want[10] == 0 {
		t.Errorf("map without feature 3, region 10: %v, want %v", maps[3][10], mean)
	}
	for f, v := range r {
		if !(v > 0.3 && v <= 1) {
			t.Errorf("without %s: r = %v with the full map", tb.Features[f], v)
		}
	}
	t.Logf("r with the full map, each feature left out: %.3f", r)
}

// TestLiveStandardizedPCA: morph pca --standardize on three real ENIGMA case-control maps equals
// scikit-learn's PCA of StandardScaler'd maps (components, variance ratios, scores up to each
// component's sign), its eigenvalues numpy's eigenvalues of the maps' correlation matrix, and the
// Kaiser count those above 1.
func TestLiveStandardizedPCA(t *testing.T) {
	var specs []string
	for _, name := range []string{"mddadult_case-controls_CortThick.csv", "mddadolescent_case-controls_CortThick.csv", "adhdadult_case-controls_CortThick.csv"} {
		specs = append(specs, fixtures.Shared(t, "enigma", "summary_statistics", name)+":d_icv")
	}
	maps, err := ReadConditionMaps(specs, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	res, err := PCA(maps, PCAOptions{Standardize: true})
	if err != nil {
		t.Fatal(err)
	}
	if sum := res.Eigenvalues[0] + res.Eigenvalues[1] + res.Eigenvalues[2]; math.Abs(sum-3) > 1e-12 {
		t.Errorf("eigenvalues sum to %v, not 3", sum)
	}
	requirePython(t)
	script := `
import json, sys
import numpy as np
from sklearn.decomposition import PCA
from sklearn.preprocessing import StandardScaler
X = np.asarray(json.load(open(sys.argv[1]))["maps"]).T
Z = StandardScaler().fit_transform(X)
p = PCA().fit(Z)
ev = np.sort(np.linalg.eigvalsh(np.corrcoef(X.T)))[::-1]
json.dump({"ev": ev.tolist(), "ratio": p.explained_variance_ratio_.tolist(), "kaiser": int((ev > 1).sum()),
           "comp": p.components_.tolist(), "scores": p.transform(Z).T.tolist()}, open(sys.argv[2], "w"))
`
	var want struct {
		EV, Ratio []float64
		Kaiser    int
		Comp      [][]float64
		Scores    [][]float64
	}
	fixtures.RunPythonInline(t, script, map[string]any{"maps": maps.Maps}, &want)
	worst := 0.0
	for k := range want.EV {
		worst = math.Max(worst, math.Abs(res.Eigenvalues[k]-want.EV[k]))
		worst = math.Max(worst, math.Abs(res.ExplainedPercent[k]/100-want.Ratio[k]))
		sign := 1.0
		if res.Loadings[k][0]*want.Comp[k][0] < 0 {
			sign = -1
		}
		for j := range want.Comp[k] {
			worst = math.Max(worst, math.Abs(sign*res.Loadings[k][j]-want.Comp[k][j]))
		}
		for i := range want.Scores[k] {
			worst = math.Max(worst, math.Abs(sign*res.Scores[k][i]-want.Scores[k][i]))
		}
	}
	t.Logf("standardized: PC1 eigenvalue %.4f (%.2f%%), %d above 1; largest difference from scikit-learn/numpy %.2g", res.Eigenvalues[0], res.ExplainedPercent[0], *res.Retained, worst)
	if worst > 1e-10 || *res.Retained != want.Kaiser {
		t.Fatalf("standardized PCA differs from scikit-learn's by %g; Kaiser count %d, numpy %d", worst, *res.Retained, want.Kaiser)
	}
}
