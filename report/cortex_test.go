package report

import (
	"bytes"
	"encoding/base64"
	"image/png"
	"regexp"
	"strings"
	"testing"
)

// views decodes the four PNG views of a cortical map.
func views(t *testing.T, s *SVG) [][]byte {
	t.Helper()
	var out [][]byte
	for _, m := range regexp.MustCompile(`base64,([^"]+)`).FindAllStringSubmatch(s.String(), -1) {
		b, err := base64.StdEncoding.DecodeString(m[1])
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	if len(out) != 4 {
		t.Fatalf("%d views", len(out))
	}
	return out
}

// TestCorticalMap: a map with only the left precentral gyrus positive and the right one negative
// colours vermillion pixels in the left views and blue ones in the right views only, the rest
// grey; names of any common DK spelling match, and a map of no DK region is refused.
func TestCorticalMap(t *testing.T) {
	s, err := CorticalMap("precentral", "d", []string{"lh_precentral", "ctx-rh-precentral", "Left-Thalamus"}, []float64{2, -1})
	if err == nil {
		t.Fatal("regions and values of different lengths were accepted")
	}
	s, err = CorticalMap("precentral", "d", []string{"lh_precentral", "ctx-rh-precentral", "Left-Thalamus"}, []float64{2, -1, 5})
	if err != nil {
		t.Fatal(err)
	}
	count := func(b []byte) (red, blue, grey int) {
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		r := img.Bounds()
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				c0, _, c2, a := img.At(x, y).RGBA()
				switch {
				case a == 0:
				case c0 > c2+20*257:
					red++
				case c2 > c0+20*257:
					blue++
				default:
					grey++
				}
			}
		}
		return
	}
	v := views(t, s)
	lr, lb, lg := count(v[0]) // left lateral
	rr, rb, _ := count(v[1])  // right lateral
	if lr < 200 || lb != 0 || lg < 5*lr || rb < 200 || rr != 0 {
		t.Errorf("left lateral %d red %d blue %d grey; right lateral %d red %d blue", lr, lb, lg, rr, rb)
	}
	if !strings.Contains(s.String(), "left medial") {
		t.Error("view labels missing")
	}
	if _, err := CorticalMap("x", "d", []string{"Left-Thalamus", "Brain-Stem"}, []float64{1, 2}); err == nil {
		t.Error("a map of no cortical region was drawn")
	}
}
