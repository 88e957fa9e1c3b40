package features

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/painmark/painmark/connectome"
	"github.com/painmark/painmark/npy"
	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/signal"
	"github.com/painmark/painmark/study"
	"github.com/painmark/painmark/table"
	"github.com/painmark/painmark/version"
)

// Series are the ROI time series of a cohort: one frames x regions matrix per subject (or run),
// all over the same regions in the same order.
type Series struct {
	Subjects []string
	Regions  []Region
	Data     []signal.Matrix
	// Files are the tables the series were read from (one per subject), for provenance.
	Files []string
}

// RegionNames lists the regions' names.
func (s *Series) RegionNames() []string { return regionNames(s.Regions) }

// How ReadSeries names subjects: by the BIDS entities of the file name (the default) or by the
// file name.
const (
	BIDSNames = "bids"
	FileNames = "file"
)

// ReadSeries reads ROI time-series tables (frames x regions, header = region names, as painmark
// extract writes them), leaving out the drop columns (e.g. a global signal). Every file must have
// the same regions in the same order. Subjects are named by ids: "bids" (the sub-/ses-/task-/run-
// entities of the file name, study.RunName) or "file" (the file name).
func ReadSeries(files, drop []string, ids string) (*Series, error) {
	if ids != BIDSNames && ids != FileNames {
		return nil, fmt.Errorf("subject names %q: %s or %s", ids, BIDSNames, FileNames)
	}
	s := &Series{Files: files}
	var regions []string
	for _, f := range files {
		tb, err := table.Read(f, nil)
		if err != nil {
			return nil, err
		}
		cols, rn := tb.ColumnsExcept(drop)
		if regions == nil {
			regions = rn
		} else if strings.Join(regions, "\t") != strings.Join(rn, "\t") {
			return nil, fmt.Errorf("%s: its regions differ from %s's; all inputs need the same regions in the same order", f, files[0])
		}
		data, err := tb.Matrix(cols, false)
		if err != nil {
			return nil, err
		}
		s.Data = append(s.Data, signal.Matrix{Rows: tb.NumRows(), Cols: len(cols), Data: data})
		s.Subjects = append(s.Subjects, study.RunName(f, ids == BIDSNames))
	}
	s.Regions = make([]Region, len(regions))
	for i, r := range regions {
		s.Regions[i].Name = r
	}
	return s, nil
}

// TagRegions sets every region's system tag (brain, brainstem, spinal) from a table with columns
// name and system (e.g. the regions.tsv of painmark synthetic csps). A region without a tag is an
// error.
func (s *Series) TagRegions(path string) error {
	tb, err := table.Read(path, nil)
	if err != nil {
		return err
	}
	names, err := tb.Column("name")
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	sys, err := tb.Column("system")
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	tag := map[string]string{}
	for i, n := range names.Raw {
		tag[n] = sys.Raw[i]
	}
	for i, r := range s.Regions {
		t, ok := tag[r.Name]
		if !ok {
			return fmt.Errorf("%s: no tag for region %q", path, r.Name)
		}
		s.Regions[i].System = t
	}
	return nil
}

// ConnectomeOptions define a cohort's connectivity features (painmark connectome's flags and a
// study file's [connectivity]).
type ConnectomeOptions struct {
	// Measure is nilearn's ConnectivityMeasure kind, the covariance estimator and the series
	// scaling (see connectome.Measure).
	Measure connectome.Measure
	// DiscardDiagonal leaves the diagonal out of the vectors (nilearn's discard_diagonal).
	DiscardDiagonal bool
	// FisherZ applies atanh to the vectors.
	FisherZ bool
	// Matrices keeps each subject's matrix in the result (and its files).
	Matrices bool
}

// DefaultConnectomeOptions are painmark's defaults: partial correlation, Ledoit-Wolf, series
// scaled as nilearn does, the diagonal discarded, no Fisher z, matrices kept.
func DefaultConnectomeOptions() ConnectomeOptions {
	return ConnectomeOptions{Measure: connectome.Measure{Kind: connectome.PartialCorrelation, Estimator: connectome.LedoitWolfEstimator, Scaling: connectome.AsNilearn},
		DiscardDiagonal: true, Matrices: true}
}

// Check refuses an unknown measure (connectome.Measure.Check) and Fisher's z with the diagonal kept
// (atanh(1) is infinite).
func (o ConnectomeOptions) Check() error {
	if err := o.Measure.Check(); err != nil {
		return err
	}
	if o.FisherZ && !o.DiscardDiagonal {
		return fmt.Errorf("Fisher z of a vector with the diagonal (atanh(1) = +Inf): discard the diagonal")
	}
	return nil
}

