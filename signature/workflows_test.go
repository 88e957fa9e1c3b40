package signature

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/table"
)

// bochumCohort is the Bochum sample as a cohort with made-up subject IDs.
func bochumCohort(t *testing.T) (*Signature, Cohort) {
	rpn, x, y, _ := rpnOnBochum(t)
	ids := make([]string, x.Rows)
	for i := range ids {
		ids[i] = fmt.Sprintf("sub-%02d", i+1)
	}
	return rpn, Cohort{Name: "bochum", Subjects: ids, X: x, Y: y}
}

// participants writes a participants table and reads it back.
func participants(t *testing.T, cols ...*table.Column) *table.Participants {
	path := filepath.Join(t.TempDir(), "participants.tsv")
	if err := table.Write(path, &table.Table{Columns: cols}); err != nil {
		t.Fatal(err)
	}
	pt, err := table.ReadParticipants(path, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	return pt
}

// A signature trained by TrainCohort records its subjects, so applying it to them again is
// flagged as in-sample (matched as participants tables match IDs), and other subjects are not.
func TestApplyFlagsInSampleSubjects(t *testing.T) {
	_, c := bochumCohort(t)
	res, err := TrainCohort(c, DefaultTrainOptions()) // the RPN's recipe
	if err != nil {
		t.Fatal(err)
	}
	rpn, _ := bochumCohort(t)
	if got, want := res.Signature.Selected, rpn.Selected; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("the default recipe on the Bochum sample selects %v, the published RPN %v", got, want)
	}
	for i, w := range rpn.Weights {
		if math.Abs(res.Signature.Weights[i]-w) > 1e-8*math.Abs(w) {
			t.Errorf("weight %d: %v, the published RPN's %v", i, res.Signature.Weights[i], w)
		}
	}
	if got := res.Signature.Training.Subjects; len(got) != len(c.Subjects) || got[0] != "sub-01" {
		t.Fatalf("training subjects %v", got)
	}
	other := c
	other.Subjects = append([]string{"01", "sub-99"}, c.Subjects[2:]...)
	a, err := Apply(res.Signature, other)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.InSample) != len(c.Subjects)-1 || a.InSample[0] != "01" {
		t.Errorf("in-sample subjects %v", a.InSample)
	}
	if a, _ := Apply(rpn, c); a.InSample != nil {
		t.Errorf("an imported signature records no training subjects, got %v", a.InSample)
	}
}

// Change pairs subjects by ID (post in another order, one subject without post), takes the
// change scores of the pairs, and finds the edge by its two region names (connectome.EdgeIndex).
func TestChangePairsSubjects(t *testing.T) {
	rpn, pre := bochumCohort(t)
	n := len(pre.Subjects)
	rows := make([]int, 0, n-1)
	for i := n - 1; i >= 1; i-- { // reversed, without the first subject
		rows = append(rows, i)
	}
	post := Cohort{Name: "post", X: pre.X.SelectRows(rows)}
	for _, r := range rows {
		post.Subjects = append(post.Subjects, pre.Subjects[r])
	}
	for i := range post.X.Data {
		post.X.Data[i] *= 0.9
	}
	ids := pre.Subjects
	painPre, painPost, arm := make([]float64, n), make([]float64, n), make([]string, n)
	for i := range ids {
		painPre[i], painPost[i], arm[i] = float64(i%5), float64(i%3), []string{"active", "sham"}[i%2]
	}
	pt := participants(t, table.TextColumn("participant_id", ids), table.NumericColumn("pre", painPre), table.NumericColumn("post", painPost), table.TextColumn("arm", arm))
	o := DefaultChangeOptions()
	o.Permutations, o.Edge, o.Compare = 99, []string{"CER5", "GlobSig"}, []string{"active", "sham"}
	res, err := Change(rpn, pre, post, ChangeOutcomes{PainPre: ParticipantsColumn{pt, "pre"}, PainPost: ParticipantsColumn{pt, "post"}, Group: ParticipantsColumn{pt, "arm"}}, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Subjects) != n-1 || res.Subjects[0] != ids[1] {
		t.Fatalf("paired %d subjects starting %v", len(res.Subjects), res.Subjects[0])
	}
	predPre, _ := rpn.Apply(pre.X)
	predPost, _ := rpn.Apply(post.X)
	// Subject ids[1] is row 1 of pre and the last row of post.
	if got, want := res.SignatureChange[0], predPost[n-2]-predPre[1]; got != want {
		t.Errorf("signature change %v, want %v", got, want)
	}
	if got, want := res.PainChange[0], painPost[1]-painPre[1]; got != want {
		t.Errorf("pain change %v, want %v", got, want)
	}
	f, _ := rpn.EdgeFeature("CER5", "GlobSig")
	if f2, _ := rpn.EdgeFeature("GlobSig", "CER5"); f2 != f {
		t.Errorf("edge position depends on the order of its regions: %d, %d", f, f2)
	}
	if res.Edge == nil || res.Edge.Regions[0] != "CER5" {
		t.Errorf("edge test %+v", res.Edge)
	}
	o.Edge = []string{"CER5"}
	if _, err := Change(rpn, pre, post, ChangeOutcomes{PainPre: ParticipantsColumn{pt, "pre"}, PainPost: ParticipantsColumn{pt, "post"}, Group: ParticipantsColumn{pt, "arm"}}, o); err == nil {
		t.Error("an edge of one region accepted")
	}
}

