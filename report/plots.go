package report

import (
	"fmt"
	"math"
	"sort"

	"github.com/painmark/painmark/stats"
	"gonum.org/v1/gonum/stat/distuv"
)

// Scatter draws observed (x) against predicted (y) values, as the signature papers show
// cross-validated predictions: points, the least-squares line and its 95% confidence band (for
// the mean prediction: t(n−2) · s · √(1/n + (x − x̄)²/Sxx)), and r in the corner.
func Scatter(title, xLabel, yLabel string, x, y []float64) *SVG {
	return ScatterStat(title, xLabel, yLabel, x, y, "")
}

// ScatterStat is Scatter labelled with stat (e.g. "spearman r = 0.286, n = 68", the statistic
// its caption and test report) in place of the least-squares line's Pearson r, so that a figure
// and its caption never show two different correlations.
func ScatterStat(title, xLabel, yLabel string, x, y []float64, stat string) *SVG {
	lo, hi := minMax(x)
	ylo, yhi := minMax(y)
	f := newFrame(title, xLabel, yLabel, lo, hi, ylo, yhi)
	s := f.s
	n := float64(len(x))
	if len(x) >= 3 {
		mx, my := stats.Mean(x), stats.Mean(y)
		var sxx, sxy float64
		for i := range x {
			sxx += (x[i] - mx) * (x[i] - mx)
			sxy += (x[i] - mx) * (y[i] - my)
		}
		if sxx > 0 {
			b := sxy / sxx
			a := my - b*mx
			var rss float64
			for i := range x {
				e := y[i] - a - b*x[i]
				rss += e * e
			}
			se := math.Sqrt(rss / (n - 2))
			tq := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: n - 2}.Quantile(0.975)
			const steps = 40
			var upper, lower string
			for k := 0; k <= steps; k++ {
				xv := f.x0 + (f.x1-f.x0)*float64(k)/steps
				half := tq * se * math.Sqrt(1/n+(xv-mx)*(xv-mx)/sxx)
				fit := a + b*xv
				upper += fmt.Sprintf("%.1f,%.1f ", f.px(xv), f.py(clamp(fit+half, f.y0, f.y1)))
				lower = fmt.Sprintf("%.1f,%.1f ", f.px(xv), f.py(clamp(fit-half, f.y0, f.y1))) + lower
			}
			s.add(`<polygon class="ci-band" points="%s%s" fill="%s" fill-opacity="0.18" stroke="none"/>`, upper, lower, colorBlue)
			s.add(`<line class="fit-line" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="2"/>`,
				f.px(f.x0), f.py(clamp(a+b*f.x0, f.y0, f.y1)), f.px(f.x1), f.py(clamp(a+b*f.x1, f.y0, f.y1)), colorBlue)
			if stat == "" {
				stat = fmt.Sprintf("Pearson r = %.3f, n = %d", sxy/math.Sqrt(sxx*sumSq(y, my)), len(x))
			}
			f.note(f.left+f.w, "", stat)
		}
	}
	for i := range x {
		s.add(`<circle class="point" cx="%.1f" cy="%.1f" r="3.5" fill="%s" fill-opacity="0.8" stroke="#fff" stroke-width="0.5"/>`, f.px(x[i]), f.py(y[i]), colorVermillion)
	}
	f.axes()
	return s
}

// Histogram draws a null distribution (permutations, bootstraps) with the observed value as a
// vertical line labelled with its p-value.
func Histogram(title, xLabel string, null []float64, observed float64, pLabel string) *SVG {
	lo, hi := minMax(null, []float64{observed})
	const bins = 30
	ticks, a, b := niceTicks(lo, hi, 6)
	counts := make([]int, bins)
	width := (b - a) / bins
	for _, v := range null {
		if math.IsNaN(v) {
			continue
		}
		k := int((v - a) / width)
		counts[min(max(k, 0), bins-1)]++
	}
	top := 0
	for _, c := range counts {
		top = max(top, c)
	}
	f := newFrame(title, xLabel, "count", a, b, 0, float64(top))
	// Counts are whole: a few permutations must not give ticks at 0.5, 1.5, ...
	ticks = f.yTicks[:0]
	for _, t := range f.yTicks {
		if t == math.Trunc(t) {
			ticks = append(ticks, t)
		}
	}
	f.yTicks = ticks
	s := f.s
	for k, c := range counts {
		if c == 0 {
			continue
		}
		x0, x1 := f.px(a+float64(k)*width), f.px(a+float64(k+1)*width)
		s.add(`<rect class="bar" x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s" fill-opacity="0.7"/>`, x0, f.py(float64(c)), math.Max(x1-x0-1, 0.5), f.py(0)-f.py(float64(c)), colorGrey)
	}
	xo := f.px(clamp(observed, f.x0, f.x1))
	s.add(`<line class="observed" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="2.5"/>`, xo, f.top, xo, f.top+f.h, colorVermillion)
	f.note(xo, fmt.Sprintf(`fill="%s"`, colorVermillion), fmt.Sprintf("observed %.3g (%s)", observed, pLabel))
	f.axes()
	return s
}

