package target

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/table"
)

// VariabilityResult is the variability of networks across people (as the action-networks paper's
// Figures 1C/1D): the share of people with each network at each brainordinate, the group's network
// (the most frequent label, "none" included: −1 where most people have no network) and each
// person's distance to the group: the share of the brainordinates labelled by the person or the
// group whose labels differ (0: the group's map, 1: no overlap at all), with each network's Dice
// overlap with the group's. Precision-mapping papers compare a person's networks with the group's
// the same way: Gordon et al. 2017 (Neuron) by the share of vertices whose network differs from
// the group's, Kong et al. 2019 (Cereb Cortex) by Dice per network; painmark's group map is the
// people's own mode rather than an external group parcellation.
type VariabilityResult struct {
	Grid     *Dataset
	Names    []string
	Shares   [][]float64 // by network, by brainordinate
	Group    []int
	Distance []float64   // by person
	Dice     [][]float64 // by person, by network (NaN where neither has the network)
}

// Variability compares people's network maps (each person's network index per brainordinate of
// grid, −1 for none).
func Variability(grid *Dataset, names []string, people [][]int) (*VariabilityResult, error) {
	if len(people) == 0 {
		return nil, fmt.Errorf("variability: no person's map")
	}
	r := &VariabilityResult{Grid: grid, Names: names, Group: make([]int, grid.Len())}
	for range names {
		r.Shares = append(r.Shares, make([]float64, grid.Len()))
	}
	for p, labels := range people {
		if len(labels) != grid.Len() {
			return nil, fmt.Errorf("variability: person %d's map has %d brainordinates, the grid %d", p+1, len(labels), grid.Len())
		}
		for i, l := range labels {
			if l >= len(names) {
				return nil, fmt.Errorf("variability: person %d has network %d at brainordinate %d; there are %d networks", p+1, l+1, i, len(names))
			}
			if l >= 0 {
				r.Shares[l][i] += 1 / float64(len(people))
			}
		}
	}
	for i := range r.Group {
		r.Group[i] = -1
		best := 1.0 // the share of people with no network here
		for k := range names {
			best -= r.Shares[k][i]
		}
		for k := range names {
			if r.Shares[k][i] > best {
				best, r.Group[i] = r.Shares[k][i], k
			}
		}
	}
	for _, labels := range people {
		differ, either := 0, 0
		inter, size := make([]float64, len(names)), make([]float64, len(names))
		for i, l := range labels {
			g := r.Group[i]
			if l >= 0 || g >= 0 {
				either++
				if l != g {
					differ++
				}
			}
			if l >= 0 {
				size[l]++
			}
			if g >= 0 {
				size[g]++
			}
			if l >= 0 && l == g {
				inter[l]++
			}
		}
		dice := make([]float64, len(names))
		for k := range dice {
			dice[k] = 2 * inter[k] / size[k] // NaN where neither has the network
		}
		r.Distance = append(r.Distance, float64(differ)/float64(max(either, 1)))
		r.Dice = append(r.Dice, dice)
	}
	return r, nil
}

// WriteFiles writes into dir network_shares (one map per network, NIfTI or CIFTI dscalar),
// group_networks (labels) and people.tsv (person, distance to the group, Dice per network).
func (r *VariabilityResult) WriteFiles(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	ext := r.Grid.ext()
	if err := WriteMaps(r.Grid, filepath.Join(dir, "network_shares"+ext), r.Names, r.Shares); err != nil {
		return err
	}
	labelExt := ".nii.gz"
	if r.Grid.Models != nil {
		labelExt = ".dlabel.nii"
	}
	if err := WriteLabels(r.Grid, filepath.Join(dir, "group_networks"+labelExt), r.Names, r.Group); err != nil {
		return err
	}
	person := make([]float64, len(r.Distance))
	for p := range person {
		person[p] = float64(p + 1)
	}
	cols := []*table.Column{table.NumericColumn("person", person), table.NumericColumn("distance_to_group", r.Distance)}
	for k, n := range r.Names {
		d := make([]float64, len(r.Dice))
		for p := range d {
			d[p] = r.Dice[p][k]
		}
		cols = append(cols, table.NumericColumn("dice_"+n, d))
	}
	return table.Write(filepath.Join(dir, "people.tsv"), &table.Table{Columns: cols})
}

