package main

import (
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/painmark/painmark/morph"
	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/stats"
	"github.com/painmark/painmark/table"
	"github.com/painmark/painmark/version"
	"github.com/spf13/cobra"
)

func newMorphCmd() *cobra.Command {
	var subjectsDir, parc, participants, group, caseLabel, coords, out, reportFlag string
	var enigma, covariates, interactions, subjects, features, classes []string
	var spins int
	var seed uint64
	var lofo bool
	cmd := &cobra.Command{
		Use:   "morph",
		Short: "Morphometric similarity networks and their case-control differences (Martins et al. 2022)",
		Long: `morph builds a morphometry table (subjects x regions x features) from FreeSurfer recons
(--subjects-dir with ?h.<parc>.stats; features GrayVol, SurfArea, ThickAvg, MeanCurv, GausCurv) or
from ENIGMA-style CSV tables (--enigma, one per feature), computes each subject's morphometric
similarity (MS) network (features z-scored across regions, Pearson correlation between regions),
regional MS and global MS, and with --participants and --group tests each region's case-control
difference by OLS with covariates and interactions (t, p, Cohen's d with CI, FDR, Bonferroni), the
hub susceptibility (Spearman's rho between the case-control t and the controls' regional MS, spin
p with --coords) and the four-quadrant classification of the changes (dedifferentiation,
hypercoupling, hyperdifferentiation, decoupling). 'painmark morph pca' summarises several
conditions' maps by PCA.
Writes OUT/regional_ms.tsv (subjects x regions), OUT/global_ms.tsv, OUT/case_control.tsv, and a
report.`,
		Example: `  painmark morph --enigma thick.csv --enigma area.csv --participants cov.csv --group Dx --case 1 \
      --covariates Age,Sex,ICV --interactions 'Age*Sex' -o ms/
  painmark morph --subjects-dir $SUBJECTS_DIR --subjects sub-01,sub-02,sub-03 -o ms/`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usageError{fmt.Errorf("-o/--out is required")}
			}
			var tb *morph.Table
			var err error
			var inputs []string
			switch {
			case len(enigma) > 0 && subjectsDir == "":
				idCol := "SubjID"
				tb, err = morph.FromENIGMA(idCol, enigma...)
				inputs = enigma
			case subjectsDir != "" && len(enigma) == 0:
				if len(subjects) == 0 {
					return usageError{fmt.Errorf("--subjects-dir needs --subjects")}
				}
				tb, err = morph.FromSubjectsDir(subjectsDir, subjects, parc, features)
				inputs = []string{subjectsDir}
			default:
				return usageError{fmt.Errorf("give either --subjects-dir or --enigma tables")}
			}
			if err != nil {
				return err
			}
			n := len(tb.Subjects)
			regional := make([][]float64, n)
			global := make([]float64, n)
			for s := 0; s < n; s++ {
				ms, err := morph.Similarity(tb, s, nil)
				if err != nil {
					return err
				}
				regional[s] = morph.RegionalMS(ms)
				global[s] = morph.GlobalMS(regional[s])
			}
			if err := os.MkdirAll(out, 0o755); err != nil {
				return err
			}
			cols := []*table.Column{table.TextColumn("subject", tb.Subjects)}
			for r, name := range tb.Regions {
				v := make([]float64, n)
				for s := range v {
					v[s] = regional[s][r]
				}
				cols = append(cols, table.NumericColumn(name, v))
			}
			if err := table.Write(out+"/regional_ms.tsv", &table.Table{Columns: cols}); err != nil {
				return err
			}
			if err := table.Write(out+"/global_ms.tsv", &table.Table{Columns: []*table.Column{table.TextColumn("subject", tb.Subjects), table.NumericColumn("global_ms", global)}}); err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "%d subjects x %d regions x %d features (%s): regional and global MS in %s\n", n, len(tb.Regions), len(tb.Features), strings.Join(tb.Features, ", "), out)
			d := newCommandReport("Morphometric similarity", append(inputs, participants)...)
			d.Numbers["subjects"], d.Numbers["regions"], d.Numbers["global_ms"] = tb.Subjects, tb.Regions, global
			meanMS := make([]float64, len(tb.Regions))
			for r := range meanMS {
				for s := 0; s < n; s++ {
					meanMS[r] += regional[s][r] / float64(n)
				}
			}
			d.Numbers["mean_regional_ms"] = meanMS
			msSec := d.Section("Regional morphometric similarity")
			cortexFigure(msSec, "Mean regional MS", "regional MS", tb.Regions, meanMS, fmt.Sprintf("Mean over %d subjects of each region's similarity to the others.", n))
			msSec.Figure(report.Bars("Mean regional MS", "regional MS", tb.Regions, meanMS, 25),
				fmt.Sprintf("Mean over %d subjects of each region's similarity to the others (the 25 largest in magnitude).", n))
			if lofo {
				maps, r, err := morph.LeaveOneFeatureOut(tb)
				if err != nil {
					return err
				}
				cols := []*table.Column{table.TextColumn("region", tb.Regions), table.NumericColumn("all_features", meanMS)}
				var rows [][]string
				for f, m := range maps {
					cols = append(cols, table.NumericColumn("without_"+tb.Features[f], m))
					rows = append(rows, []string{tb.Features[f], fmt.Sprintf("%.3f", r[f])})
					fmt.Fprintf(w, "  mean regional MS without %-10s r = %.3f with the all-features map\n", tb.Features[f], r[f])
				}
				if err := table.Write(out+"/leave_one_feature_out.tsv", &table.Table{Columns: cols}); err != nil {
					return err
				}
				d.Numbers["leave_one_feature_out_r"] = r
				d.Section("Leave-one-feature-out maps").Table("Pearson r between the mean regional MS map without each feature and the map of all features (maps in leave_one_feature_out.tsv).",
					[]string{"feature left out", "r with the full map"}, rows)
			}
			if participants != "" {
				pt, err := table.ReadParticipants(participants, "", nil)
				if err != nil {
					return err
				}
				labels, err := pt.Labels(tb.Subjects, group)
				if err != nil {
					return err
				}
				isCase := make([]bool, n)
				for s, l := range labels {
					isCase[s] = l == caseLabel
				}
				var covs []morph.Covariate
				for _, c := range covariates {
					v, err := pt.Values(tb.Subjects, c)
					if err != nil {
						return err
					}
					covs = append(covs, morph.Covariate{Name: c, Values: v})
				}
				eff, err := morph.CaseControl(tb.Regions, regional, isCase, covs, interactions)
				if err != nil {
					return err
				}
				col := func(name string, f func(morph.RegionEffect) float64) *table.Column {
					v := make([]float64, len(eff))
					for i, e := range eff {
						v[i] = f(e)
					}
					return table.NumericColumn(name, v)
				}
				if err := table.Write(out+"/case_control.tsv", &table.Table{Columns: []*table.Column{table.TextColumn("region", tb.Regions),
					col("beta", func(e morph.RegionEffect) float64 { return e.Beta }), col("se", func(e morph.RegionEffect) float64 { return e.SE }),
					col("t", func(e morph.RegionEffect) float64 { return e.T }), col("df", func(e morph.RegionEffect) float64 { return e.DF }),
					col("p", func(e morph.RegionEffect) float64 { return e.P }), col("q_fdr", func(e morph.RegionEffect) float64 { return e.Q }),
					col("p_bonferroni", func(e morph.RegionEffect) float64 { return e.PBonferroni }),
					col("cohen_d", func(e morph.RegionEffect) float64 { return e.D }), col("d_ci_low", func(e morph.RegionEffect) float64 { return e.DCI[0] }),
					col("d_ci_high", func(e morph.RegionEffect) float64 { return e.DCI[1] })}}); err != nil {
					return err
				}
				sig := 0
				ds := make([]float64, len(eff))
				for i, e := range eff {
					ds[i] = e.D
					if e.Q < 0.05 {
						sig++
					}
				}
				fmt.Fprintf(w, "case-control (%s = %s vs the rest; covariates %s): %d of %d regions with FDR q < 0.05 -> %s/case_control.tsv\n",
					group, caseLabel, strings.Join(append(append([]string{}, covariates...), interactions...), ", "), sig, len(eff), out)
				d.Numbers["cohen_d"] = ds
				ccSec := d.Section("Case-control differences in regional MS")
				cortexFigure(ccSec, "Cohen's d of regional MS", "Cohen's d (cases − controls)", tb.Regions, ds, "Vermillion: higher MS in cases; blue: lower.")
				ccSec.Figure(report.Bars("Cohen's d per region", "Cohen's d (cases − controls)", tb.Regions, ds, 25),
					fmt.Sprintf("OLS per region with %s; %d regions with FDR q < 0.05; the 25 largest effects.", strings.Join(append(append([]string{}, covariates...), interactions...), ", "), sig))
				perms, err := regionSpins(coords, tb.Regions, spins, seed)
				if err != nil {
					return err
				}
				if err := hubSection(w, d, tb.Regions, regional, isCase, eff, perms); err != nil {
					return err
				}
				if len(classes) > 0 {
					rows, records, err := classSummaries(classes, tb.Regions, ds, perms)
					if err != nil {
						return err
					}
					d.Numbers["class_summaries"] = records
					header := []string{"classes", "class", "regions", "mean Cohen's d", "spin p"}
					d.Section("Effects by cytoarchitectonic class and network").Table(
						fmt.Sprintf("Mean Cohen's d over each class's regions (matched by name); spin p: two-sided, the class mean's deviation from the map's mean against %d nearest-parcel spins (none without --coords).", spins), header, rows)
					for _, r := range rows {
						fmt.Fprintf(w, "  %-28s %-12s %2s regions: mean d %s, spin p %s\n", r[0], r[1], r[2], r[3], r[4])
					}
				}
			}
			return writeReport(w, d, reportPath(reportFlag, out+"/morph.json"))
		},
	}
	f := cmd.Flags()
	f.StringVar(&subjectsDir, "subjects-dir", "", "FreeSurfer SUBJECTS_DIR")
	f.StringSliceVar(&subjects, "subjects", nil, "subjects of the SUBJECTS_DIR")
	f.StringVar(&parc, "parc", "aparc", "parcellation of the stats files (?h.<parc>.stats)")
	f.StringSliceVar(&features, "features", morph.FreeSurferFeatures, "aparc.stats columns used as features")
	f.StringSliceVar(&enigma, "enigma", nil, "ENIGMA-style CSV table of one feature (repeat per feature; subject column SubjID)")
	f.StringVar(&participants, "participants", "", "participants table with the group and covariates")
	f.StringVar(&group, "group", "group", "group column of the participants table")
	f.StringVar(&caseLabel, "case", "1", "the group label of the cases")
	f.StringSliceVar(&covariates, "covariates", nil, "covariate columns (e.g. Age,Sex,ICV)")
	f.StringSliceVar(&interactions, "interactions", nil, "products of covariates (e.g. 'Age*Sex')")
	f.StringSliceVar(&classes, "classes", nil, "summaries of the case-control effects by class: TABLE:COLUMN with a region column (e.g. dk68_economo_koskinas_class_mode.csv:economo_koskinas_class_mode; repeatable)")
	f.StringVar(&coords, "coords", "", "sphere coordinates of the regions (region, hemi, x, y, z) for the spin p of the class summaries and hub susceptibility")
	f.IntVar(&spins, "spins", 1000, "spins for the class summaries' and hub susceptibility's p")
	f.BoolVar(&lofo, "leave-one-feature-out", false, "also the mean regional MS maps with each feature left out (leave_one_feature_out.tsv)")
	f.Uint64Var(&seed, "seed", 1, "random seed of the spins")
	f.StringVarP(&out, "out", "o", "", "output folder")
	addReportFlag(cmd, &reportFlag)
	cmd.AddCommand(newMorphPCACmd())
	return cmd
}

