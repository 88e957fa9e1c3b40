package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/internal/browsercheck"
	"github.com/painmark/painmark/internal/budget"
	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/morph"
	"github.com/painmark/painmark/nulls"
	"github.com/painmark/painmark/table"
)

// painmark spin on the golden maps (ENIGMA schizophrenia vs depression thickness effects, DK-68):
// the empirical Spearman rho is the reference's 0.28649, the spin p-value is that of a spatially
// constrained null (the reference found 0.04 with 10,000 of its own rotations), regions are matched
// by name, and the report loads in Chromium.
func TestSpinCommand(t *testing.T) {
	dir := t.TempDir()
	maps := fixtures.Shared(t, "golden", "spin", "maps.csv")
	coords := fixtures.Shared(t, "enigma", "derived", "dk68_fsa5_sphere_centroids.csv")
	out, errOut, code := runCLI(t, "spin", maps, "--x", "scz_CortThick_d_icv", "--y", "mddadult_CortThick_d_icv", "--coords", coords, "--n", "2000", "-o", filepath.Join(dir, "spin.json"))
	if code != 0 {
		t.Fatalf("spin: %d %s %s", code, out, errOut)
	}
	// The reference's own rho (perm_sphere_p run in Octave), against the printed 4 decimals.
	want := referenceRho(t)
	if rho := number(t, out, `regions: ([-0-9.]+)`); !(math.Abs(rho-want) <= 5e-5) {
		t.Errorf("rho %v, reference %v", rho, want)
	}
	if p := number(t, out, `perm_sphere_p p = ([-0-9.e]+)`); p < 0.01 || p > 0.1 {
		t.Errorf("spin p %v (reference 0.04 with 10,000 rotations)", p)
	}
	// The other peers' conventions, counted on the x-spun null written to spin.json.
	var res struct {
		Rho, PNeuromaps, PNonparp float64
		NullXY                    []float64 `json:"null_xy"`
	}
	b0, _ := os.ReadFile(filepath.Join(dir, "spin.json"))
	if err := json.Unmarshal(b0, &res); err != nil {
		t.Fatal(err)
	}
	var ge, gt float64
	for _, v := range res.NullXY {
		if math.Abs(v) >= math.Abs(res.Rho) {
			ge++
		}
		if math.Abs(v) > math.Abs(res.Rho) {
			gt++
		}
	}
	if p := number(t, out, `spin p = ([0-9.e-]+) \(two-sided, neuromaps`); math.Abs(p-(1+ge)/float64(1+len(res.NullXY))) > 5e-4 {
		t.Errorf("neuromaps p %v, null_xy gives %v", p, (1+ge)/float64(1+len(res.NullXY)))
	}
	if p := number(t, out, `nonparp p = ([0-9.e-]+)`); math.Abs(p-gt/float64(len(res.NullXY))) > 5e-4 {
		t.Errorf("nonparp %v, null_xy gives %v", p, gt/float64(len(res.NullXY)))
	}
	// Guard rail: the report's scatter and its caption give the same statistic, the printed rho;
	// the null's histogram and its caption say the same sidedness.
	html := string(readBytes(t, filepath.Join(dir, "spin.report.html")))
	stat := fmt.Sprintf("spearman r = %.3f, n = 68", res.Rho)
	if strings.Count(html, stat) < 2 || !strings.Contains(html, "Each point a region; "+stat) || strings.Count(html, ", two-sided") < 1 {
		t.Errorf("the report's scatter and caption do not both say %q", stat)
	}
	// A map table missing a region of the coordinates is refused by name.
	short := filepath.Join(dir, "short.csv")
	b, _ := os.ReadFile(maps)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	os.WriteFile(short, []byte(strings.Join(lines[:len(lines)-1], "\n")+"\n"), 0o644)
	if _, errOut, code := runCLI(t, "spin", short, "--x", "scz_CortThick_d_icv", "--y", "mddadult_CortThick_d_icv", "--coords", coords, "-o", filepath.Join(dir, "x.json")); code == 0 || !strings.Contains(errOut, "no map values for region") {
		t.Errorf("missing region: %d %s", code, errOut)
	}
	if os.Getenv("PAINMARK_CHROMIUM") != "" {
		browsercheck.Check(t, browsercheck.Chromium(t), filepath.Join(dir, "spin.report.html"), "spin-report.png", 4)
	}
}

