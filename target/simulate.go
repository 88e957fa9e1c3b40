package target

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/painmark/painmark/cifti"
	"github.com/painmark/painmark/space"
	"github.com/painmark/painmark/table"
)

// Simulated participant for target planning: resting-state data on a 3 mm grid in which the
// somato-cognitive action network (SCAN: inter-effector nodes along the left and right precentral
// gyri, with SMA, putamen and thalamus nodes), the action-mode network (AMN: dACC, insulae,
// dlPFC) and three effector networks (foot, hand, mouth: precentral regions between the SCAN nodes
// and their own cerebellar nodes) each share a time course. The person's precentral nodes sit
// 10 mm from the group's positions (the person-specific layout the review describes); their other
// nodes within 3 mm. Group templates are the networks at the group positions.

// Node is one planted network node.
type Node struct {
	Network string
	Group   [3]float64 // group (template) position, mm
	Person  [3]float64 // this person's position, mm
	// Precentral marks the inter-effector / effector nodes of the precentral gyri.
	Precentral bool
}

// Simulation is a simulated participant.
type Simulation struct {
	Data      *Dataset
	Networks  []string
	Templates [][]float64 // group templates on the brainordinates, by network
	Nodes     []Node
	// SearchSpace marks the left precentral strip (the M1 path of both the group and the person).
	SearchSpace []bool
}

// SimulateParticipant draws the participant (seed), with T time points.
func SimulateParticipant(seed uint64, timepoints int) *Simulation {
	rng := rand.New(rand.NewPCG(seed, 7))
	shape := [3]int{32, 40, 40}
	aff := simulatedAffine
	networks := slices.Clone(simulatedNetworks)
	nodes := plantedNodes(rng, [3]float64{0, 6, 8})
	signals := make([][]float64, len(networks))
	for k := range signals {
		signals[k] = make([]float64, timepoints)
		for t := range signals[k] {
			signals[k][t] = rng.NormFloat64()
		}
	}
	netIndex := map[string]int{}
	for k, n := range networks {
		netIndex[n] = k
	}
	blob := func(c, at [3]float64, sigma float64) float64 {
		d2 := (c[0]-at[0])*(c[0]-at[0]) + (c[1]-at[1])*(c[1]-at[1]) + (c[2]-at[2])*(c[2]-at[2])
		return math.Exp(-d2 / (2 * sigma * sigma))
	}
	sim := &Simulation{Networks: networks, Nodes: nodes}
	d := &Dataset{Source: "simulated participant", Timepoints: timepoints, Shape: shape, Affine: aff}
	sim.Templates = make([][]float64, len(networks))
	for k := 0; k < shape[2]; k++ {
		for j := 0; j < shape[1]; j++ {
			for i := 0; i < shape[0]; i++ {
				x, y, z := aff.Apply(float64(i), float64(j), float64(k))
				c := [3]float64{x, y, z}
				w := make([]float64, len(networks))
				for _, n := range nodes {
					w[netIndex[n.Network]] += blob(c, n.Person, 4)
				}
				series := make([]float32, timepoints)
				for t := range series {
					v := 100 + rng.NormFloat64()
					for q := range w {
						v += 1.5 * w[q] * signals[q][t]
					}
					series[t] = float32(v)
				}
				d.Series = append(d.Series, series)
				d.Voxels = append(d.Voxels, [3]int{i, j, k})
				d.Coords = append(d.Coords, c)
				for q := range networks {
					var g float64
					for _, n := range nodes {
						if netIndex[n.Network] == q {
							g += blob(c, n.Group, 6) // group maps are blurrier
						}
					}
					sim.Templates[q] = append(sim.Templates[q], g)
				}
				sim.SearchSpace = append(sim.SearchSpace, inPrecentralStrip(c))
			}
		}
	}
	sim.Data = d
	return sim
}

// Write writes the participant for painmark target: bold.nii.gz (4D), mask.nii.gz,
// templates.nii.gz (one volume per network, in Networks order), precentral.nii.gz (the search
// space) and planted_nodes.tsv (network, group and person positions); with asCIFTI also
// bold.dtseries.nii, templates.dscalar.nii and precentral.dscalar.nii (voxel brain models).
func (s *Simulation) Write(dir string, asCIFTI bool) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	d := s.Data
	series := make([][]float64, d.Timepoints)
	for t := range series {
		series[t] = make([]float64, d.Len())
		for i := range d.Series {
			series[t][i] = float64(d.Series[i][t])
		}
	}
	ones := make([]float64, d.Len())
	for i := range ones {
		ones[i] = 1
	}
	space := make([]float64, d.Len())
	for i, in := range s.SearchSpace {
		if in {
			space[i] = 1
		}
	}
	names := make([]string, d.Timepoints)
	for t := range names {
		names[t] = strconv.Itoa(t)
	}
	for _, w := range []struct {
		name  string
		names []string
		maps  [][]float64
	}{{"bold.nii.gz", names, series}, {"mask.nii.gz", []string{"mask"}, [][]float64{ones}},
		{"templates.nii.gz", s.Networks, s.Templates}, {"precentral.nii.gz", []string{"search space"}, [][]float64{space}}} {
		if err := WriteMaps(d, filepath.Join(dir, w.name), w.names, w.maps); err != nil {
			return err
		}
	}
	if asCIFTI {
		cd := &Dataset{Source: d.Source, Timepoints: d.Timepoints, Series: d.Series, Coords: d.Coords, Shape: d.Shape, Affine: d.Affine,
			Models: &cifti.Axis{Type: cifti.BrainModels, Len: d.Len(), Volume: &cifti.Volume{Dims: d.Shape, Affine: d.Affine},
				Models: []cifti.BrainModel{{Structure: "CIFTI_STRUCTURE_CORTEX_LEFT", Type: cifti.VoxelModel, Count: d.Len(), Voxels: d.Voxels}}}}
		data := make([]float64, 0, d.Timepoints*d.Len())
		for _, row := range series {
			data = append(data, row...)
		}
		if err := cifti.Write(filepath.Join(dir, "bold.dtseries.nii"), [2]*cifti.Axis{{Type: cifti.Series, Len: d.Timepoints, SeriesStep: 0.8, SeriesUnit: "SECOND"}, cd.Models}, data); err != nil {
			return err
		}
		if err := WriteMaps(cd, filepath.Join(dir, "templates.dscalar.nii"), s.Networks, s.Templates); err != nil {
			return err
		}
		if err := WriteMaps(cd, filepath.Join(dir, "precentral.dscalar.nii"), []string{"search space"}, [][]float64{space}); err != nil {
			return err
		}
	}
	return writeNodes(filepath.Join(dir, "planted_nodes.tsv"), s.Nodes)
}