// regionSpins draws spins of the regions (matched by name to the sphere coordinates) as
// permutations of the regions' own order: nearest-parcel matching, the calibrated one in
// bench/spin's false-positive rates. No coordinates: no spins.
func regionSpins(coords string, regions []string, spins int, seed uint64) ([][]int, error) {
	if coords == "" {
		return nil, nil
	}
	left, right, order, _, err := sphereParcels(coords, regions)
	if err != nil {
		return nil, err
	}
	if len(order) != len(regions) {
		return nil, fmt.Errorf("%s: %d of the %d regions have sphere coordinates", coords, len(order), len(regions))
	}
	sp, err := stats.SpinPermutations(left, right, spins, seed, stats.SpinNearest)
	if err != nil {
		return nil, err
	}
	return spinsByRegion(sp, order), nil
}

// classSummaries summarises a regional map by each TABLE:COLUMN class assignment (regions matched
// by name), with a spin p when spins are given.
func classSummaries(specs, regions []string, values []float64, perms [][]int) ([][]string, []map[string]any, error) {
	var rows [][]string
	var records []map[string]any
	for _, spec := range specs {
		path, col, ok := strings.Cut(spec, ":")
		if !ok {
			return nil, nil, usageError{fmt.Errorf("--classes %q: want TABLE:COLUMN", spec)}
		}
		tb, err := table.Read(path, nil)
		if err != nil {
			return nil, nil, err
		}
		reg, err := tb.Column("region")
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", path, err)
		}
		cls, err := tb.Column(col)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", path, err)
		}
		classOf := map[string]string{}
		for i, r := range reg.Raw {
			classOf[r] = cls.Raw[i]
		}
		sum, err := morph.ClassSummary(regions, values, classOf, perms)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", spec, err)
		}
		for _, c := range sum {
			p, pj := "-", any(nil) // no spins: no p (JSON null)
			if !math.IsNaN(c.P) {
				p, pj = fmt.Sprintf("%.3g", c.P), c.P
			}
			rows = append(rows, []string{col, c.Class, strconv.Itoa(c.Regions), fmt.Sprintf("%.3f", c.Mean), p})
			records = append(records, map[string]any{"classes": spec, "class": c.Class, "regions": c.Regions, "mean": c.Mean, "spin_p": pj})
		}
	}
	return rows, records, nil
}

