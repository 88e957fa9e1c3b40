// Package demo is painmark's built-in example on real data: the Bochum cohort of the RPN study
// (Spisak et al. 2020), embedded in the binary, run end to end. It reproduces the published
// per-subject motion summaries from the raw framewise-displacement files, checks the ROI time
// series against the MIST-122 atlas, applies the study's scrubbing rule (FD > 0.15 mm), writes the
// scrubbed series as .npy and a cohort table, and then reproduces the study itself (RunStudy):
// features, grid search, leave-one-out, nested leave-one-out, permutation test, bootstrap,
// learning curve, the signature file and an HTML report, checking every number it can against the
// published ones.
package demo

import (
	"embed"
	"fmt"
	"math"
	"path"
	"path/filepath"
	"strings"

	"github.com/painmark/painmark/atlas"
	"github.com/painmark/painmark/npy"
	"github.com/painmark/painmark/signal"
	"github.com/painmark/painmark/stats"
	"github.com/painmark/painmark/table"
)

//go:embed data
var dataFS embed.FS

// FDThreshold is the scrubbing threshold of the RPN study (mm).
const FDThreshold = 0.15

// Subject is one subject's motion summary, recomputed and as published.
type Subject struct {
	ID           string
	Frames, Kept int
	// Mean, median and maximum FD over all frames (the first counted as 0), and the percentage of
	// frames removed by scrubbing.
	MeanFD, MedianFD, MaxFD, PercentScrubbed float64
	// PercentScrubbedAsPublished follows the published table's definition: the share of the
	// defined FD values (one fewer than frames) above threshold, rounded to a whole percent.
	PercentScrubbedAsPublished float64
	// The published values.
	PubMeanFD, PubMedianFD, PubMaxFD, PubPercent float64
	PainSensitivity                              float64
}

// Result summarises a demo run.
type Result struct {
	Subjects []Subject
	Regions  int
	// MaxAbsDiff is the largest difference between a recomputed and a published motion summary.
	MaxAbsDiff float64
	// FDPainR is the Pearson correlation of mean FD with pain sensitivity (a motion confound check).
	FDPainR float64
	Outputs []string
	Study   *StudyResult
}

func readEmbedded(name string) (*table.Table, error) {
	f, err := dataFS.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return table.ReadFrom(f, "embedded:"+name, nil)
}

