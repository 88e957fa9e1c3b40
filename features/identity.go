package features

import (
	"fmt"
	"math"
	"strings"

	"github.com/painmark/painmark/connectome"
	"github.com/painmark/painmark/signal"
	"github.com/painmark/painmark/study"
)

// How the runs (and sessions) of one person become rows of a feature table: Combine in
// ConnectomeOptions and a study file's [connectivity] combine.
const (
	// CombineNone keeps every run as a row (repeated measures): the rows of one person are then
	// grouped in every cross-validation (Table.Groups), so a person's runs never fall in
	// different folds.
	CombineNone = "none"
	// CombineMean averages a person's run matrices into one row. Correlations and partial
	// correlations are averaged in Fisher z and transformed back (r is bounded and skewed, its
	// z is not: the mean of z is the standard pooled correlation, and a plain mean of r is
	// biased towards 0); a table with fisher_z already holds z, which is averaged as it is;
	// covariances, precisions and tangent vectors are averaged as they are (they live in a
	// linear space). Diagonal entries are averaged as they are.
	CombineMean = "mean"
	// CombineConcat concatenates a person's runs, each centred (every region's mean over the
	// run removed, so that differences between runs' means do not enter the covariance),
	// before the connectivity is estimated once.
	CombineConcat = "concat"
)

// CombineRules lists the combination rules, the default first.
var CombineRules = []string{CombineNone, CombineMean, CombineConcat}

// Identity is who and what a feature row is, as BIDS names it: the participant (participant_id,
// the key that joins participants.tsv), and the session, task and run of a row that is one run.
// A row combining several runs lists them in Runs (their run names); its session and task are
// those the runs share (empty when they differ).
type Identity struct {
	study.RunIdentity
	Runs []string `json:"runs,omitempty"`
}

// checkCombine refuses an unknown rule.
func checkCombine(rule string) error {
	for _, r := range CombineRules {
		if r == rule || rule == "" {
			return nil
		}
	}
	return fmt.Errorf("combine %q: want %s", rule, strings.Join(CombineRules, ", "))
}

// Participant is the participant of row s: its Identity's when the table records one, else the
// sub- entity of its name (a BIDS run name such as "sub-01_task-rest" belongs to sub-01), else
// the name itself.
func (t *Table) Participant(s int) string {
	if d := t.Definition; d != nil && len(d.Rows) == len(t.Subjects) && d.Rows[s].Participant != "" {
		return d.Rows[s].Participant
	}
	return participantOf(t.Subjects[s])
}

func participantOf(name string) string {
	if id, ok := study.IdentifyRun(name); ok {
		return id.Participant
	}
	return name
}

// Participants lists every row's participant (Participant), the IDs a participants table is
// joined on.
func (t *Table) Participants() []string {
	out := make([]string, len(t.Subjects))
	for s := range out {
		out[s] = t.Participant(s)
	}
	return out
}

// Groups are the rows' participants when some person has several rows (repeated measures), for
// grouped cross-validation (learn.ParseCV's groups: leave-one-person-out); nil when every row is
// another person.
func (t *Table) Groups() []string {
	p := t.Participants()
	seen := map[string]bool{}
	for _, id := range p {
		if seen[id] {
			return p
		}
		seen[id] = true
	}
	return nil
}

// PersonRows groups runs, named as BIDS runs ("sub-01_ses-1_task-rest_run-2", RunName), by
// participant in the order of each person's first run: the rows a combination (CombineMean,
// CombineConcat) makes, each row's identity (participant_id, the session and task its runs share,
// the runs' names) and the indices of its runs. A name without a sub- entity is an error.
func PersonRows(runs []string) ([]Identity, [][]int, error) {
	var rows []Identity
	var members [][]int
	at := map[string]int{}
	ids := make([]study.RunIdentity, len(runs))
	for i, name := range runs {
		id, ok := study.IdentifyRun(name)
		if !ok {
			return nil, nil, fmt.Errorf("run %q: combining runs needs each run's participant (a BIDS name with a sub- entity; ids %q)", name, BIDSNames)
		}
		ids[i] = id
		k, seen := at[id.Participant]
		if !seen {
			k = len(rows)
			at[id.Participant] = k
			rows = append(rows, Identity{RunIdentity: study.RunIdentity{Participant: id.Participant, Session: id.Session, Task: id.Task}})
			members = append(members, nil)
		}
		r := &rows[k]
		if id.Session != r.Session {
			r.Session = ""
		}
		if id.Task != r.Task {
			r.Task = ""
		}
		r.Runs = append(r.Runs, name)
		members[k] = append(members[k], i)
	}
	for k, m := range members {
		if len(m) == 1 {
			rows[k].Run = ids[m[0]].Run
		}
	}
	return rows, members, nil
}

