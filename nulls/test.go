package nulls

import (
	"fmt"

	"github.com/painmark/painmark/internal/atomicfile"
	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/stats"
	"github.com/painmark/painmark/version"
)

// TestOptions choose the test of two maps' correlation against a null model.
type TestOptions struct {
	Kind  string // "spearman" (default) or "pearson"
	Draws int    // null maps per map (rotations, surrogates)
	Seed  uint64
	// XName and YName label the maps in the result and the report (e.g. their columns).
	XName, YName string
	// DropNull tallies the null correlations draw by draw and drops them (painmark spin
	// --save-null=false): the p-values are the same to the last bit, the result has no null_xy
	// and null_yx and the report no null histogram. Every model (the parametric one has no null)
	// then makes its draws a block of up to 4,096 at a time, in draw order: the rotations and
	// vertex spins keep a 64-bit hash of each accepted draw for the duplicate check (11 to 21
	// bytes a draw: 128 MiB for 10,000,000), the shuffle and the surrogate models (Moran,
	// variogram) nothing per draw, so memory is for a block and the tally, not the null, and the
	// memory budget charges that (CheckStreamBudget).
	DropNull bool
}

// DefaultTestOptions are painmark spin's defaults: Spearman's rho, 10,000 draws, seed 1.
func DefaultTestOptions() TestOptions { return TestOptions{Kind: "spearman", Draws: 10000, Seed: 1} }

// TestResult is the correlation of two maps against a null model, with perm_sphere_p's p-values
// and the other peers' conventions (NUMERICS.md §12; stats.SpinTest). JSON keys are painmark
// spin's result file's.
type TestResult struct {
	Kind   string `json:"kind"`
	Method string `json:"method"` // the null model's name
	N      int    `json:"n"`      // draws asked for
	// NullXY are the correlations of x's null maps with y, NullYX of y's with x.
	NullXY []float64 `json:"null_xy"`
	NullYX []float64 `json:"null_yx"`
	// P is perm_sphere_p's p: the mean of the one-sided PXY and PYX (the share of each null beyond
	// rho on rho's side, no +1). PNeuromaps is neuromaps'/netneurotools' two-sided
	// (1 + #|null| ≥ |rho|)/(1 + n) and PNonparp BrainSMASH's two-sided #|null| > |rho|/n, both
	// of the x null. The parametric model gives the t test's two-sided p in all of them.
	P               float64 `json:"p"`
	PNeuromaps      float64 `json:"p_neuromaps"`
	PNonparp        float64 `json:"p_nonparp"`
	PXY             float64 `json:"p_xy"`
	PYX             float64 `json:"p_yx"`
	Rho             float64 `json:"rho"`
	Seed            uint64  `json:"seed"`
	SoftwareVersion string  `json:"software_version,omitempty"`
	X               string  `json:"x"`
	Y               string  `json:"y"`

	// Regions, XValues and YValues are the maps as tested (in the sphere's order for models that
	// use centroids), for the report.
	Regions          []string  `json:"-"`
	XValues, YValues []float64 `json:"-"`
	model            Model
	draws            int // null maps behind the p-values (0 for the parametric model)
}

// Test correlates two maps over a space's regions and tests the correlation against the model's
// null (Alexander-Bloch et al. 2018's spin test and its successors): x's null maps against y and
// y's against x. With centroids, the maps are taken in the sphere's order (left then right, as
// the centroid table lists them) and the space must cover the whole parcellation.
func Test(x, y []float64, space *Space, model Model, opts TestOptions) (*TestResult, error) {
	if len(x) != len(space.Regions) || len(y) != len(space.Regions) {
		return nil, fmt.Errorf("maps of %d and %d values over %d regions", len(x), len(y), len(space.Regions))
	}
	if len(space.Unmatched) > 0 {
		return nil, fmt.Errorf("no map values for region %q of the sphere centroids (the spin needs the whole parcellation)", space.Unmatched[0])
	}
	space, reorder := space.sphereOrdered()
	x, y = reorder(x), reorder(y)
	res := &TestResult{Kind: opts.Kind, Method: model.Name(), N: opts.Draws, Seed: opts.Seed, X: opts.XName, Y: opts.YName,
		Regions: space.Regions, XValues: x, YValues: y, model: model}
	var t *stats.SpinTest
	var err error
	if st, ok := model.(streamer); ok && opts.DropNull && opts.Draws > 0 {
		// The null is made a block at a time, tallied and dropped: the kept null's draws.
		if t, err = streamedTest(st, space, x, y, opts); err != nil {
			return nil, err
		}
		res.draws = opts.Draws
	} else if t, res.draws, err = keptTest(model, space, x, y, opts); err != nil {
		return nil, err
	}
	res.Rho, res.P, res.PXY, res.PYX, res.PNeuromaps, res.PNonparp = t.Rho, t.P, t.PXY, t.PYX, t.PNeuromaps, t.PNonparp
	res.NullXY, res.NullYX = t.NullXY, t.NullYX
	return res, nil
}

