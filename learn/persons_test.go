package learn

import (
	"fmt"
	"strings"
	"testing"
)

// TestPersonFolds: with a person's runs kept as rows, no fold splits a person: every person's
// rows are all in the test set of the same fold, for every scheme PersonCV accepts.
func TestPersonFolds(t *testing.T) {
	var persons []string
	var y []float64
	for p := 0; p < 7; p++ {
		for r := 0; r <= p%3; r++ { // 1 to 3 runs per person
			persons = append(persons, fmt.Sprintf("sub-%02d", p))
			y = append(y, float64(p))
		}
	}
	for _, spec := range []string{"loo", "logo", "groupkfold:3"} {
		splits, err := PersonCV(spec, y, nil, persons)
		if err != nil {
			t.Fatal(spec, err)
		}
		foldOf := map[string]int{}
		tested := 0
		for f, sp := range splits {
			train := map[string]bool{}
			for _, i := range sp.Train {
				train[persons[i]] = true
			}
			for _, i := range sp.Test {
				tested++
				if train[persons[i]] {
					t.Fatalf("%s fold %d: %s is in both the training and the test set", spec, f, persons[i])
				}
				if g, ok := foldOf[persons[i]]; ok && g != f {
					t.Fatalf("%s: %s's runs fall in folds %d and %d", spec, persons[i], g, f)
				}
				foldOf[persons[i]] = f
			}
		}
		if tested != len(persons) || (spec != "groupkfold:3" && len(splits) != 7) {
			t.Fatalf("%s: %d folds testing %d rows", spec, len(splits), tested)
		}
	}
	if _, err := PersonCV("kfold:3", y, nil, persons); err == nil || !strings.Contains(err.Error(), "repeat persons") {
		t.Fatalf("kfold over repeated measures: %v", err)
	}
	sites := make([]string, len(persons))
	for i := range sites {
		sites[i] = "a"
		if i == 1 { // sub-01's second run at another site
			sites[i] = "b"
		}
	}
	if _, err := PersonCV("logo", y, sites, persons); err == nil {
		t.Fatal("a person split over two sites accepted")
	}
	// Without repeated persons it is ParseCV.
	a, _ := PersonCV("loo", y, nil, nil)
	if len(a) != len(y) {
		t.Fatalf("loo without persons: %d folds", len(a))
	}
}
