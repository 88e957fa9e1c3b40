package report

import "math"

// Residuals draws a robust fit's residual plot: each point's residual against x, with a dashed
// zero line; a point's opacity is its final robust weight, and the points the fit gave weight 0
// (beyond the biweight's cut-off) are drawn as open circles. stat labels the plot (the robust
// line and how many points it downweighted).
func Residuals(title, xLabel, yLabel string, x, resid, weights []float64, stat string) *SVG {
	lo, hi := minMax(x)
	ylo, yhi := minMax(resid, []float64{0})
	f := newFrame(title, xLabel, yLabel, lo, hi, ylo, yhi)
	s := f.s
	s.add(`<line class="reference" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-dasharray="4,3"/>`, f.px(f.x0), f.py(0), f.px(f.x1), f.py(0), colorGrey)
	for i := range x {
		if math.IsNaN(x[i]) || math.IsNaN(resid[i]) {
			continue
		}
		if weights[i] == 0 {
			s.add(`<circle class="point" cx="%.1f" cy="%.1f" r="3.5" fill="none" stroke="%s" stroke-width="1.2"/>`, f.px(x[i]), f.py(resid[i]), colorVermillion)
			continue
		}
		s.add(`<circle class="point" cx="%.1f" cy="%.1f" r="3.5" fill="%s" fill-opacity="%.2f" stroke="#fff" stroke-width="0.5"/>`, f.px(x[i]), f.py(resid[i]), colorVermillion, 0.2+0.7*weights[i])
	}
	if stat != "" {
		f.note(f.left+f.w, "", stat)
	}
	f.axes()
	return s
}
