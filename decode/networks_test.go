package decode

import (
	"fmt"
	"testing"

	"github.com/painmark/painmark/connectome"
)

// A decoder whose positive weights join two blocks of regions and whose negative weights join the
// blocks to each other: the positive network has two modules (Q > 0.4), the negative one none
// (one bipartite module pair gives Q ≤ 0); each network counts its edges.
func TestModelNetworks(t *testing.T) {
	p := 12
	m := &Model{Regions: make([]string, p)}
	for i := range m.Regions {
		m.Regions[i] = fmt.Sprint(i)
	}
	for _, e := range connectome.Edges(p, true) {
		w := -0.5
		if e.I%2 == e.J%2 {
			w = 1 + float64(e.I+e.J)/100
		}
		m.Weights = append(m.Weights, w)
	}
	n, err := m.Networks()
	if err != nil {
		t.Fatal(err)
	}
	if n.Positive.Edges != 30 || n.Negative.Edges != 36 {
		t.Fatalf("edges %d positive, %d negative", n.Positive.Edges, n.Negative.Edges)
	}
	if n.Positive.Modules != 2 || *n.Positive.Modularity < 0.4 || n.Positive.Module[0] == n.Positive.Module[1] || n.Positive.Module[0] != n.Positive.Module[2] {
		t.Errorf("positive network: %d modules %v, Q %v", n.Positive.Modules, n.Positive.Module, *n.Positive.Modularity)
	}
	if *n.Negative.Modularity > 1e-12 || *n.Positive.Efficiency <= 0 || *n.Positive.Efficiency > 1 {
		t.Errorf("negative Q %v, positive efficiency %v", *n.Negative.Modularity, *n.Positive.Efficiency)
	}
}
