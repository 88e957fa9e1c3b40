package main

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"os"
	"strings"

	"github.com/painmark/painmark/internal/atomicfile"
	"github.com/painmark/painmark/learn"
	"github.com/painmark/painmark/stats"
	"github.com/painmark/painmark/table"
	"github.com/painmark/painmark/version"
	"github.com/spf13/cobra"
)

// learnInputs are the flags shared by the learn subcommands.
type learnInputs struct {
	target, idColumn, scaler string
	cv, groups               string
	model                    string
	svrC, svrEpsilon         float64
	forest                   learn.RandomForest
	k                        []int
	alpha, l1                []float64
	maxIter                  int
	tol                      float64
}

func (li *learnInputs) flags(cmd *cobra.Command, grid bool) {
	f := cmd.Flags()
	f.StringVar(&li.target, "target", "", "target as TABLE:COLUMN (a participants table joined on subject IDs), or COLUMN of the feature table")
	f.StringVar(&li.idColumn, "id-column", "", "subject-ID column of the feature table (default: its first column)")
	f.StringVar(&li.scaler, "scaler", "robust", "robust (RobustScaler), standard or none")
	f.IntVar(&li.maxIter, "max-iter", 100000, "ElasticNet iteration limit")
	f.Float64Var(&li.tol, "tol", 1e-4, "ElasticNet tolerance (scikit-learn's)")
	f.StringVar(&li.cv, "cv", "loo", "cross-validation: loo, kfold:K, shuffled:K:SEED, repeated:K:R:SEED, stratified:K[:SEED] (on target quantiles), groupkfold:K or logo (with --groups); seeds give scikit-learn's folds")
	if !grid {
		f.StringVar(&li.model, "model", "elasticnet", "the estimator after SelectKBest: elasticnet, svr-rbf, svr-linear or random-forest (the nonlinear baselines; --C and --epsilon set the SVR, --trees etc. the forest)")
		f.Float64Var(&li.svrC, "C", 1, "SVR's C")
		f.Float64Var(&li.svrEpsilon, "epsilon", 0.1, "SVR's epsilon")
		f.IntVar(&li.forest.Trees, "trees", 100, "random forest: number of trees (n_estimators)")
		f.StringVar(&li.forest.Tree.MaxFeatures, "max-features", "1.0", "random forest: features tried per split (1.0 = all, sqrt, log2, a count or a fraction)")
		f.IntVar(&li.forest.Tree.MaxDepth, "max-depth", 0, "random forest: maximum tree depth (0: unlimited)")
		f.IntVar(&li.forest.Tree.MinSamplesLeaf, "min-samples-leaf", 1, "random forest: minimum samples in a leaf")
		f.Uint32Var(&li.forest.Seed, "forest-seed", 0, "random forest: random_state (the same seed grows scikit-learn's trees)")
	}
	f.StringVar(&li.groups, "groups", "", "group labels (sites, sessions) for groupkfold and logo, as TABLE:COLUMN of a participants table")
	if grid {
		f.IntSliceVar(&li.k, "k", []int{25}, "SelectKBest K values")
		f.Float64SliceVar(&li.alpha, "alpha", []float64{0.005}, "ElasticNet alpha values")
		f.Float64SliceVar(&li.l1, "l1-ratio", []float64{0.999}, "ElasticNet l1_ratio values")
	} else {
		f.IntSliceVar(&li.k, "k", []int{25}, "SelectKBest K")
		f.Float64SliceVar(&li.alpha, "alpha", []float64{0.005}, "ElasticNet alpha")
		f.Float64SliceVar(&li.l1, "l1-ratio", []float64{0.999}, "ElasticNet l1_ratio")
	}
}

// splits builds the folds of --cv for these subjects and targets.
func (li *learnInputs) splits(ids []string, y []float64) ([]learn.Split, error) {
	var groups []string
	if li.groups != "" {
		i := strings.LastIndex(li.groups, ":")
		if i <= 0 {
			return nil, usageError{fmt.Errorf("--groups %q: give TABLE:COLUMN", li.groups)}
		}
		pt, err := table.ReadParticipants(li.groups[:i], "", nil)
		if err != nil {
			return nil, err
		}
		if groups, err = pt.Labels(ids, li.groups[i+1:]); err != nil {
			return nil, err
		}
	}
	splits, err := learn.ParseCV(li.cv, y, groups)
	if err != nil {
		return nil, usageError{fmt.Errorf("--cv: %w", err)}
	}
	return splits, nil
}

