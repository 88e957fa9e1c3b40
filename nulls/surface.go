package nulls

import (
	"fmt"
	"strconv"

	"github.com/painmark/painmark/stats"
)

// DenseSurfaceSpace is a dense surface map's space for the null models: its vertices' positions
// on each hemisphere's sphere, left then right (either may be empty), named by their index. The
// alexander-bloch model spins them; shuffle and parametric are the naive tests. The parcel models
// and the surrogate models refuse it (their peers define them on parcels or on distances along
// the cortex, not on the sphere).
func DenseSurfaceSpace(left, right [][3]float64) (*Space, error) {
	if len(left)+len(right) < 4 || len(left) == 1 || len(right) == 1 {
		return nil, fmt.Errorf("dense surface space: %d left and %d right vertices (need 2 or more in each hemisphere given, 4 in all)", len(left), len(right))
	}
	s := &Space{Left: left, Right: right, Dense: true}
	for i := 0; i < len(left)+len(right); i++ {
		s.Regions = append(s.Regions, strconv.Itoa(i+1))
		s.Order = append(s.Order, i)
	}
	return s, nil
}

// notDense refuses a dense surface space for a model defined on parcels or distances.
func notDense(s *Space, model string) error {
	if s.Dense {
		return fmt.Errorf("the %s null does not take a dense surface map's vertices: use alexander-bloch (or the naive shuffle or parametric)", model)
	}
	return nil
}

// alexanderBloch is the spin test of dense surface maps (Alexander-Bloch et al. 2018) as
// neuromaps' alexander_bloch null defines it on vertex data: random rotations of the vertices'
// sphere positions (the right hemisphere's mirrored), each vertex taking the value of the rotated
// vertex nearest it (stats.VertexSpins). Parcellated maps use the parcel matchings (vasa, nearest,
// ...) or the vertex-level parcel nulls (baum, cornblath) instead.
type alexanderBloch struct{}

func (alexanderBloch) Name() string { return "alexander-bloch" }
func (alexanderBloch) Description() string {
	return "Alexander-Bloch spin of a dense surface map's vertices (neuromaps' alexander_bloch)"
}
func (alexanderBloch) Needs() Need { return NeedsCentroids }
func (m alexanderBloch) Draw(s *Space, n int, seed uint64) (Null, error) {
	if !s.Dense {
		return nil, fmt.Errorf("the alexander-bloch null spins the vertices of a dense surface map (a dscalar with --spheres); parcels take vasa, hungarian, nearest, baum or cornblath")
	}
	perms, err := stats.VertexSpins(s.Left, s.Right, n, seed)
	if err != nil {
		return nil, err
	}
	return vertexReordering{m, perms}, nil
}

// vertexReordering is a null of reorderings of a dense map's vertices, the same for every map
// (perm[i] is the vertex whose value vertex i takes; int32 to hold many draws of large meshes).
type vertexReordering struct {
	model Model
	perms [][]int32
}

func (r vertexReordering) Model() Model { return r.model }
func (r vertexReordering) Draws() int   { return len(r.perms) }
func (r vertexReordering) Maps(x []float64, _ uint64) ([][]float64, error) {
	return reorderMaps(r.perms, x, "vertices")
}
