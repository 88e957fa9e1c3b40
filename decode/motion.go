package decode

import (
	"fmt"
	"io"
	"math"
	"sort"

	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/stats"
)

// MotionOptions are the settings of MotionCheck.
type MotionOptions struct {
	Alpha float64 `json:"alpha"` // significance level of the FD correlations (0.05)
	// Caliper is the largest FD difference of a matched pair of bins, in SDs of the bins' FD (0.25).
	Caliper float64 `json:"caliper_sd"`
}

// DefaultMotionOptions are α = 0.05 and a caliper of 0.25 SD.
func DefaultMotionOptions() MotionOptions { return MotionOptions{Alpha: 0.05, Caliper: 0.25} }

// MotionResult is the head-motion check of a decoder's predictions (DEIPP's *_headmov.m computes
// the FD per bin; the tests here are painmark's): the correlation of each bin's mean framewise
// displacement with the ratings and with the predictions (Pearson, two-sided p as
// scipy.stats.pearsonr; bins are not independent, so the p-values are lenient), the partial
// correlation of predictions and ratings given FD, and a motion-matched re-analysis: bins above the
// median rating paired with bins at or below it whose FD is nearest (greedy, without replacement,
// within the caliper), r and AUC recomputed on the pairs, whose FD no longer differs (Welch's t).
// Flagged: FD correlates significantly with both the ratings and the predictions, so motion could
// carry the decoder's signal; the matched r says whether the performance survives without it.
type MotionResult struct {
	Bins             int           `json:"bins"`
	MeanFD           float64       `json:"mean_fd"`
	RFDRating        *float64      `json:"r_fd_rating"`
	PFDRating        *float64      `json:"p_fd_rating"`
	RFDPrediction    *float64      `json:"r_fd_prediction"`
	PFDPrediction    *float64      `json:"p_fd_prediction"`
	PartialR         *float64      `json:"partial_r_prediction_rating_given_fd"`
	MatchedPairs     int           `json:"matched_pairs"`
	MatchedR         *float64      `json:"matched_r"`
	MatchedAUC       *float64      `json:"matched_auc"`
	MatchedFDDiff    *float64      `json:"matched_fd_difference"`
	MatchedFDP       *float64      `json:"matched_fd_p"`
	Flagged          bool          `json:"flagged"`
	Options          MotionOptions `json:"options"`
	fd, pred, rating []float64
}

// MotionCheck checks the nested (or any) bin predictions against head motion; the bins need FD
// (runs read with fMRIPrep confounds). Zero options are DefaultMotionOptions.
func MotionCheck(d *Data, pred []float64, o MotionOptions) (*MotionResult, error) {
	if d.FD == nil {
		return nil, fmt.Errorf("motion check: the runs have no framewise displacement (fMRIPrep's *_desc-confounds_timeseries.tsv beside each run)")
	}
	if len(pred) != len(d.Y) || len(d.FD) != len(d.Y) {
		return nil, fmt.Errorf("motion check: %d predictions, %d ratings, %d FD values", len(pred), len(d.Y), len(d.FD))
	}
	if o == (MotionOptions{}) {
		o = DefaultMotionOptions()
	}
	n := len(d.Y)
	res := &MotionResult{Bins: n, Options: o, fd: d.FD, pred: pred, rating: d.Y}
	res.MeanFD, _ = stats.MeanSD(d.FD)
	rfy, rfp, rpy := stats.Pearson(d.FD, d.Y), stats.Pearson(d.FD, pred), stats.Pearson(pred, d.Y)
	res.RFDRating, res.PFDRating = finite(rfy), finite(stats.PearsonTestP(rfy, n))
	res.RFDPrediction, res.PFDPrediction = finite(rfp), finite(stats.PearsonTestP(rfp, n))
	res.PartialR = finite((rpy - rfp*rfy) / math.Sqrt((1-rfp*rfp)*(1-rfy*rfy)))
	// Motion-matched re-analysis.
	med := stats.Median(d.Y)
	var high, low []int
	for i, y := range d.Y {
		if y > med {
			high = append(high, i)
		} else {
			low = append(low, i)
		}
	}
	_, sd := stats.MeanSD(d.FD)
	caliper := o.Caliper * sd
	sort.SliceStable(high, func(a, b int) bool { return d.FD[high[a]] > d.FD[high[b]] }) // the hardest to match first
	used := make([]bool, n)
	var mp, my, fh, fl []float64
	for _, h := range high {
		best := -1
		for _, l := range low {
			if !used[l] && math.Abs(d.FD[l]-d.FD[h]) <= caliper && (best < 0 || math.Abs(d.FD[l]-d.FD[h]) < math.Abs(d.FD[best]-d.FD[h])) {
				best = l
			}
		}
		if best < 0 {
			continue
		}
		used[best] = true
		res.MatchedPairs++
		mp, my = append(mp, pred[h], pred[best]), append(my, d.Y[h], d.Y[best])
		fh, fl = append(fh, d.FD[h]), append(fl, d.FD[best])
	}
	if res.MatchedPairs >= 3 {
		res.MatchedR, res.MatchedAUC = finite(stats.Pearson(mp, my)), finite(medianSplitAUC(mp, my))
		if tt, err := stats.TTestInd(fh, fl, false); err == nil {
			res.MatchedFDDiff, res.MatchedFDP = finite(tt.MeanDiff), finite(tt.P)
		}
	}
	res.Flagged = res.PFDRating != nil && res.PFDPrediction != nil && *res.PFDRating < o.Alpha && *res.PFDPrediction < o.Alpha
	return res, nil
}