// Run runs the demo, writing outputs under outDir. progress, if not nil, is called after each
// subject. The study's resampling is sized by o.
func Run(outDir string, o StudyOptions, progress func(done, total int)) (*Result, error) {
	parts, err := readEmbedded("data/bochum/participants.csv")
	if err != nil {
		return nil, err
	}
	pt, err := table.NewParticipants(parts, "ID")
	if err != nil {
		return nil, err
	}
	mist, err := atlas.Builtin("mist122")
	if err != nil {
		return nil, err
	}
	wantCols := append([]string{"GlobSig"}, mist.Names()...)
	res := &Result{Regions: len(wantCols)}
	subjects := pt.Subjects()
	tsCol, err := pt.Column("ts_file")
	if err != nil {
		return nil, err
	}
	fdCol, err := pt.Column("fd_file")
	if err != nil {
		return nil, err
	}
	var series []signal.Matrix
	var stored []float64
	for i, id := range subjects {
		tsName := path.Join("data/bochum/regional_timeseries", path.Base(filepath.ToSlash(tsCol.Raw[i]))+".gz")
		fdName := path.Join("data/bochum/framewise_displacement", path.Base(filepath.ToSlash(fdCol.Raw[i])))
		ts, err := readEmbedded(tsName)
		if err != nil {
			return nil, err
		}
		if got := strings.Join(ts.Names(), ","); got != strings.Join(wantCols, ",") {
			return nil, fmt.Errorf("%s: columns are not GlobSig + MIST-122 in the RPN order", ts.Path)
		}
		fdt, err := readEmbedded(fdName)
		if err != nil {
			return nil, err
		}
		fd, err := fdt.Floats("FramewiseDisplacement")
		if err != nil {
			return nil, err
		}
		if len(fd) != ts.NumRows()-1 {
			return nil, fmt.Errorf("%s: %d FD values for %d frames (expected one fewer)", fdt.Path, len(fd), ts.NumRows())
		}
		// FD of the first frame is undefined; the study counts it as 0.
		full := append([]float64{0}, fd...)
		s := Subject{ID: id, Frames: len(full)}
		var keep []int
		for t, v := range full {
			if v <= FDThreshold {
				keep = append(keep, t)
			}
		}
		s.Kept = len(keep)
		s.MeanFD, s.MedianFD, s.MaxFD = stats.Mean(full), stats.Median(full), maxOf(full)
		s.PercentScrubbed = 100 * float64(s.Frames-s.Kept) / float64(s.Frames)
		s.PercentScrubbedAsPublished = math.Floor(100*float64(s.Frames-s.Kept)/float64(len(fd)) + 0.5)
		for _, f := range []struct {
			col string
			dst *float64
		}{{"meanFD", &s.PubMeanFD}, {"medianFD", &s.PubMedianFD}, {"maxFD", &s.PubMaxFD}, {"perc_scrubbed", &s.PubPercent}, {"mean_QST_pain_sensitivity", &s.PainSensitivity}} {
			if *f.dst, err = pt.Value(id, f.col); err != nil {
				return nil, err
			}
		}
		for _, d := range []float64{s.MeanFD - s.PubMeanFD, s.MedianFD - s.PubMedianFD, s.MaxFD - s.PubMaxFD, s.PercentScrubbedAsPublished - s.PubPercent} {
			res.MaxAbsDiff = math.Max(res.MaxAbsDiff, math.Abs(d))
		}
		all, err := ts.Matrix(allColumns(len(wantCols)), false)
		if err != nil {
			return nil, err
		}
		scrubbed := make([]float64, 0, len(keep)*len(wantCols))
		for _, t := range keep {
			scrubbed = append(scrubbed, all[t*len(wantCols):(t+1)*len(wantCols)]...)
		}
		series = append(series, signal.Matrix{Rows: len(keep), Cols: len(wantCols), Data: scrubbed})
		pred, err := pt.Value(id, "prediction")
		if err != nil {
			return nil, err
		}
		stored = append(stored, pred)
		out := filepath.Join(outDir, fmt.Sprintf("sub-%s_desc-scrubbed_timeseries.npy", id))
		if err := npy.Write(out, []int{len(keep), len(wantCols)}, scrubbed, "<f8"); err != nil {
			return nil, err
		}
		res.Outputs = append(res.Outputs, out)
		res.Subjects = append(res.Subjects, s)
		if progress != nil {
			progress(i+1, len(subjects))
		}
	}
	fdm := make([]float64, len(res.Subjects))
	pain := make([]float64, len(res.Subjects))
	for i, s := range res.Subjects {
		fdm[i], pain[i] = s.MeanFD, s.PainSensitivity
	}
	res.FDPainR = stats.Pearson(fdm, pain)
	cohort := filepath.Join(outDir, "motion.tsv")
	if err := writeCohort(cohort, res.Subjects); err != nil {
		return nil, err
	}
	res.Outputs = append(res.Outputs, cohort)
	ids := make([]string, len(res.Subjects))
	for i, sub := range res.Subjects {
		ids[i] = "sub-" + sub.ID
	}
	if res.Study, err = RunStudy(outDir, series, pain, stored, ids, o); err != nil {
		return nil, err
	}
	res.Outputs = append(res.Outputs, res.Study.Outputs...)
	return res, nil
}

func allColumns(n int) []int {
	c := make([]int, n)
	for i := range c {
		c[i] = i
	}
	return c
}

func writeCohort(p string, subs []Subject) error {
	col := func(name string, f func(Subject) float64) *table.Column {
		v := make([]float64, len(subs))
		for i, s := range subs {
			v[i] = f(s)
		}
		return table.NumericColumn(name, v)
	}
	ids := make([]string, len(subs))
	for i, s := range subs {
		ids[i] = "sub-" + s.ID
	}
	return table.Write(p, &table.Table{Columns: []*table.Column{
		table.TextColumn("participant_id", ids),
		col("frames", func(s Subject) float64 { return float64(s.Frames) }),
		col("frames_kept", func(s Subject) float64 { return float64(s.Kept) }),
		col("mean_fd", func(s Subject) float64 { return s.MeanFD }),
		col("median_fd", func(s Subject) float64 { return s.MedianFD }),
		col("max_fd", func(s Subject) float64 { return s.MaxFD }),
		col("percent_scrubbed", func(s Subject) float64 { return s.PercentScrubbed }),
		col("pain_sensitivity", func(s Subject) float64 { return s.PainSensitivity }),
	}})
}

func maxOf(x []float64) float64 {
	m := math.Inf(-1)
	for _, v := range x {
		m = math.Max(m, v)
	}
	return m
}
