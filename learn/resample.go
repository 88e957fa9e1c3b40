package learn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"

	"github.com/painmark/painmark/internal/budget"
	"github.com/painmark/painmark/internal/parallel"
	"github.com/painmark/painmark/stats"
)

// PermutationMode names what a permutation test shuffles.
type PermutationMode string

// The permutation modes.
const (
	// PermuteRefit shuffles the target and reruns the whole cross-validation (every step refitted
	// in every fold): the null of the cross-validated score itself (scikit-learn's
	// permutation_test_score).
	PermuteRefit PermutationMode = "refit"
	// PermutePredictions keeps the out-of-fold predictions and shuffles them against the target:
	// the null of the correlation between two fixed vectors, cheaper and blind to overfitting of
	// the procedure.
	PermutePredictions PermutationMode = "predictions"
)

// PermutationOptions set a permutation test.
type PermutationOptions struct {
	N    int    // permutations (the CSps study used 10,000)
	Seed uint64 // permutation k is drawn from PCG(Seed, k): the same for any number of workers
	// First shifts the permutations to First+1 .. First+N: a shard of a larger test, whose
	// concatenated nulls equal one run's (the study runner's shards, local or on Slurm).
	First      int
	Mode       PermutationMode
	Convention stats.PermutationConvention
	// DiscardNull counts the null as it is drawn (the p-values need only how many permutations
	// reach the observed metric: stats.PermutationTally) and keeps no draw: the result's Null is
	// nil and memory does not grow with N, so 10,000,000 permutations need no more than 1,000.
	// The p-values are those of a kept null, to the last bit. False keeps the null (a shard's
	// null to merge, a report's histogram, painmark learn permute --save-null).
	DiscardNull bool
	// Progress, if set, is called as the work advances (leave-one-out folds of the refit
	// shortcut, or whole permutations otherwise): done of total; nil is silent.
	Progress func(done, total int) `json:"-"`
}

// PermutationResult holds a permutation test of leave-one-out predictions: the observed pooled
// metrics, their null distributions and p-values (MAE: smaller is better; r and R²: larger).
type PermutationResult struct {
	Observed Metrics
	// Predictions are the observed leave-one-out predictions the Observed metrics come from.
	Predictions []float64
	Null        []Metrics
	P           Metrics
	Options     PermutationOptions
	// NotConverged counts the ElasticNet fits that reached MaxIter (refit mode).
	NotConverged int
}

// Metrics are the pooled out-of-fold metrics painmark reports: Pearson r, MAE and R² = 1 − SSE/SST
// of the pooled predictions (per-fold R² under leave-one-out is undefined, NUMERICS.md §7).
type Metrics struct {
	R   float64 `json:"r"`
	MAE float64 `json:"mae"`
	R2  float64 `json:"r2"`
}

// PooledMetrics computes Metrics of predictions against the truth.
func PooledMetrics(pred, truth []float64) Metrics {
	m := stats.Mean(truth)
	var sse, sst, ae float64
	for i, p := range pred {
		e := p - truth[i]
		sse += e * e
		ae += math.Abs(e)
		sst += (truth[i] - m) * (truth[i] - m)
	}
	return Metrics{R: stats.Pearson(pred, truth), MAE: ae / float64(len(pred)), R2: 1 - sse/sst}
}

// CheckBudget refuses a permutation count whose null (three metrics per permutation, and a copy
// of one for the p-value) would exceed the memory budget (internal/budget, PAINMARK_MEMORY_LIMIT),
// so a caller can refuse before any fitting. Targets and predictions are drawn in batches, so the
// n samples do not multiply the count. With DiscardNull nothing grows with the count: only a
// batch of n-sample targets and predictions is checked.
func (o PermutationOptions) CheckBudget(n int) error {
	if o.DiscardNull {
		return budget.Check("samples in a batch of permutation targets", int64(n), int64(16*permutationBatch))
	}
	return budget.Check("permutations", int64(o.N), 32)
}

// nullSink takes a permutation test's null metrics in permutation order: it counts them against
// the observed metrics (the p-values need only counts) and keeps them unless o.DiscardNull.
type nullSink struct {
	keep       bool
	null       []Metrics
	r, mae, r2 *stats.PermutationTally
	conv       stats.PermutationConvention
}

