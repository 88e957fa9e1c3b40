package main

import (
	"fmt"
	"log/slog"

	"github.com/painmark/painmark/features"
	"github.com/painmark/painmark/internal/atomicfile"
	"github.com/painmark/painmark/internal/progress"
	"github.com/painmark/painmark/learn"
	"github.com/painmark/painmark/stats"
	"github.com/spf13/cobra"
)

// learnInputs are the flags shared by the learn subcommands (and the signature commands).
type learnInputs struct {
	target, idColumn, scaler, cv, groups, model string
	combat                                      string // TABLE:COLUMN of each subject's site (ComBat)
	svrC, svrEpsilon, tol                       float64
	forest                                      learn.RandomForest
	k                                           []int
	alpha, l1                                   []float64
	maxIter                                     int
	params                                      []string
}

func (li *learnInputs) flags(cmd *cobra.Command, grid bool) {
	d, f := learn.DefaultModelOptions(), cmd.Flags()
	f.StringVar(&li.target, "target", "", "target as TABLE:COLUMN (a participants table joined on subject IDs), or COLUMN of the feature table")
	f.StringVar(&li.idColumn, "id-column", "", "subject-ID column of the feature table (default: its first column)")
	choiceVar(f, &li.scaler, "scaler", d.Scaler, "robust (RobustScaler), standard or none", oneOf("robust", "standard", "none"))
	f.IntVar(&li.maxIter, "max-iter", d.MaxIter, "ElasticNet iteration limit")
	f.Float64Var(&li.tol, "tol", d.Tol, "ElasticNet tolerance (scikit-learn's)")
	choiceVar(f, &li.cv, "cv", "loo", "cross-validation: loo, kfold:K, shuffled:K:SEED, repeated:K:R:SEED, stratified:K[:SEED] (on target quantiles), groupkfold:K or logo (with --groups); seeds give scikit-learn's folds", learn.CheckCV)
	if !grid {
		li.modelFlags(cmd)
	}
	f.StringVar(&li.groups, "groups", "", "group labels (sites, sessions) for groupkfold and logo, as TABLE:COLUMN of a participants table")
	s := map[bool]string{true: " values", false: ""}[grid]
	f.IntSliceVar(&li.k, "k", d.K, "SelectKBest K"+s)
	f.Float64SliceVar(&li.alpha, "alpha", d.Alpha, "ElasticNet alpha"+s+" (also Ridge's)")
	f.Float64SliceVar(&li.l1, "l1-ratio", d.L1Ratio, "ElasticNet l1_ratio"+s)
}

// modelFlags are the flags choosing and setting the estimator.
func (li *learnInputs) modelFlags(cmd *cobra.Command) {
	d, f := learn.DefaultModelOptions(), cmd.Flags()
	choiceVar(f, &li.model, "model", d.Model, "the estimator after SelectKBest: elasticnet, ridge, svr-rbf, svr-linear, random-forest, pcr-lasso, logistic or gaussian-process (--C and --epsilon set the SVR, --trees etc. the forest, --param any named parameter)", oneOf(learn.Models...))
	f.Float64Var(&li.svrC, "C", d.C, "SVR's (and logistic regression's) C")
	f.Float64Var(&li.svrEpsilon, "epsilon", d.Epsilon, "SVR's epsilon")
	f.IntVar(&li.forest.Trees, "trees", d.Forest.Trees, "random forest: number of trees (n_estimators)")
	choiceVar(f, &li.forest.Tree.MaxFeatures, "max-features", d.Forest.Tree.MaxFeatures, "random forest: features tried per split (1.0 = all, sqrt, log2, a count or a fraction)", learn.CheckMaxFeatures)
	f.IntVar(&li.forest.Tree.MaxDepth, "max-depth", d.Forest.Tree.MaxDepth, "random forest: maximum tree depth (0: unlimited)")
	f.IntVar(&li.forest.Tree.MinSamplesLeaf, "min-samples-leaf", d.Forest.Tree.MinSamplesLeaf, "random forest: minimum samples in a leaf")
	f.Uint32Var(&li.forest.Seed, "forest-seed", d.Forest.Seed, "random forest: random_state (the same seed grows scikit-learn's trees)")
	f.StringArrayVar(&li.params, "param", nil, "a named parameter of the estimator, NAME=V1,V2,... (scikit-learn's names: C, epsilon, gamma, alpha, n_estimators, max_depth, select, ...); repeatable")
}

// modelOptions maps the flags to the library's model options and builds the fixed pipeline.
func (li *learnInputs) modelOptions() (o learn.ModelOptions, pl learn.Pipeline, err error) {
	o = learn.ModelOptions{Scaler: li.scaler, K: li.k, Alpha: li.alpha, L1Ratio: li.l1, MaxIter: li.maxIter, Tol: li.tol,
		Model: li.model, C: li.svrC, Epsilon: li.svrEpsilon, Forest: li.forest}
	if o.Params, err = learn.ParseParams(li.params); err == nil {
		pl, err = o.Pipeline()
	}
	if err != nil {
		err = usageError{err}
	}
	return
}

