package features

import (
	"fmt"
	"github.com/painmark/painmark/atlas"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/painmark/painmark/connectome"
	"github.com/painmark/painmark/internal/atomicfile"
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
	// Identities are the runs' participants and entities (BIDS names; nil for file names).
	Identities []Identity
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
		if id, ok := study.IdentifyRun(f); ok && ids == BIDSNames {
			s.Identities = append(s.Identities, Identity{RunIdentity: id})
		}
	}
	if len(s.Identities) != len(s.Subjects) {
		s.Identities = nil
	}
	s.Regions = make([]Region, len(regions))
	for i, r := range regions {
		s.Regions[i].Name = r
	}
	return s, nil
}

// TagRegions sets every region's system tag (brain, brainstem, spinal) from a table with columns
// name and system (e.g. the regions.tsv of painmark synthetic csps). A region without a tag is an
// error; an empty path tags nothing.
func (s *Series) TagRegions(path string) error {
	if path == "" {
		return nil
	}
	tags, err := ReadRegionTags(path)
	if err != nil {
		return err
	}
	return SetSystems(s.Regions, tags, path)
}

// ReadRegionTags reads a table of region tags, columns name and system (brain, brainstem,
// spinal: the CSps study's systems, e.g. the regions.tsv of painmark synthetic csps), as a map
// from region name to system.
func ReadRegionTags(path string) (map[string]string, error) {
	tb, err := table.Read(path, nil)
	if err != nil {
		return nil, err
	}
	names, err := tb.Column("name")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	sys, err := tb.Column("system")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	tags := map[string]string{}
	for i, n := range names.Raw {
		tags[n] = sys.Raw[i]
	}
	return tags, nil
}

