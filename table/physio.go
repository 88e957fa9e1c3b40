package table

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strings"
)

// Physio is a BIDS physiological recording (*_physio.tsv.gz with its JSON sidecar): columns such
// as "cardiac", "respiratory" and "trigger", sampled at SamplingFrequency Hz, the first sample at
// StartTime seconds relative to the onset of the first volume (negative: before it).
type Physio struct {
	Path              string
	SamplingFrequency float64
	StartTime         float64
	Columns           map[string][]float64
	Order             []string
}

// ReadPhysio reads a BIDS physio recording; the JSON sidecar is found by replacing ".tsv(.gz)" with
// ".json", and must give SamplingFrequency, StartTime and Columns.
func ReadPhysio(path string) (*Physio, error) {
	side := strings.TrimSuffix(strings.TrimSuffix(path, ".gz"), ".tsv") + ".json"
	b, err := os.ReadFile(side)
	if err != nil {
		return nil, fmt.Errorf("%s: the BIDS sidecar %s is needed for the sampling rate and columns: %w", path, side, err)
	}
	var meta struct {
		SamplingFrequency *float64
		StartTime         *float64
		Columns           []string
	}
	if err := json.Unmarshal(b, &meta); err != nil {
		return nil, fmt.Errorf("%s: %w", side, err)
	}
	if meta.SamplingFrequency == nil || *meta.SamplingFrequency <= 0 {
		return nil, fmt.Errorf("%s: SamplingFrequency missing or not positive", side)
	}
	if meta.StartTime == nil {
		return nil, fmt.Errorf("%s: StartTime missing (seconds of the first sample relative to the first volume)", side)
	}
	if len(meta.Columns) == 0 {
		return nil, fmt.Errorf("%s: Columns missing", side)
	}
	t, err := Read(path, &Options{Delimiter: '\t', NoHeader: true})
	if err != nil {
		return nil, err
	}
	if len(t.Columns) != len(meta.Columns) {
		return nil, fmt.Errorf("%s: %d columns in the data, %d named in %s", path, len(t.Columns), len(meta.Columns), side)
	}
	p := &Physio{Path: path, SamplingFrequency: *meta.SamplingFrequency, StartTime: *meta.StartTime, Columns: map[string][]float64{}, Order: meta.Columns}
	for i, name := range meta.Columns {
		c := t.Columns[i]
		if !c.IsNumeric() {
			return nil, fmt.Errorf("%s: column %q is not numeric", path, name)
		}
		for r, v := range c.Values {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("%s: column %q has a missing or non-finite sample at row %d", path, name, r+1)
			}
		}
		p.Columns[name] = c.Values
	}
	return p, nil
}

// Times returns the time of each sample relative to the first volume's onset.
func (p *Physio) Times() []float64 {
	n := 0
	for _, c := range p.Columns {
		n = len(c)
		break
	}
	out := make([]float64, n)
	for i := range out {
		out[i] = p.StartTime + float64(i)/p.SamplingFrequency
	}
	return out
}
