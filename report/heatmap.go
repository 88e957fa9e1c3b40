package report

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html"
	"image"
	"image/png"
	"math"
)

// Heatmap draws a square matrix (n x n, row-major; a connectivity matrix) with the diverging
// blue-white-vermillion scale symmetric around zero (NaN and the diagonal when skipDiagonal are
// left white), regions labelled on both axes when there are at most 60 of them, and a colour bar.
// The cells are an inlined PNG (one pixel per cell, drawn without smoothing), so 400 regions stay
// light.
func Heatmap(title, valueLabel string, labels []string, m []float64, skipDiagonal bool) (*SVG, error) {
	n := len(labels)
	if len(m) != n*n || n == 0 {
		return nil, fmt.Errorf("heat map: %d values for %d labels (want %d)", len(m), n, n*n)
	}
	vmax := 0.0
	for i, v := range m {
		if skipDiagonal && i/n == i%n || math.IsNaN(v) {
			continue
		}
		vmax = math.Max(vmax, math.Abs(v))
	}
	if vmax == 0 {
		vmax = 1
	}
	img := image.NewRGBA(image.Rect(0, 0, n, n))
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			v := m[i*n+j]
			if (skipDiagonal && i == j) || math.IsNaN(v) {
				v = 0
			}
			img.SetRGBA(j, i, diverging(v/vmax))
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	const side = 420.0
	left, top := 20.0, 30.0
	showLabels := n <= 60
	if showLabels {
		left = 150
	}
	s := newSVG(left+side+20, top+side+(map[bool]float64{true: 130, false: 70})[showLabels], title)
	s.text(8, 16, "start", `font-size="13" font-weight="600"`, title)
	s.add(`<image x="%.0f" y="%.0f" width="%.0f" height="%.0f" preserveAspectRatio="none" style="image-rendering:pixelated" href="data:image/png;base64,%s"/>`,
		left, top, side, side, base64.StdEncoding.EncodeToString(buf.Bytes()))
	s.add(`<rect x="%.0f" y="%.0f" width="%.0f" height="%.0f" fill="none" stroke="#9ca3af"/>`, left, top, side, side)
	cell := side / float64(n)
	bottom := top + side
	if showLabels {
		fs := math.Min(10, cell*0.9)
		for i, l := range labels {
			y := top + (float64(i)+0.5)*cell
			s.add(`<text x="%.1f" y="%.1f" text-anchor="end" font-size="%.1f" dominant-baseline="middle">%s</text>`, left-4, y, fs, html.EscapeString(l))
			x := left + (float64(i)+0.5)*cell
			s.add(`<text transform="translate(%.1f %.1f) rotate(-60)" text-anchor="end" font-size="%.1f">%s</text>`, x, bottom+6, fs, html.EscapeString(l))
		}
		bottom += 100
	}
	s.colourBar(left, bottom+16, vmax, valueLabel)
	return s, nil
}
