package connectome

import (
	"math"
	"math/rand"
	"runtime"
	"testing"

	"github.com/painmark/painmark/atlas"
	"github.com/painmark/painmark/internal/testdata"
	"github.com/painmark/painmark/signal"
	"github.com/painmark/painmark/table"
)

func TestEdgeTimeSeriesAveragesToCorrelation(t *testing.T) {
	x := correlatedSeries(rand.New(rand.NewSource(1)), 150, 9)
	ets := EdgeTimeSeries(x)
	corr, _, _ := Measure{Kind: Correlation, Estimator: EmpiricalEstimator, Scaling: ZScoreSeries}.Matrix(x)
	want := Vectorize(corr, true)
	for k := range want {
		var m float64
		for tt := 0; tt < ets.Rows; tt++ {
			m += ets.At(tt, k)
		}
		m /= float64(ets.Rows)
		if math.Abs(m-want[k]) > 1e-12 {
			t.Fatalf("edge %d: mean co-fluctuation %v, correlation %v", k, m, want[k])
		}
	}
	// Bins: the binned means equal the means of the materialised series over each bin's frames,
	// and do not depend on the number of workers.
	bins := QuantileBins(x.Column(0), 4)
	bins[7] = -1
	b1, counts, err := BinnedEdgeTimeSeries(x, bins, 4)
	if err != nil {
		t.Fatal(err)
	}
	prev := runtime.GOMAXPROCS(1)
	b2, _, _ := BinnedEdgeTimeSeries(x, bins, 4)
	runtime.GOMAXPROCS(prev)
	for i := range b1.Data {
		if b1.Data[i] != b2.Data[i] {
			t.Fatal("binned edge series depend on the number of workers")
		}
	}
	if counts[0]+counts[1]+counts[2]+counts[3] != 149 {
		t.Errorf("counts %v", counts)
	}
	for b := 0; b < 4; b++ {
		for k := 0; k < ets.Cols; k += 5 {
			var s float64
			for tt, bb := range bins {
				if bb == b {
					s += ets.At(tt, k)
				}
			}
			if math.Abs(s/float64(counts[b])-b1.At(b, k)) > 1e-12 {
				t.Fatalf("bin %d edge %d", b, k)
			}
		}
	}
	if _, _, err := BinnedEdgeTimeSeries(x, bins[:10], 4); err == nil {
		t.Error("wrong number of bin labels accepted")
	}
}

func TestEdgeMasksForAblations(t *testing.T) {
	var regions []atlas.Region
	for i := 0; i < 5; i++ {
		regions = append(regions, atlas.Region{Name: "b", System: atlas.Brain})
	}
	regions = append(regions, atlas.Region{Name: "pag", System: atlas.Brainstem})
	for i := 0; i < 4; i++ {
		regions = append(regions, atlas.Region{Name: "s", System: atlas.Spinal})
	}
	count := func(m []bool) int {
		n := 0
		for _, v := range m {
			if v {
				n++
			}
		}
		return n
	}
	brain := EdgeMask(regions, Within(Supraspinal, "brain"))   // 6 supraspinal regions: 15 edges
	spinal := EdgeMask(regions, Within(Supraspinal, "spinal")) // 4: 6
	cross := EdgeMask(regions, Between(Supraspinal))           // 6 x 4 = 24
	noCross := EdgeMask(regions, NotBetween(Supraspinal))      // 15 + 6
	if count(brain) != 15 || count(spinal) != 6 || count(cross) != 24 || count(noCross) != 21 || len(brain) != 45 {
		t.Errorf("brain %d spinal %d cross %d no-cross %d of %d", count(brain), count(spinal), count(cross), count(noCross), len(brain))
	}
	if sel := SelectRegions(regions, Supraspinal, "spinal"); len(sel) != 4 || sel[0] != 6 {
		t.Errorf("spinal regions %v", sel)
	}
}

// TestSlidingWindowsMatchReference compares with the Lindquist toolbox's sliding_window and
// tapered_sliding_window outputs in ../shared/data/golden/dcc (Octave, pair 1 of a Bochum subject).
func TestSlidingWindowsMatchReference(t *testing.T) {
	in, err := table.Read(testdata.Shared(t, "golden", "dcc", "input_series_zscored.csv"), nil)
	if err != nil {
		t.Fatal(err)
	}
	x, _ := in.Floats("AINS_pd")
	y, _ := in.Floats("ACcor_d")
	gold, err := table.Read(testdata.Shared(t, "golden", "dcc", "sliding_window_pair1.csv"), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		col   string
		w     int
		taper bool
	}{{"sw_w20", 20, false}, {"sw_w30", 30, false}, {"tsw_w20_s3", 20, true}, {"tsw_w30_s3", 30, true}} {
		want, err := gold.Floats(c.col)
		if err != nil {
			t.Fatal(err)
		}
		var got []float64
		if c.taper {
			got, err = TaperedSlidingWindow(x, y, c.w, 3)
		} else {
			got, err = SlidingWindow(x, y, c.w)
		}
		if err != nil {
			t.Fatal(err)
		}
		if d := maxAbsDiff(got, want); !(d <= 1e-12) {
			t.Errorf("%s: max |difference| %.3g", c.col, d)
		}
	}
	for _, w := range []int{20, 30} {
		wt, _ := table.Read(testdata.Shared(t, "golden", "dcc", map[int]string{20: "taper_weights_w20_s3.csv", 30: "taper_weights_w30_s3.csv"}[w]), nil)
		want := wt.Columns[len(wt.Columns)-1].Values
		if d := maxAbsDiff(TaperWeights(w, 3), want); !(d <= 1e-15) {
			t.Errorf("taper weights w=%d differ by %.3g (%d vs %d values)", w, d, len(TaperWeights(w, 3)), len(want))
		}
	}
}

// Cohort's features-only path (pooled buffers) gives exactly the vectors of Vectorize(Matrix(x)).
func TestCohortFeaturesOnlyEqualsMatrices(t *testing.T) {
	rng := rand.New(rand.NewSource(9))
	var subjects []signal.Matrix
	for i := 0; i < 5; i++ {
		subjects = append(subjects, correlatedSeries(rng, 90, 30))
	}
	for _, k := range []Kind{PartialCorrelation, Precision, Correlation, Covariance} {
		o := CohortOptions{Measure: Measure{Kind: k, Scaling: ZScoreSeries}, DiscardDiagonal: true}
		full, err := Cohort(subjects, o)
		if err != nil {
			t.Fatal(err)
		}
		o.FeaturesOnly = true
		fast, err := Cohort(subjects, o)
		if err != nil {
			t.Fatal(err)
		}
		for s := range subjects {
			for e := range full.Features[s] {
				if full.Features[s][e] != fast.Features[s][e] {
					t.Fatalf("%s subject %d edge %d: %v vs %v", k, s, e, full.Features[s][e], fast.Features[s][e])
				}
			}
			if full.Info[s] != fast.Info[s] {
				t.Errorf("%s: info differs", k)
			}
		}
	}
}
