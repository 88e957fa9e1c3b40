package morph

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/painmark/painmark/report"

	"github.com/painmark/painmark/stats"
	"github.com/painmark/painmark/table"
)

// The three subject-level tests of Martins et al. (2022) beside the regional case-control GLM:
// the global MS case-control test, the class-level MS test, and the leave-one-feature-out check on
// the case-control change maps. Each fits the same GLM as CaseControl (statsmodels' OLS with the
// same covariates and interactions).

// LOFOChange is Martins et al. (2022)'s leave-one-feature-out check: the case-control change maps
// (the regional GLM's t) recomputed with each feature left out of every subject's MS network, and
// each map's Spearman correlation with the map of all features. (Cohen's d is t times one constant
// across regions, so the d maps give the same rho.)
type LOFOChange struct {
	Features []string    // the feature left out, one per map
	FullT    []float64   // the case-control t of every region, all features
	T        [][]float64 // T[f][r]: region r's t without feature f
	Rho      []float64   // Spearman's rho between T[f] and FullT
}

// LeaveOneFeatureOutChange computes it; isCase, covariates and interactions are CaseControl's,
// fullT the t map of all features (CaseControl's T per region).
func LeaveOneFeatureOutChange(tb *Table, isCase []bool, covariates []Covariate, interactions []string, fullT []float64) (*LOFOChange, error) {
	nf := len(tb.Features)
	if nf < 3 {
		return nil, fmt.Errorf("leave-one-feature-out: %d features; MS needs at least 2 left", nf)
	}
	out := &LOFOChange{FullT: fullT}
	for f := 0; f < nf; f++ {
		var keep []int
		for g := 0; g < nf; g++ {
			if g != f {
				keep = append(keep, g)
			}
		}
		regional := make([][]float64, len(tb.Subjects))
		for s := range regional {
			ms, err := Similarity(tb, s, keep)
			if err != nil {
				return nil, err
			}
			regional[s] = RegionalMS(ms)
		}
		eff, err := CaseControl(tb.Regions, regional, isCase, covariates, interactions)
		if err != nil {
			return nil, fmt.Errorf("without %s: %w", tb.Features[f], err)
		}
		t := make([]float64, len(eff))
		for r, e := range eff {
			t[r] = e.T
		}
		out.Features = append(out.Features, tb.Features[f])
		out.T = append(out.T, t)
		out.Rho = append(out.Rho, stats.Spearman(t, fullT))
	}
	return out, nil
}

// ClassMS is every subject's class-level MS (Martins et al. 2022, von Economo-Koskinas classes):
// the mean of the subject's regional MS over each class's regions, regions matched to classes by
// name (regions without a class left out). values[s][k] is subject s's MS in classes[k]; classes
// are sorted by name.
func ClassMS(regions []string, regional [][]float64, classOf map[string]string) (classes []string, values [][]float64, err error) {
	members := map[string][]int{}
	for i, r := range regions {
		if c, ok := classOf[r]; ok && c != "" {
			members[c] = append(members[c], i)
		}
	}
	if len(members) == 0 {
		return nil, nil, fmt.Errorf("class MS: no region has a class (names such as %q)", regions[0])
	}
	for c := range members {
		classes = append(classes, c)
	}
	sort.Strings(classes)
	values = make([][]float64, len(regional))
	for s, reg := range regional {
		if len(reg) != len(regions) {
			return nil, nil, fmt.Errorf("class MS: subject %d has %d regional values for %d regions", s, len(reg), len(regions))
		}
		values[s] = make([]float64, len(classes))
		for k, c := range classes {
			var sum float64
			for _, i := range members[c] {
				sum += reg[i]
			}
			values[s][k] = sum / float64(len(members[c]))
		}
	}
	return classes, values, nil
}

// ClassTest is the case-control GLM of one class assignment's class-level MS: one effect per
// class (its Region is the class; FDR across the assignment's classes).
type ClassTest struct {
	Spec, Column string
	Classes      []string
	Values       [][]float64 // subject x class: the class-level MS
	Effects      []RegionEffect
}

// GlobalCaseControl is the case-control GLM of global MS (one outcome per subject): the same model
// as CaseControl, whose effect it returns.
func GlobalCaseControl(global []float64, isCase []bool, covariates []Covariate, interactions []string) (RegionEffect, error) {
	v := make([][]float64, len(global))
	for s, g := range global {
		v[s] = []float64{g}
	}
	eff, err := CaseControl([]string{"global_ms"}, v, isCase, covariates, interactions)
	if err != nil {
		return RegionEffect{}, fmt.Errorf("global MS: %w", err)
	}
	return eff[0], nil
}

