// Package bochumdata loads, for tests, the published RPN data of the Bochum sample
// (../shared/data/painter-bochum, Spisak et al. 2020): the 35 subjects' 7503 partial-correlation
// features and the golden table with their pain sensitivity and the stored predictions.
package bochumdata

import (
	"testing"

	"github.com/painmark/painmark/internal/fixtures"
	"github.com/painmark/painmark/internal/linalg"
	"github.com/painmark/painmark/table"
)

// Tables returns the feature table (35 rows x 7503 columns, no header, in the order of
// res/bochum_sample_excl.csv) and the golden table (ID, mean_QST_pain_sensitivity,
// rpn_prediction, stored_prediction, stored_nested_prediction, ...).
func Tables(t testing.TB) (features, golden *table.Table) {
	t.Helper()
	features, err := table.Read(fixtures.Shared(t, "painter-bochum", "derived", "features_bochum_partialcorr_7503.csv"), &table.Options{Delimiter: ',', NoHeader: true})
	if err != nil {
		t.Fatal(err)
	}
	golden, err = table.Read(fixtures.Shared(t, "painter-bochum", "derived", "rpn_golden_predictions_bochum.csv"), nil)
	if err != nil {
		t.Fatal(err)
	}
	return features, golden
}

// Data returns the features as a matrix, the pain sensitivity (the RPN's target) and the golden
// table.
func Data(t testing.TB) (linalg.Matrix, []float64, *table.Table) {
	t.Helper()
	ft, golden := Tables(t)
	cols := make([]int, len(ft.Columns))
	for i := range cols {
		cols[i] = i
	}
	data, err := ft.Matrix(cols, false)
	if err != nil {
		t.Fatal(err)
	}
	y, err := golden.Floats("mean_QST_pain_sensitivity")
	if err != nil {
		t.Fatal(err)
	}
	return linalg.Matrix{Rows: ft.NumRows(), Cols: len(cols), Data: data}, y, golden
}