func newNullSink(observed Metrics, o PermutationOptions) *nullSink {
	s := &nullSink{keep: !o.DiscardNull, conv: o.Convention, r: stats.NewPermutationTally(observed.R, true),
		mae: stats.NewPermutationTally(observed.MAE, false), r2: stats.NewPermutationTally(observed.R2, true)}
	if s.keep {
		s.null = make([]Metrics, 0, o.N)
	}
	return s
}

func (s *nullSink) add(m Metrics) {
	if s.keep {
		s.null = append(s.null, m)
	}
	s.r.Add(m.R)
	s.mae.Add(m.MAE)
	s.r2.Add(m.R2)
}

// finish sets res's Null (nil when discarded) and the p-values MetricsP gives.
func (s *nullSink) finish(res *PermutationResult) error {
	res.Null = s.null
	var err error
	for _, m := range []struct {
		t   *stats.PermutationTally
		dst *float64
	}{{s.r, &res.P.R}, {s.mae, &res.P.MAE}, {s.r2, &res.P.R2}} {
		if *m.dst, err = m.t.P(s.conv); err != nil {
			res.P = Metrics{}
			return err
		}
	}
	return nil
}

// bootstrapBlock is how many bootstrap samples' weights Bootstrap holds at a time.
const bootstrapBlock = 256

// CheckBudget refuses a bootstrap of rows x features data when what it holds would exceed the
// memory budget (internal/budget, PAINMARK_MEMORY_LIMIT). Bootstrap tallies each feature's
// replicates as they are drawn, a block of 256 samples at a time, and drops them, so it holds one
// block's nonzero weights (16 bytes a feature and sample), the per-feature tallies and result
// (80 bytes a feature) and each worker's resampled rows (8 bytes a value): nothing grows with
// the sample count o.N, which the message names.
func (o BootstrapOptions) CheckBudget(rows, features int) error {
	return budget.CheckNeed("bootstrap samples (tallied in blocks of 256: a block's weights, the tallies and each worker's resampled rows)", int64(o.N), bootstrapBytes(o.N, rows, features))
}

// bootstrapBytes is the memory Bootstrap holds for n samples of rows x features data.
func bootstrapBytes(n, rows, features int) int64 {
	if n <= 0 {
		return 0 // no bootstrap: nothing held
	}
	block := budget.Bytes(int64(min(n, bootstrapBlock)), int64(16*features+48))
	tallies := budget.Bytes(int64(features), 80)
	workers := budget.Bytes(int64(runtime.GOMAXPROCS(0)), budget.Bytes(int64(rows), int64(8*features+16)))
	if sum := block + tallies + workers; sum >= block && sum >= workers { // no overflow
		return sum
	}
	return math.MaxInt64
}

