package signature

import (
	"fmt"
	"io"
	"log/slog"
	"math"
	"strings"

	"github.com/painmark/painmark/features"
	"github.com/painmark/painmark/internal/atomicfile"
	"github.com/painmark/painmark/learn"
	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/stats"
	"github.com/painmark/painmark/version"
)

// ForcedChoiceOptions name the two conditions in the report (LabelA, expected to score higher, and
// LabelB) and say whether the scores are dynamic responses (DCC) rather than predictions.
type ForcedChoiceOptions struct {
	LabelA, LabelB string
	DCC            bool
}

// DefaultForcedChoiceOptions label the conditions A and B.
func DefaultForcedChoiceOptions() ForcedChoiceOptions {
	return ForcedChoiceOptions{LabelA: "A", LabelB: "B"}
}

// ForcedChoiceResult is a two-alternative forced choice between paired conditions (CanlabCore's
// definition, stats.ForcedChoice): the paired subjects and their scores, the hits, accuracy with
// its SE, binomial p and Clopper-Pearson 95% interval, Gaussian d (null where not finite), and the
// single-interval ROC AUC of the two conditions' scores (unpaired).
type ForcedChoiceResult struct {
	Accuracy        float64    `json:"accuracy"`
	CI95            [2]float64 `json:"ci95"`
	D               *float64   `json:"d"`
	DA              *float64   `json:"d_a"`
	Hits            int        `json:"hits"`
	N               int        `json:"n"`
	P               float64    `json:"p"`
	ROCAUC          float64    `json:"roc_auc"`
	ScoreA          []float64  `json:"score_a"`
	ScoreB          []float64  `json:"score_b"`
	SE              float64    `json:"se"`
	SoftwareVersion string     `json:"software_version,omitempty"`
	Subjects        []string   `json:"subjects"`

	opts ForcedChoiceOptions
}

// finite is &v, or nil (JSON null) where v is NaN or infinite (d when every pair differs by the
// same amount), which JSON cannot hold.
func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// ForcedChoice pairs the scores of conditions a and b by subject (in a's order; subjects without
// both conditions are left out, with a warning) and compares them: each subject's a above its b is
// a hit, ties are misses.
func ForcedChoice(a, b *Application, o ForcedChoiceOptions) (*ForcedChoiceResult, error) {
	inB := map[string]float64{}
	for i, id := range b.Subjects {
		inB[id] = b.Predictions[i]
	}
	inA := map[string]float64{}
	for i, id := range a.Subjects {
		inA[id] = a.Predictions[i]
	}
	res := &ForcedChoiceResult{SoftwareVersion: version.String(), opts: o}
	for _, id := range a.Subjects {
		if vb, ok := inB[id]; ok {
			res.ScoreA, res.ScoreB, res.Subjects = append(res.ScoreA, inA[id]), append(res.ScoreB, vb), append(res.Subjects, id)
		}
	}
	if len(res.Subjects) < len(inA) || len(res.Subjects) < len(inB) {
		slog.Warn("subjects without both conditions are left out", "paired", len(res.Subjects), "in A", len(inA), "in B", len(inB))
	}
	r, err := stats.ForcedChoice(res.ScoreA, res.ScoreB)
	if err != nil {
		return nil, err
	}
	truth := make([]float64, 2*len(res.ScoreA))
	for i := range res.ScoreA {
		truth[i] = 1
	}
	if res.ROCAUC, err = learn.ROCAUC(append(append([]float64(nil), res.ScoreA...), res.ScoreB...), truth); err != nil {
		return nil, err
	}
	res.N, res.Hits, res.Accuracy, res.SE, res.P, res.CI95, res.D, res.DA = r.N, r.Hits, r.Accuracy, r.SE, r.P, r.CI, finite(r.D), finite(r.Da)
	return res, nil
}

// DynamicScores scores every run (ROI time series over the signature's regions, in its order) by
// the signature's dynamic response (DynamicResponse: DCC of its weighted edges, averaged over the
// run); the runs' names are their subject IDs.
func DynamicScores(s *Signature, runs *features.Series) (*Application, error) {
	names, regions, series := runs.Subjects, runs.RegionNames(), runs.Data
	want := make([]string, len(s.Regions))
	for i, r := range s.Regions {
		want[i] = r.Name
	}
	if strings.Join(regions, "\t") != strings.Join(want, "\t") {
		return nil, fmt.Errorf("its %d regions differ from the signature's %d (names or order)", len(regions), len(want))
	}
	out := make([]float64, len(series))
	for i, x := range series {
		var err error
		if out[i], err = s.DynamicResponse(x, nil); err != nil {
			return nil, fmt.Errorf("%s: %w", names[i], err)
		}
	}
	return &Application{Signature: s.Name, Subjects: names, Predictions: out}, nil
}

// Print writes the result in one line.
func (r *ForcedChoiceResult) Print(w io.Writer) {
	fmt.Fprintf(w, "forced choice, %d pairs: accuracy %.1f%% ± %.1f%% (95%% CI %.1f%% to %.1f%%), binomial p = %.3g, d = %.2f; single-interval ROC AUC = %.3f\n",
		r.N, 100*r.Accuracy, 100*r.SE, 100*r.CI95[0], 100*r.CI95[1], r.P, orNaN(r.D), r.ROCAUC)
}

func orNaN(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

// WriteFiles writes the result as indented JSON.
func (r *ForcedChoiceResult) WriteFiles(path string) error { return atomicfile.WriteJSON(path, r) }

// AddReport adds the forced-choice section: the numbers and the paired scores per subject.
func (r *ForcedChoiceResult) AddReport(d *report.Document) {
	nums := *r
	nums.SoftwareVersion = ""
	d.Numbers["results"] = &nums
	sec := d.Section("Two-alternative forced choice")
	how := "the signature applied to each condition's features"
	if r.opts.DCC {
		how = "each run scored on the dynamic conditional correlations of the signature's weighted edges"
	}
	sec.Facts([2]string{"pairs", fmt.Sprint(r.N)}, [2]string{"accuracy", fmt.Sprintf("%.1f%% ± %.1f%% (95%% CI %.1f%% to %.1f%%)", 100*r.Accuracy, 100*r.SE, 100*r.CI95[0], 100*r.CI95[1])},
		[2]string{"binomial p", fmt.Sprintf("%.3g", r.P)}, [2]string{"single-interval ROC AUC", fmt.Sprintf("%.3f (A vs B scores, unpaired)", r.ROCAUC)}, [2]string{"scores", how})
	sec.Figure(report.Paired("Signature response per subject", "A: "+r.opts.LabelA, "B: "+r.opts.LabelB, "signature response", r.ScoreA, r.ScoreB),
		"Each line is a subject; vermillion where condition A scores above B (a correct choice), blue otherwise; black bars: condition means.")
}