func (li *learnInputs) pipeline() learn.Pipeline {
	pl := learn.Pipeline{Scaler: li.scaler, K: li.k[0], Model: learn.ElasticNet{Alpha: li.alpha[0], L1Ratio: li.l1[0], MaxIter: li.maxIter, Tol: li.tol}}
	switch li.model {
	case "svr-rbf":
		pl.Regressor = learn.SVR{Kernel: "rbf", C: li.svrC, Epsilon: svrEpsilon(li.svrEpsilon)}
	case "svr-linear":
		pl.Regressor = learn.SVR{Kernel: "linear", C: li.svrC, Epsilon: svrEpsilon(li.svrEpsilon)}
	case "random-forest":
		pl.Regressor = li.forest
	}
	return pl
}

// svrEpsilon maps a command-line epsilon to SVR's field (where 0 means the default 0.1 and a
// negative value means 0).
func svrEpsilon(e float64) float64 {
	if e == 0 {
		return -1
	}
	return e
}

// checkModel refuses an unknown --model.
func (li *learnInputs) checkModel() error {
	switch li.model {
	case "", "elasticnet", "svr-rbf", "svr-linear", "random-forest":
		return nil
	}
	return usageError{fmt.Errorf("--model %q: elasticnet, svr-rbf, svr-linear or random-forest", li.model)}
}

// loadFeatures reads a subjects x features TSV/CSV (first or --id-column column = subject IDs,
// the target column excluded from the features) and the target.
func (li *learnInputs) load(path string, needTarget bool) (ids, names []string, x learn.Matrix, y []float64, err error) {
	tb, err := table.Read(path, nil)
	if err != nil {
		return
	}
	idCol := li.idColumn
	if idCol == "" {
		idCol = tb.Columns[0].Name
	}
	idc, err := tb.Column(idCol)
	if err != nil {
		return
	}
	ids = idc.Raw
	var targetTable, targetColumn string
	if li.target != "" {
		if i := strings.LastIndex(li.target, ":"); i > 0 {
			targetTable, targetColumn = li.target[:i], li.target[i+1:]
		} else {
			targetColumn = li.target
		}
	}
	if needTarget && targetColumn == "" {
		err = usageError{fmt.Errorf("--target is required")}
		return
	}
	var cols []int
	for i, c := range tb.Columns {
		if c.Name == idCol || (targetTable == "" && c.Name == targetColumn) {
			continue
		}
		cols = append(cols, i)
		names = append(names, c.Name)
	}
	data, err := tb.Matrix(cols, false)
	if err != nil {
		return
	}
	x = learn.Matrix{Rows: tb.NumRows(), Cols: len(cols), Data: data}
	if targetColumn == "" {
		return
	}
	if targetTable == "" {
		y, err = tb.Floats(targetColumn)
		if err == nil {
			for i, v := range y {
				if math.IsNaN(v) {
					err = fmt.Errorf("%s: subject %s has no %s", path, ids[i], targetColumn)
					return
				}
			}
		}
		return
	}
	pt, err := table.ReadParticipants(targetTable, "", nil)
	if err != nil {
		return
	}
	y, err = pt.Values(ids, targetColumn)
	return
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(path, append(b, '\n'))
}

func metrics(pred, y []float64) map[string]float64 {
	var mae, mse float64
	for i := range y {
		e := pred[i] - y[i]
		mae += math.Abs(e)
		mse += e * e
	}
	n := float64(len(y))
	return map[string]float64{"r": stats.Pearson(pred, y), "mae": mae / n, "mse": mse / n}
}

func newLearnCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "learn",
		Short: "Cross-validate, search, fit and apply RobustScaler → SelectKBest → ElasticNet models on any feature table",
		Long: `learn runs scikit-learn's pipeline of the RPN and CSps signatures (RobustScaler, SelectKBest with
f_regression, ElasticNet), every step fitted inside the training fold, on any subjects x features table
(TSV/CSV with a subject-ID column, e.g. painmark connectome's features.tsv). Metrics are computed on
pooled out-of-fold predictions (per-fold R² under leave-one-out is meaningless).`,
	}
	var cvIn, searchIn, fitIn learnInputs
	var cvOut, searchOut, fitOut, predOut string
	var nested bool
	var scoring, solver string
	cv := &cobra.Command{
		Use:     "cv FEATURES",
		Short:   "Out-of-fold predictions with fixed hyperparameters (leave-one-out or --cv)",
		Example: `  painmark learn cv connectomes/features.tsv --target participants.tsv:pain --k 25 --alpha 0.005 -o cv.json`,
		Args:    exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := cvIn.checkModel(); err != nil {
				return err
			}
			ids, _, x, y, err := cvIn.load(args[0], true)
			if err != nil {
				return err
			}
			splits, err := cvIn.splits(ids, y)
			if err != nil {
				return err
			}
			pred, err := learn.CrossValPredict(cvIn.pipeline(), x, y, splits)
			if err != nil {
				return err
			}
			m := metrics(pred, y)
			fmt.Fprintf(cmd.OutOrStdout(), "%s (%d folds), %d subjects x %d features: r = %.4f, MAE = %.4f\n", cvIn.cv, len(splits), len(ids), x.Cols, m["r"], m["mae"])
			return writeJSON(cvOut, map[string]any{"subjects": ids, "target": y, "predictions": pred, "metrics": m,
				"pipeline": cvIn.pipeline(), "cv": cvIn.cv, "software_version": version.String()})
		},
	}
	cvIn.flags(cv, false)
	cv.Flags().StringVarP(&cvOut, "out", "o", "cv.json", "result JSON")
	search := &cobra.Command{
		Use:   "search FEATURES",
		Short: "Grid search (scikit-learn's GridSearchCV order and ties; leave-one-out or --cv), optionally nested leave-one-out",
		Example: `  painmark learn search features.tsv --target participants.tsv:pain --k 20,25,30 \
      --alpha 0.001,0.005,0.01 --l1-ratio 0.999 --scoring neg_mean_squared_error --nested -o search.json`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ids, _, x, y, err := searchIn.load(args[0], true)
			if err != nil {
				return err
			}
			g := learn.Grid{K: searchIn.k, Alpha: searchIn.alpha, L1Ratio: searchIn.l1}
			base := searchIn.pipeline()
			splits, err := searchIn.splits(ids, y)
			if err != nil {
				return err
			}
			res, err := learn.Search(learn.Solver(solver), base, g, learn.Scoring(scoring), x, y, splits)
			if err != nil {
				return err
			}
			out := map[string]any{"subjects": ids, "candidates": res.Candidates, "mean_score": res.MeanScore,
				"best": res.Candidates[res.Best], "scoring": scoring, "solver": solver, "not_converged": res.NotConverged,
				"software_version": version.String()}
			if res.NotConverged > 0 {
				slog.Warn("some fits reached max-iter before the duality gap met the tolerance", "fits", res.NotConverged)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "best of %d candidates: K=%d alpha=%g l1_ratio=%g (%s %.6f)\n", len(res.Candidates),
				res.Candidates[res.Best].K, res.Candidates[res.Best].Alpha, res.Candidates[res.Best].L1Ratio, scoring, res.MeanScore[res.Best])
			if nested {
				nr, err := learn.NestedLeaveOneOut(learn.Solver(solver), base, g, learn.Scoring(scoring), x, y)
				if err != nil {
					return err
				}
				m := metrics(nr.Predictions, y)
				out["nested"] = map[string]any{"chosen": nr.Chosen, "predictions": nr.Predictions, "metrics": m}
				fmt.Fprintf(cmd.OutOrStdout(), "nested leave-one-out: r = %.4f, MAE = %.4f\n", m["r"], m["mae"])
			}
			return writeJSON(searchOut, out)
		},
	}
	searchIn.flags(search, true)
	search.Flags().StringVar(&scoring, "scoring", string(learn.NegMSE), "objective: neg_mean_squared_error or neg_mean_absolute_error (fold means, as GridSearchCV), pooled_r, pooled_r2 or pooled_roc_auc (on pooled out-of-fold predictions)")
	search.Flags().StringVar(&solver, "solver", string(learn.SolverPath), "path (warm-started paths solved to the duality-gap tolerance: fast, the converged answer) or exact (every candidate from zero, as scikit-learn)")
	search.Flags().BoolVar(&nested, "nested", false, "also run nested leave-one-out (the search inside each outer fold)")
	search.Flags().StringVarP(&searchOut, "out", "o", "search.json", "result JSON")
	fit := &cobra.Command{
		Use:     "fit FEATURES",
		Short:   "Fit the pipeline on all subjects and save the model",
		Example: `  painmark learn fit features.tsv --target participants.tsv:pain --k 25 --alpha 0.005 -o model.json`,
		Args:    exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if fitIn.model != "" && fitIn.model != "elasticnet" {
				return usageError{fmt.Errorf("--model %q: fit saves the linear ElasticNet pipeline; evaluate other models with learn cv or learn permute", fitIn.model)}
			}
			_, names, x, y, err := fitIn.load(args[0], true)
			if err != nil {
				return err
			}
			f, err := fitIn.pipeline().Fit(x, y)
			if err != nil {
				return err
			}
			sel := make([]string, len(f.Selected))
			for i, j := range f.Selected {
				sel[i] = names[j]
			}
			fmt.Fprintf(cmd.OutOrStdout(), "fitted on %d subjects: %d of %d features selected, %d non-zero weights (converged: %v)\n",
				x.Rows, len(f.Selected), x.Cols, countNonZero(f.Model.Coef), f.Model.Converged)
			return writeJSON(fitOut, savedModel{Features: names, Scaler: fitIn.scaler, Center: centerOf(f), Scale: scaleOf(f),
				Selected: f.Selected, SelectedNames: sel, Coef: f.Model.Coef, Intercept: f.Model.Intercept,
				Pipeline: fitIn.pipeline(), SoftwareVersion: version.String()})
		},
	}
	fitIn.flags(fit, false)
	fit.Flags().StringVarP(&fitOut, "out", "o", "model.json", "model JSON")
	var predIn learnInputs
	predict := &cobra.Command{
		Use:     "predict MODEL FEATURES",
		Short:   "Apply a saved model to a feature table",
		Example: `  painmark learn predict model.json new_features.tsv -o predictions.tsv`,
		Args:    exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			var m savedModel
			b, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			if err := json.Unmarshal(b, &m); err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			ids, names, x, _, err := predIn.load(args[1], false)
			if err != nil {
				return err
			}
			if strings.Join(names, "\t") != strings.Join(m.Features, "\t") {
				return fmt.Errorf("%s: its %d feature columns differ from the model's %d (names or order)", args[1], len(names), len(m.Features))
			}
			f := &learn.FittedPipeline{Selected: m.Selected, Model: &learn.LinearModel{Coef: m.Coef, Intercept: m.Intercept}}
			if m.Center != nil {
				f.Scaling = &learn.Scaling{Center: m.Center, Scale: m.Scale}
			}
			pred := f.Predict(x)
			return table.Write(predOut, &table.Table{Columns: []*table.Column{table.TextColumn("subject", ids), table.NumericColumn("prediction", pred)}})
		},
	}
	predict.Flags().StringVar(&predIn.idColumn, "id-column", "", "subject-ID column (default: the first)")
	predict.Flags().StringVarP(&predOut, "out", "o", "predictions.tsv", "predictions TSV")
	var permIn, bootIn learnInputs
	var permOut, bootOut, permMode, permConv, bootConv string
	var permN, bootN int
	var permSeed, bootSeed uint64
	permute := &cobra.Command{
		Use:   "permute FEATURES",
		Short: "Permutation test of leave-one-out r, MAE and R² (refit the whole procedure per permutation, or shuffle predictions)",
		Example: `  painmark learn permute features.tsv --target participants.tsv:pain --k 25 --alpha 0.005 \
      --n 10000 --seed 1 --mode refit --p-convention sklearn -o permutations.json`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := permIn.checkModel(); err != nil {
				return err
			}
			ids, _, x, y, err := permIn.load(args[0], true)
			if err != nil {
				return err
			}
			o := learn.PermutationOptions{N: permN, Seed: permSeed, Mode: learn.PermutationMode(permMode), Convention: stats.PermutationConvention(permConv)}
			res, err := learn.PermutationTest(permIn.pipeline(), x, y, o)
			if err != nil {
				return err
			}
			if res.NotConverged > 0 {
				slog.Warn("some ElasticNet fits reached max-iter before converging", "fits", res.NotConverged)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "leave-one-out, %d subjects, %d permutations (%s): r = %.4f (p = %.4g), MAE = %.4f (p = %.4g), R² = %.4f (p = %.4g)\n",
				len(ids), permN, o.Mode, res.Observed.R, res.P.R, res.Observed.MAE, res.P.MAE, res.Observed.R2, res.P.R2)
			return writeJSON(permOut, map[string]any{"subjects": ids, "observed": res.Observed, "p": res.P, "null": res.Null,
				"n_permutations": permN, "seed": permSeed, "mode": o.Mode, "p_convention": permConv, "not_converged": res.NotConverged,
				"pipeline": permIn.pipeline(), "software_version": version.String()})
		},
	}
	permIn.flags(permute, false)
	permute.Flags().IntVar(&permN, "n", 10000, "number of permutations")
	permute.Flags().Uint64Var(&permSeed, "seed", 1, "random seed (results do not depend on the number of cores)")
	permute.Flags().StringVar(&permMode, "mode", string(learn.PermuteRefit), "refit (shuffle the target and rerun the whole leave-one-out) or predictions (shuffle the predictions only)")
	permute.Flags().StringVar(&permConv, "p-convention", string(stats.PermSklearn), "p-value convention: sklearn ((C+1)/(n+1)), abs, no-plus-one or strict")
	permute.Flags().StringVarP(&permOut, "out", "o", "permutations.json", "result JSON")
	bootstrap := &cobra.Command{
		Use:   "bootstrap FEATURES",
		Short: "Bootstrap the model's weights (fixed hyperparameters): per-feature mean, SE, Z, p and selection frequency",
		Example: `  painmark learn bootstrap features.tsv --target participants.tsv:pain --k 25 --alpha 0.005 \
      --n 10000 --seed 1 --p-convention canlab -o bootstrap.tsv`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if bootIn.model != "" && bootIn.model != "elasticnet" {
				return usageError{fmt.Errorf("--model %q: the weight bootstrap needs the linear ElasticNet pipeline", bootIn.model)}
			}
			_, names, x, y, err := bootIn.load(args[0], true)
			if err != nil {
				return err
			}
			res, err := learn.Bootstrap(bootIn.pipeline(), x, y, learn.BootstrapOptions{N: bootN, Seed: bootSeed, Convention: stats.BootstrapConvention(bootConv)})
			if err != nil {
				return err
			}
			if res.NotConverged > 0 {
				slog.Warn("some ElasticNet fits reached max-iter before converging", "fits", res.NotConverged)
			}
			stable, err := writeBootstrapTable(bootOut, names, res)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%d bootstrap samples: %d of %d features with FDR q < 0.05 (p: %s); table in %s\n", bootN, stable, len(names), bootConv, bootOut)
			return nil
		},
	}
	bootIn.flags(bootstrap, false)
	bootstrap.Flags().IntVar(&bootN, "n", 10000, "number of bootstrap samples")
	bootstrap.Flags().Uint64Var(&bootSeed, "seed", 1, "random seed (results do not depend on the number of cores)")
	bootstrap.Flags().StringVar(&bootConv, "p-convention", string(stats.BootWald), "p-value convention: wald (2(1-Φ(|mean/SE|))), canlab (empirical) or deipp")
	bootstrap.Flags().StringVarP(&bootOut, "out", "o", "bootstrap.tsv", "per-feature TSV")
	cmd.AddCommand(cv, search, fit, predict, permute, bootstrap)
	return cmd
}

