package report

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"strings"
	"sync"

	"github.com/painmark/painmark/atlas"
)

// The fsaverage5 pial mesh with the Desikan-Killiany labels (fsaverage5/SOURCE.md).
var (
	//go:embed fsaverage5/fsaverage5_dk.bin.gz
	fsaverage5Data []byte
	//go:embed fsaverage5/names.txt
	fsaverage5Names string
)

type cortexMesh struct {
	vertices [2][][3]float64
	faces    [][3]int
	labels   [2][]int // 0: medial wall; k: names[k-1]
	names    []string
}

var (
	cortexOnce sync.Once
	cortex     *cortexMesh
	cortexErr  error
)

func loadCortex() (*cortexMesh, error) {
	cortexOnce.Do(func() {
		zr, err := gzip.NewReader(bytes.NewReader(fsaverage5Data))
		if err != nil {
			cortexErr = err
			return
		}
		raw, err := io.ReadAll(zr)
		if err != nil {
			cortexErr = err
			return
		}
		r := bytes.NewReader(raw)
		var counts [2]uint32
		binary.Read(r, binary.LittleEndian, &counts)
		nv, nf := int(counts[0]), int(counts[1])
		m := &cortexMesh{names: strings.Fields(fsaverage5Names)}
		for h := 0; h < 2; h++ {
			xyz := make([]float32, 3*nv)
			binary.Read(r, binary.LittleEndian, xyz)
			m.vertices[h] = make([][3]float64, nv)
			for i := range m.vertices[h] {
				m.vertices[h][i] = [3]float64{float64(xyz[3*i]), float64(xyz[3*i+1]), float64(xyz[3*i+2])}
			}
		}
		f := make([]uint16, 3*nf)
		binary.Read(r, binary.LittleEndian, f)
		m.faces = make([][3]int, nf)
		for i := range m.faces {
			m.faces[i] = [3]int{int(f[3*i]), int(f[3*i+1]), int(f[3*i+2])}
		}
		for h := 0; h < 2; h++ {
			l := make([]byte, nv)
			if _, err := io.ReadFull(r, l); err != nil {
				cortexErr = fmt.Errorf("the embedded fsaverage5 mesh is truncated: %w", err)
				return
			}
			m.labels[h] = make([]int, nv)
			for i, v := range l {
				m.labels[h][i] = int(v)
			}
		}
		cortex = m
	})
	return cortex, cortexErr
}

// CorticalMap draws a Desikan-Killiany regional map (regions named L_<name>/R_<name> or the
// like) on the fsaverage5 pial surface: lateral and medial views of both hemispheres, a diverging
// blue-white-vermillion scale symmetric around zero (so that a colour means the same sign in
// every figure), grey where a region has no value and on the medial wall. Names that are not DK
// cortical regions are ignored; it returns an error when none is.
func CorticalMap(title, valueLabel string, regions []string, values []float64) (*SVG, error) {
	if len(regions) != len(values) {
		return nil, fmt.Errorf("cortical map: %d regions and %d values", len(regions), len(values))
	}
	m, err := loadCortex()
	if err != nil {
		return nil, err
	}
	index := map[string]int{}
	for k, n := range m.names {
		index[strings.ToLower(n)] = k + 1
	}
	var byLabel [2][]float64
	for h := range byLabel {
		byLabel[h] = make([]float64, len(m.names)+1)
		for k := range byLabel[h] {
			byLabel[h][k] = math.NaN()
		}
	}
	matched := 0
	vmax := 0.0
	for i, r := range regions {
		hemi, name, ok := atlas.SplitHemisphere(r)
		if !ok {
			continue
		}
		h := 0
		if hemi == "right" {
			h = 1
		}
		k, ok := index[strings.ToLower(name)]
		if !ok || math.IsNaN(values[i]) {
			continue
		}
		byLabel[h][k] = values[i]
		vmax = math.Max(vmax, math.Abs(values[i]))
		matched++
	}
	if matched == 0 {
		return nil, fmt.Errorf("cortical map: none of the %d regions is a Desikan-Killiany cortical region with a value", len(regions))
	}
	if vmax == 0 {
		vmax = 1
	}
	const vw, vh = 230.0, 150.0
	s := newSVG(2*vw+20, 2*vh+110, title)
	s.heading(title)
	// Views: (hemisphere, camera side): lateral left from −x, lateral right from +x, medial
	// left from +x, medial right from −x.
	views := []struct {
		h      int
		camera float64
		label  string
	}{{0, -1, "left lateral"}, {1, 1, "right lateral"}, {0, 1, "left medial"}, {1, -1, "right medial"}}
	for k, v := range views {
		img := renderView(m, v.h, v.camera, byLabel[v.h], vmax, int(vw), int(vh))
		var b bytes.Buffer
		png.Encode(&b, img)
		x, y := 10+float64(k%2)*(vw+10), 26+float64(k/2)*(vh+14)
		s.add(`<image x="%.0f" y="%.0f" width="%.0f" height="%.0f" href="data:image/png;base64,%s"/>`, x, y, vw, vh, base64.StdEncoding.EncodeToString(b.Bytes()))
		s.text(x+vw/2, y+vh+10, "middle", `fill="#4b5563"`, v.label)
	}
	s.colourBar(vw-100, 2*vh+76, vmax, valueLabel)
	return s, nil
}