// painmark spin with the vertex-level nulls on the real fsaverage5 spheres and aparc annotations,
// and with the surrogate nulls (Moran, variogram): the same rho as the parcel spins, a spatially
// constrained p of the same order as the reference's 0.04, and errors that name what is missing.
func TestSpinCommandSurfaceNulls(t *testing.T) {
	dir := t.TempDir()
	maps := fixtures.Shared(t, "golden", "spin", "maps.csv")
	spheres := fixtures.Shared(t, "enigma", "surfaces", "fsa5_sphere_lh.gii") + "," + fixtures.Shared(t, "enigma", "surfaces", "fsa5_sphere_rh.gii")
	annots := fixtures.Shared(t, "enigma", "annot", "fsa5_lh_aparc.annot") + "," + fixtures.Shared(t, "enigma", "annot", "fsa5_rh_aparc.annot")
	for _, m := range []string{"baum", "cornblath"} {
		out, errOut, code := runCLI(t, "spin", maps, "--x", "scz_CortThick_d_icv", "--y", "mddadult_CortThick_d_icv", "--method", m,
			"--spheres", spheres, "--annots", annots, "--n", "300", "-o", filepath.Join(dir, m+".json"))
		if code != 0 {
			t.Fatalf("%s: %d %s %s", m, code, out, errOut)
		}
		if rho, want := number(t, out, `regions: ([-0-9.]+)`), referenceRho(t); !(math.Abs(rho-want) <= 5e-5) {
			t.Errorf("%s: rho %v, reference %v", m, rho, want)
		}
		if p := number(t, out, `perm_sphere_p p = ([-0-9.e]+)`); p < 0.005 || p > 0.15 {
			t.Errorf("%s: spin p %v (reference 0.04 with Váša's parcel spins)", m, p)
		}
	}
	// The surrogate methods draw from the centroids, per hemisphere.
	coords := fixtures.Shared(t, "enigma", "derived", "dk68_fsa5_sphere_centroids.csv")
	for _, m := range []string{"moran", "variogram"} {
		out, errOut, code := runCLI(t, "spin", maps, "--x", "scz_CortThick_d_icv", "--y", "mddadult_CortThick_d_icv", "--method", m,
			"--coords", coords, "--n", "300", "-o", filepath.Join(dir, m+".json"))
		if code != 0 {
			t.Fatalf("%s: %d %s %s", m, code, out, errOut)
		}
		if p := number(t, out, `perm_sphere_p p = ([-0-9.e]+)`); p < 0.002 || p > 0.15 {
			t.Errorf("%s: p %v (reference 0.04 with Váša's parcel spins)", m, p)
		}
	}
	if _, errOut, code := runCLI(t, "spin", maps, "--x", "scz_CortThick_d_icv", "--y", "mddadult_CortThick_d_icv", "--method", "baum", "-o", filepath.Join(dir, "x.json")); code != 2 || !strings.Contains(errOut, "--spheres") {
		t.Errorf("baum without spheres: %d %s", code, errOut)
	}
	short := filepath.Join(dir, "short.csv")
	b, _ := os.ReadFile(maps)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	os.WriteFile(short, []byte(strings.Join(lines[:len(lines)-1], "\n")+"\n"), 0o644)
	if _, errOut, code := runCLI(t, "spin", short, "--x", "scz_CortThick_d_icv", "--y", "mddadult_CortThick_d_icv", "--method", "cornblath",
		"--spheres", spheres, "--annots", annots, "-o", filepath.Join(dir, "x.json")); code == 0 || !strings.Contains(errOut, "not among the map's regions") {
		t.Errorf("missing region: %d %s", code, errOut)
	}
}

// painmark report rebuilds a results folder's report pages from their JSON and exports each
// figure as a standalone SVG; a folder without reports is an error.
func TestReportCommand(t *testing.T) {
	dir := t.TempDir()
	maps := fixtures.Shared(t, "golden", "spin", "maps.csv")
	coords := fixtures.Shared(t, "enigma", "derived", "dk68_fsa5_sphere_centroids.csv")
	if out, errOut, code := runCLI(t, "spin", maps, "--x", "scz_CortThick_d_icv", "--y", "mddadult_CortThick_d_icv", "--coords", coords, "--n", "200", "-o", filepath.Join(dir, "spin.json")); code != 0 {
		t.Fatalf("spin: %d %s %s", code, out, errOut)
	}
	page := filepath.Join(dir, "spin.report.html")
	before, _ := os.ReadFile(page)
	os.Remove(page)
	figs := filepath.Join(dir, "figures")
	out, errOut, code := runCLI(t, "report", dir, "--figures", figs)
	if code != 0 || !strings.Contains(out, "4 figures") {
		t.Fatalf("report: %d %s %s", code, out, errOut)
	}
	after, err := os.ReadFile(page)
	if err != nil || string(after) != string(before) {
		t.Errorf("the rebuilt page differs from the one spin wrote (%v)", err)
	}
	svgs, _ := filepath.Glob(filepath.Join(figs, "spin-*.svg"))
	if len(svgs) != 4 {
		t.Errorf("%d SVG files: %v", len(svgs), svgs)
	}
	if _, errOut, code := runCLI(t, "report", figs); code == 0 || !strings.Contains(errOut, "no *.report.json") {
		t.Errorf("a folder without reports: %d %s", code, errOut)
	}
}

