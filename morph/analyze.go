package morph

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/painmark/painmark/nulls"
	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/stats"
	"github.com/painmark/painmark/table"
)

// Options choose painmark morph's analysis (Martins et al. 2022).
type Options struct {
	// Group is the participants' group column and Case the label of the cases (the rest are
	// controls).
	Group, Case string
	// Covariates are participants' columns and Interactions products of them ("Age*Sex") in the
	// per-region OLS.
	Covariates, Interactions []string
	// LeaveOneFeatureOut adds the mean regional MS maps with each feature left out, and their
	// Pearson r with the map of all features (painmark's older check).
	LeaveOneFeatureOut bool
	// LeaveOneFeatureOutChange adds Martins et al. (2022)'s check (needs participants): the
	// case-control t maps recomputed with each feature left out, and their Spearman rho with the
	// map of all features (LOFOChange).
	LeaveOneFeatureOutChange bool
	// Null is the spatial null model of the class summaries' and hub susceptibility's p, by its
	// name in package nulls ("none": no p). Nearest-parcel matching is the default, the
	// calibrated one in bench/spin's false-positive rates.
	Null  string
	Spins int // draws of the null
	Seed  uint64
	// MinFeatures is the fewest morphometric features Analyze accepts (default MinFeatures, 3):
	// with two features every region's z-scored feature vector correlates ±1 with every other,
	// so the MS values are degenerate. Lower it only to check arithmetic on two-feature data.
	MinFeatures int
}

// MinFeatures is the default fewest features of a morphometric similarity analysis: two
// features give correlations of ±1 only (Seidlitz et al. 2018 use five or more).
const MinFeatures = 3

// DefaultOptions are painmark morph's defaults.
func DefaultOptions() Options {
	return Options{Group: "group", Case: "1", Null: "nearest", Spins: 1000, Seed: 1, MinFeatures: MinFeatures}
}

// Classes is one assignment of regions to classes (a von Economo-Koskinas class, a Yeo network),
// by region name, read from a TABLE:COLUMN.
type Classes struct {
	Spec    string // TABLE:COLUMN as given
	Column  string
	ClassOf map[string]string
}

// ReadClasses reads a TABLE:COLUMN class assignment (the table has a region column).
func ReadClasses(spec, what string) (*Classes, error) {
	ref, err := table.ParseColumnRef(spec, what)
	if err != nil {
		return nil, err
	}
	tb, err := table.Read(ref.Path, nil)
	if err != nil {
		return nil, err
	}
	reg, err := tb.Column("region")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ref.Path, err)
	}
	cls, err := tb.Column(ref.Column)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ref.Path, err)
	}
	c := &Classes{Spec: spec, Column: ref.Column, ClassOf: map[string]string{}}
	for i, r := range reg.Raw {
		c.ClassOf[r] = cls.Raw[i]
	}
	return c, nil
}

// ClassRecord is one class's summary of the case-control Cohen's d.
type ClassRecord struct {
	Class   string   `json:"class"`
	Classes string   `json:"classes"` // the TABLE:COLUMN
	Mean    float64  `json:"mean"`
	Regions int      `json:"regions"`
	SpinP   *float64 `json:"spin_p"` // null without a null model
	column  string
}

// HubRecord is the hub susceptibility's numbers.
type HubRecord struct {
	Rho   float64  `json:"rho"`
	SpinP *float64 `json:"spin_p"`
	Spins int      `json:"spins"`
}

// QuadrantRecord is a quadrant's share of all regions and of those with FDR q < 0.05.
type QuadrantRecord struct {
	FDRPercent float64 `json:"fdr_percent"`
	FDRRegions int     `json:"fdr_regions"`
	Percent    float64 `json:"percent"`
	Quadrant   string  `json:"quadrant"`
	Regions    int     `json:"regions"`
}

// CaseControlResult is the case-control part of the analysis.
type CaseControlResult struct {
	Effects   []RegionEffect
	CohenD    []float64
	ControlMS []float64 // the controls' mean regional MS
	Hub       HubRecord
	Quadrants []QuadrantRecord
	Classes   []ClassRecord
	// Global is the case-control GLM of global MS and ClassTests that of each class assignment's
	// class-level MS (Martins et al. 2022), with the regional GLM's covariates.
	Global     *RegionEffect
	ClassTests []ClassTest
	// Warning is the small-sample caveat (a group under stats.MinTSample), empty when none.
	Warning   string
	spins     int
	nullName  string // the null model's description, for the report
	covs      []string
	group     string
	caseLabel string
}

