// Package decode is the personalized decoding workflow of Lee et al. 2026 (cocoanlab/DEIPP): one
// model per person that tracks ongoing pain from the co-fluctuations of brain regions, trained and
// tested across that person's sessions. Preparation follows the DEIPP code: drop the first
// seconds of each run, pair every frame with the rating the haemodynamic lag earlier (the rating
// interpolated to volume mid-times), keep uncensored frames, z-score each region within the run,
// and average the edge time series (products of all region pairs) within bins: rating-quantile
// bins (segments shorter than a minimum between quantile changes discarded) or time bins.
package decode

import (
	"encoding/json"
	"fmt"
	"github.com/painmark/painmark/internal/legacyjson"
	"math"
	"sort"

	"github.com/painmark/painmark/connectome"
	"github.com/painmark/painmark/learn"
	"github.com/painmark/painmark/signal"
)

// Run is one run of a participant: ROI series, motion censoring and the continuous rating.
type Run struct {
	// Subject is the sub- entity of the run's file name ("" when it has none).
	Subject      string
	Session, Run string
	TR           float64
	Series       signal.Matrix // frames x regions
	Censored     []bool        // nil: no frame censored
	// RatingTime (seconds from the run's start, increasing) and Rating.
	RatingTime, Rating []float64
	// FD is the framewise displacement per frame (mm; nil when unknown).
	FD []float64
}

// PrepareOptions are DEIPP's preparation settings.
type PrepareOptions struct {
	DropSeconds float64 `json:"drop_seconds"` // leading seconds dropped, ceil(DropSeconds/TR) volumes (DEIPP: 30)
	LagSeconds  float64 `json:"lag_seconds"`  // haemodynamic lag of fMRI behind the rating (DEIPP: 13 TRs at 0.46 s ≈ 6 s)
	// Bins is "quantile" (rating-quantile bins per run, DEIPP's default) or "time".
	Bins         string  `json:"bins"`
	QuantileBins int     `json:"quantile_bins"` // bins per run (10)
	MinSegment   int     `json:"min_segment"`   // quantile-bin segments shorter than this many frames are discarded (5)
	BinSeconds   float64 `json:"bin_seconds"`   // time-bin length (60)
}

// UnmarshalJSON reads the options, also as painmark wrote them in decoders before its keys were
// snake_case.
func (o *PrepareOptions) UnmarshalJSON(b []byte) error {
	type plain PrepareOptions
	b, err := legacyjson.Rename(b, map[string]string{"DropSeconds": "drop_seconds", "LagSeconds": "lag_seconds", "QuantileBins": "quantile_bins",
		"MinSegment": "min_segment", "BinSeconds": "bin_seconds"})
	if err != nil {
		return err
	}
	return json.Unmarshal(b, (*plain)(o))
}

// DefaultPrepare are DEIPP's defaults.
var DefaultPrepare = PrepareOptions{DropSeconds: 30, LagSeconds: 6, Bins: "quantile", QuantileBins: 10, MinSegment: 5, BinSeconds: 60}

// Frames are a run's usable frames after preparation: their indices in the run, their mid-times
// and their lagged ratings.
type Frames struct {
	Index  []int
	Time   []float64
	Rating []float64
}

// Data are a participant's prepared bins: features (bins x edges), the mean rating of each bin,
// and which session and run each bin came from.
type Data struct {
	X       learn.Matrix
	Y       []float64
	Session []string
	Run     []int // index into Runs
	// FD is each bin's mean framewise displacement over its frames (DEIPP's fd_rbin); nil unless
	// every run has one.
	FD      []float64
	Regions int
	// Runs keep each run's usable frames (for frame-wise application and multi-scale evaluation).
	Runs   []Run
	Frames []Frames
}

// UsableFrames applies the drop, lag and censoring rules to one run: frame t (mid-time
// (t + ½)·TR) is paired with the rating at its mid-time minus the lag, interpolated linearly;
// frames before the drop, censored, or whose lagged time falls outside the rating are left out.
func UsableFrames(r Run, o PrepareOptions) (Frames, error) {
	if r.TR <= 0 {
		return Frames{}, fmt.Errorf("run %s/%s: TR %g", r.Session, r.Run, r.TR)
	}
	if len(r.RatingTime) != len(r.Rating) || len(r.Rating) < 2 {
		return Frames{}, fmt.Errorf("run %s/%s: %d rating times for %d ratings (need at least 2)", r.Session, r.Run, len(r.RatingTime), len(r.Rating))
	}
	for i := 1; i < len(r.RatingTime); i++ {
		if !(r.RatingTime[i] > r.RatingTime[i-1]) {
			return Frames{}, fmt.Errorf("run %s/%s: rating times must increase (row %d)", r.Session, r.Run, i+1)
		}
	}
	if r.Censored != nil && len(r.Censored) != r.Series.Rows {
		return Frames{}, fmt.Errorf("run %s/%s: %d censoring flags for %d frames", r.Session, r.Run, len(r.Censored), r.Series.Rows)
	}
	drop := int(math.Ceil(o.DropSeconds/r.TR - 1e-9))
	var f Frames
	for t := drop; t < r.Series.Rows; t++ {
		if r.Censored != nil && r.Censored[t] {
			continue
		}
		mid := (float64(t) + 0.5) * r.TR
		rt := mid - o.LagSeconds
		if rt < r.RatingTime[0] || rt > r.RatingTime[len(r.RatingTime)-1] {
			continue
		}
		f.Index = append(f.Index, t)
		f.Time = append(f.Time, mid)
		f.Rating = append(f.Rating, interpolate(r.RatingTime, r.Rating, rt))
	}
	return f, nil
}

