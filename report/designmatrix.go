package report

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/png"
	"math"
)

// DesignMatrix draws a GLM design matrix as nilearn's plot_design_matrix shows it: scans down,
// columns across (named above, rotated), each column divided by its largest |value| so that every
// regressor uses the whole scale (nilearn rescales by the column's norm and uses viridis; here the
// diverging blue-white-vermillion scale of the other maps, white at zero), one pixel per cell in an
// inlined PNG drawn without smoothing.
func DesignMatrix(title string, names []string, columns [][]float64) (*SVG, error) {
	p := len(columns)
	if p == 0 || len(names) != p || len(columns[0]) == 0 {
		return nil, fmt.Errorf("design matrix: %d columns for %d names", p, len(names))
	}
	n := len(columns[0])
	img := image.NewRGBA(image.Rect(0, 0, p, n))
	for c, col := range columns {
		if len(col) != n {
			return nil, fmt.Errorf("design matrix: column %q has %d scans, the first %d", names[c], len(col), n)
		}
		scale := 0.0
		for _, v := range col {
			scale = math.Max(scale, math.Abs(v))
		}
		if scale == 0 {
			scale = 1
		}
		for r, v := range col {
			img.SetRGBA(c, r, diverging(v/scale))
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	const left, height, colW = 56.0, 340.0, 22.0
	w := math.Max(float64(p)*colW, 120)
	cw := w / float64(p)
	fs := math.Min(10, cw-2)
	longest := 0.0
	for _, name := range names {
		longest = math.Max(longest, math.Min(textWidth(name, fs, false), 110))
	}
	top := 36 + longest*math.Sin(math.Pi/3)
	s := newSVG(left+w+10+longest/2, top+height+20, title)
	s.heading(title)
	s.add(`<image x="%.0f" y="%.0f" width="%.0f" height="%.0f" preserveAspectRatio="none" style="image-rendering:pixelated" href="data:image/png;base64,%s"/>`,
		left, top, w, height, base64.StdEncoding.EncodeToString(buf.Bytes()))
	s.add(`<rect x="%.0f" y="%.0f" width="%.0f" height="%.0f" fill="none" stroke="#9ca3af"/>`, left, top, w, height)
	for c, name := range names {
		x := left + (float64(c)+0.5)*cw
		content, _ := fitted(name, fs, 110, false)
		s.add(`<text transform="translate(%.1f %.1f) rotate(-60)" text-anchor="start" font-size="%.1f">%s</text>`, x, top-4, fs, content)
	}
	for _, r := range []int{0, n - 1} {
		y := top + (float64(r)+0.5)*height/float64(n)
		s.text(left-4, y+4, "end", "", fmt.Sprint(r))
	}
	s.add(`<text x="14.0" y="%.1f" text-anchor="middle" font-size="12" transform="rotate(-90 14.0 %.1f)">scan number</text>`, top+height/2, top+height/2)
	return s, nil
}