// referenceRho is the Spearman rho of the golden maps (schizophrenia vs adult depression
// thickness effects) that perm_sphere_p computed in Octave.
func referenceRho(t *testing.T) float64 {
	t.Helper()
	ref, err := table.Read(fixtures.Shared(t, "golden", "spin", "perm_sphere_p.csv"), nil)
	if err != nil {
		t.Fatal(err)
	}
	pair, _ := ref.Column("pair")
	kind, _ := ref.Column("corr_type")
	rhos, _ := ref.Floats("rho_emp")
	for i := range rhos {
		if pair.Raw[i] == "scz_vs_mddadult" && kind.Raw[i] == "spearman" {
			return rhos[i]
		}
	}
	t.Fatal("no scz_vs_mddadult spearman row in the golden perm_sphere_p table")
	return math.NaN()
}

// The library call a Go program makes (nulls.Test, morph.Analyze) writes the very files painmark
// spin and morph write, byte for byte.
func TestSpinAndMorphLibraryEqualCLI(t *testing.T) {
	dir := t.TempDir()
	maps := fixtures.Shared(t, "golden", "spin", "maps.csv")
	coords := fixtures.Shared(t, "enigma", "derived", "dk68_fsa5_sphere_centroids.csv")
	os.MkdirAll(filepath.Join(dir, "cli"), 0o755)
	for _, null := range []string{"vasa", "moran"} {
		cli := filepath.Join(dir, "cli", null+".json")
		if out, errOut, code := runCLI(t, "spin", maps, "--x", "scz_CortThick_d_icv", "--y", "mddadult_CortThick_d_icv", "--coords", coords,
			"--null", null, "--n", "300", "--seed", "4", "-o", cli, "--report", "none"); code != 0 {
			t.Fatalf("spin: %d %s %s", code, out, errOut)
		}
		model, err := nulls.Lookup(null)
		if err != nil {
			t.Fatal(err)
		}
		c, err := nulls.ReadCentroids(coords)
		if err != nil {
			t.Fatal(err)
		}
		regions, values, err := nulls.ReadRegionalMaps(maps, "region", "scz_CortThick_d_icv", "mddadult_CortThick_d_icv")
		if err != nil {
			t.Fatal(err)
		}
		space, err := nulls.Geometry{Centroids: c}.Space(regions, model)
		if err != nil {
			t.Fatal(err)
		}
		o := nulls.DefaultTestOptions()
		o.Draws, o.Seed, o.XName, o.YName = 300, 4, "scz_CortThick_d_icv", "mddadult_CortThick_d_icv"
		res, err := nulls.Test(values[0], values[1], space, model, o)
		if err != nil {
			t.Fatal(err)
		}
		os.MkdirAll(filepath.Join(dir, "lib"), 0o755)
		if err := res.WriteFiles(filepath.Join(dir, "lib", null+".json")); err != nil {
			t.Fatal(err)
		}
		sameFiles(t, filepath.Join(dir, "cli"), filepath.Join(dir, "lib"), null+".json")
	}
	x := func(rel ...string) string { return fixtures.Shared(t, append([]string{"enigma"}, rel...)...) }
	classes := x("derived", "dk68_yeo7_mode_via_schaefer400_conte69.csv") + ":yeo7_mode"
	if out, errOut, code := runCLI(t, "morph", "--enigma", x("xdata", "metr2_CortThick.csv"), "--enigma", x("xdata", "metr3_CortSurf.csv"),
		"--participants", x("xdata", "cov.csv"), "--group", "Dx", "--covariates", "Age,Sex", "--classes", classes, "--coords", coords,
		"--spins", "200", "--min-features", "2", "-o", filepath.Join(dir, "ms-cli"), "--report", "none"); code != 0 {
		t.Fatalf("morph: %d %s %s", code, out, errOut)
	}
	tb, err := morph.FromENIGMA("SubjID", x("xdata", "metr2_CortThick.csv"), x("xdata", "metr3_CortSurf.csv"))
	if err != nil {
		t.Fatal(err)
	}
	pt, err := table.ReadParticipants(x("xdata", "cov.csv"), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	cls, err := morph.ReadClasses(classes, "classes")
	if err != nil {
		t.Fatal(err)
	}
	c, err := nulls.ReadCentroids(coords)
	if err != nil {
		t.Fatal(err)
	}
	o := morph.DefaultOptions()
	o.Group, o.Covariates, o.Spins, o.MinFeatures = "Dx", []string{"Age", "Sex"}, 200, 2
	res, err := morph.Analyze(tb, pt, []*morph.Classes{cls}, nulls.Geometry{Centroids: c}, o)
	if err != nil {
		t.Fatal(err)
	}
	if err := res.WriteFiles(filepath.Join(dir, "ms-lib")); err != nil {
		t.Fatal(err)
	}
	sameFiles(t, filepath.Join(dir, "ms-cli"), filepath.Join(dir, "ms-lib"), "regional_ms.tsv", "global_ms.tsv", "case_control.tsv")
	if res.CaseControl.Hub.SpinP == nil || len(res.CaseControl.Classes) != 7 {
		t.Errorf("hub %+v, %d class summaries", res.CaseControl.Hub, len(res.CaseControl.Classes))
	}
}

// painmark spin --save-null=false prints the same lines and writes the same result but for the
// null correlations (null_xy, null_yx), which it tallied and dropped; its report says so instead
// of plotting their histogram.
func TestSpinCommandDropNull(t *testing.T) {
	dir := t.TempDir()
	maps := fixtures.Shared(t, "golden", "spin", "maps.csv")
	coords := fixtures.Shared(t, "enigma", "derived", "dk68_fsa5_sphere_centroids.csv")
	results := map[bool]map[string]json.RawMessage{}
	outs := map[bool]string{}
	for _, save := range []bool{true, false} {
		path := filepath.Join(dir, fmt.Sprintf("spin-%v.json", save))
		out, errOut, code := runCLI(t, "spin", maps, "--x", "scz_CortThick_d_icv", "--y", "mddadult_CortThick_d_icv", "--coords", coords,
			"--n", "500", "--seed", "4", fmt.Sprintf("--save-null=%v", save), "-o", path, "--report", filepath.Join(dir, fmt.Sprintf("spin-%v.html", save)))
		if code != 0 {
			t.Fatalf("spin --save-null=%v: %d %s %s", save, code, out, errOut)
		}
		outs[save] = strings.ReplaceAll(out, fmt.Sprintf("spin-%v", save), "spin")
		b, _ := os.ReadFile(path)
		var doc struct {
			Numbers struct {
				Results map[string]json.RawMessage `json:"results"`
			} `json:"numbers"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		results[save] = doc.Numbers.Results
	}
	if outs[true] != outs[false] {
		t.Errorf("printed:\n%s\nwith the null dropped:\n%s", outs[true], outs[false])
	}
	kept, dropped := results[true], results[false]
	if len(kept["null_xy"]) < 1000 || len(kept["p_neuromaps"]) == 0 || string(dropped["null_xy"]) != "null" || string(dropped["null_yx"]) != "null" {
		t.Errorf("null_xy kept %d bytes, dropped %s", len(kept["null_xy"]), dropped["null_xy"])
	}
	for k, v := range kept {
		if k != "null_xy" && k != "null_yx" && string(dropped[k]) != string(v) {
			t.Errorf("%s: %s, with the null dropped %s", k, v, dropped[k])
		}
	}
	html, _ := os.ReadFile(filepath.Join(dir, "spin-false.html"))
	if !strings.Contains(string(html), "tallied and not kept") {
		t.Error("the report does not say the null was not kept")
	}
}

// The memory budget charges spin --save-null=false for what it holds (a block of draws, the tally
// and a hash per spin), not the null: under an 8 MiB budget, 20,000 nearest-parcel spins of the
// DK maps are refused kept (about 24 bytes per region and draw, 32 MiB) and run dropped, with the
// p-values of the same spins kept under the default budget.
func TestSpinCommandDroppedNullBudget(t *testing.T) {
	dir := t.TempDir()
	maps := fixtures.Shared(t, "golden", "spin", "maps.csv")
	coords := fixtures.Shared(t, "enigma", "derived", "dk68_fsa5_sphere_centroids.csv")
	run := func(save bool) (string, string, int) {
		return runCLI(t, "spin", maps, "--x", "scz_CortThick_d_icv", "--y", "mddadult_CortThick_d_icv", "--coords", coords, "--null", "nearest",
			"--n", "20000", "--seed", "2", fmt.Sprintf("--save-null=%v", save), "-o", filepath.Join(dir, fmt.Sprintf("spin-%v.json", save)))
	}
	t.Setenv(budget.EnvVar, "")
	kept, errOut, code := run(true)
	if code != 0 {
		t.Fatalf("kept under the default budget: %d %s", code, errOut)
	}
	t.Setenv(budget.EnvVar, "8MiB")
	if _, errOut, code := run(true); code != 1 || !strings.Contains(errOut, "20000 null draws would need about") || !strings.Contains(errOut, "more than the budget of 8 MiB") {
		t.Errorf("kept under 8 MiB: exit %d, %s", code, errOut)
	}
	dropped, errOut, code := run(false)
	if code != 0 {
		t.Fatalf("dropped under 8 MiB: exit %d, %s", code, errOut)
	}
	if strings.ReplaceAll(dropped, "spin-false", "spin-true") != kept {
		t.Errorf("kept:\n%s\ndropped:\n%s", kept, dropped)
	}
}