// hubSection adds the hub susceptibility and the four-quadrant classification of the case-control
// changes (t) against the controls' mean regional MS to the report and the printed summary.
func hubSection(w io.Writer, d *report.Document, regions []string, regional [][]float64, isCase []bool, eff []morph.RegionEffect, perms [][]int) error {
	controlMS := make([]float64, len(regions))
	nc := 0
	for s, c := range isCase {
		if c {
			continue
		}
		nc++
		for r := range controlMS {
			controlMS[r] += regional[s][r]
		}
	}
	for r := range controlMS {
		controlMS[r] /= float64(nc)
	}
	ts := make([]float64, len(eff))
	sig := make([]bool, len(eff))
	for i, e := range eff {
		ts[i], sig[i] = e.T, e.Q < 0.05
	}
	h, err := morph.HubSusceptibilityTest(ts, controlMS, perms)
	if err != nil {
		return err
	}
	p, pj := "no spins (--coords)", any(nil)
	if !math.IsNaN(h.P) {
		p, pj = fmt.Sprintf("%.3g (%d spins)", h.P, h.Spins), h.P
	}
	fmt.Fprintf(w, "hub susceptibility: Spearman rho(case-control t, control MS) = %.3f, spin p = %s\n", h.Rho, p)
	all, significant := morph.QuadrantShares(controlMS, ts, nil), morph.QuadrantShares(controlMS, ts, sig)
	var rows [][]string
	var records []map[string]any
	for k, q := range all {
		rows = append(rows, []string{q.Quadrant, fmt.Sprintf("%d (%.1f%%)", q.Regions, q.Percent), fmt.Sprintf("%d (%.1f%%)", significant[k].Regions, significant[k].Percent)})
		records = append(records, map[string]any{"quadrant": q.Quadrant, "regions": q.Regions, "percent": q.Percent, "fdr_regions": significant[k].Regions, "fdr_percent": significant[k].Percent})
		fmt.Fprintf(w, "  %-21s %s of regions\n", q.Quadrant, rows[k][1])
	}
	d.Numbers["hub_susceptibility"] = map[string]any{"rho": h.Rho, "spin_p": pj, "spins": h.Spins}
	d.Numbers["quadrants"] = records
	d.Numbers["control_ms"] = controlMS
	sec := d.Section("Hub susceptibility and the four kinds of change")
	sec.Figure(report.Scatter("Case-control change vs MS in controls", "mean regional MS in controls", "case-control t", controlMS, ts),
		fmt.Sprintf("Each point a region. Spearman rho = %.3f, spin p = %s: a negative rho means the hubs (high MS) lose similarity in cases.", h.Rho, p))
	sec.Table("Regions per quadrant: control MS > 0 and t > 0 hypercoupling, MS > 0 and t < 0 decoupling, MS < 0 and t > 0 dedifferentiation, MS < 0 and t < 0 hyperdifferentiation; all regions and those with FDR q < 0.05.",
		[]string{"quadrant", "all regions", "FDR q < 0.05"}, rows)
	return nil
}

