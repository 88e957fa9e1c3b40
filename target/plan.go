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
	// HitRadius is the radius (mm) within which PlanAtlas gives the chance of hitting the network.
	HitRadius float64
}

// DefaultPlanOptions are painmark target's defaults: clusters of at least 5 brainordinates, the 10
// best, a 6 mm seed sphere, tolerability weight 0.5, hit probabilities within 10 mm.
func DefaultPlanOptions() PlanOptions {
	return PlanOptions{MinSize: 5, MaxTargets: 10, Seed: SeedSpec{Radius: DefaultSeedRadius}, TolerabilityWeight: 0.5, HitRadius: DefaultHitRadius}
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
	// Atlas holds the population maps of PlanAtlas (nil for individual plans).
	Atlas   *ProbabilityMaps
	Select  SelectOptions
	Options PlanOptions
}

// Plan plans stimulation targets from a person's resting-state run: template matching (or the seed
// map), selection of the clusters in the search space, tolerability weighting and template
// coordinates.
func Plan(d *Dataset, o PlanOptions) (*PlanResult, error) {
	sel, err := o.selection(d)
	if err != nil {
		return nil, err
	}
	res := &PlanResult{Dataset: d, Options: o}
	switch {
	case o.Templates != "":
		tpl, names, err := ReadMaps(d, o.Templates, o.Names)
		if err != nil {
			return nil, err
		}
		k, avoid, err := o.networks(names)
		if err != nil {
			return nil, err
		}
		nm, err := TemplateMatch(d, names, tpl)
		if err != nil {
			return nil, err
		}
		assign := restrictToNetwork(&sel, nm.Assign, k, avoid)
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
	return res, res.selectTargets(sel)
}

// selection is the target selection's options from the plan's, with the search space read on the
// dataset's brainordinates.
func (o PlanOptions) selection(d *Dataset) (SelectOptions, error) {
	sp, _, err := ReadMaps(d, o.SearchSpace, nil)
	if err != nil {
		return SelectOptions{}, err
	}
	sel := SelectOptions{In: make([]bool, d.Len()), MinScore: o.MinScore, MinSize: o.MinSize, MaxTargets: o.MaxTargets, AvoidMargin: o.AvoidMargin, Neighbour: o.Neighbour, Peak: o.Peak, Tolerability: o.Tolerability}
	for i, v := range sp[0] {
		sel.In[i] = v > 0
	}
	if sel.Neighbour == 0 {
		sel.Neighbour = d.DefaultNeighbour()
	}
	return sel, nil
}

// networks finds the target network and the avoided ones among the maps' names.
func (o PlanOptions) networks(names []string) (int, map[int]bool, error) {
	k := slices.Index(names, o.Network)
	if k < 0 {
		return 0, nil, fmt.Errorf("network %q %w %v", o.Network, ErrUnknownNetwork, names)
	}
	avoid := map[int]bool{}
	for _, a := range o.Avoid {
		j := slices.Index(names, a)
		if j < 0 {
			return 0, nil, fmt.Errorf("avoid network %q %w %v", a, ErrUnknownNetwork, names)
		}
		avoid[j] = true
	}
	return k, avoid, nil
}

// restrictToNetwork keeps in the selection the brainordinates assigned to network k, marks those
// of the avoided networks, and returns the assignment as a map (network index + 1, 0 for none).
func restrictToNetwork(sel *SelectOptions, assign []int, k int, avoid map[int]bool) []float64 {
	sel.Avoid = make([]bool, len(assign))
	m := make([]float64, len(assign))
	for i, a := range assign {
		sel.In[i] = sel.In[i] && a == k
		sel.Avoid[i] = avoid[a]
		m[i] = float64(a + 1)
	}
	return m
}

// selectTargets selects the targets and gives them template coordinates.
func (r *PlanResult) selectTargets(sel SelectOptions) error {
	r.Select = sel
	var err error
	if r.Targets, err = SelectTargets(r.Dataset, sel); err != nil {
		return err
	}
	if a := r.Options.ToTemplate; a != nil {
		for k := range r.Targets {
			m := r.Targets[k].MM
			x, y, z := a.Apply(m[0], m[1], m[2])
			r.Targets[k].TemplateMM = &[3]float64{x, y, z}
		}
	}
	return nil
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
	Score string `json:"score"`
	// HitRadius is the radius of the targets' hit probabilities (population plans only).
	HitRadius float64  `json:"hit_radius_mm,omitempty"`
	Software  string   `json:"software_version,omitempty"`
	Targets   []Target `json:"targets"`
}

// Summary is the result's targets.json.
func (r *PlanResult) Summary() PlanSummary {
	s := PlanSummary{Score: r.ScoreName, Software: version.String(), Targets: r.Targets}
	if r.Atlas != nil {
		s.HitRadius = r.Options.HitRadius
	}
	return s
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
		rows[len(rows)-1] = append(rows[len(rows)-1], r.atlasRows(len(rows)-1)...)
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
		if len(row) > 8 {
			fmt.Fprintf(w, "     probability %s, hit probability within %g mm %s, expected share %s\n", row[8], r.Options.HitRadius, row[9], row[10])
		}
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
	header := []string{"rank", "mm (x, y, z)", "voxel", "size", "mean score", "peak score", "scalp site", "weighted"}
	if hit := r.hitText(); hit != "" {
		sec.Text("%s", hit)
		header = append(header, "probability", fmt.Sprintf("hit probability (%g mm)", r.Options.HitRadius), "expected share")
	}
	sec.Table(fmt.Sprintf("Clusters of at least %d brainordinates in the search space, ranked by %s (weighted by tolerability when scalp positions are given); the point is the cluster's brainordinate nearest its score-weighted centroid. markers%s holds a 3 mm sphere per target valued by rank.", max(r.Options.MinSize, 1), r.ScoreName, d.ext()),
		header, r.rows())
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
	rule := fmt.Sprintf("shown: %s ≥ %g in the search space and the target network", r.ScoreName, r.Options.MinScore)
	opts := report.MapOptions{Rule: rule, Markers: marks}
	if fig, err := report.StatMap("Targetable brainordinates and targets", r.ScoreName, d.MapVolume(shown), opts); err == nil {
		sec.Figure(fig, "Score of the brainordinates that may be targeted (search space, target network, above the threshold) on the MNI ICBM152 template, through the first target; circles: targets by rank.")
	}
	if fig, err := report.GlassBrain("Targets on the glass brain", r.ScoreName, d.MapVolume(shown), opts); err == nil {
		sec.Figure(fig, "The same map projected (maximum intensity) with every target of rank 1-9, so that all of them are seen at once.")
	}
	// The individual's own network map beside the targets (the similarity to, or probability of,
	// the target network).
	if len(r.Maps) > 1 && len(r.MapNames) > 1 {
		name := r.MapNames[1]
		// Thresholded as the targets were chosen, so that the network stands out of the noise.
		mo := report.MapOptions{Threshold: r.Options.MinScore, Markers: marks, Rule: "shown: every non-zero value of this person's map"}
		if mo.Threshold > 0 {
			mo.Rule = fmt.Sprintf("shown: |%s| ≥ %g (the targeting threshold) in this person's whole map", name, mo.Threshold)
		}
		if fig, err := report.StatMap("Individual map: "+name, name, d.MapVolume(r.Maps[1]), mo); err == nil {
			sec.Figure(fig, fmt.Sprintf("This person's map of %s (maps%s) through the first target, with the targets: the network the targets were chosen in.", name, d.ext()))
		}
	}
}

// MapVolume is a map on the dataset's brainordinates as a volume for the report's anatomical
// figures (zero outside the brainordinates).
func (d *Dataset) MapVolume(values []float64) report.Volume {
	return report.Volume{Shape: d.Shape, Affine: d.Affine, Values: d.Volume(values)}
}
