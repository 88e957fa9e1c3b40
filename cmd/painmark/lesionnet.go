package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/painmark/painmark/atlas"
	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/table"
	"github.com/painmark/painmark/target"
	"github.com/painmark/painmark/version"
	"github.com/spf13/cobra"
)

func newLesionnetCmd() *cobra.Command {
	var lesion, mask, networks, runsFile, out, reportFlag string
	var runs, names []string
	var lesionMM []float64
	var radius, threshold float64
	cmd := &cobra.Command{
		Use:   "lesionnet",
		Short: "Lesion network mapping: a lesion's connectivity across a normative cohort, and its overlap with networks",
		Long: `lesionnet maps the network of a lesion (--lesion mask on the cohort's grid, or --lesion-mm x,y,z
with --radius, e.g. a thalamic stroke) over a normative cohort of resting-state runs (--runs, or
--runs-file with one path per line; 4D NIfTI with --mask, or CIFTI dtseries): in each run the
Fisher z map of the lesion's mean time series, then a one-sample t test per brainordinate. With
--networks (network maps, as painmark target's --templates) it reports the t map's spatial
correlation with each network and the share of its suprathreshold brainordinates (t ≥ --threshold,
the lesion left out) inside each network. Runs are read one at a time.`,
		Example: `  painmark lesionnet --lesion cm_thalamus.nii.gz --runs-file cohort.txt --mask mask.nii.gz \
      --networks networks.nii.gz --names SCAN,AMN,foot,hand,mouth -o lesion-net/`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runsFile != "" {
				b, err := os.ReadFile(runsFile)
				if err != nil {
					return err
				}
				for _, l := range strings.Split(string(b), "\n") {
					if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
						if !filepath.IsAbs(l) {
							l = filepath.Join(filepath.Dir(runsFile), l)
						}
						runs = append(runs, l)
					}
				}
			}
			var loaders []target.RunLoader
			for _, r := range runs {
				if strings.HasSuffix(r, ".dtseries.nii") {
					loaders = append(loaders, func() (*target.Dataset, error) { return target.FromCIFTI(r, nil) })
				} else {
					loaders = append(loaders, func() (*target.Dataset, error) { return target.FromNIfTI(r, mask) })
				}
			}
			var seedFn func(d *target.Dataset) (target.Seed, error)
			var lesionMembers []int
			var centre [3]float64
			if lesion != "" {
				m, err := atlas.LoadMask(lesion, 0.5)
				if err != nil {
					return err
				}
				seedFn = func(d *target.Dataset) (target.Seed, error) {
					s, err := target.MaskSeed(d, "lesion", m)
					lesionMembers = s.Members
					return s, err
				}
			} else {
				centre = [3]float64{lesionMM[0], lesionMM[1], lesionMM[2]}
				seedFn = func(d *target.Dataset) (target.Seed, error) {
					s, err := target.SphereSeed(d, "lesion", centre, radius)
					lesionMembers = s.Members
					return s, err
				}
			}
			ln, d, err := target.LesionNetworkMap(loaders, seedFn)
			if err != nil {
				return err
			}
			if err := os.MkdirAll(out, 0o755); err != nil {
				return err
			}
			ext := ".nii.gz"
			if d.Models != nil {
				ext = ".dscalar.nii"
			}
			if err := target.WriteMaps(d, filepath.Join(out, "lesion_network"+ext), []string{"mean z", "t", "p"}, [][]float64{ln.MeanZ, ln.T, ln.P}); err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			supra := 0
			for i, t := range ln.T {
				if t >= threshold && !slices.Contains(lesionMembers, i) {
					supra++
				}
			}
			fmt.Fprintf(w, "lesion of %d brainordinates, %d runs: %d brainordinates with t ≥ %g -> %s\n", ln.Lesion, ln.Runs, supra, threshold, filepath.Join(out, "lesion_network"+ext))
			result := map[string]any{"runs": ln.Runs, "lesion_size": ln.Lesion, "threshold": threshold, "suprathreshold": supra, "software_version": version.String()}
			doc := newCommandReport("Lesion network", append([]string{lesion, mask, networks}, runs...)...)
			sec := doc.Section("Lesion network")
			if networks != "" {
				maps, netNames, err := target.ReadMaps(d, networks, names)
				if err != nil {
					return err
				}
				ov, err := ln.Overlaps(netNames, maps, threshold, lesionMembers)
				if err != nil {
					return err
				}
				result["overlaps"] = ov
				var rows [][]string
				corr := make([]float64, len(ov))
				for k, o := range ov {
					corr[k] = o.Correlation
					rows = append(rows, []string{o.Network, fmt.Sprintf("%.3f", o.Correlation), fmt.Sprintf("%d of %d (%.0f%%)", o.Inside, o.Total, 100*o.Share)})
					fmt.Fprintf(w, "  %-12s spatial r %.3f, %s of the suprathreshold brainordinates\n", o.Network, o.Correlation, rows[k][2])
				}
				col := func(name string, f func(o target.NetworkOverlap) float64) *table.Column {
					v := make([]float64, len(ov))
					for k, o := range ov {
						v[k] = f(o)
					}
					return table.NumericColumn(name, v)
				}
				if err := table.Write(filepath.Join(out, "overlaps.tsv"), &table.Table{Columns: []*table.Column{table.TextColumn("network", netNames),
					col("correlation", func(o target.NetworkOverlap) float64 { return o.Correlation }),
					col("inside", func(o target.NetworkOverlap) float64 { return float64(o.Inside) }),
					col("suprathreshold", func(o target.NetworkOverlap) float64 { return float64(o.Total) }),
					col("share", func(o target.NetworkOverlap) float64 { return o.Share })}}); err != nil {
					return err
				}
				sec.Table(fmt.Sprintf("Spatial correlation of the t map with each network map, and the share of the brainordinates with t ≥ %g (lesion left out) inside each network (map ≥ half its maximum).", threshold),
					[]string{"network", "spatial r", "suprathreshold inside"}, rows)
				sec.Figure(report.Bars("Lesion network vs networks", "spatial r", netNames, corr, 0), "Spatial correlation of the lesion network's t map with each network map.")
			}
			if d.Voxels != nil {
				shown := make([]float64, d.Len())
				for i, t := range ln.T {
					// The lesion itself (t far above the rest) is the marker, not part of the scale.
					if !math.IsNaN(t) && !math.IsInf(t, 0) && math.Abs(t) >= threshold && !slices.Contains(lesionMembers, i) {
						shown[i] = t
					}
				}
				vol, under := d.Volume(shown), d.Volume(ones(d.Len()))
				var marks []report.Marker
				if len(lesionMembers) > 0 {
					var c [3]float64
					for _, i := range lesionMembers {
						for a := 0; a < 3; a++ {
							c[a] += d.Coords[i][a] / float64(len(lesionMembers))
						}
					}
					marks = append(marks, report.Marker{Label: "lesion", MM: c})
				}
				if fig, err := report.Slices("Lesion network (t)", "t", d.Shape, d.Affine, vol, under, marks); err == nil {
					sec.Figure(fig, fmt.Sprintf("One-sample t of the lesion's connectivity over %d runs, |t| ≥ %g, through the lesion.", ln.Runs, threshold))
				}
			}
			if err := writeJSON(filepath.Join(out, "lesionnet.json"), result); err != nil {
				return err
			}
			delete(result, "software_version")
			doc.Numbers["results"] = result
			return writeReport(w, doc, reportPath(reportFlag, filepath.Join(out, "lesionnet.json")))
		},
	}
	f := cmd.Flags()
	f.StringVar(&lesion, "lesion", "", "lesion mask on the cohort's grid")
	f.Float64SliceVar(&lesionMM, "lesion-mm", nil, "lesion coordinate x,y,z (mm), with --radius")
	f.Float64Var(&radius, "radius", 4, "radius (mm) of a coordinate lesion")
	f.StringSliceVar(&runs, "runs", nil, "normative runs (4D NIfTI or CIFTI dtseries)")
	f.StringVar(&runsFile, "runs-file", "", "a file listing the normative runs, one per line (relative to the file)")
	f.StringVar(&mask, "mask", "", "brain mask of NIfTI runs")
	f.StringVar(&networks, "networks", "", "network maps (as painmark target's --templates)")
	f.StringSliceVar(&names, "names", nil, "the network maps' names")
	f.Float64Var(&threshold, "threshold", 3, "t threshold of the suprathreshold lesion network")
	f.StringVarP(&out, "out", "o", "", "output folder")
	addReportFlag(cmd, &reportFlag)
	cmd.PreRunE = func(cmd *cobra.Command, args []string) error {
		if out == "" {
			return usageError{fmt.Errorf("-o is required")}
		}
		if (lesion == "") == (len(lesionMM) == 0) || (len(lesionMM) != 0 && len(lesionMM) != 3) {
			return usageError{fmt.Errorf("give --lesion MASK or --lesion-mm x,y,z")}
		}
		if len(runs) == 0 && runsFile == "" {
			return usageError{fmt.Errorf("give the normative runs (--runs or --runs-file)")}
		}
		return nil
	}
	return cmd
}
