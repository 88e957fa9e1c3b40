package learn

import (
	"fmt"
	"math"
	"slices"
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

// Features that vary in one subject only (constant across every other subject) are refused naming
// that subject's row: left out, its fold has every feature constant across the training subjects,
// and leave-one-out gave r = -0.999 on noise (issue 21). Two varying subjects, or features varying
// in different subjects, train as before.
func TestCheckTrainingOneVaryingSubject(t *testing.T) {
	const n, p = 12, 5
	y := make([]float64, n)
	for i := range y {
		y[i] = float64((i * 7) % n)
	}
	x := Matrix{Rows: n, Cols: p, Data: make([]float64, n*p)}
	for i := range x.Data {
		x.Data[i] = 3
	}
	for _, odd := range []int{0, 1, 7, n - 1} {
		x := Matrix{Rows: n, Cols: p, Data: slices.Clone(x.Data)}
		for j := 0; j < p; j++ {
			if j != 2 { // one feature stays constant everywhere
				x.Data[odd*p+j] = float64(j) - 1.5
			}
		}
		err := CheckTraining(x, y)
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("(data row %d)", odd+1)) {
			t.Errorf("features varying in row %d only: %v", odd+1, err)
		}
		two := Matrix{Rows: n, Cols: p, Data: slices.Clone(x.Data)}
		two.Data[((odd+1)%n)*p] = 9 // a second subject varies in feature 0
		if err := CheckTraining(two, y); err != nil {
			t.Errorf("two varying subjects refused: %v", err)
		}
	}
	mixed := Matrix{Rows: n, Cols: p, Data: slices.Clone(x.Data)}
	mixed.Data[1*p+0], mixed.Data[4*p+3] = 1, 1 // feature 0 varies in row 2, feature 3 in row 5
	if err := CheckTraining(mixed, y); err != nil {
		t.Errorf("features varying in different subjects refused: %v", err)
	}
	if err := CheckTraining(x, y); err == nil || !strings.Contains(err.Error(), "constant across the 12 subjects") {
		t.Errorf("all constant: %v", err)
	}
}
