package main

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/painmark/painmark/atlas"
	"github.com/painmark/painmark/connectome"
	"github.com/painmark/painmark/learn"
	"github.com/painmark/painmark/nifti"
	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/signature"
	"github.com/painmark/painmark/stats"
	"github.com/painmark/painmark/study"
	"github.com/painmark/painmark/table"
	"github.com/painmark/painmark/version"
	"github.com/spf13/cobra"
)

func newSignatureCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "signature",
		Short: "Import, inspect and apply pain signatures (frozen predictive models of pain from connectivity)",
		Long: `A signature file holds everything needed to apply a trained model to new people: its regions, the
feature definition (connectivity kind, estimator, scaling, vector order), the scaler, the selected
features and weights, the target definition, the training cohort and its cross-validated performance,
and a checksum that is verified on every read.`,
	}
	var importOut string
	importRPN := &cobra.Command{
		Use:     "import-rpn RPN_MODEL_JSON",
		Short:   "Import the published RPN (Spisak et al. 2020) from its exported parameters",
		Example: `  painmark signature import-rpn ../shared/data/painter-bochum/derived/rpn_model.json -o rpn.signature.json`,
		Args:    exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := signature.ImportRPN(args[0])
			if err != nil {
				return err
			}
			if err := signature.Write(importOut, s); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s: %s, %d regions, %d of %d features weighted\n", importOut, s.Name, len(s.Regions), len(s.Selected), s.Features.NumFeatures)
			return nil
		},
	}
	importRPN.Flags().StringVarP(&importOut, "out", "o", "rpn.signature.json", "signature file")
	show := &cobra.Command{
		Use:   "show SIGNATURE",
		Short: "Describe a signature (verifies its checksum)",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := signature.Read(args[0])
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "%s (format %s v%d, checksum %.12s…)\n%s\n", s.Name, s.Format, s.Version, s.Checksum, s.Description)
			fmt.Fprintf(w, "features   %s (%s, series %s), %s, %d regions → %d features\n", s.Features.Kind, s.Features.Estimator, s.Features.Scaling, s.Features.Vectorization, len(s.Regions), s.Features.NumFeatures)
			fmt.Fprintf(w, "model      %d weighted features, intercept %.6g, scaler %v\n", len(s.Selected), s.Intercept, s.Center != nil)
			fmt.Fprintf(w, "target     %s (standardization: %s)\n", s.Target.Description, s.Target.Standardization)
			fmt.Fprintf(w, "training   %s, n = %d, %s, hyperparameters %v\n", s.Training.Cohort, s.Training.N, s.Training.CVScheme, s.Training.Hyperparameters)
			fmt.Fprintf(w, "provenance %s (%s)\n", s.Provenance.Source, s.Provenance.SoftwareVersion)
			return nil
		},
	}
	var applyOut, idColumn string
	apply := &cobra.Command{
		Use:   "apply SIGNATURE FEATURES",
		Short: "Predict pain for new subjects from a feature table (e.g. painmark connectome's features.tsv)",
		Long: `apply reads a subjects x features table (first column: subject IDs) and writes one prediction per
subject. When the table sits next to painmark connectome's connectome.json, its regions and feature
definition must match the signature's, so features computed differently are refused instead of
giving plausible wrong predictions.`,
		Example: `  painmark signature apply rpn.signature.json connectomes/features.tsv -o predictions.tsv`,
		Args:    exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := readForFeatures(args[0], args[1])
			if err != nil {
				return err
			}
			in := learnInputs{idColumn: idColumn}
			ids, _, x, _, err := in.load(args[1], false)
			if err != nil {
				return err
			}
			pred, err := s.Apply(learn.Matrix{Rows: x.Rows, Cols: x.Cols, Data: x.Data})
			if err != nil {
				return fmt.Errorf("%s: %w", args[1], err)
			}
			if err := table.Write(applyOut, &table.Table{Columns: []*table.Column{table.TextColumn("subject", ids), table.NumericColumn("prediction", pred)}}); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s applied to %d subjects: %s\n", s.Name, len(ids), applyOut)
			return nil
		},
	}
	apply.Flags().StringVar(&idColumn, "id-column", "", "subject-ID column (default: the first)")
	apply.Flags().StringVarP(&applyOut, "out", "o", "predictions.tsv", "predictions TSV")
	var valIn learnInputs
	var valOut, standardize, convention, valFlip, valReport string
	var covariates []string
	var perms, boots int
	var seed uint64
	validate := &cobra.Command{
		Use:   "validate SIGNATURE FEATURES [FEATURES...]",
		Short: "Evaluate a signature on cohorts with outcomes: r, MAE, R², explained variance, permutation p-values, bootstrap CIs",
		Long: `validate applies a signature to one or more cohorts (one feature table each, outcomes from --target)
and compares its predictions with the outcomes. With several cohorts it also reports the explained
variance weighted by cohort size and the pooled cohort of within-cohort z-scored outcomes (as the
CSps study pooled its clinical cohorts).`,
		Example: `  painmark signature validate rpn.signature.json connectomes/features.tsv --target participants.tsv:pain \
      --standardize within --permutations 10000 --bootstraps 10000 --seed 1 -o validation.json
  painmark signature validate csps.signature.json clinicA/features.tsv clinicB/features.tsv --target all.tsv:pain`,
		Args: func(cmd *cobra.Command, args []string) error {
			if err := cobra.MinimumNArgs(2)(cmd, args); err != nil {
				return usageError{err}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			o := signature.EvalOptions{Standardize: standardize, Flip: valFlip, Permutations: perms, Bootstraps: boots, Seed: seed, Convention: stats.PermutationConvention(convention)}
			s, err := readForFeatures(args[0], args[1:]...)
			if err != nil {
				return err
			}
			var cohorts []signature.Cohort
			var covResults [][]signature.CovariateCheck
			var subjects [][]string
			for _, path := range args[1:] {
				ids, _, x, y, err := valIn.load(path, true)
				if err != nil {
					return err
				}
				cohorts = append(cohorts, signature.Cohort{Name: path, X: learn.Matrix{Rows: x.Rows, Cols: x.Cols, Data: x.Data}, Y: y})
				subjects = append(subjects, ids)
			}
			me, err := signature.EvaluateCohorts(s, cohorts, o)
			if err != nil {
				return err
			}
			if len(covariates) > 0 {
				for i, e := range me.Cohorts {
					checks, err := covariateChecks(valIn.target, subjects[i], e.Predictions, covariates, perms, seed)
					if err != nil {
						return fmt.Errorf("%s: %w", me.Names[i], err)
					}
					covResults = append(covResults, checks)
				}
			}
			w := cmd.OutOrStdout()
			report := func(name string, n int, e *signature.Evaluation, std string) map[string]any {
				fmt.Fprintf(w, "%s on %s, %d subjects (outcome: %s): r = %.3f (p = %.3g, 95%% CI %.3f to %.3f), MAE = %.3f (p = %.3g), R² = %.3f, explained variance = %.3f\n",
					s.Name, name, n, std, e.R, e.PR, e.RCI[0], e.RCI[1], e.MAE, e.PMAE, e.R2, e.ExplainedVariance)
				return map[string]any{"cohort": name, "outcome": e.Outcome, "predictions": e.Predictions, "r": e.R, "mae": e.MAE, "r2": e.R2,
					"explained_variance": e.ExplainedVariance, "p_r": e.PR, "p_mae": e.PMAE, "r_ci95": e.RCI, "mae_ci95": e.MAECI}
			}
			var results []map[string]any
			for i, e := range me.Cohorts {
				r := report(me.Names[i], len(subjects[i]), e, standardize)
				r["subjects"] = subjects[i]
				if covResults != nil {
					r["covariates"] = covResults[i]
					for _, c := range covResults[i] {
						fmt.Fprintf(w, "  predictions vs %s: r = %.3f (p = %.3g, FDR q = %.3g, n = %d)\n", c.Name, c.R, c.P, c.Q, c.N)
					}
				}
				results = append(results, r)
			}
			out := map[string]any{"signature": s.Name, "signature_checksum": s.Checksum, "cohorts": results, "options": o, "software_version": version.String()}
			if len(cohorts) > 1 {
				fmt.Fprintf(w, "explained variance weighted by cohort size: %.3f\n", me.WeightedExplainedVariance)
				out["weighted_explained_variance"] = me.WeightedExplainedVariance
				out["pooled_within_z"] = report("the pooled cohorts", len(me.Pooled.Outcome), me.Pooled, "z-scored within each cohort")
			}
			if err := writeJSON(valOut, out); err != nil {
				return err
			}
			d := newCommandReport("Signature validation: "+s.Name, append([]string{args[0], valIn.target}, args[1:]...)...)
			d.Seed = &seed
			d.Numbers["results"] = out
			for i, e := range me.Cohorts {
				signature.AddEvaluationSection(d, me.Names[i], e)
			}
			if len(cohorts) > 1 {
				signature.AddEvaluationSection(d, "the pooled cohorts (outcome z-scored within each)", me.Pooled)
			}
			return writeReport(w, d, reportPath(valReport, valOut))
		},
	}
	addReportFlag(validate, &valReport)
	f := validate.Flags()
	f.StringVar(&valIn.target, "target", "", "outcome as TABLE:COLUMN (a participants table joined on subject IDs) or COLUMN of the feature table")
	f.StringVar(&valIn.idColumn, "id-column", "", "subject-ID column of the feature table (default: its first column)")
	f.StringVar(&standardize, "standardize", signature.StandardizeNone, "outcome standardization: none, training (the signature's training mean and SD) or within (z-scored within this cohort)")
	f.StringVar(&valFlip, "flip", "auto", "sign flip of a standardized outcome: auto (as the signature's target recipe: the same measure as in training), no (the outcome already rises with the prediction, e.g. clinical pain ratings for a −z(threshold) signature), yes")
	f.IntVar(&perms, "permutations", 10000, "permutations of the predictions for p-values (0: none)")
	f.IntVar(&boots, "bootstraps", 10000, "bootstrap resamples of subjects for 95% CIs (0: none)")
	f.Uint64Var(&seed, "seed", 1, "random seed (results do not depend on the number of cores)")
	f.StringVar(&convention, "p-convention", string(stats.PermSklearn), "p-value convention: sklearn, abs, no-plus-one or strict")
	f.StringSliceVar(&covariates, "covariates", nil, "participants-table columns to correlate with the predictions (age, sex, motion...), permutation p and FDR across them")
	f.StringVarP(&valOut, "out", "o", "validation.json", "result JSON")
	var trIn learnInputs
	var trOut, trName, trSolver, trScoring, trCohort, trDesc, trBootOut, trReport string
	var trNested, trZ, trFlip bool
	var trOutlier float64
	var trPerms, trBoots, trCurveRepeats int
	var trCurve []int
	var trSeed uint64
	train := &cobra.Command{
		Use:   "train FEATURES",
		Short: "Train a signature: target recipe, grid search, refit, cross-validated performance, optional nested CV, permutations and bootstrap",
		Long: `train fits RobustScaler → SelectKBest(f_regression) → ElasticNet on a subjects x features table (e.g.
painmark connectome's features.tsv, whose connectome.json gives the regions and feature definition
recorded in the signature), chooses the hyperparameters by grid search (scikit-learn's GridSearchCV
order and ties), refits the choice on all subjects as GridSearchCV does, and records the
cross-validated performance. The CSps recipe is --zscore --flip: −z(outcome), with later cohorts
standardized by this cohort's mean and SD (signature validate --standardize training).`,
		Example: `  painmark signature train connectomes/features.tsv --target participants.tsv:pain \
      --k 20,25,30 --alpha 0.001,0.005,0.01 --l1-ratio 0.999 --nested --permutations 10000 --bootstraps 10000 -o my.signature.json`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ids, names, x, y, err := trIn.load(args[0], true)
			if err != nil {
				return err
			}
			var splits []learn.Split // with the outlier rule, Train builds the folds on the subjects kept
			if trOutlier <= 0 {
				if splits, err = trIn.splits(ids, y); err != nil {
					return err
				}
			}
			regions, features, err := readConnectomeSidecar(filepath.Join(filepath.Dir(args[0]), "connectome.json"))
			if err != nil {
				return err
			}
			o := signature.TrainOptions{Name: trName, Regions: regions, Features: features, Cohort: trCohort,
				Target: signature.TargetRecipe{Description: trDesc, ZScore: trZ, Flip: trFlip, OutlierZ: trOutlier},
				Base:   trIn.pipeline(), Grid: learn.Grid{K: trIn.k, Alpha: trIn.alpha, L1Ratio: trIn.l1},
				Scoring: learn.Scoring(trScoring), Solver: learn.Solver(trSolver), Splits: splits, CVName: trIn.cv,
				Nested: trNested, Permutations: trPerms, Bootstraps: trBoots, Seed: trSeed,
				CurveSizes: trCurve, CurveRepeats: trCurveRepeats}
			s, rep, err := signature.Train(learn.Matrix{Rows: x.Rows, Cols: x.Cols, Data: x.Data}, y, o)
			if err != nil {
				return err
			}
			if err := signature.Write(trOut, s); err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "%s: %d subjects, best of %d candidates %v; %s r = %.4f, MAE = %.4f\n", s.Name, len(ids), len(rep.Search.Candidates), s.Training.Hyperparameters, trIn.cv, rep.CV.R, rep.CV.MAE)
			if len(rep.Excluded) > 0 {
				left := make([]string, len(rep.Excluded))
				for k, i := range rep.Excluded {
					left[k] = ids[i]
				}
				fmt.Fprintf(w, "outlier rule left out %d subjects: %s\n", len(left), strings.Join(left, ", "))
			}
			if rep.Nested != nil {
				fmt.Fprintf(w, "nested leave-one-out: r = %.4f, MAE = %.4f\n", rep.NestedCV.R, rep.NestedCV.MAE)
			}
			if rep.Permutation != nil {
				fmt.Fprintf(w, "%d refit permutations: p(r) = %.4g, p(MAE) = %.4g\n", trPerms, rep.Permutation.P.R, rep.Permutation.P.MAE)
			}
			if rep.Bootstrap != nil {
				if _, err := writeBootstrapTable(trBootOut, names, rep.Bootstrap); err != nil {
					return err
				}
				fmt.Fprintf(w, "%d bootstrap refits: weights in %s\n", trBoots, trBootOut)
			}
			for _, p := range rep.Curve {
				fmt.Fprintf(w, "learning curve: %d training subjects, r = %.3f ± %.3f, MAE = %.3f ± %.3f (%d splits)\n", p.TrainSize, p.MeanR, p.SDR, p.MeanMAE, p.SDMAE, p.Repeats)
			}
			fmt.Fprintf(w, "wrote %s\n", trOut)
			d := newCommandReport("Signature training: "+s.Name, args[0], trIn.target)
			d.Seed = &trSeed
			signature.AddTrainSections(d, s, rep)
			return writeReport(w, d, reportPath(trReport, trOut))
		},
	}
	trIn.flags(train, true)
	addReportFlag(train, &trReport)
	tf := train.Flags()
	tf.StringVar(&trName, "name", "signature", "signature name")
	tf.StringVar(&trCohort, "cohort", "", "training cohort name, for the record")
	tf.StringVar(&trDesc, "target-description", "", "what the target is (e.g. \"−z(heat pain threshold)\")")
	tf.BoolVar(&trZ, "zscore", false, "z-score the outcome with this cohort's mean and SD (recorded for later cohorts)")
	tf.BoolVar(&trFlip, "flip", false, "multiply the (standardized) outcome by −1")
	tf.Float64Var(&trOutlier, "outlier-z", 0, "leave out subjects whose outcome is more than this many SDs from the mean (0: keep all)")
	tf.StringVar(&trSolver, "solver", string(learn.SolverPath), "path or exact (see learn search)")
	tf.StringVar(&trScoring, "scoring", string(learn.NegMAE), "search objective (see learn search)")
	tf.BoolVar(&trNested, "nested", false, "also run nested leave-one-out")
	tf.IntVar(&trPerms, "permutations", 0, "refit permutations of leave-one-out at the chosen hyperparameters")
	tf.IntVar(&trBoots, "bootstraps", 0, "bootstrap refits of the weights")
	tf.Uint64Var(&trSeed, "seed", 1, "random seed")
	tf.IntSliceVar(&trCurve, "learning-curve", nil, "training-set sizes for a learning curve at the chosen hyperparameters (e.g. 10,20,30)")
	tf.IntVar(&trCurveRepeats, "curve-repeats", 100, "random splits per learning-curve size")
	tf.StringVar(&trBootOut, "bootstrap-out", "bootstrap.tsv", "per-feature bootstrap table")
	tf.StringVarP(&trOut, "out", "o", "signature.json", "signature file")
	var fcOut, fcReport string
	var fcDCC bool
	forced := &cobra.Command{
		Use:   "forced-choice SIGNATURE A B",
		Short: "Two-alternative forced choice between paired conditions (CanlabCore's definition): accuracy, binomial p, CI",
		Long: `forced-choice scores the same subjects in two conditions (A, expected to score higher — e.g. heat
pain — and B — e.g. innocuous cold), pairs them by subject ID and reports the share of subjects
whose A scores above their B (ties count as misses), CanlabCore's binomial p-value against 0.5, the
Clopper-Pearson 95% interval, and the Gaussian d. A and B are feature tables to which the signature
is applied, or with --dcc folders of ROI time series (one run per subject and condition, the
signature's regions): each run is scored on its dynamic conditional correlations (pairwise DCC of
the signature's weighted edges, averaged over the run), as the CSps study scored its task cohort.`,
		Example: `  painmark signature forced-choice csps.signature.json heat/features.tsv cold/features.tsv -o forced_choice.json
  painmark signature forced-choice csps.signature.json heat/roi cold/roi --dcc -o forced_choice_dcc.json`,
		Args: exactArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			var s *signature.Signature
			var err error
			if fcDCC {
				s, err = signature.Read(args[0])
			} else {
				s, err = readForFeatures(args[0], args[1:]...)
			}
			if err != nil {
				return err
			}
			scores := make([]map[string]float64, 2)
			var order []string
			for c, path := range args[1:] {
				var ids []string
				var pred []float64
				if fcDCC {
					if ids, pred, err = dynamicResponses(s, path); err != nil {
						return err
					}
				} else {
					var x learn.Matrix
					if ids, _, x, _, err = (&learnInputs{}).load(path, false); err != nil {
						return err
					}
					if pred, err = s.Apply(x); err != nil {
						return fmt.Errorf("%s: %w", path, err)
					}
				}
				scores[c] = map[string]float64{}
				for i, id := range ids {
					scores[c][id] = pred[i]
				}
				if c == 0 {
					order = ids
				}
			}
			var a, b []float64
			var paired []string
			for _, id := range order {
				if vb, ok := scores[1][id]; ok {
					a, b, paired = append(a, scores[0][id]), append(b, vb), append(paired, id)
				}
			}
			if len(paired) < len(scores[0]) || len(paired) < len(scores[1]) {
				slog.Warn("subjects without both conditions are left out", "paired", len(paired), "in A", len(scores[0]), "in B", len(scores[1]))
			}
			r, err := stats.ForcedChoice(a, b)
			if err != nil {
				return err
			}
			// Single-interval classification of the two conditions' scores (unpaired): ROC AUC.
			truth := make([]float64, 2*len(a))
			for i := range a {
				truth[i] = 1
			}
			auc, err := learn.ROCAUC(append(append([]float64(nil), a...), b...), truth)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "forced choice, %d pairs: accuracy %.1f%% ± %.1f%% (95%% CI %.1f%% to %.1f%%), binomial p = %.3g, d = %.2f; single-interval ROC AUC = %.3f\n",
				r.N, 100*r.Accuracy, 100*r.SE, 100*r.CI[0], 100*r.CI[1], r.P, r.D, auc)
			res := map[string]any{"subjects": paired, "score_a": a, "score_b": b, "n": r.N, "hits": r.Hits, "accuracy": r.Accuracy,
				"se": r.SE, "p": r.P, "ci95": r.CI, "d": finiteOrNull(r.D), "d_a": finiteOrNull(r.Da), "roc_auc": auc, "software_version": version.String()}
			if err := writeJSON(fcOut, res); err != nil {
				return err
			}
			d := newCommandReport("Forced choice: "+s.Name, args...)
			delete(res, "software_version")
			d.Numbers["results"] = res
			sec := d.Section("Two-alternative forced choice")
			how := "the signature applied to each condition's features"
			if fcDCC {
				how = "each run scored on the dynamic conditional correlations of the signature's weighted edges"
			}
			sec.Facts([2]string{"pairs", fmt.Sprint(r.N)}, [2]string{"accuracy", fmt.Sprintf("%.1f%% ± %.1f%% (95%% CI %.1f%% to %.1f%%)", 100*r.Accuracy, 100*r.SE, 100*r.CI[0], 100*r.CI[1])},
				[2]string{"binomial p", fmt.Sprintf("%.3g", r.P)}, [2]string{"single-interval ROC AUC", fmt.Sprintf("%.3f (A vs B scores, unpaired)", auc)}, [2]string{"scores", how})
			sec.Figure(report.Paired("Signature response per subject", "A: "+filepath.Base(filepath.Dir(args[1])), "B: "+filepath.Base(filepath.Dir(args[2])), "signature response", a, b),
				"Each line is a subject; vermillion where condition A scores above B (a correct choice), blue otherwise; black bars: condition means.")
			return writeReport(cmd.OutOrStdout(), d, reportPath(fcReport, fcOut))
		},
	}
	addReportFlag(forced, &fcReport)
	forced.Flags().StringVarP(&fcOut, "out", "o", "forced_choice.json", "result JSON")
	forced.Flags().BoolVar(&fcDCC, "dcc", false, "A and B are folders of ROI time series, scored on dynamic conditional correlations")
	var nodesOut, nodesImage, nodesAtlas string
	nodes := &cobra.Command{
		Use:     "nodes SIGNATURE",
		Short:   "Nodal predictive strength: the signature's weights summed per region, as a table and a NIfTI map",
		Example: `  painmark signature nodes rpn.signature.json -o rpn_nodes.tsv --image rpn_nodes.nii.gz --atlas mist122`,
		Args:    exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := signature.Read(args[0])
			if err != nil {
				return err
			}
			ns, err := s.NodalStrength()
			if err != nil {
				return err
			}
			names, systems := make([]string, len(ns)), make([]string, len(ns))
			edges, sums, abs := make([]float64, len(ns)), make([]float64, len(ns)), make([]float64, len(ns))
			values := map[string]float64{}
			for i, n := range ns {
				names[i], systems[i], edges[i], sums[i], abs[i] = n.Region, n.System, float64(n.Edges), n.Sum, n.AbsSum
				values[n.Region] = n.Sum
			}
			if err := table.Write(nodesOut, &table.Table{Columns: []*table.Column{table.TextColumn("region", names), table.TextColumn("system", systems),
				table.NumericColumn("edges", edges), table.NumericColumn("sum_weights", sums), table.NumericColumn("sum_abs_weights", abs)}}); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "nodal strengths of %s's %d regions in %s\n", s.Name, len(ns), nodesOut)
			if nodesImage == "" {
				return nil
			}
			tmp, err := os.MkdirTemp("", "painmark-atlas")
			if err != nil {
				return err
			}
			defer os.RemoveAll(tmp)
			img, err := atlas.BuiltinImage(nodesAtlas, tmp)
			if err != nil {
				return usageError{fmt.Errorf("--atlas: %w", err)}
			}
			tab, err := atlas.Builtin(nodesAtlas)
			if err != nil {
				return err
			}
			vox, missing := signature.NodalImage(values, img, tab)
			if len(missing) > 0 {
				slog.Warn("regions without voxels in the atlas are left out of the image", "regions", missing)
			}
			hdr := nifti.NewHeader(img.Shape[:], nifti.Float32)
			hdr.SetAffine(img.Affine, nifti.XformScannerAnat)
			if err := nifti.Write(nodesImage, hdr, vox); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "summed weights painted on %s in %s\n", nodesAtlas, nodesImage)
			return nil
		},
	}
	nodes.Flags().StringVarP(&nodesOut, "out", "o", "nodes.tsv", "per-region table")
	nodes.Flags().StringVar(&nodesImage, "image", "", "also write the summed weights as a NIfTI map (.nii or .nii.gz)")
	nodes.Flags().StringVar(&nodesAtlas, "atlas", "mist122", "built-in atlas whose label image carries the map")
	var lesIn learnInputs
	var lesOut, lesStd, lesReport string
	var lesRepeats int
	var lesSeed uint64
	lesion := &cobra.Command{
		Use:     "lesion SIGNATURE FEATURES",
		Short:   "Virtual lesions: explained variance lost per edge, and as edges are removed by weight and at random",
		Example: `  painmark signature lesion csps.signature.json features.tsv --target participants.tsv:pain --repeats 1000 -o lesions.json`,
		Args:    exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := readForFeatures(args[0], args[1])
			if err != nil {
				return err
			}
			_, names, x, y, err := lesIn.load(args[1], true)
			if err != nil {
				return err
			}
			r, err := signature.VirtualLesions(s, learn.Matrix{Rows: x.Rows, Cols: x.Cols, Data: x.Data}, y, lesStd, lesRepeats, lesSeed)
			if err != nil {
				return fmt.Errorf("%s: %w", args[1], err)
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "%s: explained variance %.3f with all %d weighted edges\n", s.Name, r.Full, len(r.Edges))
			order := make([]int, len(r.Edges))
			for i := range order {
				order[i] = i
			}
			sort.SliceStable(order, func(a, b int) bool { return r.Drop[order[a]] > r.Drop[order[b]] })
			edgeNames := make([]string, len(r.Edges))
			for i, f := range r.Edges {
				edgeNames[i] = names[f]
			}
			for _, i := range order[:min(5, len(order))] {
				fmt.Fprintf(w, "  lesioning %s alone loses %.3f\n", edgeNames[i], r.Drop[i])
			}
			if err := writeJSON(lesOut, map[string]any{"signature": s.Name, "full_explained_variance": r.Full, "edges": edgeNames,
				"drop": r.Drop, "removal_by_weight": r.ByWeight, "removal_random_mean": r.RandomMean, "removal_random_sd": r.RandomSD,
				"repeats": r.Repeats, "seed": lesSeed, "standardize": lesStd, "software_version": version.String()}); err != nil {
				return err
			}
			d := newCommandReport("Virtual lesions: "+s.Name, args[0], args[1], lesIn.target)
			d.Seed = &lesSeed
			d.Numbers["edges"], d.Numbers["drop"], d.Numbers["removal_by_weight"], d.Numbers["removal_random_mean"] = edgeNames, r.Drop, r.ByWeight, r.RandomMean
			sec := d.Section("Virtual lesions")
			sec.Facts([2]string{"explained variance, intact", fmt.Sprintf("%.3f with %d weighted edges", r.Full, len(r.Edges))})
			removed := make([]float64, len(r.ByWeight))
			for k := range removed {
				removed[k] = float64(k)
			}
			sec.Figure(report.Lines("Progressive removal of edges", "edges removed", "explained variance", removed, []string{"by |weight|", fmt.Sprintf("random order (mean of %d)", r.Repeats)}, [][]float64{r.ByWeight, r.RandomMean}),
				"Explained variance as edges are removed one after another, largest |weight| first and in random orders.")
			pretty := make([]string, len(r.Edges))
			for i, f := range r.Edges {
				pretty[i] = edgeRegions(s, f, edgeNames[i])
			}
			sec.Figure(report.Bars("Loss when one edge is lesioned", "explained variance lost", pretty, r.Drop, 20),
				"Each weighted edge set to zero alone (the 20 largest losses).")
			return writeReport(w, d, reportPath(lesReport, lesOut))
		},
	}
	addReportFlag(lesion, &lesReport)
	lf := lesion.Flags()
	lf.StringVar(&lesIn.target, "target", "", "outcome as TABLE:COLUMN or COLUMN of the feature table")
	lf.StringVar(&lesIn.idColumn, "id-column", "", "subject-ID column of the feature table (default: its first column)")
	lf.StringVar(&lesStd, "standardize", signature.StandardizeNone, "outcome standardization: none, training or within")
	lf.IntVar(&lesRepeats, "repeats", 1000, "random removal orders")
	lf.Uint64Var(&lesSeed, "seed", 1, "random seed")
	lf.StringVarP(&lesOut, "out", "o", "lesions.json", "result JSON")
	var resOut, resName string
	var resDrop, resSystems []string
	restrict := &cobra.Command{
		Use:   "restrict SIGNATURE",
		Short: "The part of a signature on a subset of its regions (e.g. brain only), for data that lack the others",
		Example: `  painmark signature restrict csps.signature.json --system brain,brainstem --name bCSps -o bcsps.signature.json
  painmark signature restrict rpn.signature.json --drop GlobSig -o rpn-nogs.signature.json`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if (len(resDrop) == 0) == (len(resSystems) == 0) {
				return usageError{fmt.Errorf("give either --drop REGIONS or --system SYSTEMS")}
			}
			s, err := signature.Read(args[0])
			if err != nil {
				return err
			}
			keep := func(r signature.Region) bool {
				if len(resSystems) > 0 {
					for _, sys := range resSystems {
						if strings.EqualFold(r.System, sys) {
							return true
						}
					}
					return false
				}
				for _, d := range resDrop {
					if r.Name == d {
						return false
					}
				}
				return true
			}
			name := resName
			if name == "" {
				name = s.Name + "-restricted"
			}
			r, err := s.Restrict(name, keep)
			if err != nil {
				return err
			}
			if err := signature.Write(resOut, r); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s: %d of %d regions, %d of %d weighted features kept\n", resOut, len(r.Regions), len(s.Regions), len(r.Selected), len(s.Selected))
			return nil
		},
	}
	restrict.Flags().StringSliceVar(&resDrop, "drop", nil, "regions to leave out, by name")
	restrict.Flags().StringSliceVar(&resSystems, "system", nil, "systems to keep (brain, brainstem, spinal)")
	restrict.Flags().StringVar(&resName, "name", "", "name of the restricted signature")
	restrict.Flags().StringVarP(&resOut, "out", "o", "restricted.signature.json", "signature file")
	var chPainPre, chPainPost, chGroup, chOut, chReport string
	var chEdge, chCompare []string
	var chPerms int
	var chSeed uint64
	change := &cobra.Command{
		Use:   "change SIGNATURE PRE_FEATURES POST_FEATURES",
		Short: "Intervention change: signature change vs pain change per group, and one edge's Fisher-z change between groups",
		Example: `  painmark signature change csps.signature.json pre/features.tsv post/features.tsv \
      --pain-pre participants.tsv:pain_pre --pain-post participants.tsv:pain_post --group participants.tsv:arm \
      --edge M1_l,C6_dh_l --compare active,sham -o change.json`,
		Args: exactArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			var ids [2][]string
			var xs [2]learn.Matrix
			var preds [2]map[string]float64
			s, err := readForFeatures(args[0], args[1:]...)
			if err != nil {
				return err
			}
			for k, path := range args[1:] {
				id, _, x, _, err := (&learnInputs{}).load(path, false)
				if err != nil {
					return err
				}
				xs[k], ids[k] = learn.Matrix{Rows: x.Rows, Cols: x.Cols, Data: x.Data}, id
				p, err := s.Apply(xs[k])
				if err != nil {
					return fmt.Errorf("%s: %w", path, err)
				}
				preds[k] = map[string]float64{}
				for i, v := range p {
					preds[k][id[i]] = v
				}
			}
			column := func(spec string) (*table.Participants, string, error) {
				i := strings.LastIndex(spec, ":")
				if i <= 0 {
					return nil, "", usageError{fmt.Errorf("%q: give TABLE:COLUMN", spec)}
				}
				pt, err := table.ReadParticipants(spec[:i], "", nil)
				return pt, spec[i+1:], err
			}
			var paired []string
			postRow := map[string]int{}
			for i, id := range ids[1] {
				postRow[id] = i
			}
			for _, id := range ids[0] {
				if _, ok := postRow[id]; ok {
					paired = append(paired, id)
				}
			}
			var vals [3][]float64
			for k, spec := range []string{chPainPre, chPainPost} {
				pt, col, err := column(spec)
				if err != nil {
					return err
				}
				if vals[k], err = pt.Values(paired, col); err != nil {
					return err
				}
			}
			gt, gcol, err := column(chGroup)
			if err != nil {
				return err
			}
			groups, err := gt.Labels(paired, gcol)
			if err != nil {
				return err
			}
			sigChange, painChange := make([]float64, len(paired)), make([]float64, len(paired))
			for i, id := range paired {
				sigChange[i] = preds[1][id] - preds[0][id]
				painChange[i] = vals[1][i] - vals[0][i]
			}
			res, err := signature.ChangeByGroup(sigChange, painChange, groups, chPerms, chSeed)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			for _, g := range res {
				fmt.Fprintf(w, "%s (n = %d): signature change vs pain change r = %.3f (p = %.3g); mean changes %.3f and %.3f\n", g.Group, g.N, g.R, g.P, g.MeanSignatureChange, g.MeanPainChange)
			}
			out := map[string]any{"signature": s.Name, "subjects": paired, "groups": groups, "signature_change": sigChange, "pain_change": painChange,
				"by_group": res, "software_version": version.String()}
			if len(chEdge) > 0 {
				if len(chEdge) != 2 || len(chCompare) != 2 {
					return usageError{fmt.Errorf("--edge takes two region names and --compare two group labels")}
				}
				f, err := edgeFeature(s, chEdge[0], chEdge[1])
				if err != nil {
					return err
				}
				var edge [2][]float64
				for k := range edge {
					row := map[string]int{}
					for i, id := range ids[k] {
						row[id] = i
					}
					for _, id := range paired {
						edge[k] = append(edge[k], xs[k].Data[row[id]*xs[k].Cols+f])
					}
				}
				tt, err := signature.EdgeChange(edge[0], edge[1], groups, chCompare[0], chCompare[1], true)
				if err != nil {
					return err
				}
				fmt.Fprintf(w, "edge %s-%s, Fisher-z change %s vs %s: t(%g) = %.3f, p = %.3g, Cohen's d = %.3f, difference %.3f (95%% CI %.3f to %.3f)\n",
					chEdge[0], chEdge[1], chCompare[0], chCompare[1], tt.DF, tt.T, tt.P, tt.CohenD, tt.MeanDiff, tt.CI[0], tt.CI[1])
				out["edge"] = map[string]any{"regions": chEdge, "compare": chCompare, "t": tt.T, "df": tt.DF, "p": tt.P, "cohen_d": tt.CohenD,
					"mean_difference": tt.MeanDiff, "ci95": tt.CI}
			}
			if err := writeJSON(chOut, out); err != nil {
				return err
			}
			d := newCommandReport("Signature change through an intervention: "+s.Name, args[0], args[1], args[2], chPainPre, chPainPost, chGroup)
			d.Seed = &chSeed
			delete(out, "software_version")
			d.Numbers["results"] = out
			for _, g := range res {
				var sc, pc []float64
				for i := range paired {
					if groups[i] == g.Group {
						sc, pc = append(sc, sigChange[i]), append(pc, painChange[i])
					}
				}
				sec := d.Section("Group " + g.Group)
				sec.Facts([2]string{"subjects", fmt.Sprint(g.N)}, [2]string{"signature change vs pain change", fmt.Sprintf("r = %.3f (permutation p = %.3g)", g.R, g.P)},
					[2]string{"mean changes", fmt.Sprintf("signature %.3f, pain %.3f", g.MeanSignatureChange, g.MeanPainChange)})
				sec.Figure(report.Scatter("Change in "+g.Group, "pain change (post − pre)", "signature change (post − pre)", pc, sc),
					"Each subject's change in the signature's prediction against the change in pain; line: least squares with 95% band.")
			}
			return writeReport(w, d, reportPath(chReport, chOut))
		},
	}
	addReportFlag(change, &chReport)
	cf := change.Flags()
	cf.StringVar(&chPainPre, "pain-pre", "", "pain before, as TABLE:COLUMN")
	cf.StringVar(&chPainPost, "pain-post", "", "pain after, as TABLE:COLUMN")
	cf.StringVar(&chGroup, "group", "", "group (arm) labels, as TABLE:COLUMN")
	cf.StringSliceVar(&chEdge, "edge", nil, "two region names: the edge whose Fisher-z change is compared between groups")
	cf.StringSliceVar(&chCompare, "compare", nil, "the two groups the edge test compares (first minus second)")
	cf.IntVar(&chPerms, "permutations", 10000, "permutations for the change correlations")
	cf.Uint64Var(&chSeed, "seed", 1, "random seed")
	cf.StringVarP(&chOut, "out", "o", "change.json", "result JSON")
	cmd.AddCommand(importRPN, show, apply, validate, train, forced, nodes, lesion, restrict, change, newAblateCmd(), newCompareCmd(), newImportWeightsCmd())
	return cmd
}