// Curve draws a mean with a shaded band (a learning curve: performance against training size,
// with its 2.5-97.5 percentile band over random subsets), optionally with a reference level.
func Curve(title, xLabel, yLabel string, x, mid, lo, hi []float64, reference float64, referenceLabel string) *SVG {
	xlo, xhi := minMax(x)
	ylo, yhi := minMax(mid, lo, hi)
	if referenceLabel != "" {
		ylo, yhi = math.Min(ylo, reference), math.Max(yhi, reference)
	}
	f := newFrame(title, xLabel, yLabel, xlo, xhi, ylo, yhi)
	s := f.s
	order := make([]int, len(x))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return x[order[a]] < x[order[b]] })
	if lo != nil && hi != nil {
		var upper, lower string
		for _, i := range order {
			upper += fmt.Sprintf("%.1f,%.1f ", f.px(x[i]), f.py(hi[i]))
			lower = fmt.Sprintf("%.1f,%.1f ", f.px(x[i]), f.py(lo[i])) + lower
		}
		s.add(`<polygon class="ci-band" points="%s%s" fill="%s" fill-opacity="0.2" stroke="none"/>`, upper, lower, colorBlue)
	}
	var line string
	for _, i := range order {
		line += fmt.Sprintf("%.1f,%.1f ", f.px(x[i]), f.py(mid[i]))
	}
	s.add(`<polyline class="curve" points="%s" fill="none" stroke="%s" stroke-width="2"/>`, line, colorBlue)
	for _, i := range order {
		s.add(`<circle class="point" cx="%.1f" cy="%.1f" r="3" fill="%s"/>`, f.px(x[i]), f.py(mid[i]), colorBlue)
	}
	if referenceLabel != "" {
		y := f.py(reference)
		s.add(`<line class="reference" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-dasharray="5,4"/>`, f.left, y, f.left+f.w, y, colorVermillion)
		f.note(f.left+f.w/2, fmt.Sprintf(`fill="%s"`, colorVermillion), "dashed line: "+referenceLabel)
	}
	f.axes()
	return s
}

// Bars draws a horizontal bar chart of labelled values (region importance, nodal strength),
// positive vermillion and negative blue, largest magnitude first, at most max bars.
func Bars(title, valueLabel string, labels []string, values []float64, maxBars int) *SVG {
	order := make([]int, len(values))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return math.Abs(values[order[a]]) > math.Abs(values[order[b]]) })
	if maxBars > 0 && len(order) > maxBars {
		order = order[:maxBars]
	}
	// The label margin fits the longest label, between 170 and 300 pixels (longer ones shortened).
	const rowH, width = 16.0, 240.0
	left := 170.0
	for _, i := range order {
		left = math.Max(left, math.Min(300, textWidth(labels[i], 11, false)+12))
	}
	s := newSVG(left+270, 50+rowH*float64(len(order)), title)
	s.heading(title)
	var vmax float64
	for _, i := range order {
		vmax = math.Max(vmax, math.Abs(values[i]))
	}
	if vmax == 0 {
		vmax = 1
	}
	zero := left + width/2
	for k, i := range order {
		y := 28 + rowH*float64(k)
		w := values[i] / vmax * width / 2
		c := colorVermillion
		if w < 0 {
			c = colorBlue
		}
		s.add(`<rect class="bar" x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`, math.Min(zero, zero+w), y, math.Abs(w), rowH-3, c)
		s.label(left-6, y+rowH-5, "end", 11, "", labels[i], left-12)
	}
	s.add(`<line x1="%.1f" y1="24" x2="%.1f" y2="%.1f" stroke="#9ca3af"/>`, zero, zero, 30+rowH*float64(len(order)))
	s.centred(s.W/2, 42+rowH*float64(len(order)), 11, "", fmt.Sprintf("%s (±%.3g at the ends)", valueLabel, vmax))
	return s
}

