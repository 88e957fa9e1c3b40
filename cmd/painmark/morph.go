package main

import (
	"fmt"
	"path/filepath"

	"github.com/painmark/painmark/morph"
	"github.com/painmark/painmark/table"
	"github.com/spf13/cobra"
)

func newMorphCmd() *cobra.Command {
	var subjectsDir, parc, participants, coords, out, reportFlag string
	var enigma, subjects, features, classes, spheres, annots []string
	o := morph.DefaultOptions()
	cmd := &cobra.Command{
		Use:   "morph",
		Short: "Morphometric similarity networks and their case-control differences (Martins et al. 2022)",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usageError{fmt.Errorf("-o/--out is required")}
			}
			var tb *morph.Table
			var err error
			inputs := enigma
			switch {
			case len(enigma) > 0 && subjectsDir == "":
				tb, err = morph.FromENIGMA("SubjID", enigma...)
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
			if coords == "" && len(spheres) == 0 && !cmd.Flags().Changed("null") {
				o.Null = "none" // no geometry given: no spin p
			}
			var pt *table.Participants
			var cls []*morph.Classes
			if o.LeaveOneFeatureOutChange && participants == "" {
				return usageError{fmt.Errorf("--leave-one-feature-out-change needs --participants")}
			}
			if participants != "" {
				if pt, err = table.ReadParticipants(participants, "", nil); err != nil {
					return err
				}
				for _, spec := range classes {
					c, err := morph.ReadClasses(spec, "--classes")
					if err != nil {
						return err
					}
					cls = append(cls, c)
				}
				if o.Null != "none" {
					if err := checkNullFlags(o.Null, coords, spheres, annots); err != nil {
						return err
					}
				}
			}
			geo, err := nullGeometry(coords, spheres, annots)
			if err != nil {
				return err
			}
			res, err := morph.Analyze(tb, pt, cls, geo, o)
			if err != nil {
				return err
			}
			if err := res.WriteFiles(out); err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			fmt.Fprint(w, res.Summary(out))
			d := newCommandReport("Morphometric similarity", append(inputs, participants)...)
			res.AddReport(d)
			return writeReport(w, d, reportPath(reportFlag, filepath.Join(out, "morph.json")))
		},
	}
	withHelp(cmd, "morph")
	f := cmd.Flags()
	f.StringVar(&subjectsDir, "subjects-dir", "", "FreeSurfer SUBJECTS_DIR")
	f.StringSliceVar(&subjects, "subjects", nil, "subjects of the SUBJECTS_DIR")
	f.StringVar(&parc, "parc", "aparc", "parcellation of the stats files (?h.<parc>.stats)")
	f.StringSliceVar(&features, "features", morph.FreeSurferFeatures, "aparc.stats columns used as features")
	f.StringSliceVar(&enigma, "enigma", nil, "ENIGMA-style CSV table of one feature (repeat per feature; subject column SubjID)")
	f.StringVar(&participants, "participants", "", "participants table with the group and covariates")
	f.StringVar(&o.Group, "group", o.Group, "group column of the participants table")
	f.StringVar(&o.Case, "case", o.Case, "the group label of the cases")
	f.StringSliceVar(&o.Covariates, "covariates", nil, "covariate columns (e.g. Age,Sex,ICV)")
	f.StringSliceVar(&o.Interactions, "interactions", nil, "products of covariates (e.g. 'Age*Sex')")
	f.StringSliceVar(&classes, "classes", nil, "summaries of the case-control effects by class: TABLE:COLUMN with a region column (e.g. dk68_economo_koskinas_class_mode.csv:economo_koskinas_class_mode; repeatable)")
	addNullFlags(cmd, &o.Null, &coords, &spheres, &annots, o.Null)
	f.IntVar(&o.Spins, "spins", o.Spins, "draws of the null for the class summaries' and hub susceptibility's p")
	f.BoolVar(&o.LeaveOneFeatureOut, "leave-one-feature-out", false, "also the mean regional MS maps with each feature left out (leave_one_feature_out.tsv)")
	f.BoolVar(&o.LeaveOneFeatureOutChange, "leave-one-feature-out-change", false, "Martins et al. 2022's check: the case-control t maps with each feature left out and their Spearman rho with the full map (needs --participants)")
	f.Uint64Var(&o.Seed, "seed", o.Seed, "random seed of the spins")
	f.IntVar(&o.MinFeatures, "min-features", o.MinFeatures, "fewest features accepted (two give MS values of ±1 only)")
	f.StringVarP(&out, "out", "o", "", "output folder")
	addReportFlag(cmd, &reportFlag)
	cmd.AddCommand(newMorphPCACmd())
	return cmd
}

func newMorphPCACmd() *cobra.Command {
	var columns []string
	var regionCol, out, reportFlag string
	o := morph.DefaultPCAOptions()
	cmd := &cobra.Command{
		Use:   "pca MAP...",
		Short: "PCA of several conditions' regional maps (Martins et al. 2022's cross-condition pattern)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			maps, err := morph.ReadConditionMaps(args, columns, regionCol)
			if err != nil {
				return err
			}
			res, err := morph.PCA(maps, o)
			if err != nil {
				return usageError{err}
			}
			w := cmd.OutOrStdout()
			fmt.Fprint(w, res.Summary())
			if err := res.WriteFiles(out); err != nil {
				return err
			}
			d := newCommandReport("Cross-condition PCA", maps.Inputs...)
			res.AddReport(d)
			return writeReport(w, d, reportPath(reportFlag, out))
		},
	}
	withHelp(cmd, "morph-pca")
	f := cmd.Flags()
	f.StringSliceVar(&columns, "columns", nil, "map columns of each MAP given without :COLUMN")
	f.BoolVar(&o.Standardize, "standardize", o.Standardize, "z-score each map first (PCA of the correlation matrix, eigenvalue > 1 rule; Martins et al. 2022)")
	f.StringVar(&regionCol, "region-column", "", `the region column (default: region, Structure or label)`)
	f.StringVarP(&out, "out", "o", "pca.json", "result JSON")
	addReportFlag(cmd, &reportFlag)
	return cmd
}
