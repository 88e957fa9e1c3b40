package target

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
)

// Population is a simulated cohort's individual network maps on the simulated participant's grid
// (for population targeting and variability maps): every person has the participant's networks,
// with the precentral line of nodes shifted by a person-specific offset (3 mm sd per axis: the
// person-specific layout of the inter-effector regions) and the other nodes jittered by 1.5 mm. A
// person's network at a voxel is the one whose nodes weigh most there (Gaussian nodes, 4 mm sd),
// where that weight exceeds 0.5 (about 4.7 mm from a node); elsewhere none.
type Population struct {
	Grid     *Dataset // the grid's voxels (no time series)
	Networks []string
	People   [][]int  // each person's network by voxel (index into Networks; −1 for none)
	Nodes    [][]Node // each person's nodes
	// SearchSpace marks the left precentral strip, as in Simulation.
	SearchSpace []bool
}

// SimulatePopulation draws a cohort of people (seed).
func SimulatePopulation(seed uint64, people int) *Population {
	rng := rand.New(rand.NewPCG(seed, 11))
	shape := [3]int{32, 40, 40}
	aff := simulatedAffine
	g := &Dataset{Source: "simulated population", Shape: shape, Affine: aff}
	pop := &Population{Grid: g, Networks: slices.Clone(simulatedNetworks)}
	for k := 0; k < shape[2]; k++ {
		for j := 0; j < shape[1]; j++ {
			for i := 0; i < shape[0]; i++ {
				x, y, z := aff.Apply(float64(i), float64(j), float64(k))
				g.Voxels, g.Coords = append(g.Voxels, [3]int{i, j, k}), append(g.Coords, [3]float64{x, y, z})
				g.Series = append(g.Series, nil)
				pop.SearchSpace = append(pop.SearchSpace, inPrecentralStrip([3]float64{x, y, z}))
			}
		}
	}
	for p := 0; p < people; p++ {
		shift := [3]float64{3 * rng.NormFloat64(), 3 * rng.NormFloat64(), 3 * rng.NormFloat64()}
		nodes := plantedNodes(rng, shift)
		labels := make([]int, g.Len())
		w := make([]float64, len(pop.Networks))
		for v, c := range g.Coords {
			clear(w)
			for _, n := range nodes {
				d2 := (c[0]-n.Person[0])*(c[0]-n.Person[0]) + (c[1]-n.Person[1])*(c[1]-n.Person[1]) + (c[2]-n.Person[2])*(c[2]-n.Person[2])
				w[slices.Index(pop.Networks, n.Network)] += math.Exp(-d2 / (2 * 4 * 4))
			}
			labels[v] = -1
			best := 0.5
			for q, x := range w {
				if x > best {
					best, labels[v] = x, q
				}
			}
		}
		pop.People, pop.Nodes = append(pop.People, labels), append(pop.Nodes, nodes)
	}
	return pop
}

// Probabilities are the population maps: each network's share of people at each voxel.
func (pop *Population) Probabilities() *ProbabilityMaps {
	pm := &ProbabilityMaps{Grid: pop.Grid, Names: pop.Networks, Maps: make([][]float64, len(pop.Networks))}
	for k := range pm.Maps {
		pm.Maps[k] = make([]float64, pop.Grid.Len())
	}
	for _, labels := range pop.People {
		for v, l := range labels {
			if l >= 0 {
				pm.Maps[l][v] += 1 / float64(len(pop.People))
			}
		}
	}
	return pm
}

// Write writes the cohort: network_probabilities.nii.gz (one volume per network, in Networks
// order), person-NN_networks.nii.gz (each person's network labels, 1..K), precentral.nii.gz (the
// search space) and planted_nodes.tsv (the group's nodes, for checking targets).
func (pop *Population) Write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	pm := pop.Probabilities()
	if err := WriteMaps(pop.Grid, filepath.Join(dir, "network_probabilities.nii.gz"), pm.Names, pm.Maps); err != nil {
		return err
	}
	for p, labels := range pop.People {
		if err := WriteLabels(pop.Grid, filepath.Join(dir, fmt.Sprintf("person-%02d_networks.nii.gz", p+1)), pop.Networks, labels); err != nil {
			return err
		}
	}
	space := make([]float64, pop.Grid.Len())
	for i, in := range pop.SearchSpace {
		if in {
			space[i] = 1
		}
	}
	if err := WriteMaps(pop.Grid, filepath.Join(dir, "precentral.nii.gz"), []string{"search space"}, [][]float64{space}); err != nil {
		return err
	}
	return writeNodes(filepath.Join(dir, "planted_nodes.tsv"), pop.Nodes[0])
}
