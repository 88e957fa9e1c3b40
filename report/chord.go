package report

import (
	"fmt"
	"html"
	"math"
	"sort"
)

// Edge is a weighted connection between two regions (indices into the region list).
type Edge struct {
	A, B   int
	Weight float64
}

// Chord draws a connectome chord diagram as the CSps paper's Figure 3a: regions on a circle,
// grouped (by system or network, each group an arc in its own colour, groups in order of first
// appearance), each edge a curve through the interior coloured by its sign (vermillion positive,
// blue negative) with width proportional to |weight|. Regions that carry an edge are labelled
// radially (names longer than the margin are shortened, the full name in their tooltip); the
// groups are named in a legend below the circle, so that no group name lies over a region label.
func Chord(title string, regions, groups []string, edges []Edge) *SVG {
	const size, radius, pad, labelMax = 620.0, 200.0, 14.0, 88.0
	n := len(regions)
	cx, cy := size/2, 30+radius+pad+labelMax+4
	if n == 0 {
		s := newSVG(size, 120, title)
		s.heading(title)
		s.text(cx, 60, "middle", "", "no regions")
		return s
	}
	// Order regions by group (first appearance), keeping their order within a group.
	groupIndex := map[string]int{}
	var groupNames []string
	for i := 0; i < n; i++ {
		g := ""
		if i < len(groups) {
			g = groups[i]
		}
		if _, ok := groupIndex[g]; !ok {
			groupIndex[g] = len(groupNames)
			groupNames = append(groupNames, g)
		}
	}
	groupOf := func(i int) int {
		if i < len(groups) {
			return groupIndex[groups[i]]
		}
		return groupIndex[""]
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return groupOf(order[a]) < groupOf(order[b]) })
	// Angles: one slot per region plus a gap of two slots between groups.
	slots := float64(n + 2*len(groupNames))
	angle := make([]float64, n)
	slot := 0.0
	prev := -1
	for _, i := range order {
		if g := groupOf(i); g != prev {
			if prev >= 0 {
				slot += 2
			}
			prev = g
		}
		angle[i] = 2*math.Pi*slot/slots - math.Pi/2
		slot++
	}
	legendRows := (len(groupNames) + 1) / 2
	if len(groupNames) == 1 && groupNames[0] == "" {
		legendRows = 0
	}
	legendTop := cy + radius + pad + labelMax + 8
	s := newSVG(size, legendTop+16*float64(legendRows)+24, title)
	s.heading(title)
	pt := func(a, r float64) (float64, float64) { return cx + r*math.Cos(a), cy + r*math.Sin(a) }
	// Group arcs, and the legend naming them.
	for gi, name := range groupNames {
		first, last := math.Inf(1), math.Inf(-1)
		for i := 0; i < n; i++ {
			if groupOf(i) == gi {
				first, last = math.Min(first, angle[i]), math.Max(last, angle[i])
			}
		}
		pad := math.Pi / slots
		x0, y0 := pt(first-pad, radius+6)
		x1, y1 := pt(last+pad, radius+6)
		large := 0
		if last-first+2*pad > math.Pi {
			large = 1
		}
		col := categorical[gi%len(categorical)]
		s.add(`<path class="group-arc" d="M%.1f,%.1f A%.1f,%.1f 0 %d 1 %.1f,%.1f" fill="none" stroke="%s" stroke-width="8"><title>%s</title></path>`,
			x0, y0, radius+6, radius+6, large, x1, y1, col, html.EscapeString(name))
		if legendRows > 0 {
			lx, ly := 8+float64(gi%2)*size/2, legendTop+16*float64(gi/2)
			s.add(`<rect x="%.1f" y="%.1f" width="14" height="8" fill="%s"/>`, lx, ly-8, col)
			s.label(lx+20, ly, "start", 12, fmt.Sprintf(`font-weight="600" fill="%s"`, col), name, size/2-36)
		}
	}
	// Edges, weakest first so that the strongest are drawn on top.
	sorted := append([]Edge(nil), edges...)
	sort.SliceStable(sorted, func(a, b int) bool { return math.Abs(sorted[a].Weight) < math.Abs(sorted[b].Weight) })
	var wmax float64
	for _, e := range sorted {
		wmax = math.Max(wmax, math.Abs(e.Weight))
	}
	labelled := make([]bool, n)
	for _, e := range sorted {
		if e.A < 0 || e.A >= n || e.B < 0 || e.B >= n {
			continue
		}
		labelled[e.A], labelled[e.B] = true, true
		x0, y0 := pt(angle[e.A], radius)
		x1, y1 := pt(angle[e.B], radius)
		col := colorVermillion
		if e.Weight < 0 {
			col = colorBlue
		}
		w := 0.8
		if wmax > 0 {
			w = 0.8 + 4.2*math.Abs(e.Weight)/wmax
		}
		s.add(`<path class="edge" d="M%.1f,%.1f Q%.1f,%.1f %.1f,%.1f" fill="none" stroke="%s" stroke-width="%.2f" stroke-opacity="0.75"><title>%s – %s: %.4g</title></path>`,
			x0, y0, cx, cy, x1, y1, col, w, html.EscapeString(regions[e.A]), html.EscapeString(regions[e.B]), e.Weight)
	}
	// Region ticks, and labels for the regions that carry an edge, in a font that fits the spacing
	// of neighbouring slots (none below 4 px: the tooltips of the edges still name them).
	fs := math.Min(9, (2*math.Pi*(radius+pad)/slots+0.8)/(ascent+descent))
	for i := 0; i < n; i++ {
		x0, y0 := pt(angle[i], radius-3)
		x1, y1 := pt(angle[i], radius+2)
		s.add(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#6b7280"/>`, x0, y0, x1, y1)
		if !labelled[i] || fs < 4 {
			continue
		}
		deg := angle[i] * 180 / math.Pi
		lx, ly := pt(angle[i], radius+14)
		anchor := "start"
		if math.Cos(angle[i]) < 0 {
			deg += 180
			anchor = "end"
		}
		content, _ := fitted(regions[i], fs, labelMax, false)
		s.add(`<text class="region-label" x="%.1f" y="%.1f" text-anchor="%s" font-size="%.1f" dominant-baseline="middle" transform="rotate(%.1f %.1f %.1f)">%s</text>`,
			lx, ly, anchor, fs, deg, lx, ly, content)
	}
	s.label(8, s.H-8, "start", 11, "", fmt.Sprintf("%d edges; width ∝ |weight| (max %.3g); vermillion positive, blue negative", len(edges), wmax), size-16)
	return s
}
