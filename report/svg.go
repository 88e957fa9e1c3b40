package report

import (
	"fmt"
	"html"
	"math"
	"strings"
)

// Okabe & Ito's colour-blind-safe palette; positive weights vermillion, negative blue throughout.
const (
	colorBlue       = "#0072B2"
	colorVermillion = "#D55E00"
	colorGreen      = "#009E73"
	colorOrange     = "#E69F00"
	colorSky        = "#56B4E9"
	colorPurple     = "#CC79A7"
	colorGrey       = "#6b7280"
)

// categorical is the palette for groups (systems, networks), in order.
// (Okabe-Ito's yellow is replaced by Tol's olive, which stays legible as text on white; Tol's wine,
// teal and indigo and a grey follow, so that up to 12 networks get distinct colours.)
var categorical = []string{colorBlue, colorOrange, colorGreen, colorPurple, colorSky, colorVermillion, "#999933", "#000000", "#882255", "#44AA99", "#332288", "#6b7280"}

// SVG is a figure being drawn: an inline <svg> element with a title for screen readers.
type SVG struct {
	W, H  float64
	Title string
	b     strings.Builder
}

func newSVG(w, h float64, title string) *SVG {
	return &SVG{W: w, H: h, Title: title}
}

// String is the <svg> element.
func (s *SVG) String() string {
	return fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" class="figure" width="%g" height="%g" viewBox="0 0 %g %g" role="img"><title>%s</title>%s</svg>`,
		s.W, s.H, s.W, s.H, html.EscapeString(s.Title), s.b.String())
}

func (s *SVG) add(format string, args ...any) { fmt.Fprintf(&s.b, format, args...) }

func (s *SVG) text(x, y float64, anchor, extra, str string) {
	size := ` font-size="11"`
	if strings.Contains(extra, "font-size") { // one font-size attribute: the SVG must be well-formed XML
		size = ""
	}
	s.add(`<text x="%.1f" y="%.1f" text-anchor="%s"%s %s>%s</text>`, x, y, anchor, size, extra, html.EscapeString(str))
}

// frame is a plot area with linear scales.
type frame struct {
	s                      *SVG
	left, top, w, h        float64
	x0, x1, y0, y1         float64
	xTicks, yTicks         []float64
	xLabel, yLabel, header string
	xLines, yLines         []string // the axis labels' lines (labelLines)
}

// newFrame lays out a plot with margins for the axes and extends the data ranges to nice ticks.
// The title has the top line; the line below it (y = top − 8) is for one annotation (a statistic,
// the observed value), so that no text is drawn over the data. The left margin grows with the
// widest y tick label.
func newFrame(title, xLabel, yLabel string, xMin, xMax, yMin, yMax float64) *frame {
	f := &frame{left: 58, top: 44, w: 360, h: 250, xLabel: xLabel, yLabel: yLabel, header: title}
	f.xTicks, f.x0, f.x1 = niceTicks(xMin, xMax, 6)
	f.yTicks, f.y0, f.y1 = niceTicks(yMin, yMax, 6)
	for _, t := range f.yTicks {
		f.left = math.Max(f.left, 33+textWidth(formatTick(t), 11, false))
	}
	// An axis label longer than its axis takes a second line (a variable with its unit and
	// standardization is often long): room for it on the left and at the bottom.
	f.yLines, f.xLines = labelLines(yLabel, f.h), labelLines(xLabel, f.w)
	f.left += 14 * float64(len(f.yLines)-1)
	// The last x tick label is centred on the right edge of the plot: leave room for its half.
	right := 22.0
	if n := len(f.xTicks); n > 0 {
		right = math.Max(right, textWidth(formatTick(f.xTicks[n-1]), 11, false)/2+4)
	}
	f.s = newSVG(f.left+f.w+right, f.top+f.h+52+14*float64(len(f.xLines)-1), title)
	return f
}

// labelLines is an axis label on one line, or on two when it is wider than the axis (the second
// shortened when drawn if still too long).
func labelLines(label string, length float64) []string {
	lines := wrapLines(label, 12, length, false)
	if len(lines) > 2 {
		lines = []string{lines[0], strings.Join(lines[1:], " ")}
	}
	return lines
}

