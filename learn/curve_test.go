package learn

import (
	"runtime"
	"testing"
)

// On the Bochum sample the RPN pipeline's out-of-sample r grows with the training size, and the
// curve does not depend on the number of workers.
func TestLearningCurveOnBochum(t *testing.T) {
	x, y, _ := bochumData(t)
	sizes := []int{10, 20, 30}
	c, err := LearningCurve(rpnPipeline, x, y, sizes, 30, 2)
	if err != nil {
		t.Fatal(err)
	}
	if !(c[0].MeanR < c[2].MeanR) {
		t.Errorf("mean r %.3f at 10 subjects, %.3f at 30: no growth", c[0].MeanR, c[2].MeanR)
	}
	prev := runtime.GOMAXPROCS(1)
	one, _ := LearningCurve(rpnPipeline, x, y, sizes, 30, 2)
	runtime.GOMAXPROCS(prev)
	for i := range c {
		if c[i].MeanR != one[i].MeanR || c[i].MeanMAE != one[i].MeanMAE {
			t.Fatal("the learning curve depends on the number of workers")
		}
	}
	if _, err := LearningCurve(rpnPipeline, x, y, []int{33}, 10, 1); err == nil {
		t.Error("a training size leaving 2 subjects to test accepted")
	}
	for _, p := range c {
		t.Logf("train on %d: r = %.3f ± %.3f, MAE = %.3f ± %.3f", p.TrainSize, p.MeanR, p.SDR, p.MeanMAE, p.SDMAE)
	}
}