// diverging maps t in [−1, 1] to blue (−1), white (0) and vermillion (+1), the palette's signs.
func diverging(t float64) color.RGBA {
	t = clamp(t, -1, 1)
	blue, red, white := [3]float64{0, 114, 178}, [3]float64{213, 94, 0}, [3]float64{247, 247, 247}
	end := red
	if t < 0 {
		end, t = blue, -t
	}
	var c [3]uint8
	for k := range c {
		c[k] = uint8(math.Round(white[k] + t*(end[k]-white[k])))
	}
	return color.RGBA{c[0], c[1], c[2], 255}
}

// renderView rasterises one hemisphere seen from the camera side (−1: from −x, +1: from +x) by
// orthographic projection with a depth buffer and Lambert shading.
func renderView(m *cortexMesh, h int, camera float64, byLabel []float64, vmax float64, w, hgt int) *image.RGBA {
	verts := m.vertices[h]
	// Screen axes: anterior (+y) to the left when seen from −x, to the right from +x; up is +z.
	proj := func(v [3]float64) (float64, float64, float64) { return -camera * v[1], v[2], camera * v[0] }
	lo, hi := [2]float64{math.Inf(1), math.Inf(1)}, [2]float64{math.Inf(-1), math.Inf(-1)}
	for _, v := range verts {
		x, y, _ := proj(v)
		lo[0], lo[1], hi[0], hi[1] = math.Min(lo[0], x), math.Min(lo[1], y), math.Max(hi[0], x), math.Max(hi[1], y)
	}
	scale := math.Min(float64(w-4)/(hi[0]-lo[0]), float64(hgt-4)/(hi[1]-lo[1]))
	ox, oy := (float64(w)-scale*(hi[0]-lo[0]))/2, (float64(hgt)-scale*(hi[1]-lo[1]))/2
	img := image.NewRGBA(image.Rect(0, 0, w, hgt))
	depth := make([]float64, w*hgt)
	for i := range depth {
		depth[i] = math.Inf(-1)
	}
	grey := [3]float64{200, 200, 200}
	for _, f := range m.faces {
		var px, py, pz [3]float64
		for k, vi := range f {
			x, y, z := proj(verts[vi])
			px[k], py[k], pz[k] = ox+(x-lo[0])*scale, float64(hgt)-(oy+(y-lo[1])*scale), z
		}
		// Face normal for shading (in model space; the view direction is ±x).
		a, b, c := verts[f[0]], verts[f[1]], verts[f[2]]
		u := [3]float64{b[0] - a[0], b[1] - a[1], b[2] - a[2]}
		v := [3]float64{c[0] - a[0], c[1] - a[1], c[2] - a[2]}
		n := [3]float64{u[1]*v[2] - u[2]*v[1], u[2]*v[0] - u[0]*v[2], u[0]*v[1] - u[1]*v[0]}
		nl := math.Sqrt(n[0]*n[0] + n[1]*n[1] + n[2]*n[2])
		shade := 0.45
		if nl > 0 {
			shade += 0.55 * math.Abs(n[0]/nl)
		}
		// The face's colour: the value of its first vertex's region (faces straddle borders by
		// one vertex at most at fsaverage5's resolution).
		col := grey
		if l := m.labels[h][f[0]]; l > 0 && !math.IsNaN(byLabel[l]) {
			c := diverging(byLabel[l] / vmax)
			col = [3]float64{float64(c.R), float64(c.G), float64(c.B)}
		}
		rgba := color.RGBA{uint8(col[0] * shade), uint8(col[1] * shade), uint8(col[2] * shade), 255}
		x0, x1 := int(math.Floor(math.Min(px[0], math.Min(px[1], px[2])))), int(math.Ceil(math.Max(px[0], math.Max(px[1], px[2]))))
		y0, y1 := int(math.Floor(math.Min(py[0], math.Min(py[1], py[2])))), int(math.Ceil(math.Max(py[0], math.Max(py[1], py[2]))))
		area := (px[1]-px[0])*(py[2]-py[0]) - (px[2]-px[0])*(py[1]-py[0])
		if area == 0 {
			continue
		}
		for y := max(y0, 0); y <= min(y1, hgt-1); y++ {
			for x := max(x0, 0); x <= min(x1, w-1); x++ {
				cx, cy := float64(x)+0.5, float64(y)+0.5
				w0 := ((px[1]-cx)*(py[2]-cy) - (px[2]-cx)*(py[1]-cy)) / area
				w1 := ((px[2]-cx)*(py[0]-cy) - (px[0]-cx)*(py[2]-cy)) / area
				w2 := 1 - w0 - w1
				if w0 < -1e-9 || w1 < -1e-9 || w2 < -1e-9 {
					continue
				}
				z := w0*pz[0] + w1*pz[1] + w2*pz[2]
				if z > depth[y*w+x] {
					depth[y*w+x] = z
					img.SetRGBA(x, y, rgba)
				}
			}
		}
	}
	return img
}

// CorticalMap adds a cortical surface map of a regional map to the section when its regions are
// Desikan-Killiany cortical regions (other parcellations get no surface figure).
func (s *Section) CorticalMap(title, valueLabel string, regions []string, values []float64, caption string) {
	if fig, err := CorticalMap(title, valueLabel, regions, values); err == nil {
		s.Figure(fig, caption)
	}
}