// Analysis is painmark morph's result: every subject's regional and global MS, the mean map, the
// leave-one-feature-out maps, and with participants the case-control analysis.
type Analysis struct {
	Table        *Table
	Regional     [][]float64 // subject x region
	Global       []float64
	MeanRegional []float64
	// LOFOMaps[f] is the mean regional MS map without feature f, LOFOR its Pearson r with
	// MeanRegional (nil unless asked for).
	LOFOMaps [][]float64
	LOFOR    []float64
	// LOFOChange is Martins et al.'s leave-one-feature-out check of the case-control maps (nil
	// unless asked for).
	LOFOChange  *LOFOChange
	CaseControl *CaseControlResult
}

// Analyze runs painmark morph on a morphometry table: morphometric similarity per subject
// (Similarity, RegionalMS, GlobalMS); with participants (nil: none), the per-region case-control
// GLM, the hub susceptibility and four-quadrant classification against the controls' MS, and the
// class summaries of Cohen's d, their p from the null model drawn over the regions from geo.
func Analyze(tb *Table, participants *table.Participants, classes []*Classes, geo nulls.Geometry, o Options) (*Analysis, error) {
	if nf := len(tb.Features); nf < o.MinFeatures || nf < 2 {
		return nil, fmt.Errorf("morphometric similarity needs at least %d features, got %d (%s): with two, every correlation between regions is +1 or -1", max(o.MinFeatures, 2), nf, strings.Join(tb.Features, ", "))
	}
	n := len(tb.Subjects)
	a := &Analysis{Table: tb, Regional: make([][]float64, n), Global: make([]float64, n), MeanRegional: make([]float64, len(tb.Regions))}
	for s := 0; s < n; s++ {
		ms, err := Similarity(tb, s, nil)
		if err != nil {
			return nil, err
		}
		a.Regional[s] = RegionalMS(ms)
		a.Global[s] = GlobalMS(a.Regional[s])
	}
	for r := range a.MeanRegional {
		for s := 0; s < n; s++ {
			a.MeanRegional[r] += a.Regional[s][r] / float64(n)
		}
	}
	if o.LeaveOneFeatureOut {
		var err error
		if a.LOFOMaps, a.LOFOR, err = LeaveOneFeatureOut(tb); err != nil {
			return nil, err
		}
	}
	if o.LeaveOneFeatureOutChange && participants == nil {
		return nil, fmt.Errorf("the leave-one-feature-out check of the case-control maps needs participants")
	}
	if participants == nil {
		return a, nil
	}
	labels, err := participants.Labels(tb.Subjects, o.Group)
	if err != nil {
		return nil, err
	}
	isCase := make([]bool, n)
	for s, l := range labels {
		isCase[s] = l == o.Case
	}
	var covs []Covariate
	for _, c := range o.Covariates {
		v, err := participants.Values(tb.Subjects, c)
		if err != nil {
			return nil, err
		}
		covs = append(covs, Covariate{Name: c, Values: v})
	}
	cc := &CaseControlResult{covs: append(append([]string{}, o.Covariates...), o.Interactions...), group: o.Group, caseLabel: o.Case, spins: o.Spins}
	if cc.Effects, err = CaseControl(tb.Regions, a.Regional, isCase, covs, o.Interactions); err != nil {
		return nil, err
	}
	if err := a.subjectTests(cc, isCase, covs, classes, o); err != nil {
		return nil, err
	}
	a.CaseControl = cc
	nCase := 0
	for _, c := range isCase {
		if c {
			nCase++
		}
	}
	cc.Warning = stats.SmallSampleWarning(fmt.Sprintf("case-control (%s = %s)", o.Group, o.Case), nCase, n-nCase)
	null, err := nulls.Draw(o.Null, geo, tb.Regions, o.Spins, o.Seed)
	if err != nil {
		return nil, err
	}
	cc.nullName = "nearest-parcel"
	if null != nil {
		cc.nullName = null.Model().Description()
	}
	cc.ControlMS = make([]float64, len(tb.Regions))
	nc := 0
	for s, c := range isCase {
		if c {
			continue
		}
		nc++
		for r := range cc.ControlMS {
			cc.ControlMS[r] += a.Regional[s][r]
		}
	}
	for r := range cc.ControlMS {
		cc.ControlMS[r] /= float64(nc)
	}
	ts := make([]float64, len(cc.Effects))
	sig := make([]bool, len(cc.Effects))
	cc.CohenD = make([]float64, len(cc.Effects))
	for i, e := range cc.Effects {
		ts[i], sig[i], cc.CohenD[i] = e.T, e.Q < 0.05, e.D
	}
	h, err := HubSusceptibilityTest(ts, cc.ControlMS, null)
	if err != nil {
		return nil, err
	}
	cc.Hub = HubRecord{Rho: h.Rho, SpinP: orNull(h.P), Spins: h.Spins}
	all, significant := QuadrantShares(cc.ControlMS, ts, nil), QuadrantShares(cc.ControlMS, ts, sig)
	for k, q := range all {
		cc.Quadrants = append(cc.Quadrants, QuadrantRecord{Quadrant: q.Quadrant, Regions: q.Regions, Percent: q.Percent, FDRRegions: significant[k].Regions, FDRPercent: significant[k].Percent})
	}
	for _, c := range classes {
		sum, err := ClassSummary(tb.Regions, cc.CohenD, c.ClassOf, null)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.Spec, err)
		}
		for _, m := range sum {
			cc.Classes = append(cc.Classes, ClassRecord{Classes: c.Spec, Class: m.Class, Regions: m.Regions, Mean: m.Mean, SpinP: orNull(m.P), column: c.Column})
		}
	}
	return a, nil
}

