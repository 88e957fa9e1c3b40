package atlas

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/painmark/painmark/freesurfer"
	"github.com/painmark/painmark/gifti"
	"github.com/painmark/painmark/mesh"
	"github.com/painmark/painmark/stats"
)

// medialWallNames are annotation entries that are not cortical parcels: FreeSurfer's "unknown"
// and "corpuscallosum" in aparc, "Medial_Wall"/"???" in others.
var medialWallNames = map[string]bool{"unknown": true, "corpuscallosum": true, "medial_wall": true, "medialwall": true, "???": true}

var hemiPrefix = regexp.MustCompile(`^(?i)(l|lh|left|ctx-lh|ctx_lh|r|rh|right|ctx-rh|ctx_rh)[_.-]`)
var hemiSuffix = regexp.MustCompile(`(?i)[_.-](l|lh|left|r|rh|right)$`)

// SplitHemisphere splits a cortical region name into its hemisphere ("left"/"right") and the
// parcel's name: "L_bankssts", "lh_bankssts", "ctx-lh-bankssts", "lh.bankssts" and "bankssts_lh"
// are all ("left", "bankssts"). ok is false when the name carries no hemisphere.
func SplitHemisphere(region string) (hemi, name string, ok bool) {
	if m := hemiPrefix.FindStringSubmatch(region); m != nil {
		return normaliseHemisphere(strings.TrimPrefix(strings.TrimPrefix(strings.ToLower(m[1]), "ctx-"), "ctx_")), region[len(m[0]):], true
	}
	if m := hemiSuffix.FindStringSubmatch(region); m != nil {
		return normaliseHemisphere(m[1]), region[:len(region)-len(m[0])], true
	}
	return "", region, false
}

// SphereParcellationFiles names the files of a surface parcellation: each hemisphere's sphere
// mesh (FreeSurfer ?h.sphere or a GIFTI surface) and annotation (FreeSurfer .annot).
type SphereParcellationFiles struct {
	SphereLeft, SphereRight, AnnotLeft, AnnotRight string
}

// ReadSphereParcellation reads a surface parcellation and indexes its parcels by the given
// regions (parcel k is regions[k], matched by name and hemisphere through SplitHemisphere, case
// ignored): the vertex-level input of stats.SurfaceSpins. Medial-wall entries are left unlabelled;
// a region without vertices, an annotation parcel with no region, or meshes and annotations of
// different sizes are errors naming the file.
func ReadSphereParcellation(f SphereParcellationFiles, regions []string) (*stats.SphereParcellation, error) {
	index := map[string]int{}
	for k, r := range regions {
		hemi, name, ok := SplitHemisphere(r)
		if !ok {
			return nil, fmt.Errorf("region %q: the name does not say its hemisphere (L_, R_, lh_, rh_, ...)", r)
		}
		key := hemi + "/" + strings.ToLower(name)
		if _, dup := index[key]; dup {
			return nil, fmt.Errorf("region %q is listed twice", r)
		}
		index[key] = k
	}
	p := &stats.SphereParcellation{Parcels: len(regions)}
	found := make([]bool, len(regions))
	for _, side := range []struct {
		hemi, sphere, annot string
		coords              *[][3]float64
		labels              *[]int
	}{{"left", f.SphereLeft, f.AnnotLeft, &p.Left, &p.LabelsLeft}, {"right", f.SphereRight, f.AnnotRight, &p.Right, &p.LabelsRight}} {
		m, err := ReadMesh(side.sphere)
		if err != nil {
			return nil, err
		}
		a, err := freesurfer.ReadAnnotation(side.annot)
		if err != nil {
			return nil, err
		}
		if len(a.Labels) != len(m.Vertices) {
			return nil, fmt.Errorf("%s has %d vertices, %s labels %d: not the same mesh", side.sphere, len(m.Vertices), side.annot, len(a.Labels))
		}
		parcelOf := make([]int, len(a.Table))
		for e, entry := range a.Table {
			parcelOf[e] = -1
			if medialWallNames[strings.ToLower(entry.Name)] {
				continue
			}
			k, ok := index[side.hemi+"/"+strings.ToLower(entry.Name)]
			if !ok {
				continue // checked below, only if a vertex carries it
			}
			parcelOf[e] = k
		}
		labels := make([]int, len(a.Labels))
		for v, e := range a.Labels {
			labels[v] = -1
			if e < 0 {
				continue
			}
			if parcelOf[e] < 0 && !medialWallNames[strings.ToLower(a.Table[e].Name)] {
				return nil, fmt.Errorf("%s: parcel %q (%s hemisphere) is not among the map's regions", side.annot, a.Table[e].Name, side.hemi)
			}
			labels[v] = parcelOf[e]
			if labels[v] >= 0 {
				found[labels[v]] = true
			}
		}
		*side.coords, *side.labels = m.Vertices, labels
	}
	for k, ok := range found {
		if !ok {
			return nil, fmt.Errorf("region %q has no vertex in %s / %s", regions[k], f.AnnotLeft, f.AnnotRight)
		}
	}
	return p, nil
}

// ReadMesh reads a surface mesh from a GIFTI file (*.gii) or a FreeSurfer binary surface.
func ReadMesh(path string) (*mesh.Mesh, error) {
	if strings.HasSuffix(strings.ToLower(path), ".gii") {
		return gifti.ReadSurface(path)
	}
	return freesurfer.ReadSurface(path)
}