// Concat combines a person's runs by concatenation (CombineConcat): one series per participant
// (PersonRows), each run centred before it is appended, rows named by participant_id.
func (s *Series) Concat() (*Series, error) {
	if err := s.needIdentities(); err != nil {
		return nil, err
	}
	rows, members, err := PersonRows(s.Subjects)
	if err != nil {
		return nil, err
	}
	out := &Series{Regions: s.Regions, Identities: rows}
	for k, idx := range members {
		runs := make([]signal.Matrix, len(idx))
		for j, i := range idx {
			runs[j] = s.Data[i]
			out.Files = append(out.Files, s.Files[i])
		}
		out.Subjects = append(out.Subjects, rows[k].Participant)
		out.Data = append(out.Data, ConcatSeries(runs))
	}
	return out, nil
}

// ConcatSeries concatenates one person's runs, each centred (every region's mean over the run
// removed), as CombineConcat does.
func ConcatSeries(runs []signal.Matrix) signal.Matrix {
	var m signal.Matrix
	for _, d := range runs {
		means := columnMeans(d)
		m.Cols = d.Cols
		for r := 0; r < d.Rows; r++ {
			for c := 0; c < d.Cols; c++ {
				m.Data = append(m.Data, d.Data[r*d.Cols+c]-means[c])
			}
		}
		m.Rows += d.Rows
	}
	return m
}

func columnMeans(d signal.Matrix) []float64 {
	means := make([]float64, d.Cols)
	for r := 0; r < d.Rows; r++ {
		for c := 0; c < d.Cols; c++ {
			means[c] += d.Data[r*d.Cols+c]
		}
	}
	for c := range means {
		means[c] /= float64(d.Rows)
	}
	return means
}

func (s *Series) needIdentities() error {
	if len(s.Identities) != len(s.Subjects) {
		return fmt.Errorf("combining runs needs each run's participant (BIDS file names, ids %q)", BIDSNames)
	}
	return nil
}

// MeanVectors averages connectivity vectors of one person's runs (CombineMean): off-diagonal
// correlations and partial correlations in Fisher z, transformed back unless the vectors already
// hold z (fisherZ); everything else as it is. One vector is returned unchanged.
func MeanVectors(m Measure, discardDiagonal bool, vectors [][]float64) []float64 {
	z := !m.FisherZ && correlations(m.Kind)
	var diag []bool
	if !discardDiagonal {
		edges := connectome.Edges(int(math.Round((-1+math.Sqrt(1+8*float64(len(vectors[0]))))/2)), false)
		diag = make([]bool, len(edges))
		for k, e := range edges {
			diag[k] = e.I == e.J
		}
	}
	return meanEntries(vectors, func(k int) bool { return z && (diag == nil || !diag[k]) })
}

func correlations(k connectome.Kind) bool {
	return k == connectome.Correlation || k == connectome.PartialCorrelation
}

// meanEntries averages vectors entry by entry, entry k in Fisher z when inZ(k); one vector is
// returned unchanged.
func meanEntries(vectors [][]float64, inZ func(k int) bool) []float64 {
	out := append([]float64(nil), vectors[0]...)
	if len(vectors) == 1 {
		return out
	}
	for k := range out {
		zk := inZ(k)
		sum := 0.0
		for _, v := range vectors {
			if zk {
				sum += math.Atanh(v[k])
			} else {
				sum += v[k]
			}
		}
		out[k] = sum / float64(len(vectors))
		if zk {
			out[k] = math.Tanh(out[k])
		}
	}
	return out
}

// meanRows combines a cohort result computed per run into one row per person (CombineMean): the
// vectors by MeanVectors, the matrices entry by entry the same way (for the report), the
// Ledoit-Wolf shrinkage averaged; the inputs listed person by person.
func meanRows(s *Series, vectors [][]float64, matrices []connectome.Sym, shrink []float64, m Measure, discardDiagonal bool) ([]Identity, []string, [][]float64, []connectome.Sym, []float64, []string, error) {
	if err := s.needIdentities(); err != nil {
		return nil, nil, nil, nil, nil, nil, err
	}
	rows, members, err := PersonRows(s.Subjects)
	if err != nil {
		return nil, nil, nil, nil, nil, nil, err
	}
	names := make([]string, len(rows))
	vecs := make([][]float64, len(rows))
	sh := make([]float64, len(rows))
	var mats []connectome.Sym
	var files []string
	for k, idx := range members {
		names[k] = rows[k].Participant
		vs := make([][]float64, len(idx))
		for j, i := range idx {
			vs[j] = vectors[i]
			sh[k] += shrink[i] / float64(len(idx))
			files = append(files, s.Files[i])
		}
		vecs[k] = MeanVectors(m, discardDiagonal, vs)
		if matrices != nil {
			ms := make([][]float64, len(idx))
			for j, i := range idx {
				ms[j] = matrices[i].Data
			}
			sym := matrices[idx[0]]
			sym.Data = meanMatrix(m, sym.N, ms)
			mats = append(mats, sym)
		}
	}
	return rows, names, vecs, mats, sh, files, nil
}

// meanMatrix averages full matrices (row-major, n x n) as MeanVectors averages vectors (a matrix
// is never in Fisher z: off-diagonal correlations are averaged in z).
func meanMatrix(m Measure, n int, ms [][]float64) []float64 {
	z := correlations(m.Kind)
	return meanEntries(ms, func(k int) bool { return z && k/n != k%n })
}
