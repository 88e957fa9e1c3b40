package glm

import (
	"fmt"
	"strings"
)

// Single-trial methods accepted by NewSingleTrial.
const (
	// LSA is least squares-all (Rissman et al. 2004): one model in which every trial is its own
	// regressor.
	LSA = "lsa"
	// LSS is least squares-separate (Mumford et al. 2012; Turner et al. 2012): one model per trial,
	// the trial its own regressor, the other trials modelled as set by SingleTrialOptions.Others.
	LSS = "lss"
)

// LSS models of the other trials (SingleTrialOptions.Others).
const (
	// OthersByCondition models the other trials by their conditions, each its own regressor (the
	// trial's own condition without the trial), as nilearn's beta-series example
	// (examples/07_advanced/plot_beta_series.py, lss_transformer) does: Abdulrahman and Henson
	// 2016's LSS-N.
	OthersByCondition = "condition"
	// OthersAll models all the other trials as one regressor, Mumford et al. 2012's original LSS.
	OthersAll = "all"
)

// SingleTrialOptions are the options of single-trial (beta-series) models.
type SingleTrialOptions struct {
	// Method is "lsa" or "lss" (default "lss").
	Method string `json:"method"`
	// Others is how LSS models the other trials: "condition" (default, nilearn's example) or
	// "all" (Mumford 2012).
	Others string `json:"others"`
	// Design are the design matrix options of every model (nilearn's defaults).
	Design DesignOptions `json:"design"`
}

// DefaultSingleTrialOptions returns LSS with the other trials by condition and nilearn's design
// defaults.
func DefaultSingleTrialOptions() SingleTrialOptions {
	return SingleTrialOptions{Method: LSS, Others: OthersByCondition, Design: DefaultDesignOptions()}
}

// SingleTrial is a prepared single-trial model of a run: its trials (the events in their order)
// and one OLS model (LSA) or one per trial (LSS), ready to be applied to slabs of voxels. It is
// immutable and safe to share between goroutines.
type SingleTrial struct {
	Options SingleTrialOptions
	// Trials are the run's events in their order; Labels name each trial as nilearn's beta-series
	// example names LSA trials, condition__NNN with NNN counting the condition's trials from 001.
	Trials []Event
	Labels []string
	models []*OLS
	column []int // the trial's column in its model
}

// NewSingleTrial prepares the single-trial model of a run with the given frame times, events and
// additional regressors (confounds).
func NewSingleTrial(frameTimes []float64, events []Event, add []Regressor, opts SingleTrialOptions) (*SingleTrial, error) {
	if len(events) == 0 {
		return nil, fmt.Errorf("single-trial model of no events")
	}
	for _, e := range events {
		if strings.Contains(e.TrialType, "__") {
			return nil, fmt.Errorf("trial_type %q contains \"__\", which single-trial labels use as the delimiter", e.TrialType)
		}
	}
	s := &SingleTrial{Options: opts, Trials: append([]Event(nil), events...), Labels: make([]string, len(events))}
	count := map[string]int{}
	for i, e := range events {
		count[e.TrialType]++
		s.Labels[i] = fmt.Sprintf("%s__%03d", e.TrialType, count[e.TrialType])
	}
	// model makes the design of events ev and adds, for each label, the model and its column.
	model := func(ev []Event, labels ...string) error {
		d, err := MakeDesign(frameTimes, ev, add, opts.Design)
		if err != nil {
			return err
		}
		m, err := NewOLS(d)
		if err != nil {
			return err
		}
		for _, l := range labels {
			col := indexOf(d.Names, l)
			if col < 0 {
				return fmt.Errorf("single-trial model: the design has no column %q (HRF model %q: give one with a single column per condition)", l, opts.Design.HRFModel)
			}
			s.models, s.column = append(s.models, m), append(s.column, col)
		}
		return nil
	}
	switch opts.Method {
	case LSA:
		ev := append([]Event(nil), events...)
		for i := range ev {
			ev[i].TrialType = s.Labels[i]
		}
		if err := model(ev, s.Labels...); err != nil {
			return nil, err
		}
	case LSS:
		if opts.Others != OthersByCondition && opts.Others != OthersAll {
			return nil, fmt.Errorf("LSS others %q: %q or %q", opts.Others, OthersByCondition, OthersAll)
		}
		for i := range events {
			ev := append([]Event(nil), events...)
			for k := range ev {
				if k == i {
					ev[k].TrialType = s.Labels[i]
				} else if opts.Others == OthersAll {
					ev[k].TrialType = "other_trials"
				}
			}
			if err := model(ev, s.Labels[i]); err != nil {
				return nil, err
			}
		}
	default:
		return nil, fmt.Errorf("single-trial method %q: %q or %q", opts.Method, LSA, LSS)
	}
	return s, nil
}

func indexOf(names []string, n string) int {
	for i, x := range names {
		if x == n {
			return i
		}
	}
	return -1
}

// Betas returns the trials' responses (their regressors' OLS estimates, nilearn's effect_size of
// the trial's column) for a slab of voxels: Betas(ys)[v][i] is trial i at voxel v, ys[v] the
// voxel's time series.
func (s *SingleTrial) Betas(ys [][]float64) ([][]float64, error) {
	out := make([][]float64, len(ys))
	for v := range out {
		out[v] = make([]float64, len(s.Trials))
	}
	for v, y := range ys {
		if len(y) != s.models[0].n {
			return nil, fmt.Errorf("time series %d has %d values for a design of %d scans", v, len(y), s.models[0].n)
		}
		for k, m := range s.models {
			row := m.pinv.RawRowView(s.column[k])
			b := 0.0
			for t, yt := range y {
				b += row[t] * yt
			}
			out[v][k] = b
		}
	}
	return out, nil
}