// PermutationTest tests the leave-one-out predictions of a pipeline with fixed hyperparameters
// against permutations of the target. In refit mode every permutation reruns the whole
// leave-one-out procedure: the scaler and centred columns of a fold depend only on its training
// rows, so they are computed once per fold and shared by all permutations; F scores, selection and
// ElasticNet are refitted for each (ElasticNet from zero, as scikit-learn, so the observed
// predictions are those of LeaveOneOut). Folds are spread over the cores; results do not depend on
// their number.
func PermutationTest(pl Pipeline, x Matrix, y []float64, o PermutationOptions) (*PermutationResult, error) {
	n := x.Rows
	if o.N < 1 {
		return nil, fmt.Errorf("need at least 1 permutation, got %d", o.N)
	}
	if n != len(y) {
		return nil, fmt.Errorf("%d samples but %d targets", n, len(y))
	}
	if _, err := stats.PermutationP(0, []float64{0}, o.Convention, true); err != nil {
		return nil, err
	}
	if err := o.CheckBudget(n); err != nil {
		return nil, err
	}
	if o.Mode == "" {
		o.Mode = PermuteRefit
	}
	// Permutation k's target is drawn when its batch is fitted, so memory holds one batch of
	// targets and predictions, not all N (only the null metrics are kept).
	permuted := func(k int) []float64 { return permutedTarget(y, o, k) }
	res := &PermutationResult{Options: o}
	var sink *nullSink
	switch o.Mode {
	case PermuteRefit:
		if pl.Regressor != nil { // no shortcut: the whole leave-one-out per permutation
			pred, err := LeaveOneOut(pl, x, y)
			if err != nil {
				return nil, err
			}
			res.Observed, res.Predictions = PooledMetrics(pred, y), pred
			sink = newNullSink(res.Observed, o)
			if o.Progress != nil {
				o.Progress(1, o.N+1)
			}
			for k := 1; k <= o.N; k++ {
				target := permuted(k)
				pred, err := LeaveOneOut(pl, x, target)
				if err != nil {
					return nil, err
				}
				sink.add(PooledMetrics(pred, target))
				if o.Progress != nil {
					o.Progress(k+1, o.N+1)
				}
			}
			break
		}
		// Batch 0 holds the observed target; the folds' designs always come from y.
		batches := (o.N + permutationBatch) / permutationBatch
		for first := 0; first <= o.N; first += permutationBatch {
			last := min(first+permutationBatch, o.N+1)
			targets := make([][]float64, 0, last-first)
			for k := first; k < last; k++ {
				if k == 0 {
					targets = append(targets, y)
				} else {
					targets = append(targets, permuted(k))
				}
			}
			var progress func(done, total int)
			if o.Progress != nil {
				bi := first / permutationBatch
				progress = func(done, _ int) { o.Progress(bi*n+done, batches*n) }
			}
			preds, notConv, err := leaveOneOutMany(pl, x, y, targets, progress)
			if err != nil {
				return nil, err
			}
			res.NotConverged += notConv
			for b, k := 0, first; k < last; b, k = b+1, k+1 {
				if k == 0 {
					res.Observed, res.Predictions = PooledMetrics(preds[0], y), preds[0]
					sink = newNullSink(res.Observed, o)
				} else {
					sink.add(PooledMetrics(preds[b], targets[b]))
				}
			}
		}
	case PermutePredictions:
		pred, err := LeaveOneOut(pl, x, y)
		if err != nil {
			return nil, err
		}
		return PermutationTestOfPredictions(pred, y, o)
	default:
		return nil, fmt.Errorf("unknown permutation mode %q (%s, %s)", o.Mode, PermuteRefit, PermutePredictions)
	}
	if err := sink.finish(res); err != nil {
		return nil, err
	}
	return res, nil
}

// permutedTarget is permutation k of the target y, drawn from PCG(o.Seed, o.First + k).
func permutedTarget(y []float64, o PermutationOptions, k int) []float64 {
	t := make([]float64, len(y))
	for i, j := range stats.Permutation(o.Seed, uint64(o.First+k), len(y)) {
		t[i] = y[j]
	}
	return t
}

// MetricsP is the permutation p-value of each observed metric against its null (higher r and R²,
// lower MAE are better), under the convention (scikit-learn's (C + 1)/(n + 1) for
// stats.PermSklearn). A null merged from shards gives the p-values of one run.
func MetricsP(observed Metrics, null []Metrics, conv stats.PermutationConvention) (Metrics, error) {
	var p Metrics
	vals := make([]float64, len(null))
	for _, m := range []struct {
		get    func(Metrics) float64
		set    func(*Metrics, float64)
		higher bool
	}{
		{func(m Metrics) float64 { return m.R }, func(m *Metrics, v float64) { m.R = v }, true},
		{func(m Metrics) float64 { return m.MAE }, func(m *Metrics, v float64) { m.MAE = v }, false},
		{func(m Metrics) float64 { return m.R2 }, func(m *Metrics, v float64) { m.R2 = v }, true},
	} {
		for k, nm := range null {
			vals[k] = m.get(nm)
		}
		v, err := stats.PermutationP(m.get(observed), vals, conv, m.higher)
		if err != nil {
			return Metrics{}, err
		}
		m.set(&p, v)
	}
	return p, nil
}

// permutationBatch is how many permutation targets a refit permutation test fits together.
var permutationBatch = 1024