// Definition is the definition of the features these options compute over these regions.
func (o ConnectomeOptions) Definition(regions []Region, p Provenance) Definition {
	return Definition{Regions: regions, DiscardDiagonal: o.DiscardDiagonal, VectorOrder: VectorOrder, Provenance: p,
		Measure: Measure{Kind: o.Measure.Kind, Estimator: o.Measure.Estimator, Scaling: o.Measure.Scaling, FisherZ: o.FisherZ}}
}

// ConnectomeResult is a cohort's connectivity: the feature table (with its Definition) and each
// subject's matrix.
type ConnectomeResult struct {
	Table *Table
	// Matrices are the subjects' regions x regions matrices (nil unless Options.Matrices).
	Matrices []connectome.Sym
	// Mean is the subjects' mean matrix (row-major), for the report.
	Mean    []float64
	Options ConnectomeOptions
}

// Connectomes computes one connectivity matrix per subject and the cohort feature table (nilearn's
// sym_matrix_to_vec order), as painmark connectome does. For the tangent kind the reference is
// fitted on these subjects (inside cross-validation fit it on training subjects only).
func Connectomes(s *Series, o ConnectomeOptions) (*ConnectomeResult, error) {
	if err := o.Check(); err != nil {
		return nil, err
	}
	res, err := connectome.Cohort(s.Data, connectome.CohortOptions{Measure: o.Measure, DiscardDiagonal: o.DiscardDiagonal, FisherZ: o.FisherZ})
	if err != nil {
		return nil, err
	}
	shrink := make([]float64, len(s.Subjects))
	for i, in := range res.Info {
		shrink[i] = in.Shrinkage
	}
	t, err := FromVectors(s.Subjects, res.Features, o.Definition(s.Regions, Provenance{SoftwareVersion: version.String(), Inputs: s.Files, Shrinkage: shrink}))
	if err != nil {
		return nil, err
	}
	nr := len(s.Regions)
	mean := make([]float64, nr*nr)
	for _, m := range res.Matrices {
		for i, v := range m.Data {
			mean[i] += v / float64(len(res.Matrices))
		}
	}
	out := &ConnectomeResult{Table: t, Mean: mean, Options: o}
	if o.Matrices {
		out.Matrices = res.Matrices
	}
	return out, nil
}

// WriteFiles writes the result into folder dir: the feature table (Table.Write: features.tsv and
// .npy, edges.tsv, connectome.json) and, when kept, each subject's matrix as
// matrices/<subject>_connectome.tsv and .npy.
func (r *ConnectomeResult) WriteFiles(dir string) error {
	if err := os.MkdirAll(filepath.Join(dir, "matrices"), 0o755); err != nil {
		return err
	}
	regions := r.Table.Definition.RegionNames()
	for s, m := range r.Matrices {
		base := filepath.Join(dir, "matrices", r.Table.Subjects[s]+"_connectome")
		cols := make([]*table.Column, 0, m.N+1)
		cols = append(cols, table.TextColumn("region", regions))
		for j := 0; j < m.N; j++ {
			v := make([]float64, m.N)
			for i := range v {
				v[i] = m.At(i, j)
			}
			cols = append(cols, table.NumericColumn(regions[j], v))
		}
		if err := table.Write(base+".tsv", &table.Table{Columns: cols}); err != nil {
			return err
		}
		if err := npy.Write(base+".npy", []int{m.N, m.N}, m.Data, "<f8"); err != nil {
			return err
		}
	}
	return r.Table.Write(dir)
}

// AddReport adds the result's numbers and its section to a report: the cohort's mean matrix as a
// heat map, and each subject's Ledoit-Wolf shrinkage.
func (r *ConnectomeResult) AddReport(doc *report.Document) {
	d := r.Table.Definition
	m := d.Measure
	regions := d.RegionNames()
	doc.Numbers["subjects"], doc.Numbers["regions"], doc.Numbers["mean_matrix"], doc.Numbers["shrinkage"] = r.Table.Subjects, regions, r.Mean, d.Provenance.Shrinkage
	sec := doc.Section("Mean connectivity matrix")
	if fig, err := report.Heatmap(fmt.Sprintf("Mean %s over %d subjects", m.Kind, r.Table.NumSubjects()), string(m.Kind), regions, r.Mean, d.DiscardDiagonal); err == nil {
		sec.Figure(fig, fmt.Sprintf("Each cell the mean over subjects of one region pair's %s (%s estimator, %s scaling); the diagonal is left blank when discarded.", m.Kind, m.Estimator, m.Scaling))
	}
	if m.Estimator == connectome.LedoitWolfEstimator {
		sec.Figure(report.Bars("Ledoit-Wolf shrinkage per subject", "shrinkage", r.Table.Subjects, d.Provenance.Shrinkage, 40), "scikit-learn's Ledoit-Wolf shrinkage intensity of each subject's covariance.")
	}
}
