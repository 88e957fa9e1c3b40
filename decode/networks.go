package decode

import (
	"fmt"
	"math"

	"github.com/painmark/painmark/connectome"
	"github.com/painmark/painmark/report"
)

// EdgeNetwork summarizes one sign of a decoder's edges as a weighted network (Brain Connectivity
// Toolbox definitions, as DEIPP reports them): the number of edges, global efficiency
// (efficiency_wei) and modularity (modularity_und, γ = 1: Q and the number of modules), the
// weights' magnitudes scaled to [0, 1] by the largest, as BCT's efficiency expects.
type EdgeNetwork struct {
	Edges      int      `json:"edges"`
	Efficiency *float64 `json:"global_efficiency"`
	Modularity *float64 `json:"modularity_q"`
	Modules    int      `json:"modules"`
	Module     []int    `json:"module_of_region"`
}

// ModelNetworks are the networks of a decoder's positive and negative edges.
type ModelNetworks struct {
	Positive EdgeNetwork `json:"positive"`
	Negative EdgeNetwork `json:"negative"`
}

// Networks computes the decoder's positive- and negative-edge networks.
func (m *Model) Networks() (*ModelNetworks, error) {
	p := len(m.Regions)
	edges := connectome.Edges(p, true)
	if len(edges) != len(m.Weights) {
		return nil, fmt.Errorf("decoder: %d weights for %d regions", len(m.Weights), p)
	}
	one := func(sign float64) (EdgeNetwork, error) {
		w := make([]float64, p*p)
		var top float64
		var out EdgeNetwork
		for k, e := range edges {
			if v := sign * m.Weights[k]; v > 0 {
				w[e.I*p+e.J], w[e.J*p+e.I] = v, v
				top = math.Max(top, v)
				out.Edges++
			}
		}
		if out.Edges == 0 {
			return out, nil
		}
		for i := range w {
			w[i] /= top
		}
		e, err := connectome.GlobalEfficiency(w, p)
		if err != nil {
			return out, err
		}
		ci, q, err := connectome.Modularity(w, p, 1)
		if err != nil {
			return out, err
		}
		out.Efficiency, out.Modularity, out.Module = finite(e), finite(q), ci
		for _, c := range ci {
			out.Modules = max(out.Modules, c)
		}
		return out, nil
	}
	var res ModelNetworks
	var err error
	if res.Positive, err = one(1); err != nil {
		return nil, err
	}
	if res.Negative, err = one(-1); err != nil {
		return nil, err
	}
	return &res, nil
}

// addReport adds the networks' table.
func (n *ModelNetworks) addReport(doc *report.Document) {
	var rows [][]string
	for _, r := range []struct {
		name string
		e    EdgeNetwork
	}{{"positive", n.Positive}, {"negative", n.Negative}} {
		rows = append(rows, []string{r.name, fmt.Sprint(r.e.Edges), f3(r.e.Efficiency), f3(r.e.Modularity), fmt.Sprint(r.e.Modules)})
	}
	doc.Section("Networks of the final model's edges").Table("The positive and the negative weights of the final model as weighted networks (magnitudes scaled by the largest): global efficiency (BCT efficiency_wei) and modularity (BCT modularity_und, γ = 1; regions without an edge of that sign are modules of their own).",
		[]string{"edges", "n", "global efficiency", "modularity Q", "modules"}, rows)
}