// ReadPeopleMaps reads several people's network label images onto one grid for Variability: NIfTI
// label images (labels 1..K in names' order, 0 for none; the grid is every voxel labelled in any
// person's image, which must share one grid) or CIFTI dlabel files (the grid is their brain models;
// surfaces give the vertices' positions, optional). It returns the grid, the networks' names and
// each person's network index per brainordinate (−1 for none).
func ReadPeopleMaps(paths, names, surfaces []string) (*Dataset, []string, [][]int, error) {
	if len(paths) == 0 {
		return nil, nil, nil, fmt.Errorf("variability: no person's map")
	}
	first, err := ReadProbabilityMaps(paths[0], names, surfaces)
	if err != nil {
		return nil, nil, nil, err
	}
	grid := first.Grid
	if grid.Voxels != nil {
		in := map[[3]int]bool{}
		for _, p := range paths {
			pm, err := ReadProbabilityMaps(p, first.Names, nil)
			if err != nil {
				return nil, nil, nil, err
			}
			if pm.Grid.Shape != grid.Shape || pm.Grid.Affine.MaxAbsDiff(grid.Affine) > 1e-3 {
				return nil, nil, nil, fmt.Errorf("%s: its grid differs from %s's %v: resample it first", p, paths[0], grid.Shape)
			}
			for _, v := range pm.Grid.Voxels {
				in[v] = true
			}
		}
		union := &Dataset{Source: paths[0], Shape: grid.Shape, Affine: grid.Affine}
		sh := grid.Shape
		for i := 0; i < sh[0]*sh[1]*sh[2]; i++ {
			v := [3]int{i % sh[0], i / sh[0] % sh[1], i / (sh[0] * sh[1])}
			if in[v] {
				x, y, z := grid.Affine.Apply(float64(v[0]), float64(v[1]), float64(v[2]))
				union.Voxels, union.Coords = append(union.Voxels, v), append(union.Coords, [3]float64{x, y, z})
				union.Series = append(union.Series, nil)
			}
		}
		grid = union
	}
	pm := &ProbabilityMaps{Grid: grid, Names: first.Names}
	if err := pm.ReadPeople(paths); err != nil {
		return nil, nil, nil, err
	}
	return grid, pm.Names, pm.People, nil
}

// Print writes one line per person: the distance to the group's map.
func (r *VariabilityResult) Print(w io.Writer) {
	for p, d := range r.Distance {
		fmt.Fprintf(w, "person %d: distance to the group %.3f\n", p+1, d)
	}
}

// AddReport adds the people's distances and Dice overlaps with the group's map and, for volume
// data, each network's share of people on the template (up to six networks).
func (r *VariabilityResult) AddReport(doc *report.Document) {
	sec := doc.Section("Variability of the networks across people")
	mean := 0.0
	for _, d := range r.Distance {
		mean += d / float64(len(r.Distance))
	}
	sec.Text("%d people, %d networks (%s), %d brainordinates. Distance to the group: the share of the brainordinates labelled by the person or the group (the most frequent label) whose labels differ (as Gordon et al. 2017); Dice: each network's overlap with the group's (as Kong et al. 2019). Mean distance %.3f.",
		len(r.Distance), len(r.Names), strings.Join(r.Names, ", "), r.Grid.Len(), mean)
	header := []string{"person", "distance to the group"}
	for _, n := range r.Names {
		header = append(header, "Dice "+n)
	}
	var rows [][]string
	for p, d := range r.Distance {
		row := []string{fmt.Sprint(p + 1), fmt.Sprintf("%.3f", d)}
		for _, v := range r.Dice[p] {
			cell := "–"
			if !math.IsNaN(v) {
				cell = fmt.Sprintf("%.3f", v)
			}
			row = append(row, cell)
		}
		rows = append(rows, row)
	}
	sec.Table("Each person's distance to the group's network map (0: the same labels) and Dice overlap per network (–: neither has the network); people.tsv.", header, rows)
	if r.Grid.Voxels == nil {
		return
	}
	for k, n := range r.Names[:min(len(r.Names), 6)] {
		opts := report.MapOptions{VMax: 1, Rule: "shown: brainordinates where anyone has the network"}
		if fig, err := report.StatMap("Share of people with "+n, "share", r.Grid.MapVolume(r.Shares[k]), opts); err == nil {
			sec.Figure(fig, fmt.Sprintf("The share of the %d people whose network at each brainordinate is %s (network_shares, map %d), on the MNI ICBM152 template through its peak: 1 where everyone has it, lower where people differ.", len(r.Distance), n, k+1))
		}
	}
}