// covariateChecks correlates a cohort's predictions with covariates from the participants table
// named by --target TABLE:COLUMN.
func covariateChecks(target string, ids []string, pred []float64, names []string, perms int, seed uint64) ([]signature.CovariateCheck, error) {
	i := strings.LastIndex(target, ":")
	if i <= 0 {
		return nil, usageError{fmt.Errorf("--covariates needs --target TABLE:COLUMN (the covariates are that table's columns)")}
	}
	pt, err := table.ReadParticipants(target[:i], "", nil)
	if err != nil {
		return nil, err
	}
	covs := make([][]float64, len(names))
	for c, name := range names {
		if covs[c], err = pt.Covariate(ids, name); err != nil {
			return nil, err
		}
	}
	if perms < 1 {
		perms = 10000
	}
	return signature.CheckCovariates(pred, names, covs, perms, seed)
}

// edgeFeature is the position of the edge between two named regions in the signature's feature
// vector (nilearn's lower triangle without the diagonal).
func edgeFeature(s *signature.Signature, a, b string) (int, error) {
	ia, ib := -1, -1
	for i, r := range s.Regions {
		if r.Name == a {
			ia = i
		}
		if r.Name == b {
			ib = i
		}
	}
	if ia < 0 || ib < 0 || ia == ib {
		return 0, fmt.Errorf("the edge %s-%s is not between two regions of %s", a, b, s.Name)
	}
	return connectome.EdgeIndex(ia, ib), nil
}

