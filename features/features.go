// Package features holds the cohort feature table: one row of features per subject (or run), and,
// for connectivity features, how they were computed — the regions with their tags, the
// connectivity measure, the vector order and the provenance. It has one reader and one writer for
// the files painmark connectome and painmark run write (features.tsv, features.npy, edges.tsv and
// the connectome.json sidecar), and one loader of a feature table with its target joined by
// subject, so the CLI, study runs and Go programs read features the same way.
package features

import (
	"fmt"

	"github.com/painmark/painmark/connectome"
)

// The files of a feature table in its folder.
const (
	TSVName     = "features.tsv"    // subjects x features, first column "subject"
	NPYName     = "features.npy"    // the same matrix as float64, for numpy users and fast reads
	EdgesName   = "edges.tsv"       // each feature column's two regions
	SidecarName = "connectome.json" // the Definition
)

// VectorOrder names the order of the entries of a connectivity vector: nilearn's
// sym_matrix_to_vec (connectome.Edges is its one definition in painmark).
const VectorOrder = "nilearn sym_matrix_to_vec: lower triangle row by row (i > j)"

// Region is one region of a connectivity feature table: its name (the column header of the ROI
// time series) and its system tag (brain, brainstem, spinal; empty when untagged), which the
// corticospinal ablation models and system restrictions use.
type Region struct {
	Name   string `json:"name"`
	System string `json:"system,omitempty"`
}

// Measure is the connectivity measure of the features: nilearn's ConnectivityMeasure kind, the
// covariance estimator, the scaling of the series before estimation, and whether Fisher's z
// (atanh) was applied to the vector.
type Measure struct {
	Kind      connectome.Kind          `json:"kind"`
	Estimator connectome.Estimator     `json:"estimator"`
	Scaling   connectome.SeriesScaling `json:"scaling"`
	FisherZ   bool                     `json:"fisher_z"`
}

// Provenance records where a table came from: the painmark version that wrote it, its input files
// (one per subject, in row order, when known) and each subject's Ledoit-Wolf shrinkage (when
// known; 0 for the empirical estimator).
type Provenance struct {
	SoftwareVersion string    `json:"software_version"`
	Inputs          []string  `json:"inputs,omitempty"`
	Shrinkage       []float64 `json:"shrinkage,omitempty"`
	// Warnings are the caveats of the estimates (subjects with fewer frames than regions).
	Warnings []string `json:"warnings,omitempty"`
}

// Definition says how a connectivity feature table was computed from ROI time series: its columns
// are the vector entries of connectome.Edges(len(Regions), DiscardDiagonal), in order.
type Definition struct {
	Regions         []Region   `json:"regions"`
	Measure         Measure    `json:"measure"`
	DiscardDiagonal bool       `json:"discard_diagonal"`
	VectorOrder     string     `json:"vector_order"`
	Provenance      Provenance `json:"provenance"`
	// Combine is the rule that made a person's runs one row (CombineMean, CombineConcat); empty
	// when every row is one input (CombineNone).
	Combine string `json:"combine,omitempty"`
	// Rows are the rows' identities (participant, entities, the runs combined) when runs were
	// combined; nil otherwise (a row's participant is then the sub- entity of its name).
	Rows []Identity `json:"rows,omitempty"`
}

// RegionNames lists the regions' names.
func (d *Definition) RegionNames() []string { return regionNames(d.Regions) }

func regionNames(regions []Region) []string {
	out := make([]string, len(regions))
	for i, r := range regions {
		out[i] = r.Name
	}
	return out
}

// Edges lists the two regions of every feature column (connectome.Edges).
func (d *Definition) Edges() []connectome.Edge {
	return connectome.Edges(len(d.Regions), d.DiscardDiagonal)
}

// Table is a subjects x features matrix with its subject IDs and column names, and, for
// connectivity features, their Definition (nil for a plain table, e.g. one a user made).
type Table struct {
	Subjects []string
	Columns  []string
	// Data holds the features row by row: Data[s*len(Columns)+f] is subject s's feature f.
	Data       []float64
	Definition *Definition
}

// NumSubjects is the number of rows.
func (t *Table) NumSubjects() int { return len(t.Subjects) }

// NumFeatures is the number of feature columns.
func (t *Table) NumFeatures() int { return len(t.Columns) }

// Row is subject s's features (a view into Data).
func (t *Table) Row(s int) []float64 {
	p := len(t.Columns)
	return t.Data[s*p : (s+1)*p : (s+1)*p]
}

// Column copies feature f of every subject.
func (t *Table) Column(f int) []float64 {
	p := len(t.Columns)
	out := make([]float64, len(t.Subjects))
	for s := range out {
		out[s] = t.Data[s*p+f]
	}
	return out
}

// EdgeColumn is the name of feature column k of a connectivity table: e00000, e00001, ...
func EdgeColumn(k int) string { return fmt.Sprintf("e%05d", k) }

// FromVectors builds a connectivity feature table from one vector per subject (in the
// Definition's vector order); the columns are named e00000, e00001, ...
func FromVectors(subjects []string, vectors [][]float64, def Definition) (*Table, error) {
	if len(subjects) != len(vectors) {
		return nil, fmt.Errorf("%d subjects, %d vectors", len(subjects), len(vectors))
	}
	if def.VectorOrder == "" {
		def.VectorOrder = VectorOrder
	}
	ne := connectome.NumEdges(len(def.Regions), def.DiscardDiagonal)
	t := &Table{Subjects: subjects, Columns: make([]string, ne), Data: make([]float64, 0, len(subjects)*ne), Definition: &def}
	for k := range t.Columns {
		t.Columns[k] = EdgeColumn(k)
	}
	for s, v := range vectors {
		if len(v) != ne {
			return nil, fmt.Errorf("subject %s: a vector of %d values, %d regions give %d edges", subjects[s], len(v), len(def.Regions), ne)
		}
		t.Data = append(t.Data, v...)
	}
	return t, nil
}

// check verifies the table's shape.
func (t *Table) check() error {
	if len(t.Data) != len(t.Subjects)*len(t.Columns) {
		return fmt.Errorf("feature table: %d values for %d subjects x %d features", len(t.Data), len(t.Subjects), len(t.Columns))
	}
	if d := t.Definition; d != nil {
		if ne := connectome.NumEdges(len(d.Regions), d.DiscardDiagonal); ne != len(t.Columns) {
			return fmt.Errorf("feature table: %d features, but %d regions give %d edges", len(t.Columns), len(d.Regions), ne)
		}
	}
	return nil
}
