package stats

import (
	"encoding/json"
	"math"
	"math/rand"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// FDR equals statsmodels' multipletests(method="fdr_bh") on p-values with ties, zeros and ones.
// Skipped unless PAINMARK_PYTHON is set.
func TestLiveFDREqualsStatsmodels(t *testing.T) {
	py := os.Getenv("PAINMARK_PYTHON")
	if py == "" {
		t.Skip("PAINMARK_PYTHON not set (the extended suite sets it)")
	}
	rng := rand.New(rand.NewSource(19))
	p := make([]float64, 300)
	for i := range p {
		p[i] = math.Pow(rng.Float64(), 3)
		if i%17 == 0 {
			p[i] = p[i/2] // ties
		}
	}
	p[5], p[6] = 0, 1
	parts := make([]string, len(p))
	for i, v := range p {
		parts[i] = strconv.FormatFloat(v, 'g', -1, 64)
	}
	script := "import json\nfrom statsmodels.stats.multitest import multipletests\n" +
		"print(json.dumps(multipletests([" + strings.Join(parts, ",") + "], method='fdr_bh')[1].tolist()))"
	out, err := exec.Command(py, "-c", script).Output()
	if err != nil {
		t.Fatal(err)
	}
	var want []float64
	if err := json.Unmarshal(out, &want); err != nil {
		t.Fatal(err)
	}
	got, err := FDR(p)
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-15 {
			t.Fatalf("q[%d] = %v, statsmodels %v", i, got[i], want[i])
		}
	}
	if _, err := FDR([]float64{0.1, math.NaN()}); err == nil {
		t.Error("NaN p-value accepted")
	}
}
