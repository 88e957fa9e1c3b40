package signature

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"

	"github.com/painmark/painmark/atlas"
	"github.com/painmark/painmark/connectome"
	"github.com/painmark/painmark/internal/atomicfile"
	"github.com/painmark/painmark/nifti"
	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/table"
	"github.com/painmark/painmark/version"
)

// LesionOptions set a virtual-lesion dissection: the outcome's standardization (none, training
// or within), the number of random removal orders and the seed.
type LesionOptions struct {
	Standardize string
	Repeats     int
	Seed        uint64
}

// DefaultLesionOptions are painmark's defaults: the outcome as given, 1,000 random orders, seed 1.
func DefaultLesionOptions() LesionOptions {
	return LesionOptions{Standardize: StandardizeNone, Repeats: 1000, Seed: 1}
}

// LesionAnalysis is VirtualLesions' result with the weighted edges named by the cohort's feature
// columns.
type LesionAnalysis struct {
	Drop                  []float64 `json:"drop"`
	Edges                 []string  `json:"edges"`
	FullExplainedVariance float64   `json:"full_explained_variance"`
	// InSample are the cohort's subjects the signature was trained on (Signature.InSample): the
	// explained variances are then fits, not out-of-sample.
	InSample        []string  `json:"in_sample,omitempty"`
	RemovalByWeight []float64 `json:"removal_by_weight"`
	// RemovalBySystem removes the edges system by system, spinal first (VirtualLesions' BySystem).
	RemovalBySystem   []SystemLesion `json:"removal_by_system,omitempty"`
	RemovalRandomMean []float64      `json:"removal_random_mean"`
	RemovalRandomSD   []float64      `json:"removal_random_sd"`
	Repeats           int            `json:"repeats"`
	Seed              uint64         `json:"seed"`
	Signature         string         `json:"signature"`
	SoftwareVersion   string         `json:"software_version"`
	Standardize       string         `json:"standardize"`

	sig    *Signature
	result *LesionResult
	n      int // subjects
}

// Lesion dissects the signature on a cohort with outcomes (VirtualLesions); the cohort's column
// names name the edges.
func Lesion(s *Signature, c Cohort, o LesionOptions) (*LesionAnalysis, error) {
	r, err := VirtualLesions(s, c.X, c.Y, o.Standardize, o.Repeats, o.Seed)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.Name, err)
	}
	names := make([]string, len(r.Edges))
	for i, f := range r.Edges {
		if f < len(c.Columns) {
			names[i] = c.Columns[f]
		} else {
			names[i] = fmt.Sprintf("feature %d", f)
		}
	}
	return &LesionAnalysis{Signature: s.Name, FullExplainedVariance: r.Full, Edges: names, Drop: r.Drop, RemovalByWeight: r.ByWeight, RemovalBySystem: r.BySystem,
		RemovalRandomMean: r.RandomMean, RemovalRandomSD: r.RandomSD, Repeats: r.Repeats, Seed: o.Seed, Standardize: o.Standardize,
		InSample: s.InSample(c.Subjects), SoftwareVersion: version.String(), sig: s, result: r, n: len(c.Subjects)}, nil
}

// Print writes the intact explained variance and the five edges whose lesion loses most.
func (l *LesionAnalysis) Print(w io.Writer) {
	fmt.Fprintf(w, "%s: explained variance %.3f with all %d weighted edges\n", l.Signature, l.FullExplainedVariance, len(l.Edges))
	inSampleNote(w, "", l.InSample, l.n)
	order := make([]int, len(l.Edges))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return l.Drop[order[a]] > l.Drop[order[b]] })
	for _, i := range order[:min(5, len(order))] {
		fmt.Fprintf(w, "  lesioning %s alone loses %.3f\n", l.Edges[i], l.Drop[i])
	}
	for _, g := range l.RemovalBySystem {
		fmt.Fprintf(w, "  without the %s edges (%d removed so far): explained variance %.3f", g.Group, g.Removed, g.EV)
		if g.Removed < len(l.RemovalRandomMean) {
			fmt.Fprintf(w, " (random order, same count: %.3f)", l.RemovalRandomMean[g.Removed])
		}
		fmt.Fprintln(w)
	}
}

// WriteFiles writes the result as indented JSON.
func (l *LesionAnalysis) WriteFiles(path string) error { return atomicfile.WriteJSON(path, l) }

