package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/painmark/painmark/atlas"
	"github.com/painmark/painmark/gifti"
	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/space"
	"github.com/painmark/painmark/table"
	"github.com/painmark/painmark/target"
	"github.com/painmark/painmark/version"
	"github.com/spf13/cobra"
)

func newTargetCmd() *cobra.Command {
	var bold, mask, dtseries, templates, network, searchSpace, seedMask, scalp, ratings, toTemplate, out, reportFlag string
	var surfaces, names, avoid []string
	var seedMM []float64
	var radius, minScore, neighbour, margin, tolWeight float64
	var minSize, maxTargets int
	var peak bool
	cmd := &cobra.Command{
		Use:   "target",
		Short: "Plan stimulation targets from a person's resting-state fMRI (individual networks, search space, ranked sites)",
		Long: `target turns a patient's resting-state run (--bold 4D NIfTI with --mask, or --dtseries CIFTI-2)
into ranked stimulation targets:

- with --templates (group network maps: a 4D NIfTI or CIFTI dscalar, one map per network, or a
  label image / dlabel) each brainordinate gets the network whose template its connectivity
  profile matches best (Gordon et al.'s template matching), and the targets are the clusters of
  --network inside --search-space, away from the --avoid networks, ranked by their similarity;
- with --seed-mm x,y,z (or --seed-mask, e.g. a dACC/SMA seed or a lesion) the seed map's Fisher z
  ranks the clusters above --min-score instead.

Optional tolerability weighting: --scalp (a table of 10-10 positions: name, x, y, z in the data's
space) and --ratings (Meteyard & Holmes' TMS-SMART table) give each target its nearest scalp site's
mean pain and annoyance, and the ranking uses score x (1 − weight·pain/10).

Writes OUT/targets.tsv and targets.json (voxel, mm, cluster size, scores), the individual network
map as labels (networks.nii.gz or networks.dlabel.nii), the maps (network index, similarity and
confidence, or seed r and z) and a marker image with a 3 mm sphere per target valued by rank
(NIfTI or CIFTI dscalar, for neuronavigation), and a report with slice views.`,
		Example: `  painmark synthetic target-participant sim/
  painmark target --bold sim/bold.nii.gz --mask sim/mask.nii.gz --templates sim/templates.nii.gz \
      --names SCAN,AMN,foot,hand,mouth --network SCAN --avoid foot,hand,mouth \
      --search-space sim/precentral.nii.gz --min-score 0.15 -o sim-targets/`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := loadDataset(bold, mask, dtseries, surfaces)
			if err != nil {
				return err
			}
			space, _, err := target.ReadMaps(d, searchSpace, nil)
			if err != nil {
				return err
			}
			in := make([]bool, d.Len())
			for i, v := range space[0] {
				in[i] = v > 0
			}
			if err := os.MkdirAll(out, 0o755); err != nil {
				return err
			}
			ext := ".nii.gz"
			if d.Models != nil {
				ext = ".dscalar.nii"
			}
			w := cmd.OutOrStdout()
			opts := target.SelectOptions{In: in, MinScore: minScore, MinSize: minSize, MaxTargets: maxTargets, AvoidMargin: margin, Neighbour: neighbour, Peak: peak}
			if opts.Neighbour == 0 {
				opts.Neighbour = defaultNeighbour(d)
			}
			var scoreName string
			var mapNames []string
			var maps [][]float64
			switch {
			case templates != "":
				tpl, tplNames, err := target.ReadMaps(d, templates, names)
				if err != nil {
					return err
				}
				nm, err := target.TemplateMatch(d, tplNames, tpl)
				if err != nil {
					return err
				}
				k := slices.Index(tplNames, network)
				if k < 0 {
					return usageError{fmt.Errorf("--network %q is not among the templates' networks %v", network, tplNames)}
				}
				avoidSet := map[int]bool{}
				for _, a := range avoid {
					j := slices.Index(tplNames, a)
					if j < 0 {
						return usageError{fmt.Errorf("--avoid %q is not among the templates' networks %v", a, tplNames)}
					}
					avoidSet[j] = true
				}
				opts.Avoid = make([]bool, d.Len())
				assign := make([]float64, d.Len())
				for i, a := range nm.Assign {
					opts.In[i] = opts.In[i] && a == k
					opts.Avoid[i] = avoidSet[a]
					assign[i] = float64(a + 1)
				}
				opts.Score = nm.Similarity[k]
				scoreName = "similarity to " + network
				labelExt := ".nii.gz"
				if d.Models != nil {
					labelExt = ".dlabel.nii"
				}
				if err := target.WriteLabels(d, filepath.Join(out, "networks"+labelExt), tplNames, nm.Assign); err != nil {
					return err
				}
				mapNames = []string{"network (1 = " + tplNames[0] + ")", "similarity to " + network, "confidence"}
				maps = [][]float64{assign, nm.Similarity[k], nm.Confidence}
				counts := make([]int, len(tplNames))
				for _, a := range nm.Assign {
					if a >= 0 {
						counts[a]++
					}
				}
				for j, n := range tplNames {
					fmt.Fprintf(w, "  %-12s %7d brainordinates\n", n, counts[j])
				}
			case len(seedMM) == 3 || seedMask != "":
				var seed target.Seed
				if seedMask != "" {
					m, err := atlas.LoadMask(seedMask, 0.5)
					if err != nil {
						return err
					}
					seed, err = target.MaskSeed(d, filepath.Base(seedMask), m)
					if err != nil {
						return err
					}
				} else {
					seed, err = target.SphereSeed(d, "seed", [3]float64{seedMM[0], seedMM[1], seedMM[2]}, radius)
					if err != nil {
						return err
					}
				}
				r, z, err := target.SeedMap(d, target.SeedSeries(d, seed))
				if err != nil {
					return err
				}
				for _, i := range seed.Members { // the seed itself is not a target
					opts.In[i] = false
				}
				opts.Score = z
				scoreName = "seed connectivity (Fisher z)"
				mapNames, maps = []string{"r", "z"}, [][]float64{r, z}
				fmt.Fprintf(w, "seed of %d brainordinates\n", len(seed.Members))
			default:
				return usageError{fmt.Errorf("give --templates with --network, or --seed-mm / --seed-mask")}
			}
			if scalp != "" {
				tol, err := readTolerability(scalp, ratings, tolWeight)
				if err != nil {
					return err
				}
				opts.Tolerability = tol
			}
			targets, err := target.SelectTargets(d, opts)
			if err != nil {
				return err
			}
			if toTemplate != "" {
				aff, err := readAffine(toTemplate)
				if err != nil {
					return err
				}
				for k := range targets {
					m := targets[k].MM
					x, y, z := aff.Apply(m[0], m[1], m[2])
					targets[k].TemplateMM = &[3]float64{x, y, z}
				}
			}
			if err := target.WriteMaps(d, filepath.Join(out, "maps"+ext), mapNames, maps); err != nil {
				return err
			}
			markers := make([]float64, d.Len())
			for _, t := range targets {
				for i, c := range d.Coords {
					if target.Distance(c, t.MM) <= 3 && markers[i] == 0 {
						markers[i] = float64(t.Rank)
					}
				}
			}
			if err := target.WriteMaps(d, filepath.Join(out, "markers"+ext), []string{"target rank"}, [][]float64{markers}); err != nil {
				return err
			}
			if err := target.WriteTable(filepath.Join(out, "targets.tsv"), targets); err != nil {
				return err
			}
			result := map[string]any{"score": scoreName, "targets": targets, "software_version": version.String()}
			if err := writeJSON(filepath.Join(out, "targets.json"), result); err != nil {
				return err
			}
			fmt.Fprintf(w, "%d targets (ranked by %s):\n", len(targets), scoreName)
			var rows [][]string
			var marks []report.Marker
			for _, t := range targets {
				vox := "-"
				if t.Voxel != nil {
					vox = fmt.Sprintf("%d %d %d", t.Voxel[0], t.Voxel[1], t.Voxel[2])
				}
				site := "-"
				if t.ScalpSite != "" {
					site = t.ScalpSite + " (no rating)"
					if p := float64(t.Pain); !math.IsNaN(p) {
						site = fmt.Sprintf("%s (pain %.1f)", t.ScalpSite, p)
					}
				}
				row := []string{strconv.Itoa(t.Rank), fmt.Sprintf("%.1f, %.1f, %.1f", t.MM[0], t.MM[1], t.MM[2]), vox, strconv.Itoa(t.Size),
					fmt.Sprintf("%.3f", t.MeanScore), fmt.Sprintf("%.3f", t.PeakScore), site, fmt.Sprintf("%.3f", t.Weighted)}
				rows = append(rows, row)
				fmt.Fprintf(w, "  %s. mm (%s), voxel %s, %d brainordinates, mean %s, peak %s, %s\n", row[0], row[1], row[2], t.Size, row[4], row[5], site)
				if t.Rank <= 9 {
					marks = append(marks, report.Marker{Label: strconv.Itoa(t.Rank), MM: t.MM})
				}
			}
			doc := newCommandReport("Stimulation targets", bold, mask, dtseries, templates, searchSpace, seedMask, scalp, ratings)
			delete(result, "software_version")
			doc.Numbers["results"] = result
			sec := doc.Section("Targets")
			sec.Table(fmt.Sprintf("Clusters of at least %d brainordinates in the search space, ranked by %s (weighted by tolerability when scalp positions are given); the point is the cluster's brainordinate nearest its score-weighted centroid. markers%s holds a 3 mm sphere per target valued by rank.", max(minSize, 1), scoreName, ext),
				[]string{"rank", "mm (x, y, z)", "voxel", "size", "mean score", "peak score", "scalp site", "weighted"}, rows)
			if d.Voxels != nil {
				shown := make([]float64, d.Len())
				for i, in := range opts.In {
					if in && opts.Score[i] >= minScore {
						shown[i] = opts.Score[i]
					}
				}
				vol, under := d.Volume(shown), d.Volume(ones(d.Len()))
				fig, err := report.Slices("Targetable brainordinates and targets", scoreName, d.Shape, d.Affine, vol, under, marks)
				if err == nil {
					sec.Figure(fig, "Score of the brainordinates that may be targeted (search space, target network, above the threshold) through the first target; circles: targets by rank.")
				}
			}
			return writeReport(w, doc, reportPath(reportFlag, filepath.Join(out, "targets.json")))
		},
	}
	f := cmd.Flags()
	f.StringVar(&bold, "bold", "", "resting-state 4D NIfTI")
	f.StringVar(&mask, "mask", "", "brain mask of --bold (default: every voxel that varies)")
	f.StringVar(&dtseries, "dtseries", "", "resting-state CIFTI-2 dtseries")
	f.StringSliceVar(&surfaces, "surfaces", nil, "left,right GIFTI surfaces (midthickness) giving the dtseries' vertices mm coordinates")
	f.StringVar(&templates, "templates", "", "group network templates (4D NIfTI or label image on the data's grid; CIFTI dscalar or dlabel)")
	f.StringSliceVar(&names, "names", nil, "the templates' network names (4D NIfTI volumes or label values 1..K)")
	f.StringVar(&network, "network", "", "the network to target")
	f.StringSliceVar(&avoid, "avoid", nil, "networks whose brainordinates targets keep away from")
	f.Float64Var(&margin, "avoid-margin", 0, "distance (mm) to keep from the avoided networks")
	f.Float64SliceVar(&seedMM, "seed-mm", nil, "seed coordinate x,y,z (mm) instead of templates")
	f.Float64Var(&radius, "radius", 6, "seed sphere radius (mm)")
	f.StringVar(&seedMask, "seed-mask", "", "seed mask (e.g. a lesion) on the data's grid instead of templates")
	f.StringVar(&searchSpace, "search-space", "", "where targets may lie (NIfTI mask on the data's grid, or a CIFTI file whose first map is > 0 there)")
	f.Float64Var(&minScore, "min-score", 0, "the lowest score a targetable brainordinate may have (similarity, or z)")
	f.IntVar(&minSize, "min-size", 5, "the smallest cluster (brainordinates)")
	f.IntVar(&maxTargets, "max-targets", 10, "ranked targets to keep")
	f.BoolVar(&peak, "peak", false, "aim at each cluster's peak instead of its score-weighted centroid")
	f.Float64Var(&neighbour, "neighbour", 0, "distance (mm) joining brainordinates into one cluster (default: 1.01 x the voxel diagonal)")
	f.StringVar(&scalp, "scalp", "", "scalp positions table (name, x, y, z) for tolerability weighting")
	f.StringVar(&ratings, "ratings", "", "Meteyard & Holmes TMS-SMART table (HomLocation, Pain, Annoyance)")
	f.Float64Var(&tolWeight, "tolerability-weight", 0.5, "weight of the scalp site's pain rating: score x (1 − weight·pain/10)")
	f.StringVar(&toTemplate, "to-template", "", "a 4x4 affine (16 numbers, row by row) from the data's mm to a template's mm, for template coordinates")
	f.StringVarP(&out, "out", "o", "", "output folder")
	addReportFlag(cmd, &reportFlag)
	cmd.PreRunE = func(cmd *cobra.Command, args []string) error {
		if out == "" || searchSpace == "" {
			return usageError{fmt.Errorf("-o and --search-space are required")}
		}
		if templates != "" && network == "" {
			return usageError{fmt.Errorf("--templates needs --network")}
		}
		if len(seedMM) != 0 && len(seedMM) != 3 {
			return usageError{fmt.Errorf("--seed-mm needs x,y,z")}
		}
		if (scalp == "") != (ratings == "") {
			return usageError{fmt.Errorf("--scalp and --ratings go together")}
		}
		return nil
	}
	return cmd
}

