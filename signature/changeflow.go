package signature

import (
	"fmt"
	"io"

	"github.com/painmark/painmark/connectome"
	"github.com/painmark/painmark/internal/atomicfile"
	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/table"
	"github.com/painmark/painmark/version"
)

// ParticipantsColumn is one column of a participants table, whose values are looked up by subject
// ID (table.Participants' matching: "sub-01" and "01" are the same subject).
type ParticipantsColumn struct {
	Table  *table.Participants
	Column string
}

// ChangeOptions set an intervention analysis: permutations and seed of the per-group change
// correlations (ChangeByGroup) and, optionally, one edge (two region names) whose Fisher-z change
// is compared between two groups (Compare: first minus second).
type ChangeOptions struct {
	Permutations int
	Seed         uint64
	Edge         []string
	Compare      []string
}

// DefaultChangeOptions are painmark's defaults: 10,000 permutations, seed 1, no edge test.
func DefaultChangeOptions() ChangeOptions { return ChangeOptions{Permutations: 10000, Seed: 1} }

// ChangeOutcomes are the intervention study's outcomes: pain before and after, and the group
// (arm) of every subject.
type ChangeOutcomes struct {
	PainPre, PainPost, Group ParticipantsColumn
	// Balance are participant characteristics compared between the arms (ArmBalance).
	Balance []ParticipantsColumn
}

// EdgeChangeResult is the between-group test of one edge's change (EdgeChange: Student's t of the
// post − pre Fisher-z differences, Cohen's d, the difference in means with its 95% CI).
type EdgeChangeResult struct {
	CI95           [2]float64 `json:"ci95"`
	CohenD         float64    `json:"cohen_d"`
	Compare        []string   `json:"compare"`
	DF             float64    `json:"df"`
	MeanDifference float64    `json:"mean_difference"`
	P              float64    `json:"p"`
	Regions        []string   `json:"regions"`
	T              float64    `json:"t"`
}

// ChangeResult is a signature followed through an intervention: the subjects with both sessions
// (in the pre table's order), their group, signature change (prediction post − pre) and pain
// change (post − pre), the per-group change correlations, and the edge test when asked for.
type ChangeResult struct {
	Balance []ArmBalance      `json:"balance,omitempty"`
	ByGroup []GroupChange     `json:"by_group"`
	Edge    *EdgeChangeResult `json:"edge,omitempty"`
	Groups  []string          `json:"groups"`
	// InSample are the paired subjects the signature was trained on (Signature.InSample).
	InSample        []string  `json:"in_sample,omitempty"`
	PainChange      []float64 `json:"pain_change"`
	Signature       string    `json:"signature"`
	SignatureChange []float64 `json:"signature_change"`
	SoftwareVersion string    `json:"software_version,omitempty"`
	Subjects        []string  `json:"subjects"`

	seed uint64
	// painAxis names the pain change on the report's axis by its columns ("pain_post − pain_pre").
	painAxis string
}

// Change pairs the subjects of the pre and post cohorts by ID, applies the signature to both,
// and relates the change of the signature to the change of pain within each group
// (ChangeByGroup); with o.Edge it also compares that edge's change between the o.Compare groups
// (EdgeChange, equal variances).
func Change(s *Signature, pre, post Cohort, in ChangeOutcomes, o ChangeOptions) (*ChangeResult, error) {
	if len(o.Edge) > 0 && (len(o.Edge) != 2 || len(o.Compare) != 2) {
		return nil, fmt.Errorf("the edge test takes two region names and two group labels (got %d and %d)", len(o.Edge), len(o.Compare))
	}
	var preds [2]map[string]float64
	var rows [2]map[string]int
	for k, c := range []Cohort{pre, post} {
		x, err := s.Harmonise(c)
		if err != nil {
			return nil, err
		}
		p, err := s.predict(x)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.Name, err)
		}
		preds[k], rows[k] = map[string]float64{}, map[string]int{}
		for i, id := range c.Subjects {
			preds[k][id], rows[k][id] = p[i], i
		}
	}
	var paired []string
	for _, id := range pre.Subjects {
		if _, ok := rows[1][id]; ok {
			paired = append(paired, id)
		}
	}
	painPre, err := in.PainPre.Table.Values(paired, in.PainPre.Column)
	if err != nil {
		return nil, err
	}
	painPost, err := in.PainPost.Table.Values(paired, in.PainPost.Column)
	if err != nil {
		return nil, err
	}
	groups, err := in.Group.Table.Labels(paired, in.Group.Column)
	if err != nil {
		return nil, err
	}
	r := &ChangeResult{Signature: s.Name, Subjects: paired, Groups: groups, InSample: s.InSample(paired), SoftwareVersion: version.String(), seed: o.Seed,
		painAxis:        changeAxis(in.PainPre.Column, in.PainPost.Column),
		SignatureChange: make([]float64, len(paired)), PainChange: make([]float64, len(paired))}
	for i, id := range paired {
		r.SignatureChange[i] = preds[1][id] - preds[0][id]
		r.PainChange[i] = painPost[i] - painPre[i]
	}
	if r.ByGroup, err = ChangeByGroup(r.SignatureChange, r.PainChange, groups, o.Permutations, o.Seed); err != nil {
		return nil, err
	}
	if r.Balance, err = armBalance(paired, groups, in.Balance); err != nil {
		return nil, err
	}
	if len(o.Edge) == 0 {
		return r, nil
	}
	f, err := s.EdgeFeature(o.Edge[0], o.Edge[1])
	if err != nil {
		return nil, err
	}
	var edge [2][]float64
	for k, c := range []Cohort{pre, post} {
		for _, id := range paired {
			edge[k] = append(edge[k], c.X.Data[rows[k][id]*c.X.Cols+f])
		}
	}
	tt, err := EdgeChange(edge[0], edge[1], groups, o.Compare[0], o.Compare[1], true)
	if err != nil {
		return nil, err
	}
	r.Edge = &EdgeChangeResult{Regions: o.Edge, Compare: o.Compare, T: tt.T, DF: tt.DF, P: tt.P, CohenD: tt.CohenD, MeanDifference: tt.MeanDiff, CI95: tt.CI}
	return r, nil
}