// savedModel is the JSON of a fitted pipeline (superseded by the signature artifact of the
// signature workflow).
type savedModel struct {
	Features        []string
	Scaler          string
	Center, Scale   []float64
	Selected        []int
	SelectedNames   []string
	Coef            []float64
	Intercept       float64
	Pipeline        learn.Pipeline
	SoftwareVersion string
}

func centerOf(f *learn.FittedPipeline) []float64 {
	if f.Scaling == nil {
		return nil
	}
	return f.Scaling.Center
}

func scaleOf(f *learn.FittedPipeline) []float64 {
	if f.Scaling == nil {
		return nil
	}
	return f.Scaling.Scale
}

func countNonZero(v []float64) int {
	n := 0
	for _, x := range v {
		if x != 0 {
			n++
		}
	}
	return n
}

// writeBootstrapTable writes the per-feature bootstrap summary (feature, mean, se, z, p, q_fdr —
// Benjamini-Hochberg over all features — and selection_frequency) and returns how many features
// have q < 0.05.
func writeBootstrapTable(path string, names []string, res *learn.BootstrapResult) (int, error) {
	q, err := stats.FDR(res.P)
	if err != nil {
		return 0, err
	}
	var b strings.Builder
	b.WriteString("feature\tmean\tse\tz\tp\tq_fdr\tselection_frequency\n")
	stable := 0
	for j, name := range names {
		fmt.Fprintf(&b, "%s\t%.17g\t%.17g\t%.17g\t%.17g\t%.17g\t%.17g\n", name, res.Mean[j], res.SE[j], res.Z[j], res.P[j], q[j], res.Frequency[j])
		if q[j] < 0.05 {
			stable++
		}
	}
	return stable, atomicfile.WriteFile(path, []byte(b.String()))
}
