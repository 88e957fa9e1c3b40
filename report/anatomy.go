package report

import (
	"bytes"
	"cmp"
	"compress/gzip"
	_ "embed"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"sort"
	"sync"

	"github.com/painmark/painmark/atlas"
	"github.com/painmark/painmark/space"
)

// The anatomical underlays (anatomy/SOURCE.md): the MNI ICBM152 2009a symmetric T1 template at
// 2 mm (nilearn 0.10.3's skull-stripped copy) and the PAM50 cervical cord at 1 mm (cord, grey
// matter, spinal levels), both in MNI mm (PAM50 is aligned to ICBM152 at the brainstem).
var (
	//go:embed anatomy/mni152_2mm.bin.gz
	mniData []byte
	//go:embed anatomy/pam50_cervical_1mm.bin.gz
	pam50Data []byte
)

// grid is an embedded template: a shape, its voxel-to-mm affine and uint8 channels (x fastest).
type grid struct {
	shape    [3]int
	affine   space.Affine
	inverse  space.Affine
	channels [][]uint8
}

func readGrid(data []byte, nChannels int) (*grid, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	var head struct {
		Shape  [3]uint32
		Affine [12]float32
	}
	if err := binary.Read(zr, binary.LittleEndian, &head); err != nil {
		return nil, err
	}
	g := &grid{shape: [3]int{int(head.Shape[0]), int(head.Shape[1]), int(head.Shape[2])}}
	for r := 0; r < 3; r++ {
		for c := 0; c < 4; c++ {
			g.affine[r][c] = float64(head.Affine[4*r+c])
		}
	}
	g.affine[3][3] = 1
	if g.inverse, err = g.affine.Inverse(); err != nil {
		return nil, err
	}
	for k := 0; k < nChannels; k++ {
		ch := make([]uint8, g.shape[0]*g.shape[1]*g.shape[2])
		if _, err := io.ReadFull(zr, ch); err != nil {
			return nil, fmt.Errorf("the embedded template is truncated: %w", err)
		}
		g.channels = append(g.channels, ch)
	}
	return g, nil
}

// at is the channel's value at the voxel nearest mm (0 outside the grid).
func (g *grid) at(ch int, x, y, z float64) uint8 {
	i, j, k := g.inverse.Apply(x, y, z)
	a, b, c := int(math.Round(i)), int(math.Round(j)), int(math.Round(k))
	if a < 0 || b < 0 || c < 0 || a >= g.shape[0] || b >= g.shape[1] || c >= g.shape[2] {
		return 0
	}
	return g.channels[ch][a+g.shape[0]*(b+g.shape[1]*c)]
}

var (
	anatomyOnce sync.Once
	mni, pam50  *grid
	anatomyErr  error
)

func loadAnatomy() (*grid, *grid, error) {
	anatomyOnce.Do(func() {
		if mni, anatomyErr = readGrid(mniData, 1); anatomyErr != nil {
			return
		}
		pam50, anatomyErr = readGrid(pam50Data, 2)
	})
	return mni, pam50, anatomyErr
}

// Volume is a map on a voxel grid (values x fastest, NaN where undefined) with its voxel-to-mm
// affine, in MNI space.
type Volume struct {
	Shape  [3]int
	Affine space.Affine
	Values []float64
}

// valueAt is the value of the voxel nearest mm (NaN outside the grid).
func (v *Volume) valueAt(inv space.Affine, x, y, z float64) float64 {
	i, j, k := inv.Apply(x, y, z)
	a, b, c := int(math.Round(i)), int(math.Round(j)), int(math.Round(k))
	if a < 0 || b < 0 || c < 0 || a >= v.Shape[0] || b >= v.Shape[1] || c >= v.Shape[2] {
		return math.NaN()
	}
	return v.Values[a+v.Shape[0]*(b+v.Shape[1]*c)]
}

