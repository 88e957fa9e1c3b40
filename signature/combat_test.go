package signature

import (
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/learn"
)

// siteCohort is a cohort of three sites whose features carry a planted site effect (an additive
// shift and a scale per site) over a signal: the outcome is a combination of the first features.
func siteCohort(seed uint64, n, p int) Cohort {
	rng := rand.New(rand.NewPCG(seed, 2))
	shift, scale := []float64{0, 3, -2}, []float64{1, 2, 0.5}
	c := Cohort{Name: "sites", X: learn.Matrix{Rows: n, Cols: p, Data: make([]float64, n*p)}, Y: make([]float64, n)}
	for i := 0; i < n; i++ {
		s := i % 3
		c.Subjects, c.Sites = append(c.Subjects, fmt.Sprintf("sub-%02d", i+1)), append(c.Sites, fmt.Sprintf("site%d", s+1))
		for j := 0; j < p; j++ {
			c.X.Data[i*p+j] = rng.NormFloat64()
		}
		c.Y[i] = c.X.Data[i*p] - 0.8*c.X.Data[i*p+1] + 0.3*rng.NormFloat64()
		for j := 0; j < p; j++ {
			c.X.Data[i*p+j] = shift[s] + scale[s]*c.X.Data[i*p+j]
		}
	}
	return c
}

func comBatTrainOptions() TrainOptions {
	o := DefaultTrainOptions()
	o.Grid = learn.Grid{K: []int{4}, Alpha: []float64{0.01}, L1Ratio: []float64{0.5}}
	o.Base.K = 4
	return o
}

// With ComBat inside training, a left-out subject is never seen: its cross-validated prediction
// is, to rounding, what the signature trained (with ComBat) on all the other subjects predicts
// for it through the signature path (written, read back, applied with its site); the planted site
// effect is removed (CV r higher than without ComBat); a cohort without sites, a site the ComBat
// was not fitted on and the bare matrix Apply are refused.
func TestComBatTrainingNeverSeesTheLeftOutSubject(t *testing.T) {
	c := siteCohort(5, 36, 10)
	res, err := TrainCohort(c, comBatTrainOptions())
	if err != nil {
		t.Fatal(err)
	}
	if res.Signature.ComBat == nil || len(res.Signature.ComBat.Sites) != 3 {
		t.Fatalf("the signature keeps no ComBat of three sites: %+v", res.Signature.ComBat)
	}
	plain := c
	plain.Sites = nil
	res0, err := TrainCohort(plain, comBatTrainOptions())
	if err != nil {
		t.Fatal(err)
	}
	if !(res.Report.CV.R > res0.Report.CV.R+0.05) {
		t.Errorf("CV r with ComBat %.3f, without %.3f: the planted site effect was not removed", res.Report.CV.R, res0.Report.CV.R)
	}
	t.Logf("CV r with ComBat %.3f, without %.3f", res.Report.CV.R, res0.Report.CV.R)
	dir := t.TempDir()
	for _, left := range []int{0, 13, 35} {
		var keep []int
		for i := 0; i < c.X.Rows; i++ {
			if i != left {
				keep = append(keep, i)
			}
		}
		rest := Cohort{Name: "rest", Subjects: pickStrings(c.Subjects, keep), Sites: pickStrings(c.Sites, keep), X: c.X.SelectRows(keep), Y: make([]float64, len(keep))}
		for k, i := range keep {
			rest.Y[k] = c.Y[i]
		}
		r, err := TrainCohort(rest, comBatTrainOptions())
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, fmt.Sprintf("left%d.signature.json", left))
		if err := Write(path, r.Signature); err != nil {
			t.Fatal(err)
		}
		s, err := Read(path)
		if err != nil {
			t.Fatal(err)
		}
		one := Cohort{Name: "one", Subjects: c.Subjects[left : left+1], Sites: c.Sites[left : left+1], X: c.X.SelectRows([]int{left})}
		a, err := Apply(s, one)
		if err != nil {
			t.Fatal(err)
		}
		if d := math.Abs(a.Predictions[0] - res.Report.CVPredictions[left]); d > 1e-12 {
			t.Errorf("subject %d: CV prediction %v, the signature trained without it predicts %v", left, res.Report.CVPredictions[left], a.Predictions[0])
		}
	}
	s := res.Signature
	noSites := c
	noSites.Sites = nil
	if _, err := Apply(s, noSites); err == nil || !strings.Contains(err.Error(), "site") {
		t.Errorf("a cohort without sites: %v", err)
	}
	other := c
	other.Sites = append([]string{"site9"}, c.Sites[1:]...)
	if _, err := Apply(s, other); err == nil || !strings.Contains(err.Error(), "site9") {
		t.Errorf("an unknown site: %v", err)
	}
	if _, err := s.Apply(c.X); err == nil {
		t.Error("the bare matrix Apply of a ComBat signature was accepted")
	}
	o := comBatTrainOptions()
	o.Bootstraps = 10
	if _, err := TrainCohort(c, o); err == nil || !strings.Contains(err.Error(), "ComBat") {
		t.Errorf("bootstraps with ComBat: %v", err)
	}
}