// readConnectomeSidecar reads the regions and feature definition painmark connectome records beside
// its feature table (none when there is no sidecar).
func readConnectomeSidecar(path string) ([]signature.Region, signature.FeatureDefinition, error) {
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil, signature.FeatureDefinition{}, nil
	}
	if err != nil {
		return nil, signature.FeatureDefinition{}, err
	}
	var c struct {
		Kind, Estimator, Scaling string
		Regions                  []string
		RegionSystems            []string
		VectorOrder              string
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, signature.FeatureDefinition{}, fmt.Errorf("%s: %w", path, err)
	}
	if c.RegionSystems != nil && len(c.RegionSystems) != len(c.Regions) {
		return nil, signature.FeatureDefinition{}, fmt.Errorf("%s: %d region tags for %d regions", path, len(c.RegionSystems), len(c.Regions))
	}
	regions := make([]signature.Region, len(c.Regions))
	for i, r := range c.Regions {
		regions[i] = signature.Region{Name: r}
		if c.RegionSystems != nil {
			regions[i].System = c.RegionSystems[i]
		}
	}
	return regions, signature.FeatureDefinition{Kind: c.Kind, Estimator: c.Estimator, Scaling: c.Scaling, Vectorization: c.VectorOrder}, nil
}

// edgeRegions names feature f of the signature by its two regions when the features are a
// connectome vector over the signature's regions, else by its column name.
func edgeRegions(s *signature.Signature, f int, column string) string {
	n := len(s.Regions)
	if n > 1 && s.Features.NumFeatures == n*(n-1)/2 {
		e := connectome.Edges(n, true)[f]
		return s.Regions[e.I].Name + " – " + s.Regions[e.J].Name
	}
	return column
}