// EdgeFeature is the position of the edge between two named regions in the signature's feature
// vector (connectome.EdgeIndex: nilearn's lower triangle without the diagonal).
func (s *Signature) EdgeFeature(a, b string) (int, error) {
	ia, ib := -1, -1
	for i, r := range s.Regions {
		if r.Name == a {
			ia = i
		}
		if r.Name == b {
			ib = i
		}
	}
	if ia < 0 || ib < 0 || ia == ib {
		return 0, fmt.Errorf("the edge %s-%s is not between two regions of %s", a, b, s.Name)
	}
	return connectome.EdgeIndex(ia, ib), nil
}

// Print writes one line per group and the edge test.
func (r *ChangeResult) Print(w io.Writer) {
	inSampleNote(w, "", r.InSample, len(r.Subjects))
	printBalance(w, r.Balance)
	for _, g := range r.ByGroup {
		fmt.Fprintf(w, "%s (n = %d): signature change vs pain change r = %.3f (p = %.3g); mean changes %.3f and %.3f\n", g.Group, g.N, g.R, g.P, g.MeanSignatureChange, g.MeanPainChange)
	}
	if e := r.Edge; e != nil {
		fmt.Fprintf(w, "edge %s-%s, Fisher-z change %s vs %s: t(%g) = %.3f, p = %.3g, Cohen's d = %.3f, difference %.3f (95%% CI %.3f to %.3f)\n",
			e.Regions[0], e.Regions[1], e.Compare[0], e.Compare[1], e.DF, e.T, e.P, e.CohenD, e.MeanDifference, e.CI95[0], e.CI95[1])
	}
}

// WriteFiles writes the result as indented JSON.
func (r *ChangeResult) WriteFiles(path string) error { return atomicfile.WriteJSON(path, r) }

// AddReport adds one section per group (the change scatter) with the result as the numbers.
func (r *ChangeResult) AddReport(d *report.Document) {
	d.Seed = &r.seed
	nums := *r
	nums.SoftwareVersion = ""
	d.Numbers["results"] = &nums
	inSampleSection(d, "signature change", r.InSample, len(r.Subjects))
	addBalanceSection(d, r.Balance)
	for _, g := range r.ByGroup {
		var sc, pc []float64
		for i := range r.Subjects {
			if r.Groups[i] == g.Group {
				sc, pc = append(sc, r.SignatureChange[i]), append(pc, r.PainChange[i])
			}
		}
		sec := d.Section("Group " + g.Group)
		sec.Facts([2]string{"subjects", fmt.Sprint(g.N)}, [2]string{"signature change vs pain change", fmt.Sprintf("r = %.3f (permutation p = %.3g)", g.R, g.P)},
			[2]string{"mean changes", fmt.Sprintf("signature %.3f, pain %.3f", g.MeanSignatureChange, g.MeanPainChange)})
		sec.Figure(report.Scatter("Change in "+g.Group, r.painAxis, r.Signature+" response change (post − pre)", pc, sc),
			"Each subject's change in the signature's prediction against the change in pain; line: least squares with 95% band.")
	}
}

// ReadParticipantsColumn reads the participants table of a TABLE:COLUMN reference
// (table.ParseColumnRef; what names the option in errors, e.g. "--group").
func ReadParticipantsColumn(spec, what string) (ParticipantsColumn, error) {
	ref, err := table.ParseColumnRef(spec, what)
	if err != nil {
		return ParticipantsColumn{}, err
	}
	pt, err := table.ReadParticipants(ref.Path, "", nil)
	return ParticipantsColumn{Table: pt, Column: ref.Column}, err
}

// changeAxis names the pain change by its columns: "heat_pain_threshold change (post − pre)", or
// "pain change (pain_post − pain_pre)" when the two columns differ.
func changeAxis(pre, post string) string {
	if pre == post {
		return pre + " change (post − pre)"
	}
	return "pain change (" + post + " − " + pre + ")"
}