// MapOptions say how a statistical map is drawn on the template.
type MapOptions struct {
	// Threshold: values with |value| below it are not drawn (0 draws every non-zero value).
	Threshold float64
	// Rule states how the threshold was chosen (e.g. "|t| ≥ 3.1, p < 0.001 uncorrected"); it is
	// printed under the figure, so that a reader knows what the colours hide.
	Rule string
	// VMax is the end of the colour scale (0: the 99th percentile of the drawn |values|; larger
	// values saturate).
	VMax float64
	// Cut is the point (mm) the orthogonal slices pass through (nil: the first marker, else the
	// peak |value|).
	Cut *[3]float64
	// Markers are drawn as labelled circles (targets, a lesion).
	Markers []Marker
}

// the world frame of the figures: MNI mm on a 2 mm lattice, x from the template's left edge,
// anterior and superior up; zMin extends it below the brain to show the cervical cord.
type world struct {
	lo   [3]float64
	n    [3]int
	step float64
}

func newWorld(withCord bool) world {
	w := world{lo: [3]float64{-96, -132, -72}, n: [3]int{97, 115, 79}, step: 2}
	if withCord {
		w.lo[2], w.n[2] = -200, 143
	}
	return w
}

func (w world) mm(a, i int) float64 { return w.lo[a] + w.step*float64(i) }

// the three orthoViews: the horizontal and vertical world axes and the projected one, with the
// orientation letters at the left and right edges. Sagittal: anterior right; coronal and axial
// in neurological convention (left on the left), as nilearn draws them.
var orthoViews = []struct {
	name       string
	h, v, axis int
	left, rght string
}{{"sagittal", 1, 2, 0, "P", "A"}, {"coronal", 0, 2, 1, "L", "R"}, {"axial", 0, 1, 2, "L", "R"}}

// panel is one view's placement in the figure.
type panel struct {
	x, y, scale float64
	w           world
	h, v        int
}

func (p panel) at(mm [3]float64) (float64, float64) {
	return p.x + (mm[p.h]-p.w.lo[p.h])/p.w.step*p.scale + p.scale/2, p.y + (float64(p.w.n[p.v]-1)-(mm[p.v]-p.w.lo[p.v])/p.w.step)*p.scale + p.scale/2
}

// peakAndScale returns the mm of the largest |value| and the colour scale's end.
func peakAndScale(vol *Volume, opts MapOptions) ([3]float64, float64) {
	best, ib := -1.0, 0
	for i, v := range vol.Values {
		if !math.IsNaN(v) && math.Abs(v) > best {
			best, ib = math.Abs(v), i
		}
	}
	n0, n1 := vol.Shape[0], vol.Shape[1]
	x, y, z := vol.Affine.Apply(float64(ib%n0), float64(ib/n0%n1), float64(ib/(n0*n1)))
	vmax := opts.VMax
	if vmax <= 0 {
		// The 99th percentile of the drawn |values|, so that one extreme voxel (next to a lesion)
		// does not wash the map out; larger values saturate.
		var drawn []float64
		for _, v := range vol.Values {
			if a := math.Abs(v); !math.IsNaN(v) && v != 0 && a >= opts.Threshold {
				drawn = append(drawn, a)
			}
		}
		sort.Float64s(drawn)
		if len(drawn) > 0 {
			vmax = drawn[min(len(drawn)-1, int(0.99*float64(len(drawn))))]
		}
	}
	if vmax <= 0 || math.IsNaN(vmax) {
		vmax = 1
	}
	return [3]float64{x, y, z}, vmax
}

// StatMap draws a volume map (MNI space) over the ICBM152 T1 template as three orthogonal slices
// through opts.Cut, as nilearn's plot_stat_map: values with |value| ≥ opts.Threshold in the
// diverging scale symmetric around zero, the cut's mm coordinates under each slice and as cross
// lines in the others, left and right marked, markers as labelled circles, the threshold rule
// printed under the colour bar.
func StatMap(title, valueLabel string, vol Volume, opts MapOptions) (*SVG, error) {
	return anatomical(title, valueLabel, vol, opts, false)
}

// GlassBrain draws a volume map (MNI space) as nilearn's plot_glass_brain: maximum-intensity
// projections (the signed value of largest |value| along each line of sight, |value| ≥
// opts.Threshold) in sagittal, coronal and axial orthoViews inside the outline of the ICBM152 brain,
// left and right marked, the projections' mm axes ticked, markers as labelled circles.
func GlassBrain(title, valueLabel string, vol Volume, opts MapOptions) (*SVG, error) {
	return anatomical(title, valueLabel, vol, opts, true)
}