// dynamicResponses scores every run in a folder (or file) of ROI time series with the signature's
// DCC-based dynamic response; the runs' regions must be the signature's.
func dynamicResponses(s *signature.Signature, path string) ([]string, []float64, error) {
	files, err := study.TimeSeriesFiles(path)
	if err != nil {
		return nil, nil, err
	}
	series, names, regions, err := readSeries(files, nil, "bids")
	if err != nil {
		return nil, nil, err
	}
	want := make([]string, len(s.Regions))
	for i, r := range s.Regions {
		want[i] = r.Name
	}
	if strings.Join(regions, "\t") != strings.Join(want, "\t") {
		return nil, nil, fmt.Errorf("%s: its %d regions differ from the signature's %d (names or order)", path, len(regions), len(want))
	}
	out := make([]float64, len(series))
	for i, x := range series {
		if out[i], err = s.DynamicResponse(x, nil); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", files[i], err)
		}
	}
	return names, out, nil
}

// readForFeatures reads a signature and checks it against each feature table's connectome.json.
func readForFeatures(sigPath string, featPaths ...string) (*signature.Signature, error) {
	s, err := signature.Read(sigPath)
	if err != nil {
		return nil, err
	}
	for _, featPath := range featPaths {
		if err := checkFeatureDefinition(s, filepath.Join(filepath.Dir(featPath), "connectome.json")); err != nil {
			return nil, fmt.Errorf("%s: %w", featPath, err)
		}
	}
	return s, nil
}

