package signature

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/painmark/painmark/connectome"
	"github.com/painmark/painmark/features"
	"github.com/painmark/painmark/learn"
	"github.com/painmark/painmark/table"
)

// Application is a signature applied to a cohort: one prediction per subject, and the subjects
// the signature was trained on (in-sample: their predictions are fitted values, not predictions
// for people the model never saw), as far as the signature records its training subjects.
type Application struct {
	Signature   string    `json:"signature"`
	Subjects    []string  `json:"subjects"`
	Predictions []float64 `json:"predictions"`
	InSample    []string  `json:"in_sample,omitempty"`
}

// Apply predicts the outcome of every subject of the cohort (c.X in the signature's feature order;
// c.Y is not used).
func Apply(s *Signature, c Cohort) (*Application, error) {
	c, err := s.Align(c)
	if err != nil {
		return nil, err
	}
	x, err := s.Harmonise(c)
	if err != nil {
		return nil, err
	}
	pred, err := s.predict(x)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.Name, err)
	}
	return &Application{Signature: s.Name, Subjects: c.Subjects, Predictions: pred, InSample: s.InSample(c.Subjects)}, nil
}

// Align puts the cohort's feature columns in the signature's order by name (FeatureNames), so that a
// table whose columns were reordered predicts the same; a feature of the signature the table lacks
// (dropped or renamed) is an error naming it. A signature without names whose regions define
// connectivity edges takes the edge columns' names (features.EdgeColumn) when the table has all of
// them; otherwise, and for a cohort without column names, the columns apply by position. A cohort
// already in order is returned as it is.
func (s *Signature) Align(c Cohort) (Cohort, error) {
	if c.Columns == nil {
		return c, nil
	}
	pos := make(map[string]int, len(c.Columns))
	for j, n := range c.Columns {
		if _, dup := pos[n]; dup {
			return c, fmt.Errorf("%s: feature %q appears twice", c.Name, n)
		}
		pos[n] = j
	}
	names := s.FeatureNames
	if names == nil && len(s.Regions) > 0 && connectome.NumEdges(len(s.Regions), true) == s.Features.NumFeatures {
		names = make([]string, s.Features.NumFeatures)
		for k := range names {
			if _, ok := pos[features.EdgeColumn(k)]; !ok {
				return c, nil // not a table of edge columns: by position, as before names
			}
			names[k] = features.EdgeColumn(k)
		}
	}
	if names == nil || slices.Equal(names, c.Columns) {
		return c, nil
	}
	cols := make([]int, len(names))
	for k, n := range names {
		j, ok := pos[n]
		if !ok {
			return c, fmt.Errorf("%s: the signature's feature %q (feature %d of %d) is not a column of the table (were its columns renamed or dropped?)", c.Name, n, k+1, len(names))
		}
		cols[k] = j
	}
	c.X, c.Columns = c.X.SelectColumns(cols), names
	return c, nil
}

// Harmonise returns the cohort's rows (aligned, Align) as the signature's model takes them: as
// they are, or harmonised by the signature's ComBat, which needs every subject's site (c.Sites)
// among the sites it was fitted on.
func (s *Signature) Harmonise(c Cohort) (learn.Matrix, error) {
	if s.ComBat == nil {
		return c.X, nil
	}
	if c.Sites == nil {
		return learn.Matrix{}, fmt.Errorf("%s: signature %q harmonises sites with ComBat (%s): give each subject's site (--combat TABLE:COLUMN)", c.Name, s.Name, strings.Join(s.ComBat.Sites, ", "))
	}
	x, err := s.ComBat.Apply(c.X, c.Sites, learn.Matrix{})
	if err != nil {
		return learn.Matrix{}, fmt.Errorf("%s: %w (a site the signature's ComBat was not fitted on cannot be harmonised: it has no estimate of that site's effects)", c.Name, err)
	}
	return x, nil
}