func anatomical(title, valueLabel string, vol Volume, opts MapOptions, glass bool) (*SVG, error) {
	if len(vol.Values) != vol.Shape[0]*vol.Shape[1]*vol.Shape[2] {
		return nil, fmt.Errorf("map: %d values for a %v grid", len(vol.Values), vol.Shape)
	}
	inv, err := vol.Affine.Inverse()
	if err != nil {
		return nil, fmt.Errorf("map: %w", err)
	}
	tpl, _, err := loadAnatomy()
	if err != nil {
		return nil, err
	}
	peak, vmax := peakAndScale(&vol, opts)
	cut := peak
	if opts.Cut != nil {
		cut = *opts.Cut
	} else if len(opts.Markers) > 0 {
		cut = opts.Markers[0].MM
	}
	w := newWorld(false)
	shown := func(v float64) bool { return !math.IsNaN(v) && v != 0 && math.Abs(v) >= opts.Threshold }
	s, panels := anatomyFrame(title, w, 2)
	var placed placer
	for k, vw := range orthoViews {
		p := panels[k]
		img := newRGBA(w.n[vw.h], w.n[vw.v])
		fixed := int(math.Round((cut[vw.axis] - w.lo[vw.axis]) / w.step))
		for a := 0; a < w.n[vw.h]; a++ {
			for b := 0; b < w.n[vw.v]; b++ {
				var mm [3]float64
				mm[vw.h], mm[vw.v] = w.mm(vw.h, a), w.mm(vw.v, b)
				row := w.n[vw.v] - 1 - b
				if !glass {
					mm[vw.axis] = w.mm(vw.axis, fixed)
					c := rgb(255, 255, 255) // outside the brain: white, as a printed figure
					if t := tpl.at(0, mm[0], mm[1], mm[2]); t > 0 {
						c = rgb(t, t, t)
					}
					if v := vol.valueAt(inv, mm[0], mm[1], mm[2]); shown(v) {
						c = diverging(v / vmax)
					}
					img.SetRGBA(a, row, c)
					continue
				}
				brain, best := false, math.NaN()
				for i := 0; i < w.n[vw.axis]; i++ {
					mm[vw.axis] = w.mm(vw.axis, i)
					if tpl.at(0, mm[0], mm[1], mm[2]) > 20 {
						brain = true
					}
					if v := vol.valueAt(inv, mm[0], mm[1], mm[2]); shown(v) && !(math.Abs(v) <= math.Abs(best)) {
						best = v
					}
				}
				switch {
				case !math.IsNaN(best):
					img.SetRGBA(a, row, diverging(best/vmax))
				case brain:
					img.SetRGBA(a, row, rgb(238, 238, 238))
				default:
					img.SetRGBA(a, row, rgb(255, 255, 255))
				}
			}
		}
		if glass {
			outline(img, rgb(238, 238, 238), rgb(120, 120, 120))
		}
		s.image(p.x, p.y, float64(w.n[vw.h])*p.scale, float64(w.n[vw.v])*p.scale, img)
		if !glass {
			// Cross lines at the cut in this view.
			cx, cy := p.at(cut)
			s.add(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#374151" stroke-width="0.6" stroke-dasharray="3,3"/>`, cx, p.y, cx, p.y+float64(w.n[vw.v])*p.scale)
			s.add(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#374151" stroke-width="0.6" stroke-dasharray="3,3"/>`, p.x, cy, p.x+float64(w.n[vw.h])*p.scale, cy)
		}
		panelText(s, &placed, p, vw.name, vw.left, vw.rght, glass, "xyz"[vw.axis:vw.axis+1], cut[vw.axis])
		for _, m := range opts.Markers {
			if !glass && math.Abs(m.MM[vw.axis]-cut[vw.axis]) > 4 {
				continue
			}
			mx, my := p.at(m.MM)
			s.add(`<circle cx="%.1f" cy="%.1f" r="5" fill="none" stroke="#000" stroke-width="2"/>`, mx, my)
			s.markerLabel(&placed, box{p.x, p.y, p.x + float64(w.n[vw.h])*p.scale, p.y + float64(w.n[vw.v])*p.scale}, mx, my, m.Label)
		}
	}
	y := s.H - 60
	s.colourBar(40, y, vmax, valueLabel)
	rule := opts.Rule
	if rule == "" {
		rule = fmt.Sprintf("shown: |value| ≥ %.3g", opts.Threshold)
		if opts.Threshold == 0 {
			rule = "shown: every non-zero value"
		}
	}
	if glass {
		rule += "; maximum-intensity projection"
	}
	if opts.VMax <= 0 {
		rule += "; colours saturate at the 99th percentile of |value|"
	}
	s.footnote(`fill="#374151"`, rule+"; MNI ICBM152 2009a template")
	return s, nil
}

// anatomyFrame lays out the three orthoViews side by side at scale pixels per 2 mm voxel under the
// title, with room for the view names and the colour bar.
func anatomyFrame(title string, w world, scale float64) (*SVG, []panel) {
	x := 8.0
	var ps []panel
	hmax := 0.0
	for _, vw := range orthoViews {
		ps = append(ps, panel{x: x, y: 40, scale: scale, w: w, h: vw.h, v: vw.v})
		x += float64(w.n[vw.h])*scale + 14
		hmax = math.Max(hmax, float64(w.n[vw.v])*scale)
	}
	s := newSVG(math.Max(x, 560), 40+hmax+100, title)
	s.heading(title)
	return s, ps
}

// panelText names a view (its cut in mm, or "projection") under it and marks its two sides.
func panelText(s *SVG, placed *placer, p panel, name, left, right string, glass bool, axis string, at float64) {
	wpx, hpx := float64(p.w.n[p.h])*p.scale, float64(p.w.n[p.v])*p.scale
	caption := fmt.Sprintf("%s, %s = %.0f mm", name, axis, at)
	if glass {
		caption = name + " projection"
	}
	placed.add(s.label(p.x+wpx/2, p.y+hpx+14, "middle", 10, `fill="#4b5563"`, caption, wpx))
	placed.add(s.label(p.x+2, p.y-4, "start", 11, `font-weight="600"`, left, 20))
	placed.add(s.label(p.x+wpx-2, p.y-4, "end", 11, `font-weight="600"`, right, 20))
}

// Node is a region drawn as a point: its name, centroid (MNI mm; PAM50 mm for the cord, which
// is aligned to it), a value (nodal strength) and a group (network).
type Node struct {
	Label string
	MM    [3]float64
	Value float64
	Group string
}

// BrainNodes draws regions and the edges between them on a glass brain, as nilearn's
// plot_connectome: sagittal, coronal and axial projections inside the outline of the ICBM152
// brain and, when a node lies below it (brainstem, cord), of the PAM50 cervical cord; each edge a
// line coloured by sign with width ∝ |weight| (strongest on top); each node a circle coloured by
// its value on the diverging scale (or by group when every value is 0), its area ∝ |value|, named
// in its tooltip. valueLabel names the nodes' value.
func BrainNodes(title, valueLabel string, nodes []Node, edges []Edge) (*SVG, error) {
	tpl, cord, err := loadAnatomy()
	if err != nil {
		return nil, err
	}
	withCord := false
	vmax := 0.0
	for _, n := range nodes {
		withCord = withCord || n.MM[2] < -60
		if !math.IsNaN(n.Value) {
			vmax = math.Max(vmax, math.Abs(n.Value))
		}
	}
	w := newWorld(withCord)
	s, panels := anatomyFrame(title, w, 2)
	var placed placer
	groupIndex := map[string]int{}
	for _, n := range nodes {
		if _, ok := groupIndex[n.Group]; !ok {
			groupIndex[n.Group] = len(groupIndex)
		}
	}
	order := append([]Edge(nil), edges...)
	sortEdges(order)
	var emax float64
	for _, e := range order {
		emax = math.Max(emax, math.Abs(e.Weight))
	}
	for k, vw := range orthoViews {
		p := panels[k]
		img := newRGBA(w.n[vw.h], w.n[vw.v])
		for a := 0; a < w.n[vw.h]; a++ {
			for b := 0; b < w.n[vw.v]; b++ {
				var mm [3]float64
				mm[vw.h], mm[vw.v] = w.mm(vw.h, a), w.mm(vw.v, b)
				c := rgb(255, 255, 255)
				for i := 0; i < w.n[vw.axis]; i++ {
					mm[vw.axis] = w.mm(vw.axis, i)
					if tpl.at(0, mm[0], mm[1], mm[2]) > 20 || withCord && cord.at(0, mm[0], mm[1], mm[2]) > 0 {
						c = rgb(238, 238, 238)
						break
					}
				}
				img.SetRGBA(a, w.n[vw.v]-1-b, c)
			}
		}
		outline(img, rgb(238, 238, 238), rgb(120, 120, 120))
		s.image(p.x, p.y, float64(w.n[vw.h])*p.scale, float64(w.n[vw.v])*p.scale, img)
		panelText(s, &placed, p, vw.name, vw.left, vw.rght, true, "", 0)
		for _, e := range order {
			if e.A < 0 || e.B < 0 || e.A >= len(nodes) || e.B >= len(nodes) {
				continue
			}
			x0, y0 := p.at(nodes[e.A].MM)
			x1, y1 := p.at(nodes[e.B].MM)
			col := colorVermillion
			if e.Weight < 0 {
				col = colorBlue
			}
			s.add(`<line class="edge" x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="%.2f" stroke-opacity="0.7"><title>%s – %s: %.4g</title></line>`,
				x0, y0, x1, y1, col, 0.6+2.4*math.Abs(e.Weight)/math.Max(emax, 1e-300), htmlEscape(nodes[e.A].Label), htmlEscape(nodes[e.B].Label), e.Weight)
		}
		for _, n := range nodes {
			x, y := p.at(n.MM)
			r, fill := 2.5, categorical[groupIndex[n.Group]%len(categorical)]
			if vmax > 0 {
				c := diverging(n.Value / vmax)
				fill = fmt.Sprintf("rgb(%d,%d,%d)", c.R, c.G, c.B)
				r = 1.5 + 3.5*math.Sqrt(math.Abs(n.Value)/vmax)
			}
			s.add(`<circle cx="%.1f" cy="%.1f" r="%.1f" fill="%s" stroke="#111827" stroke-width="0.5"><title>%s: %.4g</title></circle>`, x, y, r, fill, htmlEscape(n.Label), n.Value)
		}
	}
	y := s.H - 60
	if vmax > 0 {
		s.colourBar(40, y, vmax, valueLabel)
	} else if len(groupIndex) > 1 {
		// Nodes coloured by group: a legend of the groups (four columns, three rows at most).
		names := make([]string, len(groupIndex))
		for g, k := range groupIndex {
			names[k] = g
		}
		colW := (s.W - 16) / 4
		for k, g := range names {
			if k == 12 {
				s.label(8, y+38, "start", 11, "", fmt.Sprintf("and %d more groups", len(names)-12), s.W-16)
				break
			}
			x, yy := 8+float64(k%4)*colW, y-10+16*float64(k/4)
			s.add(`<circle cx="%.1f" cy="%.1f" r="4" fill="%s" stroke="#111827" stroke-width="0.5"/>`, x+4, yy-4, categorical[k%len(categorical)])
			s.label(x+12, yy, "start", 11, "", cmp.Or(g, "(no group)"), colW-16)
		}
	}
	note := fmt.Sprintf("%d regions at their centroids, %d edges (vermillion positive, blue negative)", len(nodes), len(edges))
	if withCord {
		note += "; brain: MNI ICBM152, cord: PAM50"
	}
	s.footnote(`fill="#374151"`, note)
	return s, nil
}

func newRGBA(w, h int) *image.RGBA { return image.NewRGBA(image.Rect(0, 0, w, h)) }

func rgb(r, g, b uint8) color.RGBA { return color.RGBA{r, g, b, 255} }

var htmlEscape = html.EscapeString

// outline darkens the pixels of colour inside that touch a white pixel: the silhouette's edge.
func outline(img *image.RGBA, inside, edge color.RGBA) {
	b := img.Bounds()
	white := rgb(255, 255, 255)
	var edges []image.Point
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if img.RGBAAt(x, y) != inside {
				continue
			}
			for _, d := range [][2]int{{1, 0}, {-1, 0}, {0, 1}, {0, -1}} {
				q := image.Pt(x+d[0], y+d[1])
				if !q.In(b) || img.RGBAAt(q.X, q.Y) == white {
					edges = append(edges, image.Pt(x, y))
					break
				}
			}
		}
	}
	for _, p := range edges {
		img.SetRGBA(p.X, p.Y, edge)
	}
}

