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
// (Okabe-Ito's yellow is replaced by Tol's olive, which stays legible as text on white.)
var categorical = []string{colorBlue, colorOrange, colorGreen, colorPurple, colorSky, colorVermillion, "#999933", "#000000"}

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
}

// newFrame lays out a plot with margins for the axes and extends the data ranges to nice ticks.
func newFrame(title, xLabel, yLabel string, xMin, xMax, yMin, yMax float64) *frame {
	f := &frame{s: newSVG(440, 330, title), left: 58, top: 28, w: 360, h: 250, xLabel: xLabel, yLabel: yLabel, header: title}
	f.xTicks, f.x0, f.x1 = niceTicks(xMin, xMax, 6)
	f.yTicks, f.y0, f.y1 = niceTicks(yMin, yMax, 6)
	return f
}

func (f *frame) px(x float64) float64 { return f.left + (x-f.x0)/(f.x1-f.x0)*f.w }
func (f *frame) py(y float64) float64 { return f.top + f.h - (y-f.y0)/(f.y1-f.y0)*f.h }

// axes draws the box, ticks, tick labels, axis labels and the title.
func (f *frame) axes() {
	s := f.s
	s.add(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="none" stroke="#9ca3af"/>`, f.left, f.top, f.w, f.h)
	for _, t := range f.xTicks {
		x := f.px(t)
		s.add(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#9ca3af"/>`, x, f.top+f.h, x, f.top+f.h+4)
		s.text(x, f.top+f.h+16, "middle", "", formatTick(t))
	}
	for _, t := range f.yTicks {
		y := f.py(t)
		s.add(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#9ca3af"/>`, f.left-4, y, f.left, y)
		s.text(f.left-7, y+4, "end", "", formatTick(t))
	}
	s.text(f.left+f.w/2, f.top+f.h+34, "middle", `font-size="12"`, f.xLabel)
	s.add(`<text x="14" y="%.1f" text-anchor="middle" font-size="12" transform="rotate(-90 14 %.1f)">%s</text>`, f.top+f.h/2, f.top+f.h/2, html.EscapeString(f.yLabel))
	s.text(f.left, 16, "start", `font-size="13" font-weight="600"`, f.header)
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
// 220-pixel bar at (x, y), with its three ticks and the value's label above it.
func (s *SVG) colourBar(x, y, vmax float64, label string) {
	const steps, width = 44, 220.0
	for i := 0; i < steps; i++ {
		c := diverging(-1 + 2*(float64(i)+0.5)/steps)
		s.add(`<rect x="%.1f" y="%.0f" width="%.1f" height="10" fill="rgb(%d,%d,%d)"/>`, x+float64(i)*width/steps, y, width/steps+0.3, c.R, c.G, c.B)
	}
	s.text(x, y+22, "middle", "", formatTick(-vmax))
	s.text(x+width/2, y+22, "middle", "", "0")
	s.text(x+width, y+22, "middle", "", formatTick(vmax))
	s.text(x+width/2, y-4, "middle", "", label)
}