// f3 formats an optional number for the report ("n/a" when undefined).
func f3(v *float64) string {
	if v == nil {
		return "n/a"
	}
	return fmt.Sprintf("%.3g", *v)
}

// Print writes the check in one line.
func (m *MotionResult) Print(w io.Writer) {
	verdict := "not flagged"
	if m.Flagged {
		verdict = "FLAGGED: framewise displacement tracks both the ratings and the predictions"
	}
	fmt.Fprintf(w, "head motion: FD~rating r = %s (p = %s), FD~prediction r = %s (p = %s); motion-matched r = %s on %d pairs; %s\n",
		f3(m.RFDRating), f3(m.PFDRating), f3(m.RFDPrediction), f3(m.PFDPrediction), f3(m.MatchedR), m.MatchedPairs, verdict)
}

// AddReport adds the head-motion section: the numbers and FD against the predictions.
func (m *MotionResult) AddReport(doc *report.Document) {
	sec := doc.Section("Head motion")
	verdict := "Not flagged: framewise displacement does not track both the ratings and the predictions."
	if m.Flagged {
		verdict = "FLAGGED: framewise displacement correlates with the ratings and with the predictions; the decoder may read motion as pain. See the motion-matched r."
	}
	rows := [][]string{
		{"mean FD (mm)", fmt.Sprintf("%.3g", m.MeanFD)},
		{"FD ~ rating: r (p)", f3(m.RFDRating) + " (" + f3(m.PFDRating) + ")"},
		{"FD ~ prediction: r (p)", f3(m.RFDPrediction) + " (" + f3(m.PFDPrediction) + ")"},
		{"prediction ~ rating given FD: partial r", f3(m.PartialR)},
		{"motion-matched pairs (high vs low pain)", fmt.Sprint(m.MatchedPairs)},
		{"motion-matched r, AUC", f3(m.MatchedR) + ", " + f3(m.MatchedAUC)},
		{"motion-matched FD difference (Welch p)", f3(m.MatchedFDDiff) + " (" + f3(m.MatchedFDP) + ")"},
	}
	sec.Table(verdict+" FD per bin is the mean framewise displacement of its frames (fMRIPrep, Power et al. 2012), as DEIPP's headmov analysis; p-values treat bins as independent.", []string{"measure", "value"}, rows)
	sec.Figure(report.Scatter("Framewise displacement vs predicted pain (bins)", "mean FD (mm)", "predicted pain", m.fd, m.pred),
		"Each point a bin's held-out prediction; line: least squares with 95% band.")
}
