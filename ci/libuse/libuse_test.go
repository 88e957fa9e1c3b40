// Package libuse is a Go program outside painmark's module (a module of its own that requires
// github.com/painmark/painmark through a replace directive) which runs painmark's analyses
// (connectome; signature train -> validate -> ablate -> change; decode train -> apply; target;
// morph -> spin -> genes) through the library alone, as a user's Go program would, runs the same
// analyses with the painmark command, and checks that the result files are byte-identical: the CLI
// and the library are one definition of each analysis.
//
//	cd ci/libuse && go test ./...       (.ci/run runs it)
//
// The data are the project's simulators (package synthetic, target.SimulateParticipant) and, for
// morph -> spin -> genes, the published ENIGMA, AHBA and gene-set tables in ../shared/data (those
// steps are skipped when it is absent, unless PAINMARK_REQUIRE_SHARED is set).
package libuse

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/painmark/painmark/connectome"
	"github.com/painmark/painmark/decode"
	"github.com/painmark/painmark/features"
	"github.com/painmark/painmark/genes"
	"github.com/painmark/painmark/morph"
	"github.com/painmark/painmark/nulls"
	"github.com/painmark/painmark/study"
	"github.com/painmark/painmark/synthetic"
	"github.com/painmark/painmark/table"
	"github.com/painmark/painmark/target"
)

// env is one run: the painmark binary, the shared inputs, and one folder for the CLI's results and
// one for the library's, in which each side runs with relative output paths (result files that
// record an output path then record the same one).
type env struct {
	bin, in, cli, lib string
}

// bin is the painmark command, built once from the repository (../..) for all the tests.
var bin struct {
	once      sync.Once
	path, dir string
	err       error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if bin.dir != "" {
		os.RemoveAll(bin.dir)
	}
	os.Exit(code)
}

