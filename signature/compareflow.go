package signature

import (
	"fmt"
	"io"

	"github.com/painmark/painmark/internal/atomicfile"
	"github.com/painmark/painmark/learn"
	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/version"
)

// DefaultCompareOptions are painmark's defaults for comparing signatures: the outcome as given,
// the sign flip as the first signature's recipe, 10,000 permutations and bootstraps, seed 1.
func DefaultCompareOptions() EvalOptions {
	return EvalOptions{Standardize: StandardizeNone, Flip: "auto", Permutations: 10000, Bootstraps: 10000, Seed: 1}
}

// ComparedSignature is one signature's performance in a comparison; Features names its cohort
// (feature table).
type ComparedSignature struct {
	ExplainedVariance float64 `json:"explained_variance"`
	Features          string  `json:"features"`
	// InSample are the compared subjects this signature was trained on (Signature.InSample).
	InSample    []string   `json:"in_sample,omitempty"`
	MAE         float64    `json:"mae"`
	PR          float64    `json:"p_r"`
	Predictions []float64  `json:"predictions"`
	R           float64    `json:"r"`
	RCI         [2]float64 `json:"r_ci95"`
	Signature   string     `json:"signature"`
}

// ComparedPair is one pair's difference in r (with its paired-bootstrap 95% interval) and
// Williams' test of dependent correlations (r_ab: the correlation of the two predictions).
type ComparedPair struct {
	A         string     `json:"a"`
	B         string     `json:"b"`
	DF        float64    `json:"df"`
	DiffR     float64    `json:"diff_r"`
	DiffRCI   [2]float64 `json:"diff_r_ci95"`
	P         float64    `json:"p"`
	RAB       float64    `json:"r_ab"`
	WilliamsT float64    `json:"williams_t"`
}

// ComparisonResult is several signatures compared on the subjects present in every cohort (in the
// first cohort's order), with the outcome standardized by the first signature's definition.
type ComparisonResult struct {
	Outcome         []float64           `json:"outcome"`
	Pairs           []ComparedPair      `json:"pairs"`
	Seed            uint64              `json:"seed"`
	Signatures      []ComparedSignature `json:"signatures"`
	SoftwareVersion string              `json:"software_version"`
	Standardize     string              `json:"standardize"`
	Subjects        []string            `json:"subjects"`
}

// CompareCohorts applies each signature to its own cohort of the same subjects (sigs[i] to
// cohorts[i], e.g. CSps on corticospinal and RPN on brain features), keeps the subjects present in
// every cohort (at least 4), takes the outcome from the first cohort, and compares the signatures
// (Compare).
func CompareCohorts(sigs []*Signature, cohorts []Cohort, o EvalOptions) (*ComparisonResult, error) {
	if len(sigs) != len(cohorts) || len(sigs) < 2 {
		return nil, fmt.Errorf("need at least two signatures, each with its cohort (%d signatures, %d cohorts)", len(sigs), len(cohorts))
	}
	rowOf := make([]map[string]int, len(cohorts))
	for t, c := range cohorts {
		rowOf[t] = map[string]int{}
		for i, id := range c.Subjects {
			rowOf[t][id] = i
		}
	}
	var keep []string
	for _, id := range cohorts[0].Subjects {
		all := true
		for t := range cohorts {
			if _, ok := rowOf[t][id]; !ok {
				all = false
			}
		}
		if all {
			keep = append(keep, id)
		}
	}
	if len(keep) < 4 {
		return nil, fmt.Errorf("only %d subjects are in every feature table", len(keep))
	}
	xs := make([]learn.Matrix, len(cohorts))
	y := make([]float64, len(keep))
	for t, c := range cohorts {
		rows := make([]int, len(keep))
		for i, id := range keep {
			rows[i] = rowOf[t][id]
		}
		xs[t] = c.X.SelectRows(rows)
		if t == 0 {
			for i, r := range rows {
				y[i] = c.Y[r]
			}
		}
	}
	c, err := Compare(sigs, xs, y, o)
	if err != nil {
		return nil, err
	}
	res := &ComparisonResult{Subjects: keep, Outcome: c.Evaluations[0].Outcome, Standardize: o.Standardize, Seed: o.Seed, SoftwareVersion: version.String()}
	for i, e := range c.Evaluations {
		res.Signatures = append(res.Signatures, ComparedSignature{Signature: sigs[i].Name, Features: cohorts[i].Name, R: e.R, PR: e.PR, RCI: e.RCI,
			MAE: e.MAE, ExplainedVariance: e.ExplainedVariance, Predictions: e.Predictions, InSample: sigs[i].InSample(keep)})
	}
	for _, p := range c.Pairs {
		res.Pairs = append(res.Pairs, ComparedPair{A: p.A, B: p.B, DiffR: p.DiffR, DiffRCI: p.DiffCI, RAB: p.Williams.RAB, WilliamsT: p.Williams.T, DF: p.Williams.DF, P: p.Williams.P})
	}
	return res, nil
}