// image draws img at (x, y) scaled to w x h pixels, as an inlined PNG without smoothing.
func (s *SVG) image(x, y, w, h float64, img image.Image) {
	var buf bytes.Buffer
	png.Encode(&buf, img)
	s.add(`<image x="%.1f" y="%.1f" width="%.1f" height="%.1f" preserveAspectRatio="none" style="image-rendering:pixelated" href="data:image/png;base64,%s"/>`,
		x, y, w, h, base64.StdEncoding.EncodeToString(buf.Bytes()))
}

// sortEdges orders edges weakest first, so that the strongest are drawn on top.
func sortEdges(e []Edge) {
	sort.SliceStable(e, func(a, b int) bool { return math.Abs(e[a].Weight) < math.Abs(e[b].Weight) })
}

// SpinalHorn returns the centroid (mm) of a spinal horn named as atlas.SpinalHorns names them
// ("C5_dorsal", "C5_ventral"): the embedded PAM50 grey matter of that spinal level behind
// (dorsal) or in front of (ventral) the cord's centre in each axial slice, as SpinalHorns divides
// it; false for other names or levels outside C1-C8.
func SpinalHorn(name string) ([3]float64, bool) {
	var level int
	var horn string
	if _, err := fmt.Sscanf(name, "C%d_%s", &level, &horn); err != nil || level < 1 || level > 8 || (horn != "dorsal" && horn != "ventral") {
		return [3]float64{}, false
	}
	_, cord, err := loadAnatomy()
	if err != nil {
		return [3]float64{}, false
	}
	sh := cord.shape
	var sum [3]float64
	n := 0
	for k := 0; k < sh[2]; k++ {
		var cy float64
		m := 0
		for j := 0; j < sh[1]; j++ {
			for i := 0; i < sh[0]; i++ {
				if cord.channels[0][i+sh[0]*(j+sh[1]*k)] > 0 {
					_, y, _ := cord.affine.Apply(float64(i), float64(j), float64(k))
					cy += y
					m++
				}
			}
		}
		if m == 0 {
			continue
		}
		cy /= float64(m)
		for j := 0; j < sh[1]; j++ {
			for i := 0; i < sh[0]; i++ {
				idx := i + sh[0]*(j+sh[1]*k)
				if cord.channels[0][idx] != 2 || int(cord.channels[1][idx]) != level {
					continue
				}
				x, y, z := cord.affine.Apply(float64(i), float64(j), float64(k))
				if (y < cy) == (horn == "dorsal") {
					sum[0], sum[1], sum[2] = sum[0]+x, sum[1]+y, sum[2]+z
					n++
				}
			}
		}
	}
	if n == 0 {
		return [3]float64{}, false
	}
	return [3]float64{sum[0] / float64(n), sum[1] / float64(n), sum[2] / float64(n)}, true
}

