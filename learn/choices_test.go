package learn

import "testing"

// CheckCV accepts what ParseCV reads and refuses, naming the schemes, what it refuses.
func TestCheckCV(t *testing.T) {
	y := make([]float64, 60)
	for i := range y {
		y[i] = float64(i % 2)
	}
	for _, s := range []string{"loo", "", "kfold:5", "shuffled:5:1", "repeated:5:2:1", "stratified:5", "stratified:5:3"} {
		if err := CheckCV(s); err != nil {
			t.Errorf("%q: %v", s, err)
		}
		if _, err := ParseCV(s, y, nil); err != nil {
			t.Errorf("ParseCV %q: %v", s, err)
		}
	}
	for _, s := range []string{"bogus", "kfold", "kfold:x", "kfold:5:1", "loo:3", "repeated:5:2"} {
		if err := CheckCV(s); err == nil {
			t.Errorf("%q accepted", s)
		}
		if _, err := ParseCV(s, y, nil); err == nil {
			t.Errorf("ParseCV accepted %q", s)
		}
	}
}

// CheckMaxFeatures accepts exactly what the forest's trees read (on 100 features), so a command
// refuses a misspelt --max-features before any input is read and never one a tree would take.
func TestCheckMaxFeatures(t *testing.T) {
	for _, s := range []string{"", "1.0", "sqrt", "log2", "7", "0", "0.5", "1", "bogus", "-0.5", "1.5", "sqrt2", "0x10"} {
		_, treeErr := DecisionTree{MaxFeatures: s}.resolve(100)
		if err := CheckMaxFeatures(s); (err == nil) != (treeErr == nil) {
			t.Errorf("%q: CheckMaxFeatures %v, the tree %v", s, err, treeErr)
		}
	}
}