// orNull is a p for JSON: nil (null) when NaN (no null model).
func orNull(p float64) *float64 {
	if math.IsNaN(p) {
		return nil
	}
	return &p
}

// WriteFiles writes regional_ms.tsv (subjects x regions), global_ms.tsv, and when computed
// leave_one_feature_out.tsv and case_control.tsv to the folder.
func (a *Analysis) WriteFiles(dir string) error {
	tb := a.Table
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	cols := []*table.Column{table.TextColumn("subject", tb.Subjects)}
	for r, name := range tb.Regions {
		v := make([]float64, len(tb.Subjects))
		for s := range v {
			v[s] = a.Regional[s][r]
		}
		cols = append(cols, table.NumericColumn(name, v))
	}
	if err := table.Write(filepath.Join(dir, "regional_ms.tsv"), &table.Table{Columns: cols}); err != nil {
		return err
	}
	if err := table.Write(filepath.Join(dir, "global_ms.tsv"), &table.Table{Columns: []*table.Column{table.TextColumn("subject", tb.Subjects), table.NumericColumn("global_ms", a.Global)}}); err != nil {
		return err
	}
	if a.LOFOMaps != nil {
		cols := []*table.Column{table.TextColumn("region", tb.Regions), table.NumericColumn("all_features", a.MeanRegional)}
		for f, m := range a.LOFOMaps {
			cols = append(cols, table.NumericColumn("without_"+tb.Features[f], m))
		}
		if err := table.Write(filepath.Join(dir, "leave_one_feature_out.tsv"), &table.Table{Columns: cols}); err != nil {
			return err
		}
	}
	if a.CaseControl == nil {
		return nil
	}
	if err := table.Write(filepath.Join(dir, "case_control.tsv"), &table.Table{Columns: effectColumns(table.TextColumn("region", tb.Regions), a.CaseControl.Effects)}); err != nil {
		return err
	}
	return a.writeSubjectTests(dir)
}

// significant counts the regions with FDR q < 0.05.
func (c *CaseControlResult) significant() int {
	k := 0
	for _, e := range c.Effects {
		if e.Q < 0.05 {
			k++
		}
	}
	return k
}

// hubP is the hub susceptibility's spin p as text.
func (c *CaseControlResult) hubP() string {
	if c.Hub.SpinP == nil {
		return "no spins (--coords)"
	}
	return fmt.Sprintf("%.3g (%d spins)", *c.Hub.SpinP, c.Hub.Spins)
}

// classRows are the class summaries as report rows.
func (c *CaseControlResult) classRows() [][]string {
	var rows [][]string
	for _, r := range c.Classes {
		p := "-"
		if r.SpinP != nil {
			p = fmt.Sprintf("%.3g", *r.SpinP)
		}
		rows = append(rows, []string{r.column, r.Class, strconv.Itoa(r.Regions), fmt.Sprintf("%.3f", r.Mean), p})
	}
	return rows
}

// Summary is the analysis as painmark morph prints it; out names the output folder.
func (a *Analysis) Summary(out string) string {
	var b strings.Builder
	tb := a.Table
	fmt.Fprintf(&b, "%d subjects x %d regions x %d features (%s): regional and global MS in %s\n", len(tb.Subjects), len(tb.Regions), len(tb.Features), strings.Join(tb.Features, ", "), out)
	for f := range a.LOFOMaps {
		fmt.Fprintf(&b, "  mean regional MS without %-10s r = %.3f with the all-features map\n", tb.Features[f], a.LOFOR[f])
	}
	c := a.CaseControl
	if c == nil {
		return b.String()
	}
	fmt.Fprintf(&b, "case-control (%s = %s vs the rest; covariates %s): %d of %d regions with FDR q < 0.05 -> %s\n",
		c.group, c.caseLabel, strings.Join(c.covs, ", "), c.significant(), len(c.Effects), filepath.Join(out, "case_control.tsv"))
	if c.Warning != "" {
		fmt.Fprintf(&b, "warning: %s\n", c.Warning)
	}
	fmt.Fprintf(&b, "hub susceptibility: Spearman rho(case-control t, control MS) = %.3f, spin p = %s\n", c.Hub.Rho, c.hubP())
	for _, q := range c.Quadrants {
		fmt.Fprintf(&b, "  %-21s %d (%.1f%%) of regions\n", q.Quadrant, q.Regions, q.Percent)
	}
	for _, r := range c.classRows() {
		fmt.Fprintf(&b, "  %-28s %-12s %2s regions: mean d %s, spin p %s\n", r[0], r[1], r[2], r[3], r[4])
	}
	a.subjectSummary(&b)
	return b.String()
}