// leaveOneOutMany returns the leave-one-out predictions of the pipeline for each target vector
// (preds[t][i]: subject i left out, fitted on target t), sharing each fold's scaling and centred
// columns across targets.
func leaveOneOutMany(pl Pipeline, x Matrix, design []float64, targets [][]float64, progress func(done, total int)) ([][]float64, int, error) {
	n := x.Rows
	preds := make([][]float64, len(targets))
	for t := range preds {
		preds[t] = make([]float64, n)
	}
	notConv := make([]int, n)
	errs := make([]error, n)
	maxIter, tol := pl.Model.MaxIter, pl.Model.Tol
	if maxIter == 0 {
		maxIter = 1000
	}
	if tol == 0 {
		tol = 1e-4
	}
	if pl.Model.Alpha < 0 || pl.Model.L1Ratio < 0 || pl.Model.L1Ratio > 1 {
		return nil, 0, fmt.Errorf("alpha %g and l1_ratio %g: need alpha ≥ 0 and 0 ≤ l1_ratio ≤ 1", pl.Model.Alpha, pl.Model.L1Ratio)
	}
	parallel.ForProgress(n, progress, func(i int) {
		train := complementSplit(n, []int{i}).Train
		d, err := newPathDesign(pl, x.SelectRows(train), pick(design, train))
		if err != nil {
			errs[i] = fmt.Errorf("fold %d: %w", i, err)
			return
		}
		xte := x.SelectRows([]int{i})
		if d.pre.Scaling != nil {
			xte = d.pre.Scaling.Transform(xte)
		}
		k := effectiveK(pl.K, d.p)
		l1, l2 := d.penalties(pl.Model.Alpha, pl.Model.L1Ratio)
		scores := make([]float64, d.p)
		yc := make([]float64, d.n)
		sel := make([][]float64, k)
		for t, target := range targets {
			yMean := 0.0
			for c, r := range train {
				yc[c] = target[r]
				yMean += target[r]
			}
			yMean /= float64(d.n)
			for c := range yc {
				yc[c] -= yMean
			}
			fScores(scores, d.cols, d.norms, yc)
			chosen := topK(scores, k)
			for c, j := range chosen {
				sel[c] = d.cols[j]
			}
			w, _, _, ok := coordinateDescent(sel[:len(chosen)], yc, l1, l2, maxIter, tol)
			if !ok {
				notConv[i]++
			}
			pred := yMean
			for c, j := range chosen {
				pred += w[c] * (xte.Data[j] - d.means[j])
			}
			preds[t][i] = pred
		}
	})
	total := 0
	for i := range errs {
		if errs[i] != nil {
			return nil, 0, errs[i]
		}
		total += notConv[i]
	}
	return preds, total, nil
}

// BootstrapOptions set a bootstrap of model weights.
type BootstrapOptions struct {
	N          int                       `json:"n"`    // bootstrap samples (the CSps study used 10,000)
	Seed       uint64                    `json:"seed"` // sample b is drawn from PCG(Seed, b): the same for any number of workers
	Convention stats.BootstrapConvention `json:"convention"`
	// Groups, when rows repeat persons, are the rows' persons (PersonIndex): a sample then draws
	// persons with replacement and takes all of their rows (a cluster bootstrap). Nil: rows.
	Groups []int `json:"-"`
	// Progress, if set, is called after each bootstrap refit (done of N); nil is silent.
	Progress func(done, total int) `json:"-"`
}

// BootstrapResult summarises the weights of a pipeline refitted on bootstrap samples of subjects,
// per feature (in the scaled feature space the model works in; a feature not selected in a sample
// has weight 0 there): mean, standard error (SD of the replicates, ddof 1), Z = mean/SE, two-sided
// p under the named convention, and selection frequency (share of samples with a nonzero weight).
type BootstrapResult struct {
	Mean         []float64        `json:"mean"`
	SE           []float64        `json:"se"`
	Z            []float64        `json:"z"`
	P            []float64        `json:"p"`
	Frequency    []float64        `json:"frequency"`
	Options      BootstrapOptions `json:"options"`
	NotConverged int              `json:"not_converged"`
}

