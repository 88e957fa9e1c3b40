package report

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"

	"github.com/painmark/painmark/space"
)

// Marker is a labelled point (mm) drawn on slice views, e.g. a stimulation target.
type Marker struct {
	Label string
	MM    [3]float64
}

// Slices draws a volume map (values x fastest on a grid of the given shape and affine; NaN or 0
// transparent over a grey brain outline where under is non-zero) as three orthogonal slices
// through the first marker (or the grid's centre): sagittal (anterior right), coronal and axial
// in neurological convention (left on the left), with a diverging scale symmetric around zero and
// each marker within two voxels of a slice drawn as a labelled circle.
func Slices(title, valueLabel string, shape [3]int, affine space.Affine, values, under []float64, markers []Marker) (*SVG, error) {
	n := shape[0] * shape[1] * shape[2]
	if len(values) != n || (under != nil && len(under) != n) {
		return nil, fmt.Errorf("slices: %d values for a %v grid", len(values), shape)
	}
	inv, err := affine.Inverse()
	if err != nil {
		return nil, fmt.Errorf("slices: %w", err)
	}
	centre := [3]float64{float64(shape[0]-1) / 2, float64(shape[1]-1) / 2, float64(shape[2]-1) / 2}
	if len(markers) > 0 {
		x, y, z := inv.Apply(markers[0].MM[0], markers[0].MM[1], markers[0].MM[2])
		centre = [3]float64{x, y, z}
	}
	vmax := 0.0
	for _, v := range values {
		if !math.IsNaN(v) {
			vmax = math.Max(vmax, math.Abs(v))
		}
	}
	if vmax == 0 {
		vmax = 1
	}
	const px = 4.0 // screen pixels per voxel
	at := func(i, j, k int) int { return i + shape[0]*(j+shape[1]*k) }
	// Each view: the two in-plane axes (horizontal, vertical) and the fixed one.
	views := []struct {
		name       string
		h, v, axis int
	}{{"sagittal", 1, 2, 0}, {"coronal", 0, 2, 1}, {"axial", 0, 1, 2}}
	width := 0.0
	height := 0.0
	for _, vw := range views {
		width += float64(shape[vw.h])*px + 16
		height = math.Max(height, float64(shape[vw.v])*px)
	}
	s := newSVG(math.Max(width+8, 320), height+94, title)
	s.heading(title)
	var placed placer
	x0 := 8.0
	for _, vw := range views {
		fixed := int(math.Round(centre[vw.axis]))
		fixed = max(0, min(fixed, shape[vw.axis]-1))
		w, h := shape[vw.h], shape[vw.v]
		img := image.NewRGBA(image.Rect(0, 0, w, h))
		for a := 0; a < w; a++ {
			for b := 0; b < h; b++ {
				var ijk [3]int
				ijk[vw.axis], ijk[vw.h], ijk[vw.v] = fixed, a, b
				idx := at(ijk[0], ijk[1], ijk[2])
				row := h - 1 - b // up is up
				col := a
				if vw.h == 1 && affine[1][1] < 0 || vw.h == 0 && affine[0][0] < 0 {
					col = w - 1 - a // keep anterior right / left hemisphere left whatever the storage order
				}
				var c color.RGBA
				if under != nil && under[idx] != 0 {
					c = color.RGBA{225, 225, 225, 255}
				}
				if v := values[idx]; v != 0 && !math.IsNaN(v) {
					c = diverging(v / vmax)
				}
				img.SetRGBA(col, row, c)
			}
		}
		var buf bytes.Buffer
		png.Encode(&buf, img)
		y0 := 26.0
		s.add(`<image x="%.0f" y="%.0f" width="%.0f" height="%.0f" style="image-rendering:pixelated" href="data:image/png;base64,%s"/>`,
			x0, y0, float64(w)*px, float64(h)*px, base64.StdEncoding.EncodeToString(buf.Bytes()))
		s.add(`<rect x="%.0f" y="%.0f" width="%.0f" height="%.0f" fill="none" stroke="#9ca3af"/>`, x0, y0, float64(w)*px, float64(h)*px)
		mmFixed := [3]float64{}
		mmFixed[0], mmFixed[1], mmFixed[2] = affine.Apply(centre[0], centre[1], centre[2])
		placed.add(s.label(x0+float64(w)*px/2, y0+float64(h)*px+14, "middle", 10, `fill="#4b5563"`, fmt.Sprintf("%s, %s = %.0f mm", vw.name, "xyz"[vw.axis:vw.axis+1], mmFixed[vw.axis]), float64(w)*px+12))
		for _, m := range markers {
			i, j, k := inv.Apply(m.MM[0], m.MM[1], m.MM[2])
			ijk := [3]float64{i, j, k}
			if math.Abs(ijk[vw.axis]-float64(fixed)) > 2 {
				continue
			}
			a, b := ijk[vw.h], ijk[vw.v]
			if vw.h == 1 && affine[1][1] < 0 || vw.h == 0 && affine[0][0] < 0 {
				a = float64(w-1) - a
			}
			cx, cy := x0+(a+0.5)*px, y0+(float64(h-1)-b+0.5)*px
			s.add(`<circle cx="%.1f" cy="%.1f" r="6" fill="none" stroke="#000" stroke-width="2"/>`, cx, cy)
			s.markerLabel(&placed, box{2, 22, s.W - 2, s.H - 2}, cx, cy, m.Label)
		}
		x0 += float64(w)*px + 16
	}
	s.colourBar(40, height+62, vmax, valueLabel)
	return s, nil
}

// markerLabel names a marker drawn at (cx, cy): beside it on the first side (above right, above
// left, below right, below left) where the label stays inside the bounds (its view) and clear of
// the labels placed so far, shortened to 140 pixels or half the view; a marker with no free side
// is left unnamed (its circle stays, and the report's table names it).
func (s *SVG) markerLabel(placed *placer, bounds box, cx, cy float64, label string) {
	maxW := math.Min(140, (bounds.x1-bounds.x0)/2-10)
	shown, _ := fitText(label, 11, maxW, true)
	for _, side := range [][3]float64{{8, -6, 0}, {-8, -6, 1}, {8, 16, 0}, {-8, 16, 1}} {
		anchor := "start"
		if side[2] == 1 {
			anchor = "end"
		}
		b := textBox(cx+side[0], cy+side[1], anchor, 11, true, shown)
		if b.x0 < bounds.x0 || b.x1 > bounds.x1 || b.y0 < bounds.y0 || b.y1 > bounds.y1 || !placed.free(b) {
			continue
		}
		placed.add(s.label(cx+side[0], cy+side[1], anchor, 11, `font-weight="600"`, label, maxW))
		return
	}
}