// WriteFiles writes the predictions as a TSV table (columns subject and prediction), with a column
// in_sample (1: the signature was trained on the subject, a fitted value; 0: a prediction) when
// any subject is in-sample.
func (a *Application) WriteFiles(path string) error {
	cols := []*table.Column{table.TextColumn("subject", a.Subjects), table.NumericColumn("prediction", a.Predictions)}
	if len(a.InSample) > 0 {
		in := map[string]bool{}
		for _, id := range a.InSample {
			in[id] = true
		}
		flag := make([]float64, len(a.Subjects))
		for i, id := range a.Subjects {
			if in[id] {
				flag[i] = 1
			}
		}
		cols = append(cols, table.NumericColumn("in_sample", flag))
	}
	return table.Write(path, &table.Table{Columns: cols})
}

// InSample lists the subjects (in the given order) that the signature was trained on, matched as
// participants tables match them ("sub-01" and "01" are the same subject). Signatures that do not
// record their training subjects (imported ones, older files) have none.
func (s *Signature) InSample(subjects []string) []string {
	if len(s.Training.Subjects) == 0 {
		return nil
	}
	trained := map[string]bool{}
	for _, id := range s.Training.Subjects {
		trained[table.SubjectKey(id)] = true
	}
	var out []string
	for _, id := range subjects {
		if trained[table.SubjectKey(id)] {
			out = append(out, id)
		}
	}
	return out
}

// Describe writes a short description of the signature: name, format and checksum, features,
// model, target, training and provenance.
func (s *Signature) Describe(w io.Writer) {
	fmt.Fprintf(w, "%s (format %s v%d, checksum %.12s…)\n%s\n", s.Name, s.Format, s.Version, s.Checksum, s.Description)
	fmt.Fprintf(w, "features   %s (%s, series %s), %s, %d regions → %d features\n", s.Features.Kind, s.Features.Estimator, s.Features.Scaling, s.Features.Vectorization, len(s.Regions), s.Features.NumFeatures)
	fmt.Fprintf(w, "model      %d weighted features, intercept %.6g, scaler %v\n", len(s.Selected), s.Intercept, s.Center != nil)
	fmt.Fprintf(w, "target     %s (standardization: %s)\n", s.Target.Description, s.Target.Standardization)
	fmt.Fprintf(w, "training   %s, n = %d, %s, hyperparameters %s\n", s.Training.Cohort, s.Training.N, s.Training.CVScheme, learn.FormatParams(s.Training.Hyperparameters))
	fmt.Fprintf(w, "provenance %s (%s)\n", s.Provenance.Source, s.Provenance.SoftwareVersion)
}

// CohortFromTable makes a cohort of a feature table (features.Load or features.Read) and its
// outcomes (nil where none are needed), named name (e.g. the table's path).
func CohortFromTable(name string, t *features.Table, y []float64) Cohort {
	return Cohort{Name: name, Subjects: t.Subjects, Columns: t.Columns, X: learn.Matrix{Rows: len(t.Subjects), Cols: len(t.Columns), Data: t.Data}, Y: y, Persons: t.Groups()}
}

// DefinitionFromTable is the regions (with their system tags) and feature definition a signature
// trained on the table records: none for a plain table without a definition.
func DefinitionFromTable(t *features.Table) ([]Region, FeatureDefinition) {
	if t == nil || t.Definition == nil {
		return nil, FeatureDefinition{}
	}
	d := t.Definition
	regions := make([]Region, len(d.Regions))
	for i, r := range d.Regions {
		regions[i] = Region{Name: r.Name, System: r.System}
	}
	return regions, FeatureDefinition{Kind: string(d.Measure.Kind), Estimator: string(d.Measure.Estimator), Scaling: string(d.Measure.Scaling), Vectorization: d.VectorOrder}
}

// InSampleNote is the warning painmark prints and reports for an application with in-sample
// subjects ("" when none).
func (a *Application) InSampleNote() string {
	if len(a.InSample) == 0 {
		return ""
	}
	return "IN-SAMPLE: " + inSampleText(len(a.InSample), len(a.Subjects)) + " (column in_sample)"
}