func newMorphPCACmd() *cobra.Command {
	var columns []string
	var regionCol, out, reportFlag string
	cmd := &cobra.Command{
		Use:   "pca MAP...",
		Short: "PCA of several conditions' regional maps (Martins et al. 2022's cross-condition pattern)",
		Long: `pca summarises several conditions' regional maps by principal component analysis, regions as
observations (centred, not scaled, as MATLAB's pca and scikit-learn's PCA): eigenvalues, the variance
each component explains, its loadings on the conditions and its regional scores (PC1 is the shared
pattern; signs make the loadings sum > 0). Each MAP is FILE:COLUMN (e.g. one case_control.tsv per
condition, column t), or a FILE whose --columns are the maps; regions are matched by name (column
--region-column, by default "region" or ENIGMA's "Structure") and must be the same in every file.`,
		Example: `  painmark morph pca koa/case_control.tsv:t clbp/case_control.tsv:t fm/case_control.tsv:t -o pca.json
  painmark morph pca tmaps.csv --columns koa_t,clbp_t,fm_t -o pca.json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var names, regions []string
			var maps [][]float64
			add := func(path, col string) error {
				tb, err := table.Read(path, nil)
				if err != nil {
					return err
				}
				rc := regionCol
				if rc == "" {
					rc = "region"
					if _, err := tb.Column(rc); err != nil {
						rc = "Structure"
					}
				}
				reg, err := tb.Column(rc)
				if err != nil {
					return fmt.Errorf("%s: %w", path, err)
				}
				v, err := tb.Floats(col)
				if err != nil {
					return fmt.Errorf("%s: %w", path, err)
				}
				if regions == nil {
					regions = reg.Raw
					maps, names = append(maps, v), append(names, col)
					return nil
				}
				row := map[string]int{}
				for i, r := range reg.Raw {
					row[r] = i
				}
				if len(row) != len(regions) {
					return fmt.Errorf("%s has %d regions, %s %d: the maps must cover the same regions", path, len(row), args[0], len(regions))
				}
				m := make([]float64, len(regions))
				for k, r := range regions {
					i, ok := row[r]
					if !ok {
						return fmt.Errorf("%s: no region %q (regions are matched by name)", path, r)
					}
					m[k] = v[i]
				}
				name := col
				for _, n := range names {
					if n == col { // the same column of several files: name them by file
						name = path + ":" + col
					}
				}
				maps, names = append(maps, m), append(names, name)
				return nil
			}
			for _, a := range args {
				path, col, ok := strings.Cut(a, ":")
				if ok {
					if err := add(path, col); err != nil {
						return err
					}
					continue
				}
				if len(columns) == 0 {
					return usageError{fmt.Errorf("%s: give FILE:COLUMN or --columns", a)}
				}
				for _, c := range columns {
					if err := add(a, c); err != nil {
						return err
					}
				}
			}
			if len(maps) < 2 {
				return usageError{fmt.Errorf("PCA needs at least 2 maps, got %d", len(maps))}
			}
			pca, err := morph.PCAOfMaps(maps)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			var rows [][]string
			for k := range pca.Eigenvalues {
				load := make([]string, len(names))
				for j := range load {
					load[j] = fmt.Sprintf("%s %.3f", names[j], pca.Loadings[k][j])
				}
				rows = append(rows, []string{fmt.Sprintf("PC%d", k+1), fmt.Sprintf("%.4g", pca.Eigenvalues[k]), fmt.Sprintf("%.1f%%", pca.ExplainedPercent[k]), strings.Join(load, ", ")})
				fmt.Fprintf(w, "PC%d: eigenvalue %.4g, %.1f%% of variance; loadings %s\n", k+1, pca.Eigenvalues[k], pca.ExplainedPercent[k], strings.Join(load, ", "))
			}
			result := map[string]any{"conditions": names, "regions": regions, "eigenvalues": pca.Eigenvalues, "explained_percent": pca.ExplainedPercent,
				"loadings": pca.Loadings, "scores": pca.Scores, "software_version": version.String()}
			if err := writeJSON(out, result); err != nil {
				return err
			}
			var inputs []string
			for _, a := range args {
				path, _, _ := strings.Cut(a, ":")
				inputs = append(inputs, path)
			}
			d := newCommandReport("Cross-condition PCA", inputs...)
			delete(result, "software_version")
			d.Numbers["results"] = result
			sec := d.Section("Principal components of the conditions' maps")
			sec.Table(fmt.Sprintf("%d regions, %d conditions; loadings are each component's weights on the conditions.", len(regions), len(names)),
				[]string{"component", "eigenvalue", "variance explained", "loadings"}, rows)
			cortexFigure(sec, "PC1 regional scores", "PC1 score", regions, pca.Scores[0], "The shared pattern on the cortex.")
			sec.Figure(report.Bars("PC1 regional scores", "PC1 score", regions, pca.Scores[0], 25),
				fmt.Sprintf("The shared pattern (PC1, %.1f%% of variance): the 25 regions with the largest scores in magnitude.", pca.ExplainedPercent[0]))
			return writeReport(w, d, reportPath(reportFlag, out))
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&columns, "columns", nil, "map columns of each MAP given without :COLUMN")
	f.StringVar(&regionCol, "region-column", "", `the region column (default "region", else "Structure")`)
	f.StringVarP(&out, "out", "o", "pca.json", "result JSON")
	addReportFlag(cmd, &reportFlag)
	return cmd
}
