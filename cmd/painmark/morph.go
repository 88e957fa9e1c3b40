package main

import (
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/painmark/painmark/morph"
	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/stats"
	"github.com/painmark/painmark/table"
	"github.com/spf13/cobra"
)

func newMorphCmd() *cobra.Command {
	var subjectsDir, parc, participants, group, caseLabel, coords, out, reportFlag string
	var enigma, covariates, interactions, subjects, features, classes []string
	var spins int
	var seed uint64
	cmd := &cobra.Command{
		Use:   "morph",
		Short: "Morphometric similarity networks and their case-control differences (Martins et al. 2022)",
		Long: `morph builds a morphometry table (subjects x regions x features) from FreeSurfer recons
(--subjects-dir with ?h.<parc>.stats; features GrayVol, SurfArea, ThickAvg, MeanCurv, GausCurv) or
from ENIGMA-style CSV tables (--enigma, one per feature), computes each subject's morphometric
similarity (MS) network (features z-scored across regions, Pearson correlation between regions),
regional MS and global MS, and with --participants and --group tests each region's case-control
difference by OLS with covariates and interactions (t, p, Cohen's d with CI, FDR, Bonferroni).
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
			d.Section("Regional morphometric similarity").Figure(report.Bars("Mean regional MS", "regional MS", tb.Regions, meanMS, 25),
				fmt.Sprintf("Mean over %d subjects of each region's similarity to the others (the 25 largest in magnitude).", n))
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
				if len(classes) > 0 {
					rows, records, err := classSummaries(classes, tb.Regions, ds, coords, spins, seed)
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
				d.Section("Case-control differences in regional MS").Figure(report.Bars("Cohen's d per region", "Cohen's d (cases − controls)", tb.Regions, ds, 25),
					fmt.Sprintf("OLS per region with %s; %d regions with FDR q < 0.05; the 25 largest effects.", strings.Join(append(append([]string{}, covariates...), interactions...), ", "), sig))
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
	f.StringVar(&coords, "coords", "", "sphere coordinates of the regions (region, hemi, x, y, z) for the class summaries' spin p")
	f.IntVar(&spins, "spins", 1000, "spins for the class summaries' p")
	f.Uint64Var(&seed, "seed", 1, "random seed of the spins")
	f.StringVarP(&out, "out", "o", "", "output folder")
	addReportFlag(cmd, &reportFlag)
	return cmd
}

// classSummaries summarises a regional map by each TABLE:COLUMN class assignment (regions matched
// by name), with a spin p when coordinates are given (nearest-parcel spins, the calibrated
// matching in bench/spin's false-positive rates).
func classSummaries(specs, regions []string, values []float64, coords string, spins int, seed uint64) ([][]string, []map[string]any, error) {
	var perms [][]int
	if coords != "" {
		left, right, order, _, err := sphereParcels(coords, regions)
		if err != nil {
			return nil, nil, err
		}
		if len(order) != len(regions) {
			return nil, nil, fmt.Errorf("%s: %d of the %d regions have sphere coordinates", coords, len(order), len(regions))
		}
		sp, err := stats.SpinPermutations(left, right, spins, seed, stats.SpinNearest)
		if err != nil {
			return nil, nil, err
		}
		perms = spinsByRegion(sp, order)
	}
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
