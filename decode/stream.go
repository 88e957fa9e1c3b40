package decode

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/painmark/painmark/extract"
)

// Normalizations of the regions before the edge products when a decoder is applied.
const (
	// NormalizeRun z-scores each region over the run's usable frames, as DEIPP and training do;
	// it needs the whole run, so it cannot run in real time.
	NormalizeRun = "run"
	// NormalizeExpanding z-scores frame t with the mean and (population) SD of the run's frames
	// up to and including t that pass the drop and censoring rules: causal, what a real-time
	// decoder (decode stream) can do. Predictions start after Warmup such frames.
	NormalizeExpanding = "expanding"
)

// ApplyOptions are the settings of ApplyWith.
type ApplyOptions struct {
	Normalize string // NormalizeRun (DEIPP) or NormalizeExpanding (causal)
	Warmup    int    // NormalizeExpanding: usable frames before the first prediction
}

// DefaultApplyOptions are DEIPP's whole-run normalization (and a 20-frame warm-up for the causal
// one).
func DefaultApplyOptions() ApplyOptions { return ApplyOptions{Normalize: NormalizeRun, Warmup: 20} }

// check refuses an unknown normalization or a warm-up under 2 frames (an SD needs two).
func (o ApplyOptions) check() error {
	if o.Normalize != NormalizeRun && o.Normalize != NormalizeExpanding {
		return fmt.Errorf("normalization %q: %s or %s", o.Normalize, NormalizeRun, NormalizeExpanding)
	}
	if o.Normalize == NormalizeExpanding && o.Warmup < 2 {
		return fmt.Errorf("warm-up %d frames: at least 2 (a standard deviation needs two frames)", o.Warmup)
	}
	return nil
}

// quadratic is b + Σ_{i>j} w_ij·z_i·z_j, the weights in Edges order.
func quadratic(zt, w []float64, b float64) float64 {
	s, k := 0.0, 0
	for i := 1; i < len(zt); i++ {
		var inner float64
		for j, zj := range zt[:i] {
			inner += w[k+j] * zj
		}
		s += zt[i] * inner
		k += i
	}
	return b + s
}

// expandingPredictions are the causal predictions of a run's frames: for each frame that passes
// the drop and censoring rules, the regions z-scored with the mean and population SD of those
// frames up to and including it (computed afresh, two-pass, over the prefix), from the warm-up
// on; NaN elsewhere. It is the offline reference of Stream.
func expandingPredictions(r Run, m *Model, o PrepareOptions, warmup int) []float64 {
	p := r.Series.Cols
	drop := int(math.Ceil(o.DropSeconds/r.TR - 1e-9))
	out := make([]float64, r.Series.Rows)
	var kept []int
	z := make([]float64, p)
	for t := range out {
		out[t] = math.NaN()
		if t < drop || (r.Censored != nil && r.Censored[t]) {
			continue
		}
		kept = append(kept, t)
		if len(kept) < warmup {
			continue
		}
		n := float64(len(kept))
		for j := 0; j < p; j++ {
			var mean, ss float64
			for _, u := range kept {
				mean += r.Series.Data[u*p+j]
			}
			mean /= n
			for _, u := range kept {
				d := r.Series.Data[u*p+j] - mean
				ss += d * d
			}
			sd := math.Sqrt(ss / n)
			if sd < 2.220446049250313e-16 {
				sd = 1
			}
			z[j] = (r.Series.Data[t*p+j] - mean) / sd
		}
		out[t] = quadratic(z, m.Weights, m.Intercept)
	}
	return out
}

// StreamOptions are the settings of a real-time decoder.
type StreamOptions struct {
	TR     float64 // seconds
	Warmup int     // usable frames before the first prediction (NormalizeExpanding)
	// Follow: at the end of the input, wait for more rows (a file being written) until none has
	// come for this long; 0 stops at the end.
	Follow time.Duration
}

// DefaultStreamOptions are a 20-frame warm-up and no following (TR from the caller).
func DefaultStreamOptions() StreamOptions { return StreamOptions{Warmup: 20} }

