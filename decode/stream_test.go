package decode

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
)

// runRows writes a run as decode stream reads it: the regions, a censored column, one row a frame.
func runRows(regions []string, r Run) string {
	var b strings.Builder
	b.WriteString(strings.Join(regions, "\t") + "\tcensored\n")
	for t := 0; t < r.Series.Rows; t++ {
		for j := 0; j < r.Series.Cols; j++ {
			b.WriteString(strconv.FormatFloat(r.Series.Data[t*r.Series.Cols+j], 'g', -1, 64) + "\t")
		}
		c := "0"
		if r.Censored != nil && r.Censored[t] {
			c = "1"
		}
		b.WriteString(c + "\n")
	}
	return b.String()
}

// The stream's predictions (Welford's running z-score) equal ApplyWith(NormalizeExpanding) (the
// z-score recomputed two-pass over each prefix) to 1e-12, censored frames and the drop included;
// the frames before the warm-up have none.
func TestStreamEqualsOfflineApply(t *testing.T) {
	a := participant(t, "01", 3, 4)
	o := DefaultTrainOptions()
	o.Bootstraps, o.Permutations = 10, 1
	res, err := Train(a, o)
	if err != nil {
		t.Fatal(err)
	}
	m := res.Model
	ao := ApplyOptions{Normalize: NormalizeExpanding, Warmup: 15}
	off, err := ApplyWith(m, a, ao)
	if err != nil {
		t.Fatal(err)
	}
	compared, censored := 0, 0
	for _, r := range a.Runs[:3] {
		var out bytes.Buffer
		sum, err := StreamRows(m, strings.NewReader(runRows(a.Regions, r)), &out, StreamOptions{TR: r.TR, Warmup: ao.Warmup})
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")[1:]
		if sum.Frames != r.Series.Rows || len(lines) != r.Series.Rows {
			t.Fatalf("run %s/%s: %d frames streamed of %d", r.Session, r.Run, sum.Frames, r.Series.Rows)
		}
		live := map[int]float64{}
		for _, l := range lines {
			f := strings.Split(l, "\t")
			fr, _ := strconv.Atoi(f[0])
			if f[2] != "n/a" {
				live[fr], _ = strconv.ParseFloat(f[2], 64)
			}
		}
		for i := range off.Prediction {
			if off.Session[i] != r.Session || off.Run[i] != r.Run {
				continue
			}
			fr := int(off.Frame[i])
			got, ok := live[fr]
			if math.IsNaN(off.Prediction[i]) {
				if ok {
					t.Fatalf("frame %d: streamed %v inside the warm-up", fr, got)
				}
				continue
			}
			if !ok || math.Abs(got-off.Prediction[i]) > 1e-12*math.Max(1, math.Abs(got)) {
				t.Fatalf("run %s/%s frame %d: stream %v, offline %v", r.Session, r.Run, fr, got, off.Prediction[i])
			}
			compared++
		}
		for fr := range live {
			if r.Censored != nil && r.Censored[fr] {
				t.Fatalf("censored frame %d was predicted", fr)
			}
		}
		for _, c := range r.Censored {
			if c {
				censored++
			}
		}
	}
	if compared < 500 || censored == 0 {
		t.Fatalf("%d predictions compared, %d censored frames", compared, censored)
	}
	// A header that is not the decoder's regions is refused.
	if _, err := StreamRows(m, strings.NewReader("a\tb\n1\t2\n"), &bytes.Buffer{}, StreamOptions{TR: 1, Warmup: 5}); err == nil || !strings.Contains(err.Error(), "header") {
		t.Errorf("wrong header: %v", err)
	}
	t.Logf("%d frame predictions equal", compared)
}

// BenchmarkStreamPush is the per-TR cost of a 268-region decoder (35,778 edges).
func BenchmarkStreamPush(b *testing.B) {
	p := 268
	m := &Model{Regions: make([]string, p), Weights: make([]float64, p*(p-1)/2)}
	for i := range m.Weights {
		m.Weights[i] = math.Sin(float64(i))
	}
	for i := range m.Regions {
		m.Regions[i] = fmt.Sprint(i)
	}
	s, err := NewStream(m, StreamOptions{TR: 1, Warmup: 2})
	if err != nil {
		b.Fatal(err)
	}
	x := make([]float64, p)
	for i := 0; i < b.N; i++ {
		for j := range x {
			x[j] = math.Cos(float64(i*p + j))
		}
		if _, err := s.Push(x, false); err != nil {
			b.Fatal(err)
		}
	}
}
