package report

import (
	"html"
	"math"
	"strings"
)

// Text measurement. The figures' text is set in the page's sans-serif (system-ui, Segoe UI,
// Roboto, Helvetica, Arial, falling back to DejaVu Sans on Linux). Widths are estimated with DejaVu
// Sans's advances, the widest of these, so a label measured here is not wider in any of them.
// Advances for printable ASCII (32-126) in thousandths of an em, regular and semibold (600), as
// Chromium measures them with DejaVu Sans; other characters are counted as 0.84 em (Latin,
// Greek, symbols) or 1 em (CJK and other wide scripts).
var (
	advanceRegular = [95]uint16{318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787, 603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500, 500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612, 635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838}
	advanceBold    = [95]uint16{348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365, 696, 696, 696, 696, 696, 696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 580, 1000, 774, 762, 734, 830, 683, 683, 821, 837, 372, 372, 775, 637, 995, 837, 850, 733, 850, 770, 720, 682, 812, 774, 1103, 771, 724, 725, 457, 365, 457, 838, 500, 500, 675, 716, 593, 716, 678, 435, 716, 712, 343, 343, 665, 343, 1042, 712, 687, 716, 716, 493, 595, 478, 712, 652, 924, 645, 652, 582, 712, 365, 712, 838}
)

// Vertical metrics of the em box the browser lays text in (DejaVu Sans: ascent 0.928 em, descent
// 0.236 em), as fractions of the font size.
const (
	ascent  = 0.93
	descent = 0.24
)

// textWidth is the estimated advance width in pixels of str set at size pixels.
func textWidth(str string, size float64, bold bool) float64 {
	table := &advanceRegular
	if bold {
		table = &advanceBold
	}
	var w float64
	for _, r := range str {
		switch {
		case r >= 32 && r < 127:
			w += float64(table[r-32])
		case r >= 0x2E80:
			w += 1000
		default:
			w += 840
		}
	}
	return w / 1000 * size
}

// fitText shortens str with an ellipsis so that it is at most maxW pixels wide at size; it returns
// the text to draw and whether it was shortened.
func fitText(str string, size, maxW float64, bold bool) (string, bool) {
	if textWidth(str, size, bold) <= maxW {
		return str, false
	}
	ell := textWidth("…", size, bold)
	var b strings.Builder
	w := 0.0
	for _, r := range str {
		rw := textWidth(string(r), size, bold)
		if w+rw+ell > maxW {
			break
		}
		b.WriteRune(r)
		w += rw
	}
	return strings.TrimRight(b.String(), " ") + "…", true
}

// box is an axis-aligned rectangle in figure pixels.
type box struct{ x0, y0, x1, y1 float64 }

func (a box) overlaps(b box) bool {
	return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1
}

// textBox is the box of str drawn at (x, y) (the baseline) with the anchor at size.
func textBox(x, y float64, anchor string, size float64, bold bool, str string) box {
	w := textWidth(str, size, bold)
	switch anchor {
	case "middle":
		x -= w / 2
	case "end":
		x -= w
	}
	return box{x, y - ascent*size, x + w, y + descent*size}
}

// label draws str at (x, y) with the anchor and font size, shortened with an ellipsis to maxW
// pixels; a shortened label carries the full text as its tooltip (<title>), so nothing is lost.
// It returns the box it occupies.
func (s *SVG) label(x, y float64, anchor string, size float64, extra, str string, maxW float64) box {
	bold := strings.Contains(extra, "font-weight")
	content, shown := fitted(str, size, maxW, bold)
	if extra != "" {
		extra = " " + extra
	}
	s.add(`<text x="%.1f" y="%.1f" text-anchor="%s" font-size="%g"%s>%s</text>`, x, y, anchor, size, extra, content)
	return textBox(x, y, anchor, size, bold, shown)
}

// fitted is the escaped content of a <text> element showing str shortened to maxW (with the full
// text as its tooltip when shortened), and the text shown.
func fitted(str string, size, maxW float64, bold bool) (string, string) {
	shown, cut := fitText(str, size, math.Max(maxW, 0), bold)
	if !cut {
		return html.EscapeString(shown), shown
	}
	return "<title>" + html.EscapeString(str) + "</title>" + html.EscapeString(shown), shown
}

// heading draws the figure's title in its top line, shortened to the figure's width.
func (s *SVG) heading(title string) {
	s.label(8, 16, "start", 13, `font-weight="600"`, title, s.W-16)
}

// centred draws str centred as near x as the figure allows, shortened to the figure's width.
func (s *SVG) centred(x, y, size float64, extra, str string) box {
	bold := strings.Contains(extra, "font-weight")
	w := math.Min(textWidth(str, size, bold), s.W-8)
	return s.label(inside(x, w, 4, s.W-4), y, "start", size, extra, str, s.W-8)
}

// inside returns the left edge of a label of width w centred as near x as the interval [lo, hi]
// allows.
func inside(x, w, lo, hi float64) float64 {
	return math.Max(lo, math.Min(x-w/2, hi-w))
}

// placer keeps the boxes of the labels placed so far, so that the next label goes where it
// overlaps none of them.
type placer struct{ boxes []box }

func (p *placer) free(b box) bool {
	for _, o := range p.boxes {
		if o.overlaps(b) {
			return false
		}
	}
	return true
}

func (p *placer) add(b box) { p.boxes = append(p.boxes, b) }

// wrapLines breaks str at spaces into lines at most maxW pixels wide at size (a single word wider
// than that stays on its own line, to be shortened when drawn).
func wrapLines(str string, size, maxW float64, bold bool) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(str) {
		if line != "" && textWidth(line+" "+word, size, bold) > maxW {
			lines, line = append(lines, line), word
			continue
		}
		line = strings.TrimPrefix(line+" "+word, " ")
	}
	return append(lines, line)
}

// footnote draws str (a thresholding rule, what the marks mean) at the bottom of the figure,
// wrapped onto as many lines as it needs: the figure grows by the extra lines, so that a rule is
// never cut short.
func (s *SVG) footnote(extra, str string) {
	const size, lead = 11.0, 14.0
	lines := wrapLines(str, size, s.W-16, false)
	s.H += float64(len(lines)-1) * lead
	for i, l := range lines {
		s.label(8, s.H-8-float64(len(lines)-1-i)*lead, "start", size, extra, l, s.W-16)
	}
}
