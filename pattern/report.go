package pattern

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/stats"
)

// AddReport adds the pattern responses per condition: a bar chart of the means, a table of their
// number, mean and SD, and with exactly two conditions each subject's mean response in both (the
// pairs a forced choice compares; subjects with both conditions only).
func (r *Responses) AddReport(doc *report.Document) {
	s := doc.Section("Pattern responses: " + r.Signature)
	s.Facts([2]string{"metric", r.Options.Metric}, [2]string{"interpolation", r.Options.Interpolation}, [2]string{"images (volumes)", strconv.Itoa(len(r.Rows))})
	conds := r.Conditions()
	rows := make([][]string, len(conds))
	means := make([]float64, len(conds))
	for i, c := range conds {
		var v []float64
		for _, x := range r.Rows {
			if x.Condition == c {
				v = append(v, x.Response)
			}
		}
		var sd float64
		means[i], sd = stats.MeanSD(v)
		rows[i] = []string{c, strconv.Itoa(len(v)), strconv.FormatFloat(means[i], 'g', 4, 64), strconv.FormatFloat(sd, 'g', 4, 64)}
	}
	s.Figure(report.Bars("Mean response per condition", "response ("+r.Options.Metric+")", conds, means, len(conds)), "The mean pattern response of each condition's images.")
	s.Table("Pattern responses per condition (mean and SD, n-1, of the non-NaN responses).", []string{"condition", "n", "mean", "SD"}, rows)
	if len(conds) != 2 {
		return
	}
	pair, err := r.Pair(conds[0], conds[1])
	if err != nil {
		return
	}
	var a, b []float64
	for i, sub := range pair[0].Subjects {
		if j := slices.Index(pair[1].Subjects, sub); j >= 0 && !math.IsNaN(pair[0].Predictions[i]) && !math.IsNaN(pair[1].Predictions[j]) {
			a, b = append(a, pair[0].Predictions[i]), append(b, pair[1].Predictions[j])
		}
	}
	if len(a) > 0 {
		s.Figure(report.Paired("Response per subject", conds[0], conds[1], "response ("+r.Options.Metric+")", a, b),
			fmt.Sprintf("Each subject's mean response to %s and to %s (%d subjects with both); a vermillion line is a subject whose %s response is the larger, as signature forced-choice counts it.", conds[0], conds[1], len(a), conds[0]))
	}
}
