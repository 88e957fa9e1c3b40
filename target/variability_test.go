package target

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/stats"
)

// Variability on a simulated cohort: the shares are the population's probability maps, and the
// people whose precentral nodes lie farther from the group's are farther from the group's map.
func TestVariability(t *testing.T) {
	pop := SimulatePopulation(5, 16)
	r, err := Variability(pop.Grid, pop.Networks, pop.People)
	if err != nil {
		t.Fatal(err)
	}
	pm := pop.Probabilities()
	for k := range pm.Maps {
		for i, p := range pm.Maps[k] {
			if math.Abs(p-r.Shares[k][i]) > 1e-12 {
				t.Fatalf("network %d, brainordinate %d: share %v, probability %v", k, i, r.Shares[k][i], p)
			}
		}
	}
	shift := make([]float64, len(pop.Nodes))
	for p, nodes := range pop.Nodes {
		shift[p] = Distance(nodes[0].Person, nodes[0].Group) // the precentral line's shift
	}
	rho := stats.Pearson(shift, r.Distance)
	t.Logf("distance to the group vs the person's shift: r = %.2f", rho)
	if !(rho > 0.5) {
		t.Errorf("distance to the group vs the person's shift: r = %.2f (shifts %v, distances %v)", rho, shift, r.Distance)
	}
	dir := t.TempDir()
	if err := r.WriteFiles(dir); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"network_shares.nii.gz", "group_networks.nii.gz", "people.tsv"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
	if _, err := Variability(pop.Grid, pop.Networks[:2], pop.People); err == nil {
		t.Error("labels beyond the names accepted")
	}
}

// Variability on three people of four brainordinates, worked by hand: shares, the group's mode
// ("none" wins where most have no network), distances and Dice.
func TestVariabilityKnown(t *testing.T) {
	grid := &Dataset{Series: make([][]float32, 4)}
	r, err := Variability(grid, []string{"A", "B"}, [][]int{{0, 0, 1, -1}, {0, 1, 1, -1}, {0, 0, -1, -1}})
	if err != nil {
		t.Fatal(err)
	}
	near := func(a, b []float64) bool {
		for i := range a {
			if !(math.Abs(a[i]-b[i]) < 1e-12 || math.IsNaN(a[i]) && math.IsNaN(b[i])) {
				return false
			}
		}
		return len(a) == len(b)
	}
	if !near(r.Shares[0], []float64{1, 2.0 / 3, 0, 0}) || !near(r.Shares[1], []float64{0, 1.0 / 3, 2.0 / 3, 0}) {
		t.Errorf("shares %v", r.Shares)
	}
	if fmt.Sprint(r.Group) != "[0 0 1 -1]" || !near(r.Distance, []float64{0, 1.0 / 3, 1.0 / 3}) {
		t.Errorf("group %v, distances %v", r.Group, r.Distance)
	}
	if !near(r.Dice[0], []float64{1, 1}) || !near(r.Dice[1], []float64{2.0 / 3, 2.0 / 3}) || !near(r.Dice[2], []float64{1, 0}) {
		t.Errorf("Dice %v", r.Dice)
	}
}

// ReadPeopleMaps on a simulated cohort's label images gives the cohort's variability: the grid is
// the voxels anyone has a network at, where the shares, distances and Dice are those of the
// simulation's own labels; the report has the table and a share map per network.
func TestReadPeopleMaps(t *testing.T) {
	pop := SimulatePopulation(7, 5)
	dir := t.TempDir()
	if err := pop.Write(dir); err != nil {
		t.Fatal(err)
	}
	paths, _ := filepath.Glob(filepath.Join(dir, "person-*_networks.nii.gz"))
	grid, names, people, err := ReadPeopleMaps(paths, pop.Networks, nil)
	if err != nil || len(people) != 5 {
		t.Fatalf("%d people: %v", len(people), err)
	}
	got, err := Variability(grid, names, people)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := Variability(pop.Grid, pop.Networks, pop.People)
	at := map[[3]int]int{}
	for i, v := range pop.Grid.Voxels {
		at[v] = i
	}
	for i, v := range grid.Voxels {
		for k := range names {
			if got.Shares[k][i] != want.Shares[k][at[v]] {
				t.Fatalf("voxel %v, network %s: share %v, the simulation's %v", v, names[k], got.Shares[k][i], want.Shares[k][at[v]])
			}
		}
	}
	labelled := 0
	for i := range pop.Grid.Voxels {
		for k := range names {
			if want.Shares[k][i] > 0 {
				labelled++
				break
			}
		}
	}
	if grid.Len() != labelled || fmt.Sprint(got.Distance) != fmt.Sprint(want.Distance) || fmt.Sprint(got.Dice) != fmt.Sprint(want.Dice) {
		t.Errorf("%d brainordinates (%d labelled); distances %v, want %v", grid.Len(), labelled, got.Distance, want.Distance)
	}
	doc := report.New("t", "")
	got.AddReport(doc)
	if html := string(doc.HTML()); !strings.Contains(html, "distance to the group") || strings.Count(html, "(network_shares, map ") != len(names) {
		t.Errorf("the report lacks the table or a network's share map: %d maps, table %v", strings.Count(html, "(network_shares, map "), strings.Contains(html, "distance to the group"))
	}
	if _, _, _, err := ReadPeopleMaps(append(paths, filepath.Join(dir, "network_probabilities.nii.gz")), pop.Networks, nil); err == nil {
		t.Error("a probability map read as a person's labels")
	}
}