// RegionNodes places named regions for BrainNodes: at their centroids in the built-in atlases
// (MIST-122, the PAG and RVM spheres: atlas.KnownRegions) or on the PAM50 cord (SpinalHorn).
// groups may be nil (then the atlas's network names the group). It returns the nodes and, for
// each, the index of its name; regions with no known place are left out.
func RegionNodes(names, groups []string, values []float64) ([]Node, []int) {
	known, ok := atlas.KnownRegions(names)
	var nodes []Node
	var index []int
	for i, name := range names {
		n := Node{Label: name}
		if i < len(values) {
			n.Value = values[i]
		}
		switch {
		case ok[i]:
			n.MM, n.Group = known[i].Centroid, known[i].Network
		default:
			mm, found := SpinalHorn(name)
			if !found {
				continue
			}
			n.MM, n.Group = mm, "spinal cord"
		}
		if i < len(groups) && groups[i] != "" {
			n.Group = groups[i]
		}
		nodes, index = append(nodes, n), append(index, i)
	}
	return nodes, index
}

// RegionGlassBrain adds a BrainNodes figure of named regions (placed by RegionNodes; edges index
// names) to the section, keeping at most maxEdges of the strongest edges (0: all) between placed
// regions; the caption says how many regions could be placed. Nothing is added when none can.
func (s *Section) RegionGlassBrain(title, valueLabel string, names, groups []string, values []float64, edges []Edge, maxEdges int, caption string) {
	nodes, index := RegionNodes(names, groups, values)
	if len(nodes) == 0 {
		return
	}
	at := map[int]int{}
	for k, i := range index {
		at[i] = k
	}
	var kept []Edge
	for _, e := range edges {
		a, okA := at[e.A]
		b, okB := at[e.B]
		if okA && okB {
			kept = append(kept, Edge{a, b, e.Weight})
		}
	}
	sort.SliceStable(kept, func(a, b int) bool { return math.Abs(kept[a].Weight) > math.Abs(kept[b].Weight) })
	if maxEdges > 0 && len(kept) > maxEdges {
		kept = kept[:maxEdges]
	}
	fig, err := BrainNodes(title, valueLabel, nodes, kept)
	if err != nil {
		return
	}
	if len(nodes) < len(names) {
		caption += fmt.Sprintf(" %d of %d regions have a known centroid and are drawn.", len(nodes), len(names))
	}
	s.Figure(fig, caption)
	if cord, err := CordNodes(title+": cervical cord", valueLabel, nodes); err == nil {
		s.Figure(cord, "The regions in the cervical cord on the PAM50 template (grey matter darker), coloured and sized by "+valueLabelOr(valueLabel, "value")+".")
	}
}

