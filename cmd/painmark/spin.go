package main

import (
	"fmt"
	"strconv"

	"github.com/painmark/painmark/atlas"
	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/stats"
	"github.com/painmark/painmark/table"
	"github.com/painmark/painmark/version"
	"github.com/spf13/cobra"
)

func newSpinCmd() *cobra.Command {
	var coords, xCol, yCol, kind, method, out, reportFlag string
	var spheres, annots []string
	var n int
	var seed uint64
	cmd := &cobra.Command{
		Use:   "spin MAPS",
		Short: "Spatial permutation (spin) test of the correlation between two cortical maps",
		Long: `spin tests the correlation of two regional maps (columns --x and --y of MAPS, one row per region,
with a region column) against spatially constrained nulls: random rotations of the parcels' sphere
coordinates (--coords: a table with region, hemi (lh/rh) and x, y, z columns, such as ENIGMA's
fsaverage5 centroids), each rotated parcel reassigned by Váša's greedy matching (as
rotate_parcellation; --method hungarian, nearest or nearest-rotated for the other matchings), and perm_sphere_p's
p-value (the mean of the x- and y-permuted one-sided p-values).

--method baum or cornblath rotates the vertices of the sphere meshes instead (--spheres and
--annots, left then right: FreeSurfer ?h.sphere or GIFTI spheres and .annot parcellations) and
rebuilds each parcel from its rotated vertices, as neuromaps' baum (the parcel most vertices come
from) and cornblath (the mean of the rotated vertices' values). Regions are matched by name, never by
position (L_bankssts, lh_bankssts and ctx-lh-bankssts name the annotation's bankssts).

--method moran (Moran spectral randomization, Wagner & Dadi's singleton procedure on inverse-distance
weights) and variogram (Burt et al. 2020's variogram matching, BrainSMASH's defaults) draw surrogate
maps of each map per hemisphere from the parcels' positions instead of rotating anything.`,
		Example: `  painmark spin maps.csv --x scz_d --y mdd_d --coords dk68_fsa5_sphere_centroids.csv --n 10000 -o spin.json
  painmark spin maps.csv --x scz_d --y mdd_d --method cornblath --spheres lh.sphere,rh.sphere --annots lh.aparc.annot,rh.aparc.annot`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			maps, err := table.Read(args[0], nil)
			if err != nil {
				return err
			}
			mReg, err := maps.Column("region")
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			xs, err := maps.Floats(xCol)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			ys, err := maps.Floats(yCol)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			var x, y []float64
			names := mReg.Raw // the regions of x and y, in their order
			var res *stats.SpinTest
			surfaceNull := stats.SurfaceNull(method)
			if surfaceNull == stats.NullBaum || surfaceNull == stats.NullCornblath {
				p, err := atlas.ReadSphereParcellation(atlas.SphereParcellationFiles{SphereLeft: spheres[0], SphereRight: spheres[1], AnnotLeft: annots[0], AnnotRight: annots[1]}, mReg.Raw)
				if err != nil {
					return fmt.Errorf("%s: %w", args[0], err)
				}
				spins, err := stats.SurfaceSpins(*p, n, seed)
				if err != nil {
					return err
				}
				x, y = xs, ys
				if res, err = stats.SurfaceSpinTest(x, y, spins, surfaceNull, kind); err != nil {
					return err
				}
			} else {
				left, right, order, unmatched, err := sphereParcels(coords, mReg.Raw)
				if err != nil {
					return err
				}
				if len(unmatched) > 0 {
					return fmt.Errorf("%s: no map values for region %q of %s (the spin needs the whole parcellation)", args[0], unmatched[0], coords)
				}
				if len(order) != len(mReg.Raw) {
					return fmt.Errorf("%s has %d regions, %s %d of them with hemi lh/rh: the sets must be the same", args[0], len(mReg.Raw), coords, len(order))
				}
				x, y, names = make([]float64, len(order)), make([]float64, len(order)), make([]string, len(order))
				for k, j := range order {
					x[k], y[k], names[k] = xs[j], ys[j], mReg.Raw[j]
				}
				if method == "moran" || method == "variogram" {
					nullX, err := hemisphereSurrogates(method, x, left, right, n, seed)
					if err != nil {
						return fmt.Errorf("%s: %s: %w", args[0], xCol, err)
					}
					nullY, err := hemisphereSurrogates(method, y, left, right, n, seed+1)
					if err != nil {
						return fmt.Errorf("%s: %s: %w", args[0], yCol, err)
					}
					if res, err = stats.SurrogateTest(x, y, nullX, nullY, kind); err != nil {
						return err
					}
				} else {
					perms, err := stats.SpinPermutations(left, right, n, seed, stats.SpinMethod(method))
					if err != nil {
						return err
					}
					if res, err = stats.PermSphereP(x, y, perms, kind); err != nil {
						return err
					}
				}
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "%s correlation of %s and %s over %d regions: %.4f, spin p = %s (x-spun %s, y-spun %s; %d null maps)\n",
				kind, xCol, yCol, len(x), res.Rho, strconv.FormatFloat(res.P, 'g', 4, 64), strconv.FormatFloat(res.PXY, 'g', 4, 64), strconv.FormatFloat(res.PYX, 'g', 4, 64), n)
			fmt.Fprintf(w, "  other conventions (x spun): neuromaps/netneurotools two-sided p = %s, BrainSMASH nonparp = %s\n",
				strconv.FormatFloat(res.PNeuromaps, 'g', 4, 64), strconv.FormatFloat(res.PNonparp, 'g', 4, 64))
			result := map[string]any{"rho": res.Rho, "p": res.P, "p_xy": res.PXY, "p_yx": res.PYX, "p_neuromaps": res.PNeuromaps, "p_nonparp": res.PNonparp, "n": n, "seed": seed, "kind": kind, "method": method,
				"x": xCol, "y": yCol, "null_xy": res.NullXY, "null_yx": res.NullYX, "software_version": version.String()}
			if err := writeJSON(out, result); err != nil {
				return err
			}
			d := newCommandReport("Spin test", append([]string{args[0], coords}, append(spheres, annots...)...)...)
			d.Seed = &seed
			delete(result, "software_version")
			d.Numbers["results"] = result
			sec := d.Section("Spatial permutation test")
			cortexFigure(sec, xCol, xCol, names, x, "The first map on the cortex.")
			cortexFigure(sec, yCol, yCol, names, y, "The second map on the cortex.")
			sec.Figure(report.Scatter(xCol+" vs "+yCol, xCol, yCol, x, y), fmt.Sprintf("Each point a region; %s r = %.3f.", kind, res.Rho))
			sec.Figure(report.Histogram("Spin null of the correlation", "correlation", res.NullXY, res.Rho, "spin p = "+strconv.FormatFloat(res.P, 'g', 3, 64)),
				fmt.Sprintf("%d rotations of the sphere, %s reassignment (x spun); p is perm_sphere_p's mean of the x- and y-spun one-sided p-values.", n, methodNames[method]))
			return writeReport(w, d, reportPath(reportFlag, out))
		},
	}
	f := cmd.Flags()
	f.StringVar(&coords, "coords", "", "sphere coordinates of the parcels (region, hemi, x, y, z)")
	f.StringVar(&xCol, "x", "", "first map's column")
	f.StringVar(&yCol, "y", "", "second map's column")
	f.StringVar(&kind, "kind", "spearman", "spearman or pearson")
	f.IntVar(&n, "n", 10000, "rotations")
	f.StringVar(&method, "method", string(stats.SpinVasa), "matching of rotated parcels: vasa (Váša's greedy max-min, rotate_parcellation), hungarian (least total distance), nearest (each parcel takes its nearest rotated parcel, repeats allowed; nearest-rotated: each rotated parcel takes its nearest parcel, as BrainSpace), moran or variogram (surrogate maps from the parcels' positions, per hemisphere), or, with --spheres and --annots, baum or cornblath (vertex-level)")
	f.StringSliceVar(&spheres, "spheres", nil, "left,right sphere meshes (FreeSurfer ?h.sphere or GIFTI) for --method baum|cornblath")
	f.StringSliceVar(&annots, "annots", nil, "left,right FreeSurfer .annot parcellations on those spheres for --method baum|cornblath")
	f.Uint64Var(&seed, "seed", 1, "random seed")
	f.StringVarP(&out, "out", "o", "spin.json", "result JSON")
	addReportFlag(cmd, &reportFlag)
	cmd.PreRunE = func(cmd *cobra.Command, args []string) error {
		if xCol == "" || yCol == "" {
			return usageError{fmt.Errorf("--x and --y are required")}
		}
		if _, ok := methodNames[method]; !ok {
			return usageError{fmt.Errorf("--method %q: vasa, hungarian, nearest, nearest-rotated, baum, cornblath, moran or variogram", method)}
		}
		if method == string(stats.NullBaum) || method == string(stats.NullCornblath) {
			if len(spheres) != 2 || len(annots) != 2 || coords != "" {
				return usageError{fmt.Errorf("--method %s needs --spheres LEFT,RIGHT and --annots LEFT,RIGHT (not --coords)", method)}
			}
		} else if coords == "" || len(spheres)+len(annots) > 0 {
			return usageError{fmt.Errorf("--method %s needs --coords (parcel centroids on the sphere); --spheres/--annots are for baum and cornblath", method)}
		}
		return nil
	}
	return cmd
}

