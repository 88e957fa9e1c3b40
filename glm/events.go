package glm

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/painmark/painmark/table"
)

// Event is one row of a BIDS events.tsv: onset and duration in seconds from the first volume's
// acquisition, the condition (trial_type) and the amplitude (nilearn's modulation column, 1 when
// absent).
type Event struct {
	Onset      float64 `json:"onset"`
	Duration   float64 `json:"duration"`
	TrialType  string  `json:"trial_type"`
	Modulation float64 `json:"modulation"`
}

// ReadEvents reads a BIDS events.tsv (tab-separated, gzipped when named .gz). onset and duration are
// required and numeric; trial_type is optional (every event is then condition "dummy", as nilearn
// does); modulation is optional (1). Other columns are ignored, as nilearn ignores them. Unlike
// nilearn, which drops events whose trial_type is n/a (pandas groupby drops missing keys) and sums
// n/a modulations into NaN, a missing trial_type or modulation is an error naming the line.
func ReadEvents(path string) ([]Event, error) {
	t, err := table.Read(path, &table.Options{Delimiter: '\t'})
	if err != nil {
		return nil, err
	}
	return EventsFromTable(t)
}

// EventsFromTable reads events from a parsed events table (see ReadEvents); errors name t.Path and
// the file's line (the header is line 1).
func EventsFromTable(t *table.Table) ([]Event, error) {
	num := func(name string, required bool) (*table.Column, error) {
		if len(t.Indices(name)) == 0 {
			if required {
				return nil, fmt.Errorf("%s: events have no %q column (BIDS events.tsv needs onset and duration)", t.Path, name)
			}
			return nil, nil
		}
		c, err := t.Column(name)
		if err != nil {
			return nil, err
		}
		for i, raw := range c.Raw {
			if c.Missing[i] {
				return nil, fmt.Errorf("%s line %d: %s is missing (%q)", t.Path, i+2, name, raw)
			}
		}
		if !c.IsNumeric() {
			for i, raw := range c.Raw {
				if _, err := strconv.ParseFloat(strings.TrimSpace(raw), 64); err != nil {
					return nil, fmt.Errorf("%s line %d: %s %q is not a number", t.Path, i+2, name, raw)
				}
			}
			return nil, fmt.Errorf("%s: column %s is not numeric", t.Path, name)
		}
		for i, v := range c.Values {
			if math.IsInf(v, 0) || math.IsNaN(v) {
				return nil, fmt.Errorf("%s line %d: %s %q is not finite", t.Path, i+2, name, c.Raw[i])
			}
		}
		return c, nil
	}
	onset, err := num("onset", true)
	if err != nil {
		return nil, err
	}
	duration, err := num("duration", true)
	if err != nil {
		return nil, err
	}
	modulation, err := num("modulation", false)
	if err != nil {
		return nil, err
	}
	var tt *table.Column
	if len(t.Indices("trial_type")) > 0 {
		if tt, err = t.Column("trial_type"); err != nil {
			return nil, err
		}
	}
	ev := make([]Event, t.NumRows())
	for i := range ev {
		ev[i] = Event{Onset: onset.Values[i], Duration: duration.Values[i], TrialType: "dummy", Modulation: 1}
		if modulation != nil {
			ev[i].Modulation = modulation.Values[i]
		}
		if tt != nil {
			if tt.Missing[i] || tt.Raw[i] == "" {
				return nil, fmt.Errorf("%s line %d: trial_type is missing", t.Path, i+2)
			}
			ev[i].TrialType = tt.Raw[i]
		}
		if ev[i].Duration < 0 {
			return nil, fmt.Errorf("%s line %d: duration %v is negative", t.Path, i+2, ev[i].Duration)
		}
	}
	if len(ev) == 0 {
		return nil, fmt.Errorf("%s: no events", t.Path)
	}
	return ev, nil
}