// Stream applies a decoder in real time, frame by frame as volumes arrive: the model's drop and
// censoring rules, the regions z-scored causally (NormalizeExpanding: running mean and SD of the
// usable frames so far, Welford's updates), and the edge model as a quadratic form (no edge
// vector is formed). Its predictions equal ApplyWith(NormalizeExpanding) on the same run.
type Stream struct {
	m        *Model
	o        StreamOptions
	drop     int
	frame, n int
	mean, m2 []float64
	z        []float64
}

// StreamPrediction is one frame's output: its index and mid-time, and the prediction when the frame
// has one (OK false: in the drop, censored or in the warm-up).
type StreamPrediction struct {
	Frame      int
	Time       float64
	Prediction float64
	OK         bool
}

// NewStream starts a real-time decoder for one run.
func NewStream(m *Model, o StreamOptions) (*Stream, error) {
	if !(o.TR > 0) {
		return nil, fmt.Errorf("stream: TR %g s (give the repetition time)", o.TR)
	}
	if err := (ApplyOptions{Normalize: NormalizeExpanding, Warmup: o.Warmup}).check(); err != nil {
		return nil, err
	}
	p := len(m.Regions)
	if len(m.Weights) != p*(p-1)/2 {
		return nil, fmt.Errorf("decoder: %d weights for %d regions", len(m.Weights), p)
	}
	return &Stream{m: m, o: o, drop: int(math.Ceil(m.Prepare.DropSeconds/o.TR - 1e-9)), mean: make([]float64, p), m2: make([]float64, p), z: make([]float64, p)}, nil
}

// Push takes the next frame (the decoder's regions in order) and whether it is censored.
func (s *Stream) Push(x []float64, censored bool) (StreamPrediction, error) {
	t := s.frame
	s.frame++
	out := StreamPrediction{Frame: t, Time: (float64(t) + 0.5) * s.o.TR, Prediction: math.NaN()}
	if len(x) != len(s.mean) {
		return out, fmt.Errorf("frame %d: %d values for %d regions", t, len(x), len(s.mean))
	}
	if t < s.drop || censored {
		return out, nil
	}
	s.n++
	n := float64(s.n)
	for j, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return out, fmt.Errorf("frame %d: region %s is %v", t, s.m.Regions[j], v)
		}
		d := v - s.mean[j]
		s.mean[j] += d / n
		s.m2[j] += d * (v - s.mean[j])
	}
	if s.n < s.o.Warmup {
		return out, nil
	}
	for j, v := range x {
		sd := math.Sqrt(s.m2[j] / n)
		if sd < 2.220446049250313e-16 {
			sd = 1
		}
		s.z[j] = (v - s.mean[j]) / sd
	}
	out.Prediction, out.OK = quadratic(s.z, s.m.Weights, s.m.Intercept), true
	return out, nil
}

// StreamSummary sums up a streamed run: frames read, predictions made, and the latency per frame
// (from the row's arrival to its prediction) in milliseconds.
type StreamSummary struct {
	Frames, Predicted int
	LatencyMS         []float64
}

// StreamRows runs a Stream over rows of region values as they arrive on r (standard input, a
// named pipe, a file being written with Follow): a header line naming the decoder's regions in its
// order, optionally followed by a column "censored" (1: censored), then one tab-separated row per
// frame. For every frame it writes a line to w at once: frame, time (s), prediction (n/a when the
// frame has none) and latency_ms.
func StreamRows(m *Model, r io.Reader, w io.Writer, o StreamOptions) (*StreamSummary, error) {
	s, err := NewStream(m, o)
	if err != nil {
		return nil, err
	}
	if o.Follow > 0 {
		if f, ok := r.(*os.File); ok {
			r = &follow{f: f, idle: o.Follow}
		}
	}
	br := bufio.NewReaderSize(r, 1<<20)
	header, err := br.ReadString('\n')
	if err != nil && header == "" {
		return nil, fmt.Errorf("stream: no header line: %w", err)
	}
	names := strings.Split(strings.TrimRight(header, "\r\n"), "\t")
	censorCol := len(names) == len(m.Regions)+1 && names[len(names)-1] == "censored"
	if censorCol {
		names = names[:len(names)-1]
	}
	if strings.Join(names, "\t") != strings.Join(m.Regions, "\t") {
		return nil, fmt.Errorf("stream: the header names %d columns, not the decoder's %d regions in order (then optionally censored)", len(names), len(m.Regions))
	}
	out, err := newStreamOutput(w)
	if err != nil {
		return nil, err
	}
	sum := out.sum
	x := make([]float64, len(m.Regions))
	for {
		line, err := br.ReadString('\n')
		start := time.Now()
		if line = strings.TrimRight(line, "\r\n"); line != "" {
			f := strings.Split(line, "\t")
			if len(f) != len(names)+b2i(censorCol) {
				return sum, fmt.Errorf("stream: frame %d has %d values, the header %d", sum.Frames, len(f), len(names)+b2i(censorCol))
			}
			for j := range x {
				if x[j], err = strconv.ParseFloat(f[j], 64); err != nil {
					return sum, fmt.Errorf("stream: frame %d, region %s: %q is not a number", sum.Frames, m.Regions[j], f[j])
				}
			}
			censored := censorCol && f[len(f)-1] != "0"
			pr, perr := s.Push(x, censored)
			if perr != nil {
				return sum, fmt.Errorf("stream: %w", perr)
			}
			if err := out.write(pr, start); err != nil {
				return sum, err
			}
		}
		if errors.Is(err, io.EOF) {
			return sum, nil
		}
		if err != nil {
			return sum, err
		}
	}
}