// subjectTests runs the global, class-level and (asked for) leave-one-feature-out tests.
func (a *Analysis) subjectTests(cc *CaseControlResult, isCase []bool, covs []Covariate, classes []*Classes, o Options) error {
	g, err := GlobalCaseControl(a.Global, isCase, covs, o.Interactions)
	if err != nil {
		return err
	}
	cc.Global = &g
	for _, c := range classes {
		names, values, err := ClassMS(a.Table.Regions, a.Regional, c.ClassOf)
		if err != nil {
			return fmt.Errorf("%s: %w", c.Spec, err)
		}
		eff, err := CaseControl(names, values, isCase, covs, o.Interactions)
		if err != nil {
			return fmt.Errorf("%s, class-level MS: %w", c.Spec, err)
		}
		cc.ClassTests = append(cc.ClassTests, ClassTest{Spec: c.Spec, Column: c.Column, Classes: names, Values: values, Effects: eff})
	}
	if !o.LeaveOneFeatureOutChange {
		return nil
	}
	t := make([]float64, len(cc.Effects))
	for r, e := range cc.Effects {
		t[r] = e.T
	}
	a.LOFOChange, err = LeaveOneFeatureOutChange(a.Table, isCase, covs, o.Interactions, t)
	return err
}

// effectColumns are the GLM effects' columns of case_control.tsv, after the first (names) column.
func effectColumns(first *table.Column, eff []RegionEffect) []*table.Column {
	col := func(name string, f func(RegionEffect) float64) *table.Column {
		v := make([]float64, len(eff))
		for i, e := range eff {
			v[i] = f(e)
		}
		return table.NumericColumn(name, v)
	}
	return []*table.Column{first,
		col("beta", func(e RegionEffect) float64 { return e.Beta }), col("se", func(e RegionEffect) float64 { return e.SE }),
		col("t", func(e RegionEffect) float64 { return e.T }), col("df", func(e RegionEffect) float64 { return e.DF }),
		col("p", func(e RegionEffect) float64 { return e.P }), col("q_fdr", func(e RegionEffect) float64 { return e.Q }),
		col("p_bonferroni", func(e RegionEffect) float64 { return e.PBonferroni }),
		col("cohen_d", func(e RegionEffect) float64 { return e.D }), col("d_ci_low", func(e RegionEffect) float64 { return e.DCI[0] }),
		col("d_ci_high", func(e RegionEffect) float64 { return e.DCI[1] })}
}

// writeSubjectTests writes global_case_control.tsv, per class assignment
// class_ms_<column>.tsv and class_case_control_<column>.tsv, and leave_one_feature_out_change.tsv
// (the t maps) with leave_one_feature_out_change_rho.tsv.
func (a *Analysis) writeSubjectTests(dir string) error {
	cc := a.CaseControl
	if cc.Global != nil {
		if err := table.Write(filepath.Join(dir, "global_case_control.tsv"), &table.Table{Columns: effectColumns(table.TextColumn("outcome", []string{"global_ms"}), []RegionEffect{*cc.Global})}); err != nil {
			return err
		}
	}
	for _, ct := range cc.ClassTests {
		cols := []*table.Column{table.TextColumn("subject", a.Table.Subjects)}
		for k, name := range ct.Classes {
			v := make([]float64, len(ct.Values))
			for s := range v {
				v[s] = ct.Values[s][k]
			}
			cols = append(cols, table.NumericColumn(name, v))
		}
		if err := table.Write(filepath.Join(dir, "class_ms_"+ct.Column+".tsv"), &table.Table{Columns: cols}); err != nil {
			return err
		}
		if err := table.Write(filepath.Join(dir, "class_case_control_"+ct.Column+".tsv"), &table.Table{Columns: effectColumns(table.TextColumn("class", ct.Classes), ct.Effects)}); err != nil {
			return err
		}
	}
	l := a.LOFOChange
	if l == nil {
		return nil
	}
	cols := []*table.Column{table.TextColumn("region", a.Table.Regions), table.NumericColumn("all_features", l.FullT)}
	for f, t := range l.T {
		cols = append(cols, table.NumericColumn("without_"+l.Features[f], t))
	}
	if err := table.Write(filepath.Join(dir, "leave_one_feature_out_change.tsv"), &table.Table{Columns: cols}); err != nil {
		return err
	}
	return table.Write(filepath.Join(dir, "leave_one_feature_out_change_rho.tsv"), &table.Table{Columns: []*table.Column{table.TextColumn("feature_left_out", l.Features), table.NumericColumn("spearman_rho", l.Rho)}})
}