// keptTest is Test with the whole null drawn first (Draw), its correlations kept unless
// opts.DropNull; the parametric model's t test when the null has no draws.
func keptTest(model Model, space *Space, x, y []float64, opts TestOptions) (*stats.SpinTest, int, error) {
	null, err := drawWithin(model, space, opts.Draws, opts.Seed)
	if err != nil {
		return nil, 0, err
	}
	if null.Draws() == 0 {
		t, err := stats.ParametricCorrelationTest(x, y, opts.Kind)
		return t, 0, err
	}
	nullX, nullY, err := nullMaps(null, x, y, opts)
	if err != nil {
		return nil, 0, err
	}
	t, err := stats.StreamedSpinTest(x, y, null.Draws(), opts.Kind, nullX, nullY, !opts.DropNull)
	return t, null.Draws(), err
}

// nullMaps gives draw k's null maps of x (stream 0) and of y (stream 1) from the null's Maps.
func nullMaps(null Null, x, y []float64, opts TestOptions) (nullX, nullY func(k int) []float64, err error) {
	mx, err := null.Maps(x, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", opts.XName, err)
	}
	my, err := null.Maps(y, 1)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", opts.YName, err)
	}
	if len(mx) != len(my) || len(mx) != null.Draws() {
		return nil, nil, fmt.Errorf("%d and %d null maps for %d draws", len(mx), len(my), null.Draws())
	}
	for k := range mx {
		if len(mx[k]) != len(x) || len(my[k]) != len(x) {
			return nil, nil, fmt.Errorf("surrogate %d has %d and %d values for %d parcels", k, len(mx[k]), len(my[k]), len(x))
		}
	}
	return func(k int) []float64 { return mx[k] }, func(k int) []float64 { return my[k] }, nil
}

// WriteFiles writes the result JSON to path (with the software version).
func (r *TestResult) WriteFiles(path string) error {
	c := *r
	c.SoftwareVersion = version.String()
	return atomicfile.WriteJSON(path, c)
}

// Summary is the result in two lines of text, as painmark spin prints it: the headline p is the
// two-sided one (HeadlineP), the others follow with their sides and conventions.
func (r *TestResult) Summary() string {
	return fmt.Sprintf("%s correlation of %s and %s over %d regions: %.4f, spin %s\n", r.Kind, r.X, r.Y, len(r.Regions), r.Rho, r.HeadlineP()) +
		fmt.Sprintf("  other conventions: perm_sphere_p %s (x-spun %s, y-spun %s); BrainSMASH nonparp %s\n",
			r.pValue(r.P, false, "the mean of the x- and y-spun shares beyond rho"), stats.FormatP(r.PXY, r.resamples()), stats.FormatP(r.PYX, r.resamples()),
			r.pValue(r.PNonparp, true, "#|null| > |rho| / n, x spun"))
}

// HeadlineP is the p painmark prints first and plots: two-sided, neuromaps'/netneurotools'
// (1 + #|null| ≥ |rho|)/(1 + n) of the x null (the t test's two-sided p for the parametric model).
func (r *TestResult) HeadlineP() stats.PValue {
	return r.pValue(r.PNeuromaps, true, "neuromaps (1 + #|null| ≥ |rho|)/(1 + n), x spun")
}

// resamples is the number of null maps behind the p-values (0 for the parametric model).
func (r *TestResult) resamples() int {
	if r.draws == 0 && len(r.NullXY) > 0 { // a result not made by Test
		return r.N
	}
	return r.draws
}

func (r *TestResult) pValue(p float64, twoSided bool, conv string) stats.PValue {
	if r.resamples() == 0 {
		return stats.PValue{P: p, TwoSided: true, Convention: "t test"}
	}
	return stats.PValue{P: p, Resamples: r.N, TwoSided: twoSided, Convention: conv}
}

// AddReport adds the result's numbers and section to a report: the maps on the cortex, their
// scatter and the null's histogram.
func (r *TestResult) AddReport(d *report.Document) {
	d.Seed = &r.Seed
	d.Numbers["results"] = r // software_version is empty, so left out
	sec := d.Section("Spatial permutation test")
	x, y := report.InputName(r.X), report.InputName(r.Y) // a map's column, or its file's name
	sec.CorticalMap(x, x, r.Regions, r.XValues, "The first map on the cortex.")
	sec.CorticalMap(y, y, r.Regions, r.YValues, "The second map on the cortex.")
	stat := fmt.Sprintf("%s r = %.3f, n = %d", r.Kind, r.Rho, len(r.Regions))
	sec.Figure(report.ScatterStat(x+" vs "+y, x, y, r.XValues, r.YValues, stat),
		fmt.Sprintf("Each point a region; %s (the line is the least-squares fit).", stat))
	if len(r.NullXY) > 0 {
		p := r.HeadlineP()
		sec.Figure(report.Histogram("Spin null of the correlation", fmt.Sprintf("%s r (%s, %s)", r.Kind, x, y), r.NullXY, r.Rho, "spin "+stats.FormatP(p.P, p.Resamples)+", two-sided"),
			fmt.Sprintf("%d rotations of the sphere, %s reassignment (x spun); spin %s.", r.N, r.model.Description(), p))
	} else if r.resamples() > 0 {
		sec.Text("The null distribution (%d draws, %s) was tallied and not kept, so it has no histogram here; spin %s.", r.N, r.model.Description(), r.HeadlineP())
	}
}
