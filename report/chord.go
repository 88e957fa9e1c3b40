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
// blue negative) with width proportional to |weight|. Regions that carry an edge are labelled.
func Chord(title string, regions, groups []string, edges []Edge) *SVG {
	const size, radius = 620.0, 200.0
	s := newSVG(size, size+20, title)
	s.text(8, 18, "start", `font-size="13" font-weight="600"`, title)
	cx, cy := size/2, size/2+14
	n := len(regions)
	if n == 0 {
		s.text(cx, cy, "middle", "", "no regions")
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
	pt := func(a, r float64) (float64, float64) { return cx + r*math.Cos(a), cy + r*math.Sin(a) }
	// Group arcs and names.
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
		if name != "" {
			// Outside the region labels, kept inside the figure.
			lx, ly := pt((first+last)/2, radius+96)
			s.text(clamp(lx, 75, size-75), clamp(ly, 34, size), "middle", fmt.Sprintf(`font-size="12" font-weight="600" fill="%s"`, col), name)
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
	// Region ticks, and labels for the regions that carry an edge.
	for i := 0; i < n; i++ {
		x0, y0 := pt(angle[i], radius-3)
		x1, y1 := pt(angle[i], radius+2)
		s.add(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#6b7280"/>`, x0, y0, x1, y1)
		if !labelled[i] {
			continue
		}
		deg := angle[i] * 180 / math.Pi
		lx, ly := pt(angle[i], radius+14)
		anchor := "start"
		if math.Cos(angle[i]) < 0 {
			deg += 180
			anchor = "end"
		}
		s.add(`<text class="region-label" x="%.1f" y="%.1f" text-anchor="%s" font-size="9" dominant-baseline="middle" transform="rotate(%.1f %.1f %.1f)">%s</text>`,
			lx, ly, anchor, deg, lx, ly, html.EscapeString(regions[i]))
	}
	s.text(8, size+14, "start", `font-size="11"`, fmt.Sprintf("%d edges; width ∝ |weight| (max %.3g); vermillion positive, blue negative", len(edges), wmax))
	return s
}