// AddReport adds the progressive-removal curves and the largest single-edge losses.
func (l *LesionAnalysis) AddReport(d *report.Document) {
	d.Seed = &l.Seed
	d.Numbers["edges"], d.Numbers["drop"], d.Numbers["removal_by_weight"], d.Numbers["removal_random_mean"] = l.Edges, l.Drop, l.RemovalByWeight, l.RemovalRandomMean
	inSampleSection(d, "virtual lesions", l.InSample, l.n)
	sec := d.Section("Virtual lesions")
	sec.Facts([2]string{"explained variance, intact", fmt.Sprintf("%.3f with %d weighted edges", l.FullExplainedVariance, len(l.Edges))})
	removed := make([]float64, len(l.RemovalByWeight))
	for k := range removed {
		removed[k] = float64(k)
	}
	sec.Figure(report.Lines("Progressive removal of edges", "edges removed", "explained variance", removed, []string{"by |weight|", fmt.Sprintf("random order (mean of %d)", l.Repeats)}, [][]float64{l.RemovalByWeight, l.RemovalRandomMean}),
		"Explained variance as edges are removed one after another, largest |weight| first and in random orders.")
	if len(l.RemovalBySystem) > 0 {
		var rows [][]string
		for _, g := range l.RemovalBySystem {
			rnd := "n/a"
			if g.Removed < len(l.RemovalRandomMean) {
				rnd = fmt.Sprintf("%.3f ± %.3f", l.RemovalRandomMean[g.Removed], l.RemovalRandomSD[g.Removed])
			}
			rows = append(rows, []string{g.Group, fmt.Sprint(g.Edges), fmt.Sprint(g.Removed), fmt.Sprintf("%.3f", g.EV), rnd})
		}
		sec.Table("Removal by system, spinal first", []string{"edges removed", "in group", "removed so far", "explained variance", "random order, same count"}, rows)
	}
	pretty := make([]string, len(l.Edges))
	for i, f := range l.result.Edges {
		pretty[i] = l.sig.FeatureLabel(f, l.Edges[i])
	}
	sec.Figure(report.Bars("Loss when one edge is lesioned", "explained variance lost", pretty, l.Drop, 20),
		"Each weighted edge set to zero alone (the 20 largest losses).")
}

// FeatureLabel names feature f by its two regions when the features are the connectivity vector
// over the signature's regions (connectome.Edges), else by column.
func (s *Signature) FeatureLabel(f int, column string) string {
	n := len(s.Regions)
	if n > 1 && s.Features.NumFeatures == connectome.NumEdges(n, true) {
		return s.edgeLabel(connectome.Edges(n, true), f)
	}
	return column
}

// NodalStrengths are a signature's nodal predictive strengths (Signature.NodalStrength).
type NodalStrengths struct {
	Signature string
	Nodes     []NodeStrength
}

// Nodes computes the nodal predictive strengths of the signature's regions.
func Nodes(s *Signature) (*NodalStrengths, error) {
	ns, err := s.NodalStrength()
	if err != nil {
		return nil, err
	}
	return &NodalStrengths{Signature: s.Name, Nodes: ns}, nil
}

// WriteFiles writes the strengths as a TSV table: region, system, edges, sum_weights,
// sum_abs_weights.
func (n *NodalStrengths) WriteFiles(path string) error {
	names, systems := make([]string, len(n.Nodes)), make([]string, len(n.Nodes))
	edges, sums, abs := make([]float64, len(n.Nodes)), make([]float64, len(n.Nodes)), make([]float64, len(n.Nodes))
	for i, r := range n.Nodes {
		names[i], systems[i], edges[i], sums[i], abs[i] = r.Region, r.System, float64(r.Edges), r.Sum, r.AbsSum
	}
	return table.Write(path, &table.Table{Columns: []*table.Column{table.TextColumn("region", names), table.TextColumn("system", systems),
		table.NumericColumn("edges", edges), table.NumericColumn("sum_weights", sums), table.NumericColumn("sum_abs_weights", abs)}})
}

// WriteImage paints the summed weights on a built-in atlas's label image (NodalImage) and writes
// it as NIfTI (.nii or .nii.gz); the regions the atlas lacks are left out of the image, with a
// warning.
func (n *NodalStrengths) WriteImage(path, atlasName string) error {
	tab, err := atlas.Builtin(atlasName)
	if err != nil {
		return fmt.Errorf("atlas %q: %w", atlasName, err)
	}
	tmp, err := os.MkdirTemp("", "painmark-atlas")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	img, err := atlas.BuiltinImage(atlasName, tmp)
	if err != nil {
		return err
	}
	values := map[string]float64{}
	for _, r := range n.Nodes {
		values[r.Region] = r.Sum
	}
	vox, missing := NodalImage(values, img, tab)
	if len(missing) > 0 {
		slog.Warn("regions without voxels in the atlas are left out of the image", "regions", missing)
	}
	hdr := nifti.NewHeader(img.Shape[:], nifti.Float32)
	hdr.SetAffine(img.Affine, nifti.XformScannerAnat)
	return nifti.Write(path, hdr, vox)
}

// RestrictOptions choose the regions a restricted signature keeps: either Systems (tags, compared
// without case) or all but Drop (names); Name is the new signature's name (default: the
// signature's with "-restricted").
type RestrictOptions struct {
	Name    string
	Drop    []string
	Systems []string
}

// Restrict is Signature.Restrict with the regions chosen by system or by name.
func Restrict(s *Signature, o RestrictOptions) (*Signature, error) {
	if (len(o.Drop) == 0) == (len(o.Systems) == 0) {
		return nil, fmt.Errorf("give either regions to drop or systems to keep")
	}
	keep := func(r Region) bool {
		if len(o.Systems) > 0 {
			for _, sys := range o.Systems {
				if strings.EqualFold(r.System, sys) {
					return true
				}
			}
			return false
		}
		for _, d := range o.Drop {
			if r.Name == d {
				return false
			}
		}
		return true
	}
	name := o.Name
	if name == "" {
		name = s.Name + "-restricted"
	}
	return s.Restrict(name, keep)
}
