package decode

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/painmark/painmark/signal"
	"github.com/painmark/painmark/study"
	"github.com/painmark/painmark/table"
)

// confoundsSuffix ends fMRIPrep's confounds tables.
const confoundsSuffix = "_desc-confounds_timeseries.tsv"

// readFD reads the framewise displacement (fMRIPrep's framewise_displacement, Power et al. 2012)
// of a run from its confounds table, the first frame's n/a as 0 (DEIPP's difference of a repeated
// first row); nil when the run has no confounds table.
func readFD(path string, frames int) ([]float64, error) {
	tb, err := table.Read(path, nil)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	fd, err := tb.Floats("framewise_displacement")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(fd) != frames {
		return nil, fmt.Errorf("%s: %d rows for %d frames", path, len(fd), frames)
	}
	for i, v := range fd {
		if math.IsNaN(v) {
			if i > 0 {
				return nil, fmt.Errorf("%s: framewise_displacement is missing (n/a) in row %d (only the first frame may be)", path, i+1)
			}
			fd[i] = 0
		}
	}
	return fd, nil
}

// ReadRuns reads a participant's runs from a folder laid out as painmark decode expects (and
// painmark synthetic participant writes; painmark extract's outputs fit too): per run a region
// time-series table *_ses-<S>_run-<R>_timeseries.tsv (frames x regions; tr from its JSON
// sidecar's RepetitionTime unless tr > 0), the continuous rating (columns time in seconds from the
// run's start, and rating) and optional censoring (column censored, 1 for a censored frame), named
// like the series with _rating.tsv and _censor.tsv, or any *_rating.tsv / *_censor.tsv with the
// same sub, ses and run entities, and the framewise displacement from fMRIPrep's
// *_desc-confounds_timeseries.tsv (column framewise_displacement) when there is one. Without needRatings, runs without ratings (rest runs) are read too. Runs are
// returned in session, then run order; every run must have the same regions.
func ReadRuns(dir string, tr float64, needRatings bool) ([]Run, []string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*_timeseries.tsv"))
	if err != nil {
		return nil, nil, err
	}
	// fMRIPrep's confounds (*_desc-confounds_timeseries.tsv) are a run's motion, not a run.
	files = slices.DeleteFunc(files, func(f string) bool { return strings.HasSuffix(f, confoundsSuffix) })
	if len(files) == 0 {
		return nil, nil, fmt.Errorf("%s: no *_timeseries.tsv runs", dir)
	}
	// Ratings and censoring named like the series (same prefix), or any *_rating.tsv /
	// *_censor.tsv in the folder with the same subject, session and run entities (painmark
	// extract's outputs carry more entities than a rating file needs).
	byEntities := map[string]string{}
	for _, kind := range []string{"_rating.tsv", "_censor.tsv", confoundsSuffix} {
		others, _ := filepath.Glob(filepath.Join(dir, "*"+kind))
		for _, o := range others {
			if n, err := study.ParseName(o); err == nil {
				byEntities[n.Entities["sub"]+"|"+n.Entities["ses"]+"|"+n.Entities["run"]+kind] = o
			}
		}
	}
	companion := func(prefix string, name *study.File, kind string) string {
		if _, err := os.Stat(prefix + kind); err == nil {
			return prefix + kind
		}
		run := name.Entities["run"]
		if p, ok := byEntities[name.Entities["sub"]+"|"+name.Entities["ses"]+"|"+run+kind]; ok {
			return p
		}
		return prefix + kind // absent: reported as such below
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
		r := Run{Subject: name.Entities["sub"], Session: ses, Run: run, TR: tr, Series: signal.Matrix{Rows: tb.NumRows(), Cols: len(names), Data: data}}
		if r.TR <= 0 {
			if r.TR, err = study.RepetitionTime(strings.TrimSuffix(f, ".tsv") + ".json"); err != nil {
				return nil, nil, fmt.Errorf("%s: no TR: %w (or give the TR)", f, err)
			}
		}
		prefix := strings.TrimSuffix(f, "_timeseries.tsv")
		ratingPath, censorPath := companion(prefix, name, "_rating.tsv"), companion(prefix, name, "_censor.tsv")
		if rt, err := table.Read(ratingPath, nil); err == nil {
			if r.RatingTime, err = rt.Floats("time"); err != nil {
				return nil, nil, fmt.Errorf("%s: %w", ratingPath, err)
			}
			if r.Rating, err = rt.Floats("rating"); err != nil {
				return nil, nil, fmt.Errorf("%s: %w", ratingPath, err)
			}
			for _, col := range []struct {
				name string
				v    []float64
			}{{"time", r.RatingTime}, {"rating", r.Rating}} {
				// A missing rating or time (NaN) would reach the model as a number.
				if i := slices.IndexFunc(col.v, math.IsNaN); i >= 0 {
					return nil, nil, fmt.Errorf("%s: column %s has a missing value (NaN) in row %d: every rating needs a time and a value", ratingPath, col.name, i+1)
				}
			}
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, nil, err
		} else if needRatings {
			return nil, nil, fmt.Errorf("%s: no rating (%s_rating.tsv or a *_rating.tsv with its sub, ses and run; columns time, rating)", f, filepath.Base(prefix))
		}
		if r.FD, err = readFD(companion(prefix, name, confoundsSuffix), r.Series.Rows); err != nil {
			return nil, nil, err
		}
		if ct, err := table.Read(censorPath, nil); err == nil {
			c, err := ct.Floats("censored")
			if err != nil {
				return nil, nil, fmt.Errorf("%s: %w", censorPath, err)
			}
			if len(c) != r.Series.Rows {
				return nil, nil, fmt.Errorf("%s: %d rows for %d frames", censorPath, len(c), r.Series.Rows)
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
