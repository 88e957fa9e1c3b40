package target

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/painmark/painmark/internal/atomicfile"
	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/space"
	"github.com/painmark/painmark/version"
)

// PlanOptions say how Plan finds targets. With Templates (group network maps on the data's
// brainordinates: a 4D NIfTI or CIFTI dscalar, one map per network, or a label image / dlabel,
// named by Names) each brainordinate gets the network whose template its connectivity profile
// matches best (Gordon et al.'s template matching) and the targets are the clusters of Network
// inside the search space, away from the Avoid networks; with Seed instead, the seed map's Fisher
// z ranks the clusters.
type PlanOptions struct {
	Templates   string
	Names       []string
	Network     string
	Avoid       []string
	AvoidMargin float64 // mm kept from the avoided networks
	Seed        SeedSpec
	// SearchSpace is where targets may lie: a NIfTI mask on the data's grid, or a CIFTI file whose
	// first map is > 0 there.
	SearchSpace string
	MinScore    float64 // the lowest score a targetable brainordinate may have
	MinSize     int     // the smallest cluster (brainordinates)
	MaxTargets  int     // ranked targets kept
	Peak        bool    // aim at each cluster's peak instead of its score-weighted centroid
	Neighbour   float64 // mm joining brainordinates into a cluster (0: Dataset.DefaultNeighbour)
	// Tolerability, when given, weights the ranking by the nearest scalp site's pain rating
	// (ReadTolerability; its weight's default is TolerabilityWeight).
	Tolerability       *Tolerability
	TolerabilityWeight float64
	// ToTemplate, when given, maps the targets' mm to a template's mm.
	ToTemplate *space.Affine
}

// DefaultPlanOptions are painmark target's defaults: clusters of at least 5 brainordinates, the 10
// best, a 6 mm seed sphere, tolerability weight 0.5.
func DefaultPlanOptions() PlanOptions {
	return PlanOptions{MinSize: 5, MaxTargets: 10, Seed: SeedSpec{Radius: DefaultSeedRadius}, TolerabilityWeight: 0.5}
}

// ErrUnknownNetwork is wrapped by Plan's errors for a target or avoided network that is not among
// the templates' networks.
var ErrUnknownNetwork = errors.New("is not among the templates' networks")

// PlanResult is a target plan: the ranked targets, the maps they were found on, and the
// individual network map (template matching) or the seed.
type PlanResult struct {
	Dataset   *Dataset
	Targets   []Target
	ScoreName string // what ranks the targets
	// MapNames and Maps are the maps written to maps.nii.gz / maps.dscalar.nii: network index,
	// similarity and confidence, or the seed's r and z.
	MapNames []string
	Maps     [][]float64
	// Networks and NetworkNames are the template matching (nil with a seed).
	Networks     *NetworkMap
	NetworkNames []string
	Seed         *Seed
	Select       SelectOptions
	Options      PlanOptions
}

// Plan plans stimulation targets from a person's resting-state run: template matching (or the seed
// map), selection of the clusters in the search space, tolerability weighting and template
// coordinates.
func Plan(d *Dataset, o PlanOptions) (*PlanResult, error) {
	sp, _, err := ReadMaps(d, o.SearchSpace, nil)
	if err != nil {
		return nil, err
	}
	res := &PlanResult{Dataset: d, Options: o}
	sel := SelectOptions{In: make([]bool, d.Len()), MinScore: o.MinScore, MinSize: o.MinSize, MaxTargets: o.MaxTargets, AvoidMargin: o.AvoidMargin, Neighbour: o.Neighbour, Peak: o.Peak, Tolerability: o.Tolerability}
	for i, v := range sp[0] {
		sel.In[i] = v > 0
	}
	if sel.Neighbour == 0 {
		sel.Neighbour = d.DefaultNeighbour()
	}
	switch {
	case o.Templates != "":
		tpl, names, err := ReadMaps(d, o.Templates, o.Names)
		if err != nil {
			return nil, err
		}
		k := slices.Index(names, o.Network)
		if k < 0 {
			return nil, fmt.Errorf("network %q %w %v", o.Network, ErrUnknownNetwork, names)
		}
		avoid := map[int]bool{}
		for _, a := range o.Avoid {
			j := slices.Index(names, a)
			if j < 0 {
				return nil, fmt.Errorf("avoid network %q %w %v", a, ErrUnknownNetwork, names)
			}
			avoid[j] = true
		}
		nm, err := TemplateMatch(d, names, tpl)
		if err != nil {
			return nil, err
		}
		sel.Avoid = make([]bool, d.Len())
		assign := make([]float64, d.Len())
		for i, a := range nm.Assign {
			sel.In[i] = sel.In[i] && a == k
			sel.Avoid[i] = avoid[a]
			assign[i] = float64(a + 1)
		}
		sel.Score = nm.Similarity[k]
		res.Networks, res.NetworkNames, res.ScoreName = nm, names, "similarity to "+o.Network
		res.MapNames = []string{"network (1 = " + names[0] + ")", "similarity to " + o.Network, "confidence"}
		res.Maps = [][]float64{assign, nm.Similarity[k], nm.Confidence}
	case o.Seed.IsSet():
		seed, err := o.Seed.Resolve(d)
		if err != nil {
			return nil, err
		}
		r, z, err := SeedCorrelation(d, SeedSeries(d, seed))
		if err != nil {
			return nil, err
		}
		for _, i := range seed.Members { // the seed itself is not a target
			sel.In[i] = false
		}
		sel.Score, res.Seed, res.ScoreName = z, &seed, "seed connectivity (Fisher z)"
		res.MapNames, res.Maps = []string{"r", "z"}, [][]float64{r, z}
	default:
		return nil, fmt.Errorf("give network templates with a network, or a seed")
	}
	res.Select = sel
	if res.Targets, err = SelectTargets(d, sel); err != nil {
		return nil, err
	}
	if a := o.ToTemplate; a != nil {
		for k := range res.Targets {
			m := res.Targets[k].MM
			x, y, z := a.Apply(m[0], m[1], m[2])
			res.Targets[k].TemplateMM = &[3]float64{x, y, z}
		}
	}
	return res, nil
}