// effectRow is one GLM effect as a report row: name, t (df), p, FDR q, Cohen's d [95% CI].
func effectRow(name string, e RegionEffect) []string {
	return []string{name, fmt.Sprintf("%.3f (%g)", e.T, e.DF), fmt.Sprintf("%.3g", e.P), fmt.Sprintf("%.3g", e.Q), fmt.Sprintf("%.3f [%.3f, %.3f]", e.D, e.DCI[0], e.DCI[1])}
}

// subjectSummary prints the global, class-level and leave-one-feature-out tests.
func (a *Analysis) subjectSummary(b *strings.Builder) {
	c := a.CaseControl
	if c.Global != nil {
		r := effectRow("global MS", *c.Global)
		fmt.Fprintf(b, "global MS case-control: t = %s, p = %s, d = %s -> global_case_control.tsv\n", r[1], r[2], r[4])
	}
	for _, ct := range c.ClassTests {
		for k, e := range ct.Effects {
			r := effectRow(ct.Classes[k], e)
			fmt.Fprintf(b, "  class-level MS %-28s %-12s t = %s, p = %s, FDR q = %s\n", ct.Column, r[0], r[1], r[2], r[3])
		}
	}
	if l := a.LOFOChange; l != nil {
		for f, rho := range l.Rho {
			fmt.Fprintf(b, "  case-control t map without %-10s Spearman rho = %.3f with the all-features map\n", l.Features[f], rho)
		}
	}
}

// addSubjectReport adds the global, class-level and leave-one-feature-out tests to a report.
func (a *Analysis) addSubjectReport(d *report.Document) {
	c := a.CaseControl
	if c == nil || c.Global == nil {
		return
	}
	head := []string{"outcome", "t (df)", "p", "FDR q", "Cohen's d [95% CI]"}
	d.Numbers["global_case_control"] = effectRecord("", "global_ms", *c.Global)
	sec := d.Section("Global and class-level MS (Martins et al. 2022)")
	rows := [][]string{effectRow("global MS", *c.Global)}
	var records []EffectRecord
	for _, ct := range c.ClassTests {
		for k, e := range ct.Effects {
			rows = append(rows, effectRow(ct.Column+" "+ct.Classes[k], e))
			records = append(records, effectRecord(ct.Spec, ct.Classes[k], e))
		}
	}
	if records != nil {
		d.Numbers["class_ms_case_control"] = records
	}
	sec.Table(fmt.Sprintf("The case-control GLM (covariates %s) of each subject's global MS and of each subject's class-level MS (the mean regional MS over the class's regions); FDR across each assignment's classes.", strings.Join(c.covs, ", ")), head, rows)
	if l := a.LOFOChange; l != nil {
		d.Numbers["leave_one_feature_out_change_rho"] = l.Rho
		var rows [][]string
		for f, rho := range l.Rho {
			rows = append(rows, []string{l.Features[f], fmt.Sprintf("%.3f", rho)})
		}
		d.Section("Leave-one-feature-out case-control maps").Table("Spearman rho between the case-control t map recomputed without each feature and the map of all features (Martins et al. 2022; maps in leave_one_feature_out_change.tsv).",
			[]string{"feature left out", "Spearman rho"}, rows)
	}
}

// EffectRecord is a GLM effect in the report's numbers (snake_case JSON).
type EffectRecord struct {
	Classes string  `json:"classes,omitempty"` // TABLE:COLUMN of a class-level test
	Outcome string  `json:"outcome"`           // global_ms, or the class
	Beta    float64 `json:"beta"`
	SE      float64 `json:"se"`
	T       float64 `json:"t"`
	DF      float64 `json:"df"`
	P       float64 `json:"p"`
	Q       float64 `json:"q_fdr"`
	D       float64 `json:"cohen_d"`
	DLow    float64 `json:"d_ci_low"`
	DHigh   float64 `json:"d_ci_high"`
}

func effectRecord(classes, outcome string, e RegionEffect) EffectRecord {
	return EffectRecord{Classes: classes, Outcome: outcome, Beta: e.Beta, SE: e.SE, T: e.T, DF: e.DF, P: e.P, Q: e.Q, D: e.D, DLow: e.DCI[0], DHigh: e.DCI[1]}
}