func setup(t *testing.T) *env {
	t.Helper()
	bin.once.Do(func() {
		if bin.dir, bin.err = os.MkdirTemp("", "libuse-bin"); bin.err != nil {
			return
		}
		bin.path = filepath.Join(bin.dir, "painmark")
		build := exec.Command("go", "build", "-o", bin.path, "./cmd/painmark")
		build.Dir = filepath.Join("..", "..")
		if out, err := build.CombinedOutput(); err != nil {
			bin.err = fmt.Errorf("go build ./cmd/painmark: %v\n%s", err, out)
		}
	})
	if bin.err != nil {
		t.Fatal(bin.err)
	}
	work := t.TempDir()
	e := &env{bin: bin.path, in: filepath.Join(work, "in"), cli: filepath.Join(work, "cli"), lib: filepath.Join(work, "lib")}
	for _, d := range []string{e.in, e.cli, e.lib} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// cmd runs the painmark command in the CLI's folder.
func (e *env) cmd(t *testing.T, args ...string) {
	t.Helper()
	c := exec.Command(e.bin, args...)
	c.Dir = e.cli
	if out, err := c.CombinedOutput(); err != nil {
		t.Fatalf("painmark %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// inLib runs f with the library's folder as the working directory.
func (e *env) inLib(t *testing.T, f func() error) {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chdir(e.lib); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	if err := f(); err != nil {
		t.Fatal(err)
	}
}

// same checks that each named result file (relative to the two folders) is byte-identical.
func (e *env) same(t *testing.T, files ...string) {
	t.Helper()
	for _, f := range files {
		a, errA := os.ReadFile(filepath.Join(e.cli, f))
		b, errB := os.ReadFile(filepath.Join(e.lib, f))
		switch {
		case errA != nil || errB != nil:
			t.Errorf("%s: CLI %v, library %v", f, errA, errB)
		case len(a) == 0:
			t.Errorf("%s: empty", f)
		case !bytes.Equal(a, b):
			t.Errorf("%s: the library's file differs from the CLI's (%d and %d bytes)", f, len(b), len(a))
		}
	}
}

// shared returns a path under ../shared/data, or skips the test when it is absent (fails under
// PAINMARK_REQUIRE_SHARED, as in CI).
func shared(t *testing.T, rel ...string) string {
	t.Helper()
	root := os.Getenv("PAINMARK_SHARED_DATA")
	if root == "" {
		r, _ := filepath.Abs(filepath.Join("..", "..", "..", "shared", "data"))
		root = r
	}
	p := filepath.Join(append([]string{root}, rel...)...)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("PAINMARK_REQUIRE_SHARED") != "" {
			t.Fatalf("shared data missing: %v", err)
		}
		t.Skipf("shared data not available: %v", err)
	}
	return p
}

func TestLibraryMatchesCLI(t *testing.T) {
	e := setup(t)
	t.Run("connectome", func(t *testing.T) { connectomeChain(t, e) })
	t.Run("decode train -> apply", func(t *testing.T) { decodeChain(t, e) })
	t.Run("target", func(t *testing.T) { targetPlan(t, e) })
	t.Run("morph -> spin -> genes", func(t *testing.T) { morphSpinGenes(t, e) })
}

// writeCSpsStudy simulates a corticospinal study with o and writes it under the shared inputs.
func writeCSpsStudy(t *testing.T, e *env, o synthetic.Options) (*synthetic.Study, string) {
	t.Helper()
	st, err := synthetic.Generate(o)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(e.in, "csps")
	if err := st.Write(dir); err != nil {
		t.Fatal(err)
	}
	return st, dir
}

// connectomeChain: a synthetic corticospinal study's training cohort -> the cohort feature table.
func connectomeChain(t *testing.T, e *env) {
	o := synthetic.DefaultOptions()
	o.Train, o.Independent, o.Task, o.Clinical1, o.Clinical2, o.PrePost, o.Seed = 24, 4, 4, 4, 4, 4, 3
	_, studyDir := writeCSpsStudy(t, e, o)
	roi, tags := filepath.Join(studyDir, "train", "roi"), filepath.Join(studyDir, "regions.tsv")
	e.cmd(t, "connectome", roi, "--kind", "partial correlation", "--scaling", "zscore", "--region-tags", tags, "--no-matrices", "-o", "conn")
	e.inLib(t, func() error {
		files, err := study.TimeSeriesFiles(roi)
		if err != nil {
			return err
		}
		series, err := features.ReadSeries(files, nil, "bids")
		if err != nil {
			return err
		}
		if err := series.TagRegions(tags); err != nil {
			return err
		}
		co := features.DefaultConnectomeOptions()
		co.Measure.Kind, co.Measure.Scaling, co.Matrices = connectome.PartialCorrelation, connectome.SeriesScaling("zscore"), false
		res, err := features.Connectomes(series, co)
		if err != nil {
			return err
		}
		return res.WriteFiles("conn")
	})
	e.same(t, "conn/features.tsv", "conn/features.npy", "conn/edges.tsv", "conn/connectome.json")
}

// decodeChain: a simulated densely sampled participant -> a personalized decoder -> frame-wise
// predictions.
func decodeChain(t *testing.T, e *env) {
	po := synthetic.DefaultParticipantOptions()
	po.Sessions, po.RunsPerSession, po.Frames, po.Regions, po.Planted = 6, 2, 400, 20, 4
	p, err := synthetic.SimulateParticipant(po)
	if err != nil {
		t.Fatal(err)
	}
	folder := filepath.Join(e.in, "p01")
	if err := p.Write(folder, "01"); err != nil {
		t.Fatal(err)
	}
	e.cmd(t, "decode", "train", folder, "--bootstraps", "200", "--permutations", "10", "-o", "decoder")
	e.cmd(t, "decode", "apply", "decoder/model.json", folder, "-o", "frames.tsv")
	e.inLib(t, func() error {
		part, err := decode.ReadParticipant(folder, 0, true)
		if err != nil {
			return err
		}
		o := decode.DefaultTrainOptions()
		o.Bootstraps, o.Permutations = 200, 10
		res, err := decode.Train(part, o)
		if err != nil {
			return err
		}
		if err := res.WriteFiles("decoder"); err != nil {
			return err
		}
		m, err := decode.ReadModel("decoder/model.json")
		if err != nil {
			return err
		}
		runs, err := decode.ReadParticipant(folder, 0, false)
		if err != nil {
			return err
		}
		applied, err := decode.Apply(m, runs)
		if err != nil {
			return err
		}
		return applied.WriteFiles("frames.tsv")
	})
	e.same(t, "decoder/model.json", "decoder/predictions.tsv", "decoder/importance.tsv", "decoder/decode.json", "frames.tsv")
}

// targetPlan: a simulated participant's resting state -> ranked stimulation targets.
func targetPlan(t *testing.T, e *env) {
	sim := target.SimulateParticipant(1, 150)
	dir := filepath.Join(e.in, "sim")
	if err := sim.Write(dir, false); err != nil {
		t.Fatal(err)
	}
	bold, mask, templates, space := filepath.Join(dir, "bold.nii.gz"), filepath.Join(dir, "mask.nii.gz"), filepath.Join(dir, "templates.nii.gz"), filepath.Join(dir, "precentral.nii.gz")
	e.cmd(t, "target", "--bold", bold, "--mask", mask, "--templates", templates, "--names", "SCAN,AMN,foot,hand,mouth",
		"--network", "SCAN", "--avoid", "foot,hand,mouth", "--search-space", space, "--min-score", "0.15", "-o", "targets")
	e.inLib(t, func() error {
		d, err := target.Load(target.Source{Bold: bold, Mask: mask})
		if err != nil {
			return err
		}
		o := target.DefaultPlanOptions()
		o.Templates, o.Names, o.Network, o.Avoid, o.SearchSpace, o.MinScore = templates, []string{"SCAN", "AMN", "foot", "hand", "mouth"}, "SCAN", []string{"foot", "hand", "mouth"}, space, 0.15
		res, err := target.Plan(d, o)
		if err != nil {
			return err
		}
		return res.WriteFiles("targets")
	})
	e.same(t, "targets/targets.json", "targets/targets.tsv", "targets/maps.nii.gz", "targets/markers.nii.gz", "targets/networks.nii.gz")
}

// morphSpinGenes: ENIGMA tables -> morphometric similarity and its case-control effects -> a spin
// test of two of the effect maps -> imaging transcriptomics of the effect sizes.
func morphSpinGenes(t *testing.T, e *env) {
	thick, surf := shared(t, "enigma", "xdata", "metr2_CortThick.csv"), shared(t, "enigma", "xdata", "metr3_CortSurf.csv")
	cov, coords := shared(t, "enigma", "xdata", "cov.csv"), shared(t, "enigma", "derived", "dk68_fsa5_sphere_centroids.csv")
	expr, sets := shared(t, "ahba-dk", "ahba", "allgenes_stable_r0.6.csv"), shared(t, "gene-sets", "seidlitz2020", "celltypes_PSP.csv")
	e.cmd(t, "morph", "--enigma", thick, "--enigma", surf, "--participants", cov, "--group", "Dx", "--case", "1",
		"--covariates", "Age,Sex,ICV", "--coords", coords, "--spins", "100", "--min-features", "2", "-o", "ms")
	e.cmd(t, "spin", "ms/case_control.tsv", "--x", "cohen_d", "--y", "beta", "--coords", coords, "--n", "200", "-o", "spin.json")
	e.cmd(t, "genes", expr, "ms/case_control.tsv", "--y", "cohen_d", "--null", "spin", "--coords", coords, "--permutations", "50",
		"--bootstraps", "50", "--rank-permutations", "50", "--sets", sets, "-o", "genes")
	e.inLib(t, func() error {
		c, err := nulls.ReadCentroids(coords)
		if err != nil {
			return err
		}
		geo := nulls.Geometry{Centroids: c}
		tb, err := morph.FromENIGMA("SubjID", thick, surf)
		if err != nil {
			return err
		}
		pt, err := table.ReadParticipants(cov, "", nil)
		if err != nil {
			return err
		}
		mo := morph.DefaultOptions()
		mo.Group, mo.Case, mo.Covariates, mo.Spins, mo.MinFeatures = "Dx", "1", []string{"Age", "Sex", "ICV"}, 100, 2
		ms, err := morph.Analyze(tb, pt, nil, geo, mo)
		if err != nil {
			return err
		}
		if err := ms.WriteFiles("ms"); err != nil {
			return err
		}

		model, err := nulls.Lookup("vasa")
		if err != nil {
			return err
		}
		regions, maps, err := nulls.ReadRegionalMaps("ms/case_control.tsv", "region", "cohen_d", "beta")
		if err != nil {
			return err
		}
		space, err := geo.Space(regions, model)
		if err != nil {
			return err
		}
		so := nulls.DefaultTestOptions()
		so.Draws, so.XName, so.YName = 200, "cohen_d", "beta"
		spin, err := nulls.Test(maps[0], maps[1], space, model, so)
		if err != nil {
			return err
		}
		if err := spin.WriteFiles("spin.json"); err != nil {
			return err
		}

		ex, err := genes.ReadExpression(expr)
		if err != nil {
			return err
		}
		regions, values, err := nulls.ReadRegionalMaps("ms/case_control.tsv", "", "cohen_d")
		if err != nil {
			return err
		}
		gs, err := genes.ReadGeneSets(sets)
		if err != nil {
			return err
		}
		gopts := genes.DefaultOptions()
		gopts.Null, gopts.Permutations, gopts.Bootstraps, gopts.RankPermutations = "spin", 50, 50, 50
		an, err := genes.Analyze(ex, regions, values[0], gs, geo, gopts)
		if err != nil {
			return err
		}
		return an.WriteFiles("genes")
	})
	e.same(t, "ms/case_control.tsv", "ms/global_ms.tsv", "ms/regional_ms.tsv", "spin.json", "genes/genes.tsv", "genes/regions.tsv", "genes/genes.json")
}