// splits builds the folds of --cv for these rows (grouped by person when persons repeat).
func (li *learnInputs) splits(ids []string, y []float64, persons []string) ([]learn.Split, error) {
	if persons != nil {
		ids = persons
	}
	groups, err := learn.ReadGroups(li.groups, ids)
	if err != nil {
		return nil, err
	}
	splits, err := learn.PersonCV(li.cv, y, groups, persons)
	if err != nil {
		return nil, usageError{fmt.Errorf("--cv: %w", err)}
	}
	return splits, nil
}

// pipeline is the fixed pipeline of the flags (an unknown --model is refused by prepare).
func (li *learnInputs) pipeline() learn.Pipeline {
	_, pl, _ := li.modelOptions()
	return pl
}

// load reads the feature table and the target (--target required when needTarget).
func (li *learnInputs) load(path string, needTarget bool) (ids, names []string, x learn.Matrix, y []float64, err error) {
	d, err := li.dataset(path, needTarget)
	if err == nil {
		ids, names, x, y = d.Subjects, d.Features, d.X, d.Y
	}
	return
}

func (li *learnInputs) dataset(path string, needTarget bool) (*learn.Dataset, error) {
	if needTarget && li.target == "" {
		return nil, usageError{fmt.Errorf("--target is required")}
	}
	t, y, err := features.Load(path, features.LoadOptions{IDColumn: li.idColumn, Target: li.target, TargetFlag: "--target"})
	if err != nil {
		return nil, err
	}
	d, err := learn.NewDataset(t.Subjects, t.Columns, t.Data, y)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	d.Persons = t.Groups()
	return d, nil
}

// prepare checks the model flags and reads what a learn subcommand needs: the dataset (with its
// target), the model options, the fixed pipeline and (withSplits) the folds of --cv.
func (li *learnInputs) prepare(path string, withSplits bool) (d *learn.Dataset, o learn.ModelOptions, pl learn.Pipeline, splits []learn.Split, err error) {
	if o, pl, err = li.modelOptions(); err != nil {
		return
	}
	if d, err = li.dataset(path, true); err == nil && withSplits {
		splits, err = li.splits(d.Subjects, d.Y, d.Persons)
	}
	return
}

// warnNotConverged logs the number of fits that reached max-iter.
func warnNotConverged(n int) {
	if n > 0 {
		slog.Warn("some ElasticNet fits reached max-iter before the duality gap met the tolerance", "fits", n)
	}
}

// writeJSON writes a result JSON (indented, atomically).
var writeJSON = atomicfile.WriteJSON

