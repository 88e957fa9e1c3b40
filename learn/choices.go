package learn

import (
	"fmt"
	"strconv"
	"strings"
)

// cvNumbers are the numbers each cross-validation scheme of ParseCV takes (stratified: 1 or 2).
var cvNumbers = map[string][]int{"": {0}, "loo": {0}, "kfold": {1}, "shuffled": {2}, "repeated": {3}, "stratified": {1, 2}, "groupkfold": {1}, "logo": {0}}

// CheckCV checks a cross-validation scheme as ParseCV reads it (its name and how many integers
// follow it) without data, so that a command refuses a misspelt --cv before reading anything.
func CheckCV(spec string) error {
	parts := strings.Split(spec, ":")
	counts, ok := cvNumbers[parts[0]]
	if !ok {
		return fmt.Errorf("unknown cross-validation %q (loo, kfold:K, shuffled:K:SEED, repeated:K:R:SEED, stratified:K[:SEED], groupkfold:K, logo)", spec)
	}
	for _, c := range counts {
		if len(parts)-1 == c {
			for _, p := range parts[1:] {
				if _, err := strconv.ParseUint(p, 10, 64); err != nil {
					return fmt.Errorf("cross-validation %q: %q is not a non-negative integer", spec, p)
				}
			}
			return nil
		}
	}
	return fmt.Errorf("cross-validation %q: %s takes %d number(s)", spec, parts[0], counts[0])
}

// CheckScoring refuses an objective the searches do not know (naming those they do).
func CheckScoring(s Scoring) error { return checkScoring(s) }

// CheckSolver refuses a search solver other than path and exact.
func CheckSolver(s Solver) error {
	if s != SolverPath && s != SolverExact && s != "" {
		return fmt.Errorf("unknown solver %q (%s, %s)", s, SolverPath, SolverExact)
	}
	return nil
}

// CheckPermutationMode refuses a permutation mode other than refit and predictions.
func CheckPermutationMode(m PermutationMode) error {
	if m != PermuteRefit && m != PermutePredictions && m != "" {
		return fmt.Errorf("unknown permutation mode %q (%s, %s)", m, PermuteRefit, PermutePredictions)
	}
	return nil
}

// CheckMaxFeatures checks a random forest's max features (ForestOptions' MaxFeatures: "", 1.0,
// sqrt, log2, a count or a fraction in (0, 1]) without data, so that a command refuses a misspelt
// one before reading anything (the count is checked against the features when the tree is grown).
func CheckMaxFeatures(s string) error {
	switch s {
	case "", "1.0", "sqrt", "log2":
		return nil
	}
	if _, err := strconv.Atoi(s); err == nil { // a count (below 1: one feature, as the forest clamps it)
		return nil
	}
	if v, err := strconv.ParseFloat(s, 64); err == nil && v > 0 && v <= 1 {
		return nil
	}
	return fmt.Errorf("max features %q: give sqrt, log2, a count or a fraction in (0, 1]", s)
}
