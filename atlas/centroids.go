package atlas

import (
	"math"
	"sync"
)

var (
	centroidOnce sync.Once
	centroidMap  map[string]Region
)

// KnownRegions returns, for each name, the region of that name in the built-in atlases with a
// centroid (MIST-122's, in MNI mm) or the default brainstem spheres (DefaultPAG, DefaultRVM: their
// centres), and whether it was found. Figures use it to place regions they know only by name;
// spinal horns ("C5_dorsal") are placed by the report package on its PAM50 cord.
func KnownRegions(names []string) ([]Region, []bool) {
	centroidOnce.Do(func() {
		centroidMap = map[string]Region{}
		for _, b := range Builtins() {
			t, err := Builtin(b.Name)
			if err != nil {
				continue
			}
			for _, r := range t.Regions {
				if !math.IsNaN(r.Centroid[0]) {
					centroidMap[r.Name] = r
				}
			}
		}
		for _, s := range []Sphere{DefaultPAG, DefaultRVM} {
			centroidMap[s.Name] = Region{Name: s.Name, System: Brainstem, Network: "brainstem", Centroid: s.Centre}
		}
	})
	out, ok := make([]Region, len(names)), make([]bool, len(names))
	for i, n := range names {
		out[i], ok[i] = centroidMap[n]
	}
	return out, ok
}
