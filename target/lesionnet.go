package target

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/painmark/painmark/internal/atomicfile"
	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/stats"
	"github.com/painmark/painmark/table"
	"github.com/painmark/painmark/version"
)

// LesionNetworkOptions say which lesion to map, and against which network maps.
type LesionNetworkOptions struct {
	// Lesion is a mask on the cohort's grid, or a coordinate with a radius.
	Lesion SeedSpec
	// Networks (network maps, as Plan's Templates, named by Names) are compared with the t map.
	Networks string
	Names    []string
	// Threshold is the t of the suprathreshold lesion network.
	Threshold float64
}

// DefaultLesionNetworkOptions are a 4 mm coordinate lesion and t ≥ 3.
func DefaultLesionNetworkOptions() LesionNetworkOptions {
	return LesionNetworkOptions{Lesion: SeedSpec{Name: "lesion", Radius: 4}, Threshold: 3}
}

// ReadRunList reads a file listing runs, one path per line (relative to the file; blank lines and
// lines starting with # skipped).
func ReadRunList(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var runs []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			if !filepath.IsAbs(l) {
				l = filepath.Join(filepath.Dir(path), l)
			}
			runs = append(runs, l)
		}
	}
	return runs, nil
}

// RunLoaders load normative runs one at a time: CIFTI dtseries, or 4D NIfTI with a brain mask.
func RunLoaders(paths []string, mask string) []RunLoader {
	var loaders []RunLoader
	for _, r := range paths {
		if strings.HasSuffix(r, ".dtseries.nii") {
			loaders = append(loaders, func() (*Dataset, error) { return FromCIFTI(r, nil) })
		} else {
			loaders = append(loaders, func() (*Dataset, error) { return FromNIfTI(r, mask) })
		}
	}
	return loaders
}

// LesionNetworkResult is a lesion network: the group maps, the lesion's brainordinates, the
// suprathreshold count and the overlaps with the network maps.
type LesionNetworkResult struct {
	Dataset        *Dataset // the first run (grid of the maps)
	Maps           *LesionMaps
	Lesion         []int
	Suprathreshold int // brainordinates with t ≥ threshold, the lesion left out
	Overlaps       []NetworkOverlap
	Options        LesionNetworkOptions
	// Warnings are the analysis's caveats (a cohort under stats.MinTSample runs).
	Warnings []string
}