func sumSq(v []float64, m float64) float64 {
	var s float64
	for _, x := range v {
		s += (x - m) * (x - m)
	}
	return s
}

func clamp(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }

// Paired draws two conditions per subject as dots joined by a line (a forced choice, pre/post):
// each subject's line is vermillion when A scores above B (a hit) and blue otherwise, with the
// condition means as black bars and a box plot of each condition beside its dots.
func Paired(title, labelA, labelB, yLabel string, a, b []float64) *SVG {
	lo, hi := minMax(a, b)
	f := newFrame(title, "", yLabel, 0, 1, lo, hi)
	s := f.s
	xa, xb := f.left+f.w*0.25, f.left+f.w*0.75
	for i := range a {
		c := colorBlue
		if a[i] > b[i] {
			c = colorVermillion
		}
		s.add(`<line class="pair" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-opacity="0.6"/>`, xa, f.py(a[i]), xb, f.py(b[i]), c)
		s.add(`<circle class="point" cx="%.1f" cy="%.1f" r="3" fill="%s"/><circle class="point" cx="%.1f" cy="%.1f" r="3" fill="%s"/>`, xa, f.py(a[i]), c, xb, f.py(b[i]), c)
	}
	for _, m := range []struct {
		x, box float64 // the box sits outside the paired lines
		v      []float64
	}{{xa, xa - 40, a}, {xb, xb + 40, b}} {
		y := f.py(stats.Mean(m.v))
		s.add(`<line class="mean" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#000" stroke-width="3"/>`, m.x-22, y, m.x+22, y)
		// Box plot: quartiles (numpy's linear interpolation), median, whiskers to the furthest
		// values within 1.5 IQR (Tukey).
		sorted := append([]float64(nil), m.v...)
		sort.Float64s(sorted)
		q1, med, q3 := stats.Percentile(sorted, 25), stats.Percentile(sorted, 50), stats.Percentile(sorted, 75)
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, v := range m.v {
			if v >= q1-1.5*(q3-q1) {
				lo = math.Min(lo, v)
			}
			if v <= q3+1.5*(q3-q1) {
				hi = math.Max(hi, v)
			}
		}
		s.add(`<rect class="box" x="%.1f" y="%.1f" width="16" height="%.1f" fill="#e5e7eb" stroke="#374151"/>`, m.box-8, f.py(q3), f.py(q1)-f.py(q3))
		s.add(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#111827" stroke-width="2"/>`, m.box-8, f.py(med), m.box+8, f.py(med))
		s.add(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#374151"/><line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#374151"/>`,
			m.box, f.py(q3), m.box, f.py(hi), m.box, f.py(q1), m.box, f.py(lo))
	}
	// Condition names replace the numeric x axis.
	f.xTicks = nil
	f.axes()
	s.label(xa, f.top+f.h+16, "middle", 12, "", labelA, f.w/2-8)
	s.label(xb, f.top+f.h+16, "middle", 12, "", labelB, f.w/2-8)
	return s
}

// Intervals draws labelled estimates with 95% intervals as horizontal dots and whiskers (r of
// several signatures or models), with a reference line at ref.
func Intervals(title, valueLabel string, labels []string, est []float64, lo, hi []float64, ref float64) *SVG {
	vlo, vhi := minMax(est, lo, hi, []float64{ref})
	const rowH, left = 24.0, 190.0
	h := 66 + rowH*float64(len(labels))
	s := newSVG(460, h, title)
	s.heading(title)
	ticks, a, b := niceTicks(vlo, vhi, 5)
	w := 240.0
	px := func(v float64) float64 { return left + (v-a)/(b-a)*w }
	bottom := 28 + rowH*float64(len(labels))
	for _, t := range ticks {
		s.add(`<line x1="%.1f" y1="28" x2="%.1f" y2="%.1f" stroke="#e5e7eb"/>`, px(t), px(t), bottom)
		s.text(px(t), bottom+14, "middle", "", formatTick(t))
	}
	s.add(`<line class="reference" x1="%.1f" y1="24" x2="%.1f" y2="%.1f" stroke="%s" stroke-dasharray="4,3"/>`, px(ref), px(ref), bottom, colorGrey)
	for i, l := range labels {
		y := 28 + rowH*(float64(i)+0.5)
		if lo != nil && hi != nil && !math.IsNaN(lo[i]) && !math.IsNaN(hi[i]) {
			s.add(`<line class="interval" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="2"/>`, px(lo[i]), y, px(hi[i]), y, colorBlue)
		}
		s.add(`<circle class="point" cx="%.1f" cy="%.1f" r="4.5" fill="%s"/>`, px(est[i]), y, colorVermillion)
		s.label(left-8, y+4, "end", 11, "", l, left-16)
	}
	s.centred(s.W/2, bottom+32, 12, "", valueLabel)
	return s
}

// Lines draws several named series against a shared x (explained variance as edges are removed
// by weight and at random), each in its own colour with a legend.
func Lines(title, xLabel, yLabel string, x []float64, names []string, ys [][]float64) *SVG {
	xlo, xhi := minMax(x)
	ylo, yhi := minMax(ys...)
	f := newFrame(title, xLabel, yLabel, xlo, xhi, ylo, yhi)
	s := f.s
	for k, y := range ys {
		col := categorical[k%len(categorical)]
		var pts string
		for i := range x {
			if i < len(y) && !math.IsNaN(y[i]) {
				pts += fmt.Sprintf("%.1f,%.1f ", f.px(x[i]), f.py(y[i]))
			}
		}
		s.add(`<polyline class="curve" points="%s" fill="none" stroke="%s" stroke-width="2"/>`, pts, col)
		s.add(`<rect x="%.1f" y="%.1f" width="10" height="3" fill="%s"/>`, f.left+f.w-150, f.top+10+14*float64(k), col)
		s.label(f.left+f.w-134, f.top+14+14*float64(k), "start", 11, "", names[k], 130)
	}
	f.axes()
	return s
}

// ROC draws the receiver operating characteristic of scores for a binary truth (1 positive, 0
// negative): the empirical curve through every threshold (ties moved together), the chance
// diagonal, and the AUC in the corner.
func ROC(title string, scores, truth []float64) *SVG {
	type item struct{ s, y float64 }
	items := make([]item, len(scores))
	var pos, neg float64
	for i := range scores {
		items[i] = item{scores[i], truth[i]}
		if truth[i] > 0.5 {
			pos++
		} else {
			neg++
		}
	}
	sort.Slice(items, func(a, b int) bool { return items[a].s > items[b].s })
	f := newFrame(title, "false positive rate", "true positive rate", 0, 1, 0, 1)
	s := f.s
	s.add(`<line class="chance" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-dasharray="4,3"/>`, f.px(0), f.py(0), f.px(1), f.py(1), colorGrey)
	if pos == 0 || neg == 0 {
		s.text(f.left+f.w/2, f.top+f.h/2, "middle", "", "one class only: no ROC")
		f.axes()
		return s
	}
	pts := fmt.Sprintf("%.1f,%.1f ", f.px(0), f.py(0))
	var tp, fp, auc, prevFP, prevTP float64
	for i := 0; i < len(items); {
		j := i
		for j < len(items) && items[j].s == items[i].s {
			if items[j].y > 0.5 {
				tp++
			} else {
				fp++
			}
			j++
		}
		x, y := fp/neg, tp/pos
		auc += (x - prevFP) * (y + prevTP) / 2
		prevFP, prevTP = x, y
		pts += fmt.Sprintf("%.1f,%.1f ", f.px(x), f.py(y))
		i = j
	}
	s.add(`<polyline class="curve" points="%s" fill="none" stroke="%s" stroke-width="2"/>`, pts, colorVermillion)
	s.text(f.left+f.w-6, f.top+f.h-10, "end", `font-size="12"`, fmt.Sprintf("AUC = %.3f (n = %d)", auc, len(scores)))
	f.axes()
	return s
}
