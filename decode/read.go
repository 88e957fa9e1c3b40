package decode

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/painmark/painmark/signal"
	"github.com/painmark/painmark/study"
	"github.com/painmark/painmark/table"
)

// ReadRuns reads a participant's runs from a folder laid out as painmark decode expects (and
// painmark synthetic participant writes): per run a region time-series table
// *_ses-<S>_run-<R>_timeseries.tsv (frames x regions; tr from its JSON sidecar's RepetitionTime
// unless tr > 0), the continuous rating *_ses-<S>_run-<R>_rating.tsv (columns time in seconds
// from the run's start, and rating) and optional censoring *_censor.tsv (column censored, 1 for a
// censored frame). Without needRatings, runs without ratings (rest runs) are read too. Runs are
// returned in session, then run order; every run must have the same regions.
func ReadRuns(dir string, tr float64, needRatings bool) ([]Run, []string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*_timeseries.tsv"))
	if err != nil {
		return nil, nil, err
	}
	if len(files) == 0 {
		return nil, nil, fmt.Errorf("%s: no *_timeseries.tsv runs", dir)
	}
	var runs []Run
	var regions []string
	for _, f := range files {
		name, err := study.ParseName(f)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", f, err)
		}
		ses, run := name.Entities["ses"], name.Entities["run"]
		if ses == "" {
			return nil, nil, fmt.Errorf("%s: the file name has no ses- entity (sessions are the folds)", f)
		}
		if run == "" {
			run = "1"
		}
		tb, err := table.Read(f, nil)
		if err != nil {
			return nil, nil, err
		}
		names := tb.Names()
		if regions == nil {
			regions = names
		} else if strings.Join(names, "\t") != strings.Join(regions, "\t") {
			return nil, nil, fmt.Errorf("%s: its regions differ from %s's", f, files[0])
		}
		cols := make([]int, len(names))
		for i := range cols {
			cols[i] = i
		}
		data, err := tb.Matrix(cols, false)
		if err != nil {
			return nil, nil, err
		}
		r := Run{Session: ses, Run: run, TR: tr, Series: signal.Matrix{Rows: tb.NumRows(), Cols: len(names), Data: data}}
		if r.TR <= 0 {
			if r.TR, err = sidecarTR(strings.TrimSuffix(f, ".tsv") + ".json"); err != nil {
				return nil, nil, fmt.Errorf("%s: %w (or give the TR)", f, err)
			}
		}
		prefix := strings.TrimSuffix(f, "_timeseries.tsv")
		if rt, err := table.Read(prefix+"_rating.tsv", nil); err == nil {
			if r.RatingTime, err = rt.Floats("time"); err != nil {
				return nil, nil, fmt.Errorf("%s_rating.tsv: %w", prefix, err)
			}
			if r.Rating, err = rt.Floats("rating"); err != nil {
				return nil, nil, fmt.Errorf("%s_rating.tsv: %w", prefix, err)
			}
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, nil, err
		} else if needRatings {
			return nil, nil, fmt.Errorf("%s: no %s_rating.tsv (time, rating)", f, filepath.Base(prefix))
		}
		if ct, err := table.Read(prefix+"_censor.tsv", nil); err == nil {
			c, err := ct.Floats("censored")
			if err != nil {
				return nil, nil, fmt.Errorf("%s_censor.tsv: %w", prefix, err)
			}
			if len(c) != r.Series.Rows {
				return nil, nil, fmt.Errorf("%s_censor.tsv: %d rows for %d frames", prefix, len(c), r.Series.Rows)
			}
			r.Censored = make([]bool, len(c))
			for i, v := range c {
				r.Censored[i] = v != 0
			}
		}
		runs = append(runs, r)
	}
	sort.SliceStable(runs, func(a, b int) bool {
		if runs[a].Session != runs[b].Session {
			return runs[a].Session < runs[b].Session
		}
		return runs[a].Run < runs[b].Run
	})
	return runs, regions, nil
}

func sidecarTR(path string) (float64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("no TR: %s unreadable", filepath.Base(path))
	}
	var m struct{ RepetitionTime float64 }
	if err := json.Unmarshal(b, &m); err != nil || m.RepetitionTime <= 0 {
		return 0, fmt.Errorf("no RepetitionTime in %s", filepath.Base(path))
	}
	return m.RepetitionTime, nil
}
