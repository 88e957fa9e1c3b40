package signature

import (
	"math"
	"strings"
	"testing"

	"github.com/painmark/painmark/connectome"
)

// Removal by system: with some of the RPN's regions tagged spinal and brainstem, the groups come
// spinal first, each step's explained variance equals the signature with that group's and the
// earlier groups' weights set to 0, and the last step removes every weighted edge.
func TestVirtualLesionsBySystem(t *testing.T) {
	s0, x, y, _ := rpnOnBochum(t)
	s := *s0
	s.Regions = append([]Region(nil), s0.Regions...)
	for i := range s.Regions {
		s.Regions[i].System = "brain"
		switch {
		case i%9 == 0:
			s.Regions[i].System = "spinal"
		case i%13 == 0:
			s.Regions[i].System = "brainstem"
		}
	}
	r, err := VirtualLesions(&s, x, y, StandardizeNone, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.BySystem) < 3 || !strings.HasPrefix(r.BySystem[0].Group, "spinal") || r.BySystem[len(r.BySystem)-1].Group != "brain-brain" {
		t.Fatalf("groups %+v", r.BySystem)
	}
	all := connectome.Edges(len(s.Regions), true)
	zeroed := map[int]bool{}
	for _, g := range r.BySystem {
		a, b, _ := strings.Cut(g.Group, "-")
		for _, f := range s.Selected {
			sa, sb := s.Regions[all[f].I].System, s.Regions[all[f].J].System
			if (sa == a && sb == b) || (sa == b && sb == a) {
				zeroed[f] = true
			}
		}
		lesioned := s
		lesioned.Weights = append([]float64(nil), s.Weights...)
		n := 0
		for i, f := range s.Selected {
			if zeroed[f] && s.Weights[i] != 0 {
				lesioned.Weights[i] = 0
				n++
			}
		}
		e, err := Evaluate(&lesioned, x, y, EvalOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if n != g.Removed || math.Abs(e.ExplainedVariance-g.EV) > 1e-12 {
			t.Errorf("%s: %d edges removed (want %d), EV %v (lesioned signature %v)", g.Group, g.Removed, n, g.EV, e.ExplainedVariance)
		}
	}
	if last := r.BySystem[len(r.BySystem)-1]; last.Removed != len(r.Edges) || math.Abs(last.EV-r.ByWeight[len(r.ByWeight)-1]) > 1e-12 {
		t.Errorf("last step %+v, %d edges", last, len(r.Edges))
	}
}