// Print writes one line per signature and per pair.
func (r *ComparisonResult) Print(w io.Writer) {
	for _, e := range r.Signatures {
		fmt.Fprintf(w, "%-24s r = %.3f (p = %.3g, 95%% CI %.3f to %.3f), MAE = %.3f, explained variance = %.3f\n", e.Signature, e.R, e.PR, e.RCI[0], e.RCI[1], e.MAE, e.ExplainedVariance)
		inSampleNote(w, "  ", e.InSample, len(r.Subjects))
	}
	for _, p := range r.Pairs {
		fmt.Fprintf(w, "%s vs %s: Δr = %.3f (bootstrap 95%% CI %.3f to %.3f); Williams t(%g) = %.3f, p = %.3g\n", p.A, p.B, p.DiffR, p.DiffRCI[0], p.DiffRCI[1], p.DF, p.WilliamsT, p.P)
	}
}

// WriteFiles writes the result as indented JSON.
func (r *ComparisonResult) WriteFiles(path string) error { return atomicfile.WriteJSON(path, r) }

// AddReport adds the r of each signature with its interval and the table of pairwise comparisons.
func (r *ComparisonResult) AddReport(d *report.Document) {
	d.Seed = &r.Seed
	d.Numbers["signatures"], d.Numbers["pairs"], d.Numbers["subjects"] = r.Signatures, r.Pairs, r.Subjects
	n := len(r.Signatures)
	names, rs, lo, hi := make([]string, n), make([]float64, n), make([]float64, n), make([]float64, n)
	for i, e := range r.Signatures {
		names[i], rs[i], lo[i], hi[i] = e.Signature, e.R, e.RCI[0], e.RCI[1]
	}
	for _, e := range r.Signatures {
		inSampleSection(d, e.Signature, e.InSample, len(r.Subjects))
	}
	sec := d.Section("Signatures on the same subjects")
	sec.Text("%d subjects present in every feature table; outcome standardization: %s.", len(r.Subjects), r.Standardize)
	sec.Figure(report.Intervals("r of each signature", "r (prediction, outcome) with 95% bootstrap interval", names, rs, lo, hi, 0), "Dots: r; whiskers: 95% bootstrap intervals.")
	var rows [][]string
	for _, p := range r.Pairs {
		rows = append(rows, []string{p.A + " vs " + p.B, fmt.Sprintf("%.3f", p.DiffR), fmt.Sprintf("%.3f to %.3f", p.DiffRCI[0], p.DiffRCI[1]), fmt.Sprintf("%.3f", p.RAB), fmt.Sprintf("%.3f", p.WilliamsT), fmt.Sprintf("%.3g", p.P)})
	}
	sec.Table("Pairwise comparisons (Williams' test of dependent correlations, paired bootstrap)", []string{"pair", "Δr", "95% CI", "r between predictions", "Williams t", "p"}, rows)
}