// Markers is the marker image for neuronavigation: a 3 mm sphere around each target valued by its
// rank (the better target where spheres overlap).
func (r *PlanResult) Markers() []float64 {
	d := r.Dataset
	markers := make([]float64, d.Len())
	for _, t := range r.Targets {
		for i, c := range d.Coords {
			if Distance(c, t.MM) <= 3 && markers[i] == 0 {
				markers[i] = float64(t.Rank)
			}
		}
	}
	return markers
}

// PlanSummary is targets.json.
type PlanSummary struct {
	Score    string   `json:"score"`
	Software string   `json:"software_version,omitempty"`
	Targets  []Target `json:"targets"`
}

// Summary is the result's targets.json.
func (r *PlanResult) Summary() PlanSummary {
	return PlanSummary{Score: r.ScoreName, Software: version.String(), Targets: r.Targets}
}

// WriteFiles writes into dir the individual network map as labels (networks.nii.gz or
// networks.dlabel.nii; template matching only), the maps, the marker image (maps and markers as
// .nii.gz or .dscalar.nii), targets.tsv and targets.json.
func (r *PlanResult) WriteFiles(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	d, ext := r.Dataset, r.Dataset.ext()
	if r.Networks != nil {
		labelExt := ".nii.gz"
		if d.Models != nil {
			labelExt = ".dlabel.nii"
		}
		if err := WriteLabels(d, filepath.Join(dir, "networks"+labelExt), r.NetworkNames, r.Networks.Assign); err != nil {
			return err
		}
	}
	if err := WriteMaps(d, filepath.Join(dir, "maps"+ext), r.MapNames, r.Maps); err != nil {
		return err
	}
	if err := WriteMaps(d, filepath.Join(dir, "markers"+ext), []string{"target rank"}, [][]float64{r.Markers()}); err != nil {
		return err
	}
	if err := WriteTable(filepath.Join(dir, "targets.tsv"), r.Targets); err != nil {
		return err
	}
	return atomicfile.WriteJSON(filepath.Join(dir, "targets.json"), r.Summary())
}

// rows are the targets as the printout and the report show them.
func (r *PlanResult) rows() [][]string {
	var rows [][]string
	for _, t := range r.Targets {
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
		rows = append(rows, []string{strconv.Itoa(t.Rank), fmt.Sprintf("%.1f, %.1f, %.1f", t.MM[0], t.MM[1], t.MM[2]), vox, strconv.Itoa(t.Size),
			fmt.Sprintf("%.3f", t.MeanScore), fmt.Sprintf("%.3f", t.PeakScore), site, fmt.Sprintf("%.3f", t.Weighted)})
	}
	return rows
}

// Print writes the networks' sizes (or the seed's), then the ranked targets.
func (r *PlanResult) Print(w io.Writer) {
	if r.Networks != nil {
		counts := make([]int, len(r.NetworkNames))
		for _, a := range r.Networks.Assign {
			if a >= 0 {
				counts[a]++
			}
		}
		for j, n := range r.NetworkNames {
			fmt.Fprintf(w, "  %-12s %7d brainordinates\n", n, counts[j])
		}
	} else {
		fmt.Fprintf(w, "seed of %d brainordinates\n", len(r.Seed.Members))
	}
	fmt.Fprintf(w, "%d targets (ranked by %s):\n", len(r.Targets), r.ScoreName)
	for k, row := range r.rows() {
		fmt.Fprintf(w, "  %s. mm (%s), voxel %s, %d brainordinates, mean %s, peak %s, %s\n", row[0], row[1], row[2], r.Targets[k].Size, row[4], row[5], row[6])
	}
}

// AddReport adds the plan's numbers, the table of targets and, for volume data, slice views of
// the targetable brainordinates with the targets.
func (r *PlanResult) AddReport(doc *report.Document) {
	sum := r.Summary()
	sum.Software = ""
	doc.Numbers["results"] = sum
	d, sel := r.Dataset, r.Select
	sec := doc.Section("Targets")
	sec.Table(fmt.Sprintf("Clusters of at least %d brainordinates in the search space, ranked by %s (weighted by tolerability when scalp positions are given); the point is the cluster's brainordinate nearest its score-weighted centroid. markers%s holds a 3 mm sphere per target valued by rank.", max(r.Options.MinSize, 1), r.ScoreName, d.ext()),
		[]string{"rank", "mm (x, y, z)", "voxel", "size", "mean score", "peak score", "scalp site", "weighted"}, r.rows())
	if d.Voxels == nil {
		return
	}
	var marks []report.Marker
	for _, t := range r.Targets {
		if t.Rank <= 9 {
			marks = append(marks, report.Marker{Label: strconv.Itoa(t.Rank), MM: t.MM})
		}
	}
	shown := make([]float64, d.Len())
	for i, in := range sel.In {
		if in && sel.Score[i] >= r.Options.MinScore {
			shown[i] = sel.Score[i]
		}
	}
	if fig, err := report.Slices("Targetable brainordinates and targets", r.ScoreName, d.Shape, d.Affine, d.Volume(shown), d.Volume(ones(d.Len())), marks); err == nil {
		sec.Figure(fig, "Score of the brainordinates that may be targeted (search space, target network, above the threshold) through the first target; circles: targets by rank.")
	}
}