func (f *frame) px(x float64) float64 { return f.left + (x-f.x0)/(f.x1-f.x0)*f.w }
func (f *frame) py(y float64) float64 { return f.top + f.h - (y-f.y0)/(f.y1-f.y0)*f.h }

// note draws str on the annotation line above the plot, centred as near x as the figure allows.
func (f *frame) note(x float64, extra, str string) {
	f.s.centred(x, f.top-8, 12, extra, str)
}

// axes draws the box, ticks, tick labels, axis labels and the title.
func (f *frame) axes() {
	s := f.s
	s.add(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="none" stroke="#9ca3af"/>`, f.left, f.top, f.w, f.h)
	for _, t := range f.xTicks {
		x := f.px(t)
		s.add(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#9ca3af"/>`, x, f.top+f.h, x, f.top+f.h+4)
		s.text(x, f.top+f.h+18, "middle", "", formatTick(t))
	}
	for _, t := range f.yTicks {
		y := f.py(t)
		s.add(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#9ca3af"/>`, f.left-4, y, f.left, y)
		s.text(f.left-7, y+4, "end", "", formatTick(t))
	}
	for k, l := range f.xLines {
		s.centred(f.left+f.w/2, f.top+f.h+36+14*float64(k), 12, "", l)
	}
	for k, l := range f.yLines {
		yl, _ := fitted(l, 12, f.h, false)
		x := 14 + 14*float64(k)
		s.add(`<text x="%.1f" y="%.1f" text-anchor="middle" font-size="12" transform="rotate(-90 %.1f %.1f)">%s</text>`, x, f.top+f.h/2, x, f.top+f.h/2, yl)
	}
	s.heading(f.header)
}

// niceTicks returns about n round tick values covering [lo, hi] and the extended range.
func niceTicks(lo, hi float64, n int) ([]float64, float64, float64) {
	if math.IsNaN(lo) || math.IsNaN(hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		lo, hi = 0, 1
	}
	if hi < lo {
		lo, hi = hi, lo
	}
	if hi == lo {
		d := math.Max(math.Abs(lo)*0.1, 1)
		lo, hi = lo-d, hi+d
	}
	raw := (hi - lo) / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	a, b := math.Floor(lo/step)*step, math.Ceil(hi/step)*step
	var ticks []float64
	for k := 0; ; k++ {
		t := a + float64(k)*step
		if t > b+step/2 {
			break
		}
		if math.Abs(t) < step*1e-9 {
			t = 0
		}
		ticks = append(ticks, t)
	}
	return ticks, a, b
}

func formatTick(v float64) string {
	s := fmt.Sprintf("%.4g", v)
	if strings.Contains(s, "e") {
		return fmt.Sprintf("%.1e", v)
	}
	return s
}

func minMax(vs ...[]float64) (float64, float64) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range vs {
		for _, x := range v {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				continue
			}
			lo, hi = math.Min(lo, x), math.Max(hi, x)
		}
	}
	return lo, hi
}

// colourBar draws the diverging scale of the maps (blue −vmax, white 0, vermillion +vmax) as a
// 220-pixel bar at (x, y), with its three ticks (kept inside the figure, minus signs included) and
// the value's label above it.
func (s *SVG) colourBar(x, y, vmax float64, label string) {
	const steps, width = 44, 220.0
	for i := 0; i < steps; i++ {
		c := diverging(-1 + 2*(float64(i)+0.5)/steps)
		s.add(`<rect x="%.1f" y="%.0f" width="%.1f" height="10" fill="rgb(%d,%d,%d)"/>`, x+float64(i)*width/steps, y, width/steps+0.3, c.R, c.G, c.B)
	}
	for k, v := range []float64{-vmax, 0, vmax} {
		t := formatTick(v)
		w := textWidth(t, 11, false)
		s.text(inside(x+float64(k)*width/2, w, 2, s.W-2), y+22, "start", "", t)
	}
	s.centred(x+width/2, y-4, 11, "", label)
}
