package learn

import (
	"math"
	"strings"
	"testing"
)

// Issue 21: `--max-iter -1` is refused and `signature train --alpha 0` (minutes of coordinate
// descent without a penalty) fails at once, naming the value.
func TestModelOptionsRefuseDegenerateValues(t *testing.T) {
	for want, edit := range map[string]func(*ModelOptions){
		"max-iter -1":  func(o *ModelOptions) { o.MaxIter = -1 },
		"max-iter 0":   func(o *ModelOptions) { o.MaxIter = 0 },
		"alpha 0":      func(o *ModelOptions) { o.Alpha = []float64{0.01, 0} },
		"alpha NaN":    func(o *ModelOptions) { o.Alpha = []float64{math.NaN()} },
		"l1_ratio 1.5": func(o *ModelOptions) { o.L1Ratio = []float64{1.5} },
		"tol -0.001":   func(o *ModelOptions) { o.Tol = -1e-3 },
		"alpha -1":     func(o *ModelOptions) { o.Model, o.Alpha = "ridge", []float64{-1} },
	} {
		o := DefaultModelOptions()
		edit(&o)
		if _, err := o.Pipeline(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v", want, err)
		}
	}
	o := DefaultModelOptions()
	o.Model, o.Alpha = "ridge", []float64{0}
	if _, err := o.Pipeline(); err != nil {
		t.Errorf("ridge with alpha 0 (least squares) is valid: %v", err)
	}
}