func valueLabelOr(label, fallback string) string {
	if label == "" {
		return fallback
	}
	return label
}

// TopEdges returns the k strongest off-diagonal edges (|value|) of a symmetric n x n matrix
// (row-major), i < j, NaN skipped; k = 0 keeps all.
func TopEdges(n int, m []float64, k int) []Edge {
	var out []Edge
	for i := 0; i < n; i++ {
		for j := i + 1; j < n && i*n+j < len(m); j++ {
			if v := m[i*n+j]; !math.IsNaN(v) && v != 0 {
				out = append(out, Edge{i, j, v})
			}
		}
	}
	sort.SliceStable(out, func(a, b int) bool { return math.Abs(out[a].Weight) > math.Abs(out[b].Weight) })
	if k > 0 && len(out) > k {
		out = out[:k]
	}
	return out
}

// CordNodes draws the nodes that lie in the cervical cord (below z = −60 mm) on the PAM50 cord, as
// the cord's own figure in the CSps papers: coronal (left on the left) and sagittal (anterior
// right) views of the cord (white matter light, grey matter darker) from C1 to C8 with the spinal
// levels marked, each node a circle coloured by its value (diverging, symmetric around zero) and
// named in its tooltip. It returns an error when no node lies in the cord.
func CordNodes(title, valueLabel string, nodes []Node) (*SVG, error) {
	_, cord, err := loadAnatomy()
	if err != nil {
		return nil, err
	}
	var in []Node
	vmax := 0.0
	for _, n := range nodes {
		if n.MM[2] < -60 {
			in = append(in, n)
			if !math.IsNaN(n.Value) {
				vmax = math.Max(vmax, math.Abs(n.Value))
			}
		}
	}
	if len(in) == 0 {
		return nil, fmt.Errorf("cord map: no region in the cord")
	}
	if vmax == 0 {
		vmax = 1
	}
	const scale = 4.0
	sh := cord.shape
	left := 44.0
	type view struct {
		name         string
		h            int
		lside, rside string
	}
	vws := []view{{"coronal", 0, "L", "R"}, {"sagittal", 1, "P", "A"}}
	width := left
	for _, v := range vws {
		width += float64(sh[v.h])*scale + 60
	}
	s := newSVG(math.Max(width, 460), 40+float64(sh[2])*scale+110, title)
	s.heading(title)
	top := 40.0
	// Spinal levels: their extent in z, labelled at the left.
	lo, hi := map[int]int{}, map[int]int{}
	for k := 0; k < sh[2]; k++ {
		for idx := k * sh[0] * sh[1]; idx < (k+1)*sh[0]*sh[1]; idx++ {
			if l := int(cord.channels[1][idx]); l >= 1 && l <= 8 {
				if _, ok := lo[l]; !ok || k < lo[l] {
					lo[l] = k
				}
				hi[l] = max(hi[l], k)
			}
		}
	}
	rowY := func(k float64) float64 { return top + (float64(sh[2]-1)-k)*scale + scale/2 }
	for l := 1; l <= 8; l++ {
		if _, ok := lo[l]; !ok {
			continue
		}
		y0, y1 := rowY(float64(hi[l])+0.5), rowY(float64(lo[l])-0.5)
		s.add(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#9ca3af" stroke-dasharray="2,2"/>`, left-30, y1, width-10, y1)
		s.label(left-8, (y0+y1)/2+4, "end", 11, `font-weight="600"`, fmt.Sprintf("C%d", l), 30)
	}
	x := left
	for _, v := range vws {
		w := sh[v.h]
		img := newRGBA(w, sh[2])
		for a := 0; a < w; a++ {
			for k := 0; k < sh[2]; k++ {
				best := uint8(0)
				for b := 0; b < sh[1-v.h]; b++ {
					i, j := a, b
					if v.h == 1 {
						i, j = b, a
					}
					best = max(best, cord.channels[0][i+sh[0]*(j+sh[1]*k)])
				}
				c := rgb(255, 255, 255)
				switch best {
				case 1:
					c = rgb(225, 225, 225)
				case 2:
					c = rgb(160, 160, 160)
				}
				col := a
				if v.h == 0 && cord.affine[0][0] < 0 || v.h == 1 && cord.affine[1][1] < 0 {
					col = w - 1 - a
				}
				img.SetRGBA(col, sh[2]-1-k, c)
			}
		}
		s.image(x, top, float64(w)*scale, float64(sh[2])*scale, img)
		s.label(x, top-4, "start", 11, `font-weight="600"`, v.lside, 20)
		s.label(x+float64(w)*scale, top-4, "end", 11, `font-weight="600"`, v.rside, 20)
		s.label(x+float64(w)*scale/2, top+float64(sh[2])*scale+14, "middle", 10, `fill="#4b5563"`, v.name+" projection", float64(w)*scale+50)
		for _, n := range in {
			i, j, k := cord.inverse.Apply(n.MM[0], n.MM[1], n.MM[2])
			a := []float64{i, j}[v.h]
			if v.h == 0 && cord.affine[0][0] < 0 || v.h == 1 && cord.affine[1][1] < 0 {
				a = float64(w-1) - a
			}
			c := diverging(n.Value / vmax)
			s.add(`<circle cx="%.1f" cy="%.1f" r="%.1f" fill="rgb(%d,%d,%d)" stroke="#111827" stroke-width="0.6"><title>%s: %.4g</title></circle>`,
				x+(a+0.5)*scale, rowY(k), 2+3*math.Sqrt(math.Abs(n.Value)/vmax), c.R, c.G, c.B, htmlEscape(n.Label), n.Value)
		}
		x += float64(w)*scale + 60
	}
	s.colourBar(40, s.H-60, vmax, valueLabel)
	s.footnote(`fill="#374151"`, fmt.Sprintf("%d cord regions at their centroids; PAM50 cord (De Leener et al. 2018), spinal levels C1-C8", len(in)))
	return s, nil
}