// writeNodes writes planted nodes as a table (network, precentral, group and person positions).
func writeNodes(path string, nodes []Node) error {
	var nets []string
	var cols [7][]float64
	var pre []string
	for _, n := range nodes {
		nets = append(nets, n.Network)
		for a := 0; a < 3; a++ {
			cols[a] = append(cols[a], n.Group[a])
			cols[3+a] = append(cols[3+a], n.Person[a])
		}
		pre = append(pre, strconv.FormatBool(n.Precentral))
	}
	return table.Write(path, &table.Table{Columns: []*table.Column{
		table.TextColumn("network", nets), table.TextColumn("precentral", pre),
		table.NumericColumn("group_x", cols[0]), table.NumericColumn("group_y", cols[1]), table.NumericColumn("group_z", cols[2]),
		table.NumericColumn("person_x", cols[3]), table.NumericColumn("person_y", cols[4]), table.NumericColumn("person_z", cols[5])}})
}

// simulatedAffine is the simulated grid's affine (3 mm voxels).
var simulatedAffine = space.Affine{{3, 0, 0, -48}, {0, 3, 0, -72}, {0, 0, 3, -36}, {0, 0, 0, 1}}

// inPrecentralStrip is the simulated search space: the left precentral strip.
func inPrecentralStrip(c [3]float64) bool {
	return c[0] >= -48 && c[0] <= -27 && c[1] >= -30 && c[1] <= -3 && c[2] >= -6 && c[2] <= 80
}

// simulatedNetworks are the simulated participant's networks, in the templates' order.
var simulatedNetworks = []string{"SCAN", "AMN", "foot", "hand", "mouth"}

// plantedNodes are the networks' nodes at their group positions and one person's: the precentral
// nodes shifted by shift (mm), the others jittered by 1.5 mm (drawn from rng in node order).
func plantedNodes(rng *rand.Rand, shift [3]float64) []Node {
	// The precentral line runs from z = 5 to z = 65 mm at x = ±36, y = −18.
	var nodes []Node
	add := func(net string, g [3]float64, precentral bool) {
		var p [3]float64
		if precentral {
			p = [3]float64{g[0] + shift[0], g[1] + shift[1], g[2] + shift[2]}
		} else { // a small person-specific jitter of the other nodes
			for a := 0; a < 3; a++ {
				p[a] = g[a] + 1.5*rng.NormFloat64()
			}
		}
		nodes = append(nodes, Node{Network: net, Group: g, Person: p, Precentral: precentral})
	}
	for _, x := range []float64{-36, 36} {
		add("foot", [3]float64{x, -18, 65}, true)
		add("SCAN", [3]float64{x, -18, 53}, true)
		add("hand", [3]float64{x, -18, 41}, true)
		add("SCAN", [3]float64{x, -18, 29}, true)
		add("mouth", [3]float64{x, -18, 17}, true)
		add("SCAN", [3]float64{x, -18, 5}, true)
	}
	add("SCAN", [3]float64{0, -6, 50}, false)  // SMA
	add("SCAN", [3]float64{-24, 0, 0}, false)  // posterior putamen
	add("SCAN", [3]float64{24, 0, 0}, false)   //
	add("SCAN", [3]float64{-9, -18, 6}, false) // centromedian thalamus
	add("SCAN", [3]float64{9, -18, 6}, false)
	add("AMN", [3]float64{0, 24, 30}, false) // dACC
	add("AMN", [3]float64{-36, 15, 0}, false)
	add("AMN", [3]float64{36, 15, 0}, false)
	add("AMN", [3]float64{-39, 39, 24}, false)
	add("AMN", [3]float64{39, 39, 24}, false)
	add("foot", [3]float64{-12, -60, -30}, false) // cerebellar effector nodes
	add("foot", [3]float64{12, -60, -30}, false)
	add("hand", [3]float64{-27, -54, -21}, false)
	add("hand", [3]float64{27, -54, -21}, false)
	add("mouth", [3]float64{-36, -45, -27}, false)
	add("mouth", [3]float64{36, -45, -27}, false)
	return nodes
}
