package connectome

import (
	"math"
	"math/rand"
	"runtime"
	"testing"

	"github.com/painmark/painmark/atlas"
	"github.com/painmark/painmark/internal/fixtures"
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
	// A reused buffer (holding another run's values) gets exactly the same series; a buffer of the
	// wrong shape is refused.
	dirty := signal.NewMatrix(ets.Rows, ets.Cols)
	for i := range dirty.Data {
		dirty.Data[i] = float64(i)
	}
	if err := EdgeTimeSeriesInto(dirty, x); err != nil {
		t.Fatal(err)
	}
	for i := range dirty.Data {
		if dirty.Data[i] != ets.Data[i] {
			t.Fatalf("reused buffer: value %d is %v, fresh %v", i, dirty.Data[i], ets.Data[i])
		}
	}
	if err := EdgeTimeSeriesInto(signal.NewMatrix(ets.Rows-1, ets.Cols), x); err == nil {
		t.Error("a buffer with too few frames accepted")
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
	// With 150 regions the edges span several blocks, spread over the workers.
	wide := correlatedSeries(rand.New(rand.NewSource(2)), 40, 150)
	wideBins := QuantileBins(wide.Column(3), 3)
	if len(triangleRowBlocks(150, edgeBlockSize)) < 3 {
		t.Fatal("the wide case should span several edge blocks")
	}
	w1, wc, err := BinnedEdgeTimeSeries(wide, wideBins, 3)
	if err != nil {
		t.Fatal(err)
	}
	prev = runtime.GOMAXPROCS(1)
	w2, _, _ := BinnedEdgeTimeSeries(wide, wideBins, 3)
	runtime.GOMAXPROCS(prev)
	wideETS := EdgeTimeSeries(wide)
	for b := 0; b < 3; b++ {
		for k := 0; k < wideETS.Cols; k++ {
			if w1.At(b, k) != w2.At(b, k) {
				t.Fatal("binned edge series of 150 regions depend on the number of workers")
			}
			var s float64
			for tt, bb := range wideBins {
				if bb == b {
					s += wideETS.At(tt, k)
				}
			}
			if math.Abs(s/float64(wc[b])-w1.At(b, k)) > 1e-12 {
				t.Fatalf("150 regions: bin %d edge %d is %v, materialised mean %v", b, k, w1.At(b, k), s/float64(wc[b]))
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
	in, err := table.Read(fixtures.Shared(t, "golden", "dcc", "input_series_zscored.csv"), nil)
	if err != nil {
		t.Fatal(err)
	}
	x, _ := in.Floats("AINS_pd")
	y, _ := in.Floats("ACcor_d")
	gold, err := table.Read(fixtures.Shared(t, "golden", "dcc", "sliding_window_pair1.csv"), nil)
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
		wt, _ := table.Read(fixtures.Shared(t, "golden", "dcc", map[int]string{20: "taper_weights_w20_s3.csv", 30: "taper_weights_w30_s3.csv"}[w]), nil)
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

// Vectorize walks Edges' order (the one definition of feature order), halves the diagonal by √2
// as nilearn does, and Unvectorize inverts it.
func TestVectorizeFollowsEdges(t *testing.T) {
	p := 7
	s := newSym(p)
	for i := 0; i < p; i++ {
		for j := 0; j <= i; j++ {
			v := float64(10*i + j + 1)
			s.Data[i*p+j], s.Data[j*p+i] = v, v
		}
	}
	for _, discard := range []bool{true, false} {
		v := Vectorize(s, discard)
		edges := Edges(p, discard)
		if len(v) != len(edges) || len(v) != NumEdges(p, discard) {
			t.Fatalf("discard=%v: %d values for %d edges", discard, len(v), len(edges))
		}
		for k, e := range edges {
			want := s.At(e.I, e.J)
			if e.I == e.J {
				want /= math.Sqrt2
			}
			if v[k] != want {
				t.Fatalf("discard=%v: value %d is %g, edge (%d,%d) holds %g", discard, k, v[k], e.I, e.J, want)
			}
		}
		diag := make([]float64, p)
		for i := range diag {
			diag[i] = s.At(i, i)
		}
		back, err := Unvectorize(v, discard, diag)
		if err != nil {
			t.Fatal(err)
		}
		for i := range back.Data {
			if math.Abs(back.Data[i]-s.Data[i]) > 1e-13*math.Abs(s.Data[i]) {
				t.Fatalf("discard=%v: round trip entry %d is %g, want %g", discard, i, back.Data[i], s.Data[i])
			}
		}
	}
}

// EdgeIndex is the inverse of Edges' order without the diagonal, in either direction.
func TestEdgeIndexInvertsEdges(t *testing.T) {
	for k, e := range Edges(9, true) {
		if got := EdgeIndex(e.I, e.J); got != k {
			t.Fatalf("EdgeIndex(%d, %d) = %d, Edges puts it at %d", e.I, e.J, got, k)
		}
		if got := EdgeIndex(e.J, e.I); got != k {
			t.Fatalf("EdgeIndex(%d, %d) = %d, want %d", e.J, e.I, got, k)
		}
	}
}