// SetSystems sets every region's system tag from tags (ReadRegionTags, read from source); a
// region without a tag is an error naming source and the region.
func SetSystems(regions []Region, tags map[string]string, source string) error {
	for i, r := range regions {
		t, ok := tags[r.Name]
		if !ok {
			return fmt.Errorf("%s: no tag for region %q", source, r.Name)
		}
		regions[i].System = t
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
	// Combine is how a person's several runs become rows: CombineNone (the default: a row per
	// run, cross-validation grouped by person), CombineMean or CombineConcat (a row per person,
	// named by participant_id).
	Combine string
}

// DefaultConnectomeOptions are painmark's defaults: partial correlation, Ledoit-Wolf, series
// scaled as nilearn does, the diagonal discarded, no Fisher z, matrices kept.
func DefaultConnectomeOptions() ConnectomeOptions {
	return ConnectomeOptions{Measure: connectome.Measure{Kind: connectome.PartialCorrelation, Estimator: connectome.LedoitWolfEstimator, Scaling: connectome.AsNilearn},
		DiscardDiagonal: true, Matrices: true, Combine: CombineNone}
}

// Check refuses an unknown measure (connectome.Measure.Check) and Fisher's z with the diagonal kept
// (atanh(1) is infinite).
func (o ConnectomeOptions) Check() error {
	if err := o.Measure.Check(); err != nil {
		return err
	}
	if err := checkCombine(o.Combine); err != nil {
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
	if o.Combine == CombineConcat {
		var err error
		if s, err = s.Concat(); err != nil {
			return nil, err
		}
	}
	short, err := o.fewFrames(s)
	if err != nil {
		return nil, err
	}
	res, err := connectome.Cohort(s.Data, connectome.CohortOptions{Measure: o.Measure, DiscardDiagonal: o.DiscardDiagonal, FisherZ: o.FisherZ})
	if err != nil {
		return nil, err
	}
	shrink := make([]float64, len(s.Subjects))
	var warnings []string
	for i, in := range res.Info {
		shrink[i] = in.Shrinkage
		if short[i] {
			warnings = append(warnings, fmt.Sprintf("subject %s: %d frames for %d regions: the sample covariance is singular (rank at most %d); the Ledoit-Wolf shrinkage %.3g makes it invertible, so its estimates lean on the shrinkage target",
				s.Subjects[i], s.Data[i].Rows, len(s.Regions), rankBound(s.Data[i].Rows, o.Measure.AssumeCentered), in.Shrinkage))
		}
	}
	rows, ids, vectors, files := s.Subjects, s.Identities, res.Features, s.Files
	if o.Combine == CombineMean {
		def := o.Definition(s.Regions, Provenance{})
		if ids, rows, vectors, res.Matrices, shrink, files, err = meanRows(s, res.Features, res.Matrices, shrink, def.Measure, o.DiscardDiagonal); err != nil {
			return nil, err
		}
	}
	t, err := FromVectors(rows, vectors, o.Definition(s.Regions, Provenance{SoftwareVersion: version.String(), Inputs: files, Shrinkage: shrink, Warnings: warnings}))
	if err != nil {
		return nil, err
	}
	if o.Combine != "" && o.Combine != CombineNone {
		t.Definition.Rows, t.Definition.Combine = ids, o.Combine
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

// rankBound is the largest rank of a sample covariance of frames frames (one less when centred).
func rankBound(frames int, centered bool) int {
	if centered {
		return frames
	}
	return frames - 1
}

// fewFrames marks the subjects with fewer frames than their covariance has dimensions (frames ≤
// regions once centred: the sample covariance is singular). The empirical estimator cannot invert
// it, so the kinds that need an inverse (partial correlation, precision, tangent) are refused,
// naming the subjects; Ledoit-Wolf's shrinkage makes it invertible, so those subjects are flagged
// (Connectomes' warnings) with the shrinkage used.
func (o ConnectomeOptions) fewFrames(s *Series) ([]bool, error) {
	short := make([]bool, len(s.Subjects))
	var names []string
	for i, x := range s.Data {
		if rankBound(x.Rows, o.Measure.AssumeCentered) < len(s.Regions) {
			short[i] = true
			names = append(names, fmt.Sprintf("%s (%d)", s.Subjects[i], x.Rows))
		}
	}
	if len(names) == 0 {
		return short, nil
	}
	switch o.Measure.Kind {
	case connectome.PartialCorrelation, connectome.Precision, connectome.Tangent:
		if o.Measure.Estimator == connectome.EmpiricalEstimator {
			return nil, fmt.Errorf("%s: fewer frames than the %d regions: the empirical covariance is singular and %s needs its inverse; use the Ledoit-Wolf estimator (shrinkage makes it invertible), fewer regions or longer runs",
				table.ListNames(names, "subject"), len(s.Regions), o.Measure.Kind)
		}
	}
	if o.Measure.Estimator == connectome.EmpiricalEstimator {
		return make([]bool, len(short)), nil // a correlation or covariance needs no inverse
	}
	return short, nil
}

// WriteFiles writes the result into folder dir: the feature table (Table.Write: features.tsv and
// .npy, edges.tsv, connectome.json) and, when kept, each subject's matrix as
// matrices/<subject>_connectome.tsv and .npy. The files appear together or not at all
// (atomicfile.WriteDir): an interrupted or failed run leaves no final-named output.
func (r *ConnectomeResult) WriteFiles(dir string) error {
	return atomicfile.WriteDir(dir, r.writeFiles)
}

func (r *ConnectomeResult) writeFiles(dir string) error {
	if err := os.MkdirAll(filepath.Join(dir, "matrices"), 0o755); err != nil {
		return err
	}
	regions := r.Table.Definition.RegionNames()
	for s, m := range r.Matrices {
		base := filepath.Join(dir, "matrices", r.Table.Subjects[s]+"_connectome")
		if err := WriteMatrix(base+".tsv", regions, m); err != nil {
			return err
		}
		if err := npy.Write(base+".npy", []int{m.N, m.N}, m.Data, "<f8"); err != nil {
			return err
		}
	}
	return r.Table.Write(dir)
}

// Print writes the cohort's size and where its files are (dir), and the warnings.
func (r *ConnectomeResult) Print(w io.Writer, dir string) {
	fmt.Fprintf(w, "%d subjects x %d regions -> %d features (%s) in %s\n", r.Table.NumSubjects(), len(r.Table.Definition.Regions), r.Table.NumFeatures(), r.Options.Measure.Kind, dir)
	for _, s := range r.Table.Definition.Provenance.Warnings {
		fmt.Fprintf(w, "warning: %s\n", s)
	}
}

// WriteMatrix writes a regions x regions matrix as a TSV table: a "region" column naming the
// rows, then one column per region.
func WriteMatrix(path string, regions []string, m connectome.Sym) error {
	cols := make([]*table.Column, 0, m.N+1)
	cols = append(cols, table.TextColumn("region", regions))
	for j := 0; j < m.N; j++ {
		v := make([]float64, m.N)
		for i := range v {
			v[i] = m.At(i, j)
		}
		cols = append(cols, table.NumericColumn(regions[j], v))
	}
	return table.Write(path, &table.Table{Columns: cols})
}

// AddReport adds the result's numbers and its section to a report: the cohort's mean matrix as a
// heat map, and each subject's Ledoit-Wolf shrinkage.
func (r *ConnectomeResult) AddReport(doc *report.Document) {
	d := r.Table.Definition
	m := d.Measure
	regions := d.RegionNames()
	doc.Numbers["subjects"], doc.Numbers["regions"], doc.Numbers["mean_matrix"], doc.Numbers["shrinkage"] = r.Table.Subjects, regions, r.Mean, d.Provenance.Shrinkage
	sec := doc.Section("Mean connectivity matrix")
	for _, w := range d.Provenance.Warnings {
		sec.Text("Warning: %s.", w)
	}
	// Regions ordered and blocked by network (the built-in atlas's networks, else the systems).
	groups := make([]string, len(regions))
	known, ok := atlas.KnownRegions(regions)
	for i := range groups {
		groups[i] = d.Regions[i].System
		if ok[i] && known[i].Network != "" {
			groups[i] = known[i].Network
		}
	}
	if fig, err := report.HeatmapByNetwork(fmt.Sprintf("Mean %s over %d subjects", m.Kind, r.Table.NumSubjects()), string(m.Kind), regions, groups, r.Mean, d.DiscardDiagonal); err == nil {
		sec.Figure(fig, fmt.Sprintf("Each cell the mean over subjects of one region pair's %s (%s estimator, %s scaling), regions ordered and blocked by network; the diagonal is left blank when discarded.", m.Kind, m.Estimator, m.Scaling))
	}
	n := len(regions)
	sec.RegionGlassBrain(fmt.Sprintf("The 40 strongest mean %s edges", m.Kind), "", regions, groups, nil, report.TopEdges(n, r.Mean, 40), 40,
		"The 40 region pairs of largest |mean| drawn between the regions' centroids (MNI ICBM152 glass brain; brainstem and cord regions below it), coloured by sign.")
	if m.Estimator == connectome.LedoitWolfEstimator {
		sec.Figure(report.Bars("Ledoit-Wolf shrinkage per subject", "shrinkage", r.Table.Subjects, d.Provenance.Shrinkage, 40), "scikit-learn's Ledoit-Wolf shrinkage intensity of each subject's covariance.")
	}
}

// ReadSubjectSeries reads a folder (or file, or glob) of ROI time series
// (study.TimeSeriesFiles), one run per subject named by its BIDS entities.
func ReadSubjectSeries(path string) (*Series, error) {
	files, err := study.TimeSeriesFiles(path)
	if err != nil {
		return nil, err
	}
	return ReadSeries(files, nil, BIDSNames)
}
