package learn

import (
	"fmt"
	"strings"
)

// PersonCV builds the folds of a cross-validation spec (ParseCV) for rows that may repeat persons:
// persons[i] is row i's person (a BIDS participant_id; nil when every row is another person, and
// then it is ParseCV). With repeated measures a person's rows always fall in the same fold, so no
// person is in a training and a test set at once: "loo" becomes leave-one-person-out
// (LeaveOneGroupOut over the persons, scikit-learn's), "groupkfold:K" and "logo" group by person
// unless group labels are given (which must then keep each person in one group), and the schemes
// that split rows (kfold, shuffled, repeated, stratified) are refused.
func PersonCV(spec string, y []float64, groups, persons []string) ([]Split, error) {
	if persons == nil {
		return ParseCV(spec, y, groups)
	}
	if len(persons) != len(y) {
		return nil, fmt.Errorf("%d persons for %d rows", len(persons), len(y))
	}
	scheme, _, _ := strings.Cut(spec, ":")
	switch scheme {
	case "loo", "":
		if scheme != spec {
			return nil, fmt.Errorf("cross-validation %q: loo takes no number", spec)
		}
		return LeaveOneGroupOutSplits(persons)
	case "groupkfold", "logo":
		if groups == nil {
			return ParseCV(spec, y, persons)
		}
		if len(groups) == len(persons) {
			of := map[string]string{}
			for i, p := range persons {
				if g, ok := of[p]; ok && g != groups[i] {
					return nil, fmt.Errorf("cross-validation %q: person %s has rows in groups %s and %s; a person's rows must stay in one fold", spec, p, g, groups[i])
				}
				of[p] = groups[i]
			}
		}
		return ParseCV(spec, y, groups)
	}
	return nil, fmt.Errorf("cross-validation %q splits rows, and the rows repeat persons (several runs of one person kept as repeated measures): use loo (leave-one-person-out), logo or groupkfold:K, or combine each person's runs into one row", spec)
}

// NestedLeaveOneGroupOut is NestedLeaveOneOut with groups (persons): the outer folds hold out one
// group, the inner search leaves one group of the outer training rows out. Without groups it is
// NestedLeaveOneOut.
func NestedLeaveOneGroupOut(s Solver, base Pipeline, g Grid, scoring Scoring, x Matrix, y []float64, groups []string) (*NestedResult, error) {
	if groups == nil {
		return NestedLeaveOneOut(s, base, g, scoring, x, y)
	}
	outer, err := LeaveOneGroupOutSplits(groups)
	if err != nil {
		return nil, err
	}
	res := &NestedResult{Chosen: make([]Candidate, x.Rows), Predictions: make([]float64, x.Rows)}
	for f, sp := range outer {
		inner, err := LeaveOneGroupOutSplits(pickStrings(groups, sp.Train))
		if err != nil {
			return nil, fmt.Errorf("outer fold %d: %w", f, err)
		}
		sr, err := Search(s, base, g, scoring, x.SelectRows(sp.Train), pick(y, sp.Train), inner)
		if err != nil {
			return nil, fmt.Errorf("outer fold %d: %w", f, err)
		}
		pred := sr.Refit.Predict(x.SelectRows(sp.Test))
		for k, i := range sp.Test {
			res.Chosen[i], res.Predictions[i] = sr.Candidates[sr.Best], pred[k]
		}
	}
	return res, nil
}

func pickStrings(v []string, idx []int) []string {
	out := make([]string, len(idx))
	for k, i := range idx {
		out[k] = v[i]
	}
	return out
}