// hemisphereSurrogates draws n surrogates of a map (left parcels first) per hemisphere, from the
// parcels' positions: Moran spectral randomization (inverse-distance weights, singleton
// procedure, as neuromaps' moran null) or variogram matching (Euclidean distances, BrainSMASH's
// defaults).
func hemisphereSurrogates(method string, x []float64, left, right [][3]float64, n int, seed uint64) ([][]float64, error) {
	return stats.HemisphereSurrogates(x, len(left), func(h int, part []float64) ([][]float64, error) {
		coords := [][][3]float64{left, right}[h]
		if method == "moran" {
			m, err := stats.NewMoranEigenvectors(stats.InverseDistanceWeights(coords), len(coords), 1e-6)
			if err != nil {
				return nil, err
			}
			return m.Surrogates(part, n, "singleton", 2*seed+uint64(h))
		}
		g, err := stats.NewVariogramSurrogates(part, stats.EuclideanDistances(coords), stats.VariogramOptions{})
		if err != nil {
			return nil, err
		}
		return g.Generate(n, 2*seed+uint64(h)), nil
	})
}

// methodNames describe the spin methods in reports.
var methodNames = map[string]string{"vasa": "Váša (greedy max-min)", "hungarian": "Hungarian (least total distance)", "nearest": "nearest-parcel", "nearest-rotated": "nearest-parcel (BrainSpace's direction)",
	"baum": "Baum (vertex-level, parcel mode)", "cornblath": "Cornblath (vertex-level, parcel mean)",
	"moran": "Moran spectral randomization (surrogates)", "variogram": "variogram-matching (surrogates)"}