func newLearnCmd() *cobra.Command {
	cmd := withHelp(&cobra.Command{Use: "learn", Short: "Cross-validate, search, fit and apply RobustScaler → SelectKBest → estimator pipelines on any feature table"}, "learn")
	var cvIn, searchIn, fitIn, predIn, permIn, bootIn learnInputs
	var cvOut, searchOut, fitOut, predOut, permOut, bootOut string
	cv := withHelp(&cobra.Command{Use: "cv FEATURES", Short: "Out-of-fold predictions with fixed hyperparameters (leave-one-out or --cv)", Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			d, _, pl, splits, err := cvIn.prepare(args[0], true)
			if err != nil {
				return err
			}
			res, err := learn.CrossValidate(d, pl, cvIn.cv, splits)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), res.Summary())
			return res.WriteFile(cvOut)
		}}, "learn-cv")
	cvIn.flags(cv, false)
	cv.Flags().StringVarP(&cvOut, "out", "o", "cv.json", "result JSON")
	so := learn.DefaultSearchOptions()
	search := withHelp(&cobra.Command{Use: "search FEATURES", Short: "Grid search (scikit-learn's GridSearchCV order and ties; leave-one-out or --cv), optionally nested leave-one-out", Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			d, o, pl, splits, err := searchIn.prepare(args[0], true)
			if err != nil {
				return err
			}
			res, err := learn.SearchGrid(d, pl, o.Grid(), splits, so)
			if err != nil {
				return err
			}
			warnNotConverged(res.NotConverged)
			fmt.Fprintln(cmd.OutOrStdout(), res.Summary())
			return res.WriteFile(searchOut)
		}}, "learn-search")
	searchIn.flags(search, true)
	searchIn.modelFlags(search)
	choiceVar(search.Flags(), (*string)(&so.Scoring), "scoring", string(so.Scoring), "objective: neg_mean_squared_error or neg_mean_absolute_error (fold means, as GridSearchCV), pooled_r, pooled_r2 or pooled_roc_auc (on pooled out-of-fold predictions)", scoring)
	choiceVar(search.Flags(), (*string)(&so.Solver), "solver", string(so.Solver), "path (warm-started paths solved to the duality-gap tolerance: fast, the converged answer) or exact (every candidate from zero, as scikit-learn); the ElasticNet's", solver)
	search.Flags().BoolVar(&so.Nested, "nested", so.Nested, "also run nested leave-one-out (the search inside each outer fold)")
	search.Flags().StringVarP(&searchOut, "out", "o", "search.json", "result JSON")
	fit := withHelp(&cobra.Command{Use: "fit FEATURES", Short: "Fit the pipeline on all subjects and save the model", Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			d, _, pl, _, err := fitIn.prepare(args[0], false)
			if err != nil {
				return err
			}
			m, err := learn.FitModel(d, pl)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), m.Summary)
			return m.WriteFile(fitOut)
		}}, "learn-fit")
	fitIn.flags(fit, false)
	fit.Flags().StringVarP(&fitOut, "out", "o", "model.json", "model JSON")
	predict := withHelp(&cobra.Command{Use: "predict MODEL FEATURES", Short: "Apply a saved model to a feature table", Args: exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := predIn.dataset(args[1], false)
			if err != nil {
				return err
			}
			res, err := learn.PredictSaved(args[0], d)
			if err != nil {
				return err
			}
			return res.WriteFile(predOut)
		}}, "learn-predict")
	predict.Flags().StringVar(&predIn.idColumn, "id-column", "", "subject-ID column (default: the first)")
	predict.Flags().StringVarP(&predOut, "out", "o", "predictions.tsv", "predictions TSV")
	po := learn.DefaultPermutationOptions()
	saveNull := !po.DiscardNull
	permute := withHelp(&cobra.Command{Use: "permute FEATURES", Short: "Permutation test of leave-one-out r, MAE and R² (refit the whole procedure per permutation, or shuffle predictions)", Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			d, _, pl, _, err := permIn.prepare(args[0], false)
			if err != nil {
				return err
			}
			po.Progress = progress.NewReporter("learn permute").Func() // a bar on a terminal only
			po.DiscardNull = !saveNull
			res, err := learn.Permute(d, pl, po)
			if err != nil {
				return err
			}
			warnNotConverged(res.NotConverged)
			fmt.Fprintln(cmd.OutOrStdout(), res.Summary())
			return res.WriteFile(permOut)
		}}, "learn-permute")
	permIn.flags(permute, false)
	permute.Flags().IntVar(&po.N, "n", po.N, "number of permutations")
	permute.Flags().Uint64Var(&po.Seed, "seed", po.Seed, "random seed (results do not depend on the number of cores)")
	choiceVar(permute.Flags(), (*string)(&po.Mode), "mode", string(po.Mode), "refit (shuffle the target and rerun the whole leave-one-out) or predictions (shuffle the predictions only)", permutationMode)
	choiceVar(permute.Flags(), (*string)(&po.Convention), "p-convention", string(po.Convention), "p-value convention: sklearn ((C+1)/(n+1)), abs, no-plus-one or strict", permConvention)
	permute.Flags().StringVarP(&permOut, "out", "o", "permutations.json", "result JSON")
	permute.Flags().BoolVar(&saveNull, "save-null", saveNull, "write every permutation's metrics (\"null\"); false counts them as drawn: the same p-values, memory independent of --n")
	bo := learn.DefaultBootstrapOptions()
	bootstrap := withHelp(&cobra.Command{Use: "bootstrap FEATURES", Short: "Bootstrap the model's weights (fixed hyperparameters): per-feature mean, SE, Z, p and selection frequency", Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			d, _, pl, _, err := bootIn.prepare(args[0], false)
			if err != nil {
				return err
			}
			bo.Progress = progress.NewReporter("learn bootstrap").Func() // a bar on a terminal only
			res, err := learn.BootstrapWeights(d, pl, bo)
			if err != nil {
				return err
			}
			warnNotConverged(res.NotConverged)
			if err := res.WriteFile(bootOut); err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), res.Summary(bootOut))
			return nil
		}}, "learn-bootstrap")
	bootIn.flags(bootstrap, false)
	bootstrap.Flags().IntVar(&bo.N, "n", bo.N, "number of bootstrap samples")
	bootstrap.Flags().Uint64Var(&bo.Seed, "seed", bo.Seed, "random seed (results do not depend on the number of cores)")
	choiceVar(bootstrap.Flags(), (*string)(&bo.Convention), "p-convention", string(bo.Convention), "p-value convention: wald (2(1-Φ(|mean/SE|))), canlab (empirical) or deipp", oneOf(stats.BootWald, stats.BootCanlab, stats.BootDEIPP))
	bootstrap.Flags().StringVarP(&bootOut, "out", "o", "bootstrap.tsv", "per-feature TSV")
	cmd.AddCommand(cv, search, fit, predict, permute, bootstrap, newLearnPopulationCmd())
	return cmd
}