// loadDataset reads the resting-state run of --bold (with --mask) or --dtseries (with the left
// and right --surfaces giving vertex positions).
func loadDataset(bold, mask, dtseries string, surfaces []string) (*target.Dataset, error) {
	switch {
	case bold != "" && dtseries == "":
		return target.FromNIfTI(bold, mask)
	case dtseries != "" && bold == "":
		if len(surfaces) > 2 {
			return nil, usageError{fmt.Errorf("--surfaces: left,right")}
		}
		surf := map[string][][3]float64{}
		for k, p := range surfaces {
			m, err := gifti.ReadSurface(p)
			if err != nil {
				return nil, err
			}
			surf[[]string{"CIFTI_STRUCTURE_CORTEX_LEFT", "CIFTI_STRUCTURE_CORTEX_RIGHT"}[k]] = m.Vertices
		}
		return target.FromCIFTI(dtseries, surf)
	}
	return nil, usageError{fmt.Errorf("give --bold (with --mask) or --dtseries")}
}

// ones is a vector of n ones.
func ones(n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = 1
	}
	return v
}

// defaultNeighbour joins voxels that share a face, an edge or a corner: 1.01 x the voxel diagonal
// (3 mm where the data have no grid).
func defaultNeighbour(d *target.Dataset) float64 {
	vs := d.Affine.VoxelSizes()
	diag := math.Sqrt(vs[0]*vs[0] + vs[1]*vs[1] + vs[2]*vs[2])
	if diag == 0 || math.IsNaN(diag) {
		return 3
	}
	return 1.01 * diag
}

