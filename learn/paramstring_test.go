package learn

import (
	"fmt"
	"testing"
)

func TestFormatParams(t *testing.T) {
	if got := FormatParams(map[string]float64{"l1_ratio": 0.999, "alpha": 0.005, "k": 25}); got != "alpha=0.005 k=25 l1_ratio=0.999" {
		t.Errorf("FormatParams: %s", got)
	}
	p, _ := ParamsOf(map[string]float64{"n_estimators": 100, "max_depth": 3})
	if got := fmt.Sprintf("%v", p); got != "max_depth=3 n_estimators=100" {
		t.Errorf("%%v of ParamValues: %s", got)
	}
	if FormatParams(nil) != "none" {
		t.Error("empty parameters")
	}
}
