// Package describe summarises values for the inspect summaries of the format packages (nifti, npy,
// table): streaming minimum, maximum, mean and standard deviation of the finite values, numbers that
// JSON writes as null when they are not finite, and the lines of the text form.
package describe

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
)

// Stats summarises a stream of values (an image, an array, a table column): the count, the number of non-finite values, and the
// minimum, maximum, mean and population standard deviation (numpy's std, ddof=0) of the finite ones.
type Stats struct {
	N         int64
	NonFinite int64
	Min, Max  float64
	Mean, Std float64
	m2        float64
}

// Add merges a block of values into the summary. Each block is reduced with a two-pass mean and sum
// of squares, both with Neumaier's compensated summation (a 20-million-voxel volume summed naively
// loses nine digits of the standard deviation), and blocks are combined with Chan et al.'s parallel
// formula, so the result is accurate for images of any length.
func (s *Stats) Add(values []float64) {
	var n int64
	var sum compensated
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			s.NonFinite++
			continue
		}
		n++
		sum.add(v)
		lo = math.Min(lo, v)
		hi = math.Max(hi, v)
	}
	if n == 0 {
		return
	}
	mean := sum.value() / float64(n)
	var m2c compensated
	for _, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		d := v - mean
		m2c.add(d * d)
	}
	m2 := m2c.value()
	if s.N == 0 {
		s.N, s.Mean, s.m2, s.Min, s.Max = n, mean, m2, lo, hi
	} else {
		tot := s.N + n
		delta := mean - s.Mean
		s.Mean += delta * float64(n) / float64(tot)
		s.m2 += m2 + delta*delta*float64(s.N)*float64(n)/float64(tot)
		s.N = tot
		s.Min = math.Min(s.Min, lo)
		s.Max = math.Max(s.Max, hi)
	}
	s.Std = math.Sqrt(s.m2 / float64(s.N))
}

// compensated is Neumaier's improved Kahan summation.
type compensated struct{ sum, c float64 }

func (k *compensated) add(v float64) {
	t := k.sum + v
	if math.Abs(k.sum) >= math.Abs(v) {
		k.c += (k.sum - t) + v
	} else {
		k.c += (v - t) + k.sum
	}
	k.sum = t
}

func (k *compensated) value() float64 { return k.sum + k.c }

// Finite is a number of a summary that JSON writes as null when it is NaN or infinite (JSON has
// no such numbers) and text writes as n/a.
type Finite float64

// IsFinite reports whether f is a number JSON can hold.
func (f Finite) IsFinite() bool { return !math.IsNaN(float64(f)) && !math.IsInf(float64(f), 0) }

// MarshalJSON writes f as encoding/json writes a float64, or null.
func (f Finite) MarshalJSON() ([]byte, error) {
	if !f.IsFinite() {
		return []byte("null"), nil
	}
	return json.Marshal(float64(f))
}

// Value is f for a text line: the number, or nil when it is not finite.
func (f Finite) Value() any {
	if !f.IsFinite() {
		return nil
	}
	return float64(f)
}

// Values is the data part of a summary: minimum, maximum, mean and standard deviation (ddof 0) of
// the finite values and the count of the others.
type Values struct {
	Min       Finite `json:"min"`
	Max       Finite `json:"max"`
	Mean      Finite `json:"mean"`
	Std       Finite `json:"std"`
	NonFinite int64  `json:"n_nonfinite"`
}

// Values returns the summary's data part.
func (s Stats) Values() *Values {
	return &Values{Min: Finite(s.Min), Max: Finite(s.Max), Mean: Finite(s.Mean), Std: Finite(s.Std), NonFinite: s.NonFinite}
}

// WriteText writes the data part as text lines.
func (v *Values) WriteText(w io.Writer) {
	Line(w, "min", v.Min.Value())
	Line(w, "max", v.Max.Value())
	Line(w, "mean", v.Mean.Value())
	Line(w, "std", v.Std.Value())
	Line(w, "n_nonfinite", v.NonFinite)
}

// Line writes one "key value" line of a text summary (as painmark inspect prints it); a nil value
// is written n/a.
func Line(w io.Writer, key string, v any) {
	if v == nil {
		v = "n/a"
	}
	fmt.Fprintf(w, "%-14s %v\n", key, v)
}