// readAffine reads a 4x4 affine written as 16 numbers, row by row (whitespace or commas), whose
// last row must be 0 0 0 1.
func readAffine(path string) (space.Affine, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return space.Affine{}, err
	}
	f := strings.FieldsFunc(string(b), func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' || r == '\r' })
	if len(f) != 16 {
		return space.Affine{}, fmt.Errorf("%s: %d numbers; a 4x4 affine has 16", path, len(f))
	}
	var a space.Affine
	for k, s := range f {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return space.Affine{}, fmt.Errorf("%s: %q is not a number", path, s)
		}
		a[k/4][k%4] = v
	}
	if a[3] != [4]float64{0, 0, 0, 1} {
		return space.Affine{}, fmt.Errorf("%s: the last row is %v, an affine's is 0 0 0 1", path, a[3])
	}
	return a, nil
}

// readTolerability reads scalp positions (name, x, y, z) and the TMS-SMART ratings.
func readTolerability(scalp, ratings string, weight float64) (*target.Tolerability, error) {
	tb, err := table.Read(scalp, nil)
	if err != nil {
		return nil, err
	}
	name, err := tb.Column("name")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", scalp, err)
	}
	var xyz [3][]float64
	for k, c := range []string{"x", "y", "z"} {
		if xyz[k], err = tb.Floats(c); err != nil {
			return nil, fmt.Errorf("%s: %w", scalp, err)
		}
	}
	r, err := target.ReadMeteyardHolmes(ratings)
	if err != nil {
		return nil, err
	}
	tol := &target.Tolerability{Ratings: r, Weight: weight}
	for i, n := range name.Raw {
		tol.Sites = append(tol.Sites, target.ScalpSite{Name: n, MM: [3]float64{xyz[0][i], xyz[1][i], xyz[2][i]}})
	}
	return tol, nil
}
