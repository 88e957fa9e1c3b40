package learn

// kernelScores is scores of the kernel form.
func (pop *population) kernelScores(y []float64, folds []FoldPredictions) ([][]float64, int, error) {
	all, err := pop.kernel.Predict([][]float64{y})
	if err != nil {
		return nil, 0, err
	}
	out := make([][]float64, len(pop.splits))
	for f, fp := range all[0] {
		out[f] = pop.scoreFold(f, y, fp.Predictions)
	}
	if folds != nil {
		copy(folds, all[0])
	}
	return out, 0, nil
}

// kernelBatch is how many permuted targets the kernel form predicts at once (one matrix product).
// Permutation k is always column (k−1) mod kernelBatch of batch ⌊(k−1)/kernelBatch⌋, zero targets
// filling the columns outside the block asked for, so its arithmetic is the same whichever block of
// permutations it is computed in (BLAS kernels may round a column differently in another shape).
var kernelBatch = 128

// kernelNull is null for the kernel form: batches of permuted targets, each one matrix product,
// scored from the held-out residuals.
func (pop *population) kernelNull(y []float64, first, count int) ([]float64, error) {
	out := make([]float64, count)
	nb, done := kernelBatch, 0
	in := func(k int) bool { return k >= first && k < first+count }
	for k0 := first - first%nb; k0 < first+count; k0 += nb {
		ys := make([][]float64, nb)
		scores := make([][][]float64, nb) // target x fold x alpha
		for b := range ys {
			if ys[b] = make([]float64, len(y)); in(k0 + b) {
				ys[b] = pop.permuted(y, k0+b+1)
			}
			scores[b] = make([][]float64, len(pop.splits))
			for f := range scores[b] {
				scores[b][f] = make([]float64, len(pop.cands))
			}
		}
		err := pop.kernel.residuals(ys, func(f, a int, res []float64) {
			test := pop.splits[f].Test
			pred, truth := make([]float64, len(test)), make([]float64, len(test))
			for b, t := range ys {
				if !in(k0 + b) {
					continue
				}
				for i, s := range test {
					truth[i], pred[i] = t[s], t[s]-res[i*nb+b]
				}
				scores[b][f][a] = populationScore(pop.o.Scoring, pred, truth)
			}
		})
		if err != nil {
			return nil, err
		}
		for b := range ys {
			if in(k0 + b) {
				out[k0+b-first] = statistic(scores[b])
				done++
			}
		}
		if pop.o.Progress != nil {
			pop.o.Progress(done, count)
		}
	}
	return out, nil
}
