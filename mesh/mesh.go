// Package mesh holds triangle meshes of the cortical surface (FreeSurfer's white, pial, inflated
// and sphere surfaces, fsaverage, fs_LR), whichever file format they were read from.
package mesh

import "fmt"

// Mesh is a triangle mesh: vertex coordinates in mm and faces as vertex indices (0-based).
type Mesh struct {
	Vertices [][3]float64
	Faces    [][3]int
}

// Check reports a face that names a vertex outside the mesh.
func (m *Mesh) Check() error {
	for i, f := range m.Faces {
		for _, v := range f {
			if v < 0 || v >= len(m.Vertices) {
				return fmt.Errorf("face %d names vertex %d of %d", i, v, len(m.Vertices))
			}
		}
	}
	return nil
}