// streamOutput writes a stream's lines, one per frame, flushed at once.
type streamOutput struct {
	bw  *bufio.Writer
	sum *StreamSummary
}

func newStreamOutput(w io.Writer) (*streamOutput, error) {
	o := &streamOutput{bw: bufio.NewWriter(w), sum: &StreamSummary{}}
	_, err := o.bw.WriteString("frame\ttime\tprediction\tlatency_ms\n")
	return o, err
}

// write writes a frame's line: its prediction (n/a when none) and the latency since start.
func (o *streamOutput) write(pr StreamPrediction, start time.Time) error {
	val := "n/a"
	if pr.OK {
		val = strconv.FormatFloat(pr.Prediction, 'g', -1, 64)
		o.sum.Predicted++
	}
	lat := float64(time.Since(start).Nanoseconds()) / 1e6
	fmt.Fprintf(o.bw, "%d\t%s\t%s\t%.4f\n", pr.Frame, strconv.FormatFloat(pr.Time, 'g', -1, 64), val, lat)
	o.sum.Frames++
	o.sum.LatencyMS = append(o.sum.LatencyMS, lat)
	return o.bw.Flush()
}

// StreamVolumes runs a Stream over the volumes of a 4D image as they are written (extract.Online:
// each volume reduced to the decoder's regions by a label atlas), writing one line per volume as
// StreamRows does; the latency counts from the volume's last byte. The atlas's regions must be the
// decoder's, in its order. Nothing is censored (a growing image has no censoring yet).
func StreamVolumes(m *Model, on *extract.Online, w io.Writer, o StreamOptions) (*StreamSummary, error) {
	if strings.Join(on.Names, "\t") != strings.Join(m.Regions, "\t") {
		return nil, fmt.Errorf("stream: the atlas gives %d regions, not the decoder's %d in order", len(on.Names), len(m.Regions))
	}
	if o.TR <= 0 {
		if tr, ok := on.Header.RepetitionTime(); ok && tr > 0 {
			o.TR = tr
		}
	}
	s, err := NewStream(m, o)
	if err != nil {
		return nil, err
	}
	out, err := newStreamOutput(w)
	if err != nil {
		return nil, err
	}
	err = on.Follow(func(t int, v []float64, arrived time.Time) error {
		pr, err := s.Push(v, false)
		if err != nil {
			return fmt.Errorf("stream: %w", err)
		}
		return out.write(pr, arrived)
	})
	return out.sum, err
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// follow reads a file that is being written: at its end it waits for more until idle has passed
// without any.
type follow struct {
	f    *os.File
	idle time.Duration
}

func (fl *follow) Read(p []byte) (int, error) {
	waited := time.Duration(0)
	for {
		n, err := fl.f.Read(p)
		if n > 0 || !errors.Is(err, io.EOF) {
			return n, err
		}
		if waited >= fl.idle {
			return 0, io.EOF
		}
		time.Sleep(5 * time.Millisecond)
		waited += 5 * time.Millisecond
	}
}