// checkFeatureDefinition compares the sidecar painmark connectome writes with the signature's
// regions and feature definition; without a sidecar there is nothing to compare.
func checkFeatureDefinition(s *signature.Signature, sidecar string) error {
	regions, fd, err := readConnectomeSidecar(sidecar)
	if err != nil || regions == nil {
		return err
	}
	got, want := make([]string, len(regions)), make([]string, len(s.Regions))
	for i, r := range regions {
		got[i] = r.Name
	}
	for i, r := range s.Regions {
		want[i] = r.Name
	}
	switch {
	case strings.Join(got, "\t") != strings.Join(want, "\t"):
		return fmt.Errorf("its %d regions (%s) differ from the signature's %d", len(got), sidecar, len(want))
	case !strings.EqualFold(fd.Kind, s.Features.Kind) || !strings.EqualFold(fd.Estimator, s.Features.Estimator) || !strings.EqualFold(fd.Scaling, s.Features.Scaling):
		return fmt.Errorf("features are %s/%s/%s (%s), the signature needs %s/%s/%s", fd.Kind, fd.Estimator, fd.Scaling, sidecar, s.Features.Kind, s.Features.Estimator, s.Features.Scaling)
	}
	return nil
}

// finiteOrNull is v, or nil (JSON null) where v is NaN or infinite (d when every pair differs by
// the same amount), which JSON cannot hold.
func finiteOrNull(v float64) any {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return v
}
