package connectome

import (
	"fmt"
	"math"

	"github.com/painmark/painmark/signal"
	"github.com/painmark/painmark/stats"
)

// SlidingWindow returns, for each frame t, the Pearson correlation of the two series over the w
// frames ending at t (the Lindquist toolbox's sliding_window): NaN for the first w-1 frames.
func SlidingWindow(x, y []float64, w int) ([]float64, error) {
	if len(x) != len(y) {
		return nil, fmt.Errorf("series of different lengths (%d and %d)", len(x), len(y))
	}
	if w < 2 || w > len(x) {
		return nil, fmt.Errorf("window of %d frames for %d frames", w, len(x))
	}
	out := make([]float64, len(x))
	for t := range out {
		if t < w-1 {
			out[t] = math.NaN()
			continue
		}
		out[t] = stats.Pearson(x[t-w+1:t+1], y[t-w+1:t+1])
	}
	return out, nil
}

// TaperWeights are the tapered window of the Lindquist toolbox: ones(w) convolved with a Gaussian
// of SD sigma sampled at -3σ..3σ, normalised to sum 1 (length w + 6σ).
func TaperWeights(w int, sigma float64) []float64 {
	h := int(math.Round(3 * sigma))
	g := make([]float64, 2*h+1)
	for i := range g {
		d := float64(i - h)
		g[i] = math.Exp(-d*d/(2*sigma*sigma)) / (sigma * math.Sqrt(2*math.Pi))
	}
	L := w + len(g) - 1
	out := make([]float64, L)
	for i := 0; i < w; i++ {
		for k, v := range g {
			out[i+k] += v
		}
	}
	var s float64
	for _, v := range out {
		s += v
	}
	for i := range out {
		out[i] /= s
	}
	return out
}

// TaperedSlidingWindow is the Lindquist toolbox's tapered_sliding_window: for each frame t the
// Pearson correlation of the weighted data x·W, y·W over the L = w + 6σ frames ending at t (not a
// weighted correlation: it depends on the data's mean, so use centred series); NaN before L.
func TaperedSlidingWindow(x, y []float64, w int, sigma float64) ([]float64, error) {
	if len(x) != len(y) {
		return nil, fmt.Errorf("series of different lengths (%d and %d)", len(x), len(y))
	}
	W := TaperWeights(w, sigma)
	L := len(W)
	if L > len(x) {
		return nil, fmt.Errorf("tapered window of %d frames for %d frames", L, len(x))
	}
	out := make([]float64, len(x))
	a, b := make([]float64, L), make([]float64, L)
	for t := range out {
		if t < L-1 {
			out[t] = math.NaN()
			continue
		}
		for k := 0; k < L; k++ {
			a[k] = x[t-L+1+k] * W[k]
			b[k] = y[t-L+1+k] * W[k]
		}
		out[t] = stats.Pearson(a, b)
	}
	return out, nil
}

// SlidingWindowMatrix applies SlidingWindow to every pair of regions: frames x edges (Edges order).
func SlidingWindowMatrix(x signal.Matrix, w int) (signal.Matrix, error) {
	p := x.Cols
	edges := Edges(p, true)
	out := signal.NewMatrix(x.Rows, len(edges))
	cols := make([][]float64, p)
	for j := range cols {
		cols[j] = x.Column(j)
	}
	for k, e := range edges {
		r, err := SlidingWindow(cols[e.I], cols[e.J], w)
		if err != nil {
			return signal.Matrix{}, err
		}
		for t, v := range r {
			out.Data[t*len(edges)+k] = v
		}
	}
	return out, nil
}
