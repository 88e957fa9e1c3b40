package glm

import (
	"math"
	"strings"
	"testing"
)

// Noise-free data are fitted exactly: planted betas come back, the contrast's effect is their
// difference; contrast expressions are parsed or refused naming the problem.
func TestOLSRecoversPlanted(t *testing.T) {
	ft, _ := FrameTimes(80, 2, 0)
	d, err := MakeDesign(ft, liveEventSets()[0], nil, DefaultDesignOptions())
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewOLS(d)
	if err != nil {
		t.Fatal(err)
	}
	y := make([]float64, len(ft))
	for c, b := range []float64{2, -1, 0.5} { // heat, rating, warm
		for i := range y {
			y[i] += b * d.Columns[c][i]
		}
	}
	for i := range y {
		y[i] += 100 + 0.01*math.Sin(float64(i*i))
	}
	f, err := m.Fit([][]float64{y})
	if err != nil {
		t.Fatal(err)
	}
	c, err := ContrastVector("heat - warm", d.Names)
	if err != nil {
		t.Fatal(err)
	}
	r, err := f.TContrast(c)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(r.Effect[0]-1.5) > 0.01 || r.Z[0] < 5 || r.P[0] > 1e-6 {
		t.Errorf("effect %v z %v p %v", r.Effect[0], r.Z[0], r.P[0])
	}
	for expr, want := range map[string]string{"heat - pain": `no column "pain"`, "2heat": "number*column", "x*heat": "not a number", " ": "empty"} {
		if _, err := ContrastVector(expr, d.Names); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v", expr, err)
		}
	}
	if _, err := m.Fit([][]float64{{1, 2}}); err == nil {
		t.Error("short time series accepted")
	}
}