// interpolate is linear interpolation of (xs, ys) at x within [xs[0], xs[last]].
func interpolate(xs, ys []float64, x float64) float64 {
	i := sort.SearchFloat64s(xs, x)
	if i < len(xs) && xs[i] == x {
		return ys[i]
	}
	if i == 0 {
		return ys[0]
	}
	if i >= len(xs) {
		return ys[len(ys)-1]
	}
	f := (x - xs[i-1]) / (xs[i] - xs[i-1])
	return ys[i-1]*(1-f) + ys[i]*f
}

// binLabels assigns each usable frame to a bin (−1: discarded) and returns the number of bins.
func binLabels(f Frames, o PrepareOptions) ([]int, int) {
	n := len(f.Rating)
	label := make([]int, n)
	switch o.Bins {
	case "time":
		nb := 0
		for i, t := range f.Time {
			label[i] = int((t - f.Time[0]) / o.BinSeconds)
			nb = max(nb, label[i]+1)
		}
		return label, nb
	default: // quantile
		q := o.QuantileBins
		sorted := append([]float64(nil), f.Rating...)
		sort.Float64s(sorted)
		for i, v := range f.Rating {
			// Bin k holds ratings between the k/q and (k+1)/q quantiles of the run (ties by rank).
			rank := sort.SearchFloat64s(sorted, v)
			label[i] = min(q-1, rank*q/n)
		}
		// Segments of consecutive frames in one bin shorter than MinSegment are discarded.
		for i := 0; i < n; {
			j := i
			for j < n && label[j] == label[i] {
				j++
			}
			if j-i < o.MinSegment {
				for k := i; k < j; k++ {
					label[k] = -1
				}
			}
			i = j
		}
		return label, q
	}
}

// Prepare turns a participant's runs into bins: for each run its usable frames, the regions
// z-scored over them, and the edge time series averaged within each bin (empty bins dropped),
// with the bin's mean rating as the target.
func Prepare(runs []Run, o PrepareOptions) (*Data, error) {
	if len(runs) == 0 {
		return nil, fmt.Errorf("no runs")
	}
	if o.Bins != "quantile" && o.Bins != "time" {
		return nil, fmt.Errorf("bins %q: quantile or time", o.Bins)
	}
	p := runs[0].Series.Cols
	ne := p * (p - 1) / 2
	d := &Data{Regions: p, X: learn.Matrix{Cols: ne}, Runs: runs}
	withFD := true
	for _, r := range runs {
		withFD = withFD && r.FD != nil
	}
	for ri, r := range runs {
		if withFD && len(r.FD) != r.Series.Rows {
			return nil, fmt.Errorf("run %s/%s: %d framewise displacements for %d frames", r.Session, r.Run, len(r.FD), r.Series.Rows)
		}
		if r.Series.Cols != p {
			return nil, fmt.Errorf("run %s/%s has %d regions, the first run %d", r.Session, r.Run, r.Series.Cols, p)
		}
		f, err := UsableFrames(r, o)
		if err != nil {
			return nil, err
		}
		d.Frames = append(d.Frames, f)
		if len(f.Index) < 2 {
			continue
		}
		label, nb := binLabels(f, o)
		kept := r.Series.SelectRows(f.Index)
		means, counts, err := connectome.BinnedEdgeTimeSeries(kept, label, nb)
		if err != nil {
			return nil, err
		}
		sum, fd := make([]float64, nb), make([]float64, nb)
		for i, b := range label {
			if b >= 0 {
				sum[b] += f.Rating[i]
				if withFD {
					fd[b] += r.FD[f.Index[i]]
				}
			}
		}
		for b := 0; b < nb; b++ {
			if counts[b] == 0 {
				continue
			}
			d.X.Data = append(d.X.Data, means.Data[b*ne:(b+1)*ne]...)
			d.X.Rows++
			d.Y = append(d.Y, sum[b]/float64(counts[b]))
			if withFD {
				d.FD = append(d.FD, fd[b]/float64(counts[b]))
			}
			d.Session = append(d.Session, r.Session)
			d.Run = append(d.Run, ri)
		}
	}
	if d.X.Rows == 0 {
		return nil, fmt.Errorf("no bins: every run lost its frames to the drop, lag and censoring rules")
	}
	return d, nil
}