// sphereParcels reads a table of parcels' sphere coordinates (columns region, hemi (lh/rh), x, y,
// z, such as ENIGMA's fsaverage5 centroids) and returns those of the given regions, matched by
// name: left then right hemisphere in the table's order, and order[k] = the index in regions of
// the k-th. Regions without coordinates are left out of order and the table's regions not among
// them are returned as unmatched (callers decide whether either is an error); a region listed
// twice in the table is one.
func sphereParcels(path string, regions []string) (left, right [][3]float64, order []int, unmatched []string, err error) {
	ct, err := table.Read(path, nil)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	cReg, err := ct.Column("region")
	if err != nil {
		return nil, nil, nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	hemi, err := ct.Column("hemi")
	if err != nil {
		return nil, nil, nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	var xyz [3][]float64
	for k, c := range []string{"x", "y", "z"} {
		if xyz[k], err = ct.Floats(c); err != nil {
			return nil, nil, nil, nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	index := map[string]int{}
	for i, r := range regions {
		index[r] = i
	}
	seen := map[string]bool{}
	for _, h := range []string{"lh", "rh"} {
		for i, r := range cReg.Raw {
			if hemi.Raw[i] != h {
				continue
			}
			if seen[r] {
				return nil, nil, nil, nil, fmt.Errorf("%s: region %q is listed twice", path, r)
			}
			seen[r] = true
			j, ok := index[r]
			if !ok {
				unmatched = append(unmatched, r)
				continue
			}
			v := [3]float64{xyz[0][i], xyz[1][i], xyz[2][i]}
			if h == "lh" {
				left = append(left, v)
			} else {
				right = append(right, v)
			}
			order = append(order, j)
		}
	}
	return left, right, order, unmatched, nil
}

// spinsByRegion turns spins of the parcels in sphereParcels' order into permutations of the
// regions' own order: position order[k] takes the value of region order[perm[k]].
func spinsByRegion(perms [][]int, order []int) [][]int {
	out := make([][]int, len(perms))
	for p, perm := range perms {
		q := make([]int, len(order))
		for k, j := range perm {
			q[order[k]] = order[j]
		}
		out[p] = q
	}
	return out
}