// AddReport adds the analysis' numbers and sections to a report.
func (a *Analysis) AddReport(d *report.Document) {
	tb := a.Table
	n := len(tb.Subjects)
	d.Numbers["subjects"], d.Numbers["regions"], d.Numbers["global_ms"] = tb.Subjects, tb.Regions, a.Global
	d.Numbers["mean_regional_ms"] = a.MeanRegional
	msSec := d.Section("Regional morphometric similarity")
	msSec.CorticalMap("Mean regional MS", "regional MS", tb.Regions, a.MeanRegional, fmt.Sprintf("Mean over %d subjects of each region's similarity to the others.", n))
	msSec.Figure(report.Bars("Mean regional MS", "regional MS", tb.Regions, a.MeanRegional, 25),
		fmt.Sprintf("Mean over %d subjects of each region's similarity to the others (the 25 largest in magnitude).", n))
	if a.LOFOMaps != nil {
		var rows [][]string
		for f := range a.LOFOMaps {
			rows = append(rows, []string{tb.Features[f], fmt.Sprintf("%.3f", a.LOFOR[f])})
		}
		d.Numbers["leave_one_feature_out_r"] = a.LOFOR
		d.Section("Leave-one-feature-out maps").Table("Pearson r between the mean regional MS map without each feature and the map of all features (maps in leave_one_feature_out.tsv).",
			[]string{"feature left out", "r with the full map"}, rows)
	}
	c := a.CaseControl
	if c == nil {
		return
	}
	d.Numbers["cohen_d"] = c.CohenD
	ccSec := d.Section("Case-control differences in regional MS")
	if c.Warning != "" {
		ccSec.Text("Warning: %s.", c.Warning)
	}
	ccSec.CorticalMap("Cohen's d of regional MS", "Cohen's d (cases − controls)", tb.Regions, c.CohenD, "Vermillion: higher MS in cases; blue: lower.")
	ccSec.Figure(report.Bars("Cohen's d per region", "Cohen's d (cases − controls)", tb.Regions, c.CohenD, 25),
		fmt.Sprintf("OLS per region with %s; %d regions with FDR q < 0.05; the 25 largest effects.", strings.Join(c.covs, ", "), c.significant()))
	ts := make([]float64, len(c.Effects))
	for i, e := range c.Effects {
		ts[i] = e.T
	}
	var rows [][]string
	for _, q := range c.Quadrants {
		rows = append(rows, []string{q.Quadrant, fmt.Sprintf("%d (%.1f%%)", q.Regions, q.Percent), fmt.Sprintf("%d (%.1f%%)", q.FDRRegions, q.FDRPercent)})
	}
	d.Numbers["hub_susceptibility"] = c.Hub
	d.Numbers["quadrants"] = c.Quadrants
	d.Numbers["control_ms"] = c.ControlMS
	sec := d.Section("Hub susceptibility and the four kinds of change")
	sec.Figure(report.Scatter("Case-control change vs MS in controls", "mean regional MS in controls", "case-control t", c.ControlMS, ts),
		fmt.Sprintf("Each point a region. Spearman rho = %.3f, spin p = %s: a negative rho means the hubs (high MS) lose similarity in cases.", c.Hub.Rho, c.hubP()))
	sec.Table("Regions per quadrant: control MS > 0 and t > 0 hypercoupling, MS > 0 and t < 0 decoupling, MS < 0 and t > 0 dedifferentiation, MS < 0 and t < 0 hyperdifferentiation; all regions and those with FDR q < 0.05.",
		[]string{"quadrant", "all regions", "FDR q < 0.05"}, rows)
	if c.Classes != nil {
		d.Numbers["class_summaries"] = c.Classes
		d.Section("Effects by cytoarchitectonic class and network").Table(
			fmt.Sprintf("Mean Cohen's d over each class's regions (matched by name); spin p: two-sided, the class mean's deviation from the map's mean against %d %s spins (none without --coords).", c.spins, c.nullName),
			[]string{"classes", "class", "regions", "mean Cohen's d", "spin p"}, c.classRows())
	}
	a.addSubjectReport(d)
}