// Bootstrap refits the pipeline (fixed hyperparameters) on o.N samples of subjects drawn with
// replacement and summarises every feature's weight. The estimator must be linear (ElasticNet,
// Ridge, a linear SVR, PCR-lasso, logistic regression's decision function); for a random forest,
// a Gaussian process or an RBF SVR, which have no feature weights, it returns an error saying so. The
// replicates are tallied per feature as they are drawn (count, signs, Welford's mean and sum of
// squares of the nonzero ones) and dropped, so memory is O(features), whatever o.N: nothing
// reported needs the draws (no percentile interval is reported).
func Bootstrap(pl Pipeline, x Matrix, y []float64, o BootstrapOptions) (*BootstrapResult, error) {
	n, p := x.Rows, x.Cols
	if o.N < 2 {
		return nil, fmt.Errorf("need at least 2 bootstrap samples, got %d", o.N)
	}
	if n != len(y) {
		return nil, fmt.Errorf("%d samples but %d targets", n, len(y))
	}
	if _, err := stats.BootstrapP([]float64{1}, 1, 1, o.Convention); err != nil {
		return nil, err
	}
	if o.Groups != nil && len(o.Groups) != n {
		return nil, fmt.Errorf("%d samples but %d group labels", n, len(o.Groups))
	}
	if err := o.CheckBudget(n, p); err != nil {
		return nil, err
	}
	if pl.Regressor != nil { // weights exist only for a linear estimator: refuse before N refits
		f, err := pl.Fit(x, y)
		if err != nil {
			return nil, err
		}
		if _, _, err := f.Weights(); err != nil {
			return nil, fmt.Errorf("the weight bootstrap needs a linear model: %w", err)
		}
	}
	type sparse struct {
		idx  []int
		w    []float64
		conv bool
	}
	res := &BootstrapResult{Options: o, Mean: make([]float64, p), SE: make([]float64, p), Z: make([]float64, p),
		P: make([]float64, p), Frequency: make([]float64, p)}
	// Each feature's nonzero replicates are tallied in draw order (Welford's mean and sum of
	// squares, and their signs), a block of samples at a time, so the result does not depend on
	// the number of workers and memory does not grow with the samples.
	nz := make([]int, p)
	pos, neg := make([]int, p), make([]int, p)
	meanNZ, m2NZ := make([]float64, p), make([]float64, p)
	samples := make([]sparse, min(o.N, bootstrapBlock))
	errs := make([]error, len(samples))
	for b0 := 0; b0 < o.N; b0 += bootstrapBlock {
		m := min(bootstrapBlock, o.N-b0)
		var blockProgress func(done, total int) // refits of this block, counted from the run's start
		if o.Progress != nil {
			blockProgress = func(done, _ int) { o.Progress(b0+done, o.N) }
		}
		parallel.ForProgress(m, blockProgress, func(i int) {
			b := b0 + i
			samples[i], errs[i] = sparse{}, nil
			rng := rand.New(rand.NewPCG(o.Seed, uint64(b+1)))
			rows := bootstrapRows(n, o.Groups, rng.IntN)
			f, err := pl.Fit(x.SelectRows(rows), pick(y, rows))
			if err != nil {
				errs[i] = fmt.Errorf("bootstrap sample %d: %w", b, err)
				return
			}
			coef, _, err := f.Weights()
			if err != nil {
				errs[i] = fmt.Errorf("bootstrap sample %d: %w", b, err)
				return
			}
			s := sparse{conv: f.Model == nil || f.Model.Converged}
			for c, w := range coef {
				if w != 0 {
					s.idx = append(s.idx, f.Selected[c])
					s.w = append(s.w, w)
				}
			}
			samples[i] = s
		})
		for i := 0; i < m; i++ {
			if errs[i] != nil {
				return nil, errs[i]
			}
			s := samples[i]
			if !s.conv {
				res.NotConverged++
			}
			for c, j := range s.idx {
				v := s.w[c]
				nz[j]++
				d := v - meanNZ[j]
				meanNZ[j] += d / float64(nz[j])
				m2NZ[j] += d * (v - meanNZ[j])
				switch {
				case v > 0:
					pos[j]++
				case v < 0:
					neg[j]++
				}
			}
		}
	}
	nb := float64(o.N)
	for j := 0; j < p; j++ {
		k := float64(nz[j])
		mean := meanNZ[j] * k / nb
		// The sum of squares about the mean of all replicates: the nonzero ones' about their own
		// mean, their shift to the overall mean, and the zero replicates.
		ss := m2NZ[j] + k*(meanNZ[j]-mean)*(meanNZ[j]-mean) + (nb-k)*mean*mean
		se := math.Sqrt(ss / (nb - 1))
		pv, err := stats.BootstrapPCounts(o.N, pos[j], neg[j], mean, se, o.Convention)
		if err != nil {
			return nil, err
		}
		res.Mean[j], res.SE[j], res.P[j], res.Frequency[j] = mean, se, pv, k/nb
		if se > 0 {
			res.Z[j] = mean / se
		}
	}
	return res, nil
}
