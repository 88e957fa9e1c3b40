package report

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html"
	"image"
	"image/png"
	"math"
	"sort"
)

// Heatmap draws a square matrix (n x n, row-major; a connectivity matrix) with the diverging
// blue-white-vermillion scale symmetric around zero (NaN and the diagonal when skipDiagonal are
// left white), regions labelled on both axes when there are at most 60 of them, and a colour bar.
// The cells are an inlined PNG (one pixel per cell, drawn without smoothing), so 400 regions stay
// light.
func Heatmap(title, valueLabel string, labels []string, m []float64, skipDiagonal bool) (*SVG, error) {
	return HeatmapByNetwork(title, valueLabel, labels, nil, m, skipDiagonal)
}

// HeatmapByNetwork is Heatmap with the regions ordered and blocked by network (groups[i] is region
// i's network; networks in order of first appearance, regions keeping their order within one),
// lines between the blocks and each block named along both axes, as connectome papers show a
// parcellation's matrix (Schaefer/Yeo order). Region names are drawn too when there are at most 60
// regions; a name longer than the margin is shortened with its full text as its tooltip. With nil
// groups it is Heatmap.
func HeatmapByNetwork(title, valueLabel string, labels, groups []string, m []float64, skipDiagonal bool) (*SVG, error) {
	n := len(labels)
	if len(m) != n*n || n == 0 {
		return nil, fmt.Errorf("heat map: %d values for %d labels (want %d)", len(m), n, n*n)
	}
	if groups != nil && len(groups) != n {
		return nil, fmt.Errorf("heat map: %d networks for %d labels", len(groups), n)
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	var blocks []struct {
		name       string
		start, end int
	}
	if groups != nil {
		first := map[string]int{}
		for _, g := range groups {
			if _, ok := first[g]; !ok {
				first[g] = len(first)
			}
		}
		sort.SliceStable(order, func(a, b int) bool { return first[groups[order[a]]] < first[groups[order[b]]] })
		for k, i := range order {
			if k == 0 || groups[i] != groups[order[k-1]] {
				blocks = append(blocks, struct {
					name       string
					start, end int
				}{groups[i], k, k})
			}
			blocks[len(blocks)-1].end = k + 1
		}
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
	for r, i := range order {
		for c, j := range order {
			v := m[i*n+j]
			if (skipDiagonal && i == j) || math.IsNaN(v) {
				v = 0
			}
			img.SetRGBA(c, r, diverging(v/vmax))
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	const side, regionMargin, groupMargin = 420.0, 120.0, 16.0
	showLabels := n <= 60
	left, bottomMargin := 24.0, 0.0
	if showLabels {
		left += regionMargin
		bottomMargin += regionMargin
	}
	if blocks != nil {
		left += groupMargin
		bottomMargin += groupMargin
	}
	top := 30.0
	s := newSVG(left+side+24, top+side+bottomMargin+72, title)
	s.heading(title)
	s.add(`<image x="%.0f" y="%.0f" width="%.0f" height="%.0f" preserveAspectRatio="none" style="image-rendering:pixelated" href="data:image/png;base64,%s"/>`,
		left, top, side, side, base64.StdEncoding.EncodeToString(buf.Bytes()))
	s.add(`<rect x="%.0f" y="%.0f" width="%.0f" height="%.0f" fill="none" stroke="#9ca3af"/>`, left, top, side, side)
	cell := side / float64(n)
	bottom := top + side
	// From the matrix outward: the networks' coloured bars, the region names, the network names.
	regionSpace := 0.0
	if showLabels {
		regionSpace = regionMargin
		// The font fits the spacing of neighbouring labels: rows are a cell apart, the columns'
		// labels (rotated by 60 degrees) cell·sin 60° apart.
		fs := math.Min(10, (cell*math.Sin(math.Pi/3)+0.8)/(ascent+descent))
		for r, i := range order {
			y := top + (float64(r)+0.5)*cell
			content, _ := fitted(labels[i], fs, regionMargin-10, false)
			s.add(`<text x="%.1f" y="%.1f" text-anchor="end" font-size="%.1f" dominant-baseline="middle">%s</text>`, left-11, y, fs, content)
			x := left + (float64(r)+0.5)*cell
			content, _ = fitted(labels[i], fs, (regionMargin-14)/math.Sin(math.Pi/3), false)
			s.add(`<text transform="translate(%.1f %.1f) rotate(-60)" text-anchor="end" font-size="%.1f">%s</text>`, x, bottom+12, fs, content)
		}
	}
	for k, b := range blocks {
		a, e := float64(b.start)*cell, float64(b.end)*cell
		col := categorical[k%len(categorical)]
		if b.start > 0 {
			s.add(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#111827" stroke-width="1"/>`, left, top+a, left+side, top+a)
			s.add(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#111827" stroke-width="1"/>`, left+a, top, left+a, top+side)
		}
		name := html.EscapeString(b.name)
		s.add(`<rect x="%.1f" y="%.1f" width="6" height="%.1f" fill="%s"><title>%s</title></rect>`, left-8, top+a, e-a, col, name)
		s.add(`<rect x="%.1f" y="%.1f" width="%.1f" height="6" fill="%s"><title>%s</title></rect>`, left+a, bottom+2, e-a, col, name)
		if e-a >= 14 { // named where the block is long enough
			content, _ := fitted(b.name, 9, e-a-2, true)
			x, y := left-regionSpace-12, top+(a+e)/2
			s.add(`<text x="%.1f" y="%.1f" text-anchor="middle" font-size="9" font-weight="600" fill="%s" transform="rotate(-90 %.1f %.1f)">%s</text>`, x, y, col, x, y, content)
			s.add(`<text x="%.1f" y="%.1f" text-anchor="middle" font-size="9" font-weight="600" fill="%s">%s</text>`, left+(a+e)/2, bottom+regionSpace+17, col, content)
		}
	}
	s.colourBar(left, bottom+bottomMargin+24, vmax, valueLabel)
	// A key of the networks, since thin blocks are unnamed and long names shortened along the axes.
	if len(blocks) > 1 {
		colW := (s.W - 16) / 2
		y0 := s.H + 6
		s.H += 16*float64((len(blocks)+1)/2) + 8
		for k, b := range blocks {
			x, y := 8+float64(k%2)*colW, y0+16*float64(k/2)
			s.add(`<rect x="%.1f" y="%.1f" width="10" height="10" fill="%s"/>`, x, y, categorical[k%len(categorical)])
			s.label(x+15, y+9, "start", 11, "", fmt.Sprintf("%s (%d)", b.name, b.end-b.start), colW-20)
		}
	}
	return s, nil
}