// Results are written with stable snake_case keys in alphabetical order (the order the former
// command-line maps had), so the files do not change.
func TestResultJSONKeysSorted(t *testing.T) {
	for _, v := range []any{&Validation{}, &CohortValidation{}, &ChangeResult{Edge: &EdgeChangeResult{}}, &EdgeChangeResult{}, &ForcedChoiceResult{},
		&LesionAnalysis{}, &ComparisonResult{}, &ComparedSignature{}, &ComparedPair{}, &AblationAnalysis{}} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.Token()
		for dec.More() {
			k, _ := dec.Token()
			keys = append(keys, k.(string))
			var skip json.RawMessage
			dec.Decode(&skip)
		}
		for i := 1; i < len(keys); i++ {
			if keys[i-1] >= keys[i] {
				t.Errorf("%T: key %q before %q", v, keys[i-1], keys[i])
			}
		}
		for _, k := range keys {
			if k != strings.ToLower(k) || strings.Contains(k, " ") {
				t.Errorf("%T: key %q is not snake_case", v, k)
			}
		}
	}
}

// ForcedChoice pairs conditions by subject; CompareCohorts keeps the subjects of every cohort;
// Restrict needs exactly one of drop or systems.
func TestCohortJoins(t *testing.T) {
	rpn, c := bochumCohort(t)
	a, _ := Apply(rpn, c)
	b := &Application{Subjects: append([]string{"sub-xx"}, a.Subjects[:10]...), Predictions: make([]float64, 11)}
	for i := range b.Predictions {
		b.Predictions[i] = math.Inf(-1)
	}
	fc, err := ForcedChoice(a, b, DefaultForcedChoiceOptions())
	if err != nil {
		t.Fatal(err)
	}
	if fc.N != 10 || fc.Hits != 10 || fc.Subjects[0] != "sub-01" {
		t.Errorf("forced choice %+v", fc)
	}
	half := Cohort{Name: "half", Subjects: c.Subjects[:20], X: c.X.SelectRows(seq(20)), Y: c.Y[:20]}
	o := DefaultCompareOptions()
	o.Permutations, o.Bootstraps = 0, 0
	cr, err := CompareCohorts([]*Signature{rpn, rpn}, []Cohort{c, half}, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(cr.Subjects) != 20 || cr.Pairs[0].DiffR != 0 || cr.Signatures[1].Features != "half" {
		t.Errorf("comparison on %d subjects: %+v", len(cr.Subjects), cr.Pairs)
	}
	if _, err := Restrict(rpn, RestrictOptions{}); err == nil {
		t.Error("a restriction without regions accepted")
	}
	r, err := Restrict(rpn, RestrictOptions{Drop: []string{"GlobSig"}})
	if err != nil || r.Name != "RPN-restricted" || len(r.Regions) != 122 {
		t.Errorf("restricted: %v", err)
	}
}

func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// A weight table by position or by name gives the signature ImportWeights makes; a table with
// neither is refused naming the columns it needs.
func TestEdgeWeightsFromTable(t *testing.T) {
	rpn, _ := bochumCohort(t)
	dir := t.TempDir()
	write := func(name, text string) *table.Table {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(text), 0o644)
		tb, err := table.Read(p, nil)
		if err != nil {
			t.Fatal(err)
		}
		return tb
	}
	byPos, err := EdgeWeightsFromTable(write("pos.tsv", "i\tj\tweight\n1\t0\t0.5\n0\t3\t-1\n"), rpn.Regions)
	if err != nil {
		t.Fatal(err)
	}
	byName, err := EdgeWeightsFromTable(write("names.tsv", "region_i\tregion_j\tweight\n"+rpn.Regions[1].Name+"\tGlobSig\t0.5\nGlobSig\t"+rpn.Regions[3].Name+"\t-1\n"), rpn.Regions)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(byPos) != fmt.Sprint(byName) {
		t.Errorf("by position %v, by name %v", byPos, byName)
	}
	if _, err := EdgeWeightsFromTable(write("bad.tsv", "a\tb\tweight\n1\t0\t1\n"), rpn.Regions); err == nil || !strings.Contains(err.Error(), "region_i") {
		t.Errorf("a table without edge columns: %v", err)
	}
}
