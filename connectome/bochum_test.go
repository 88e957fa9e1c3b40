package connectome

import (
	"encoding/json"
	"math"
	"os"
	"path"
	"testing"

	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/signal"
	"github.com/painmark/painmark/table"
)

// readMatrix reads a header-less CSV of numbers.
func readMatrix(t *testing.T, p string) signal.Matrix {
	t.Helper()
	tb, err := table.Read(p, &table.Options{Delimiter: ',', NoHeader: true})
	if err != nil {
		t.Fatal(err)
	}
	cols := make([]int, len(tb.Columns))
	for i := range cols {
		cols[i] = i
	}
	data, err := tb.Matrix(cols, true) // NaN cells (a zero-variance region's correlations) kept
	if err != nil {
		t.Fatal(err)
	}
	return signal.Matrix{Rows: tb.NumRows(), Cols: len(cols), Data: data}
}

// bochumSeries reads a subject's ROI series and keeps the frames with FD <= 0.15 mm (the FD file
// has one value fewer than frames; the first frame counts as 0), as PAINTeR does.
func bochumSeries(t *testing.T, tsFile, fdFile string) signal.Matrix {
	t.Helper()
	ts, err := table.Read(fixtures.Shared(t, "painter-bochum", "bochum-sample", "regional_timeseries", tsFile), nil)
	if err != nil {
		t.Fatal(err)
	}
	cols := make([]int, len(ts.Columns))
	for i := range cols {
		cols[i] = i
	}
	data, err := ts.Matrix(cols, false)
	if err != nil {
		t.Fatal(err)
	}
	all := signal.Matrix{Rows: ts.NumRows(), Cols: len(cols), Data: data}
	fdt, err := table.Read(fixtures.Shared(t, "painter-bochum", "bochum-sample", "framewise_displacement", fdFile), nil)
	if err != nil {
		t.Fatal(err)
	}
	fd, _ := fdt.Floats("FramewiseDisplacement")
	keep := []int{0}
	for i, v := range fd {
		if v <= 0.15 {
			keep = append(keep, i+1)
		}
	}
	return all.SelectRows(keep)
}

// maxAbsDiff is the largest |a-b|; NaN on one side only counts as +Inf, NaN on both as equal.
func maxAbsDiff(a, b []float64) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	var d float64
	for i := range a {
		switch na, nb := math.IsNaN(a[i]), math.IsNaN(b[i]); {
		case na && nb:
		case na || nb:
			return math.Inf(1)
		default:
			d = math.Max(d, math.Abs(a[i]-b[i]))
		}
	}
	return d
}

// TestBochumFeaturesMatchPublished recomputes the RPN features of the 35 Bochum subjects from the
// raw series and compares them with the published feature arrays (derived/…_7503.csv, which match
// PAINTeR's own arrays to 5e-14), to 1e-12.
func TestBochumFeaturesMatchPublished(t *testing.T) {
	want := readMatrix(t, fixtures.Shared(t, "painter-bochum", "derived", "features_bochum_partialcorr_7503.csv"))
	parts, err := table.Read(fixtures.Shared(t, "painter-bochum", "res", "bochum_sample_excl.csv"), nil)
	if err != nil {
		t.Fatal(err)
	}
	tsCol, _ := parts.Column("ts_file")
	fdCol, _ := parts.Column("fd_file")
	if want.Rows != 35 || want.Cols != 7503 || parts.NumRows() != 35 {
		t.Fatalf("golden %dx%d, %d subjects", want.Rows, want.Cols, parts.NumRows())
	}
	var worst float64
	for s := 0; s < 35; s++ {
		x := bochumSeries(t, path.Base(tsCol.Raw[s]), path.Base(fdCol.Raw[s]))
		m, _, err := RPNMeasure.Matrix(x)
		if err != nil {
			t.Fatal(err)
		}
		v := Vectorize(m, true)
		d := maxAbsDiff(v, want.Data[s*7503:(s+1)*7503])
		worst = math.Max(worst, d)
		if !(d <= 1e-12) {
			t.Errorf("subject %d (%s): max |difference| %.3g", s, tsCol.Raw[s], d)
		}
	}
	t.Logf("35 subjects x 7503 features: max |difference| %.3g", worst)
}

// TestBochum004Intermediates checks each step against the intermediate values recorded for one
// subject (scrubbed standardized series, Ledoit-Wolf covariance and shrinkage, partial and Pearson
// correlations).
func TestBochum004Intermediates(t *testing.T) {
	dir := fixtures.Shared(t, "painter-bochum", "derived", "golden_bochum-004")
	var meta struct {
		Shrinkage    float64 `json:"ledoitwolf_shrinkage"`
		FramesKept   int     `json:"frames_kept"`
		RemovedIndex []int   `json:"removed_frame_indices"`
	}
	b, _ := os.ReadFile(path.Join(dir, "README.json"))
	if err := json.Unmarshal(b, &meta); err != nil {
		t.Fatal(err)
	}
	x := bochumSeries(t, "bochum-004_pumi-0.tsv", "FD_bochum-004_pumi-0.txt")
	if x.Rows != meta.FramesKept {
		t.Fatalf("%d frames kept, golden %d", x.Rows, meta.FramesKept)
	}
	z, _, _ := signal.Standardize(x, signal.ZScore)
	if d := maxAbsDiff(z.Data, readMatrix(t, path.Join(dir, "scrubbed_standardized_ts.csv")).Data); d > 1e-12 || math.IsNaN(d) {
		t.Errorf("standardized series differ by %.3g", d)
	}
	cov, info, err := RPNMeasure.Covariance(x)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(info.Shrinkage-meta.Shrinkage) > 1e-14 {
		t.Errorf("shrinkage %.17g, golden %.17g", info.Shrinkage, meta.Shrinkage)
	}
	if d := maxAbsDiff(cov.Data, readMatrix(t, path.Join(dir, "ledoitwolf_covariance.csv")).Data); d > 1e-12 || math.IsNaN(d) {
		t.Errorf("Ledoit-Wolf covariance differs by %.3g", d)
	}
	pc, _, _ := RPNMeasure.Matrix(x)
	if d := maxAbsDiff(pc.Data, readMatrix(t, path.Join(dir, "partial_correlation_ledoitwolf.csv")).Data); d > 1e-12 || math.IsNaN(d) {
		t.Errorf("partial correlation differs by %.3g", d)
	}
	// The golden is np.corrcoef, whose diagonal is NaN for the zero-variance region (CER7b_l, out of
	// the field of view); painmark follows nilearn's cov_to_corr, whose diagonal is 1. Compare the
	// off-diagonal entries, and the diagonal with 1.
	pearson, _, _ := Measure{Kind: Correlation, Estimator: EmpiricalEstimator, Scaling: ZScoreSeries}.Matrix(x)
	golden := readMatrix(t, path.Join(dir, "pearson_correlation_scrubbed.csv"))
	p := pearson.N
	for i := 0; i < p; i++ {
		golden.Data[i*p+i] = 1
		if pearson.Data[i*p+i] != 1 {
			t.Errorf("diagonal %d = %v", i, pearson.Data[i*p+i])
		}
	}
	if d := maxAbsDiff(pearson.Data, golden.Data); d > 1e-12 || math.IsNaN(d) {
		t.Errorf("Pearson correlation differs by %.3g", d)
	}
}