// LesionNetwork maps a lesion's network over a normative cohort (Boes et al. 2015; see
// MapLesionNetwork) and relates it to the network maps.
func LesionNetwork(runs []RunLoader, o LesionNetworkOptions) (*LesionNetworkResult, error) {
	res := &LesionNetworkResult{Options: o}
	ln, d, err := MapLesionNetwork(runs, func(d *Dataset) (Seed, error) {
		s, err := o.Lesion.Resolve(d)
		res.Lesion = s.Members
		return s, err
	})
	if err != nil {
		return nil, err
	}
	res.Dataset, res.Maps = d, ln
	if w := stats.SmallSampleWarning("lesion network mapping (one-sample t over runs)", ln.Runs); w != "" {
		res.Warnings = append(res.Warnings, w)
	}
	for i, t := range ln.T {
		if t >= o.Threshold && !slices.Contains(res.Lesion, i) {
			res.Suprathreshold++
		}
	}
	if o.Networks != "" {
		maps, names, err := ReadMaps(d, o.Networks, o.Names)
		if err != nil {
			return nil, err
		}
		if res.Overlaps, err = ln.Overlaps(names, maps, o.Threshold, res.Lesion); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// LesionNetworkSummary is lesionnet.json.
type LesionNetworkSummary struct {
	LesionSize     int              `json:"lesion_size"`
	Overlaps       []NetworkOverlap `json:"overlaps,omitempty"`
	Runs           int              `json:"runs"`
	Software       string           `json:"software_version,omitempty"`
	Suprathreshold int              `json:"suprathreshold"`
	Threshold      float64          `json:"threshold"`
	Warnings       []string         `json:"warnings,omitempty"`
}

// Summary is the result's lesionnet.json.
func (r *LesionNetworkResult) Summary() LesionNetworkSummary {
	return LesionNetworkSummary{LesionSize: r.Maps.Lesion, Overlaps: r.Overlaps, Runs: r.Maps.Runs, Software: version.String(), Suprathreshold: r.Suprathreshold, Threshold: r.Options.Threshold, Warnings: r.Warnings}
}

// MapPath is the lesion network map's file in dir.
func (r *LesionNetworkResult) MapPath(dir string) string {
	return filepath.Join(dir, "lesion_network"+r.Dataset.ext())
}

// WriteFiles writes into dir the maps (mean z, t, p) as lesion_network.nii.gz or .dscalar.nii,
// overlaps.tsv (with network maps) and lesionnet.json.
// The files appear together or not at all (atomicfile.WriteDir).
func (r *LesionNetworkResult) WriteFiles(dir string) error {
	return atomicfile.WriteDir(dir, r.writeFiles)
}

func (r *LesionNetworkResult) writeFiles(dir string) error {
	ln := r.Maps
	if err := WriteMaps(r.Dataset, r.MapPath(dir), []string{"mean z", "t", "p"}, [][]float64{ln.MeanZ, ln.T, ln.P}); err != nil {
		return err
	}
	if r.Overlaps != nil {
		n := len(r.Overlaps)
		names, corr, inside, total, share := make([]string, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
		for k, o := range r.Overlaps {
			names[k], corr[k], inside[k], total[k], share[k] = o.Network, o.Correlation, float64(o.Inside), float64(o.Total), o.Share
		}
		if err := table.Write(filepath.Join(dir, "overlaps.tsv"), &table.Table{Columns: []*table.Column{table.TextColumn("network", names),
			table.NumericColumn("correlation", corr), table.NumericColumn("inside", inside), table.NumericColumn("suprathreshold", total), table.NumericColumn("share", share)}}); err != nil {
			return err
		}
	}
	return atomicfile.WriteJSON(filepath.Join(dir, "lesionnet.json"), r.Summary())
}

func (o NetworkOverlap) insideText() string {
	return fmt.Sprintf("%d of %d (%.0f%%)", o.Inside, o.Total, 100*o.Share)
}

// Print writes the lesion's size, the suprathreshold count and the overlaps; dir is where the
// files were written.
func (r *LesionNetworkResult) Print(w io.Writer, dir string) {
	fmt.Fprintf(w, "lesion of %d brainordinates, %d runs: %d brainordinates with t ≥ %g -> %s\n", r.Maps.Lesion, r.Maps.Runs, r.Suprathreshold, r.Options.Threshold, r.MapPath(dir))
	for _, s := range r.Warnings {
		fmt.Fprintf(w, "warning: %s\n", s)
	}
	for _, o := range r.Overlaps {
		fmt.Fprintf(w, "  %-12s spatial r %.3f, %s of the suprathreshold brainordinates\n", o.Network, o.Correlation, o.insideText())
	}
}

// AddReport adds the lesion network's numbers, the overlaps and, for volume data, slice views of
// the t map through the lesion.
func (r *LesionNetworkResult) AddReport(doc *report.Document) {
	sec := doc.Section("Lesion network")
	threshold, ln, d := r.Options.Threshold, r.Maps, r.Dataset
	for _, w := range r.Warnings {
		sec.Text("Warning: %s.", w)
	}
	if r.Overlaps != nil {
		var rows [][]string
		names, corr := make([]string, len(r.Overlaps)), make([]float64, len(r.Overlaps))
		for k, o := range r.Overlaps {
			names[k], corr[k] = o.Network, o.Correlation
			rows = append(rows, []string{o.Network, fmt.Sprintf("%.3f", o.Correlation), o.insideText()})
		}
		sec.Table(fmt.Sprintf("Spatial correlation of the t map with each network map, and the share of the brainordinates with t ≥ %g (lesion left out) inside each network (map ≥ half its maximum).", threshold),
			[]string{"network", "spatial r", "suprathreshold inside"}, rows)
		sec.Figure(report.Bars("Lesion network vs networks", "spatial r", names, corr, 0), "Spatial correlation of the lesion network's t map with each network map.")
	}
	if d.Voxels != nil {
		shown := make([]float64, d.Len())
		for i, t := range ln.T {
			// The lesion itself (t far above the rest) is the marker, not part of the scale.
			if !math.IsNaN(t) && !math.IsInf(t, 0) && math.Abs(t) >= threshold && !slices.Contains(r.Lesion, i) {
				shown[i] = t
			}
		}
		var marks []report.Marker
		if len(r.Lesion) > 0 {
			var c [3]float64
			for _, i := range r.Lesion {
				for a := 0; a < 3; a++ {
					c[a] += d.Coords[i][a] / float64(len(r.Lesion))
				}
			}
			marks = append(marks, report.Marker{Label: "lesion", MM: c})
		}
		opts := report.MapOptions{Threshold: threshold, Markers: marks,
			Rule: fmt.Sprintf("shown: |t| ≥ %g, uncorrected (one-sample t over %d runs, df = %d; the lesion itself left out)", threshold, ln.Runs, ln.Runs-1)}
		if fig, err := report.StatMap("Lesion network (t)", "t", d.MapVolume(shown), opts); err == nil {
			sec.Figure(fig, fmt.Sprintf("One-sample t of the lesion's connectivity over %d runs, |t| ≥ %g, on the MNI ICBM152 template through the lesion.", ln.Runs, threshold))
		}
		if fig, err := report.GlassBrain("Lesion network (t), glass brain", "t", d.MapVolume(shown), opts); err == nil {
			sec.Figure(fig, fmt.Sprintf("The same t map projected (maximum |t| along each line of sight), |t| ≥ %g.", threshold))
		}
	}
	sum := r.Summary()
	sum.Software = ""
	doc.Numbers["results"] = sum
}
