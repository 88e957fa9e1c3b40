package freesurfer

import (
	"math"
	"strings"
	"testing"

	"github.com/painmark/painmark/internal/fixtures"
)

// The three real recons (FreeSurfer 5.3, 7.2 and 7.4.1) parse to the values in the files: header
// measures, the 34 Desikan-Killiany regions with their columns, and aseg.stats.
func TestReadRealStats(t *testing.T) {
	cases := []struct {
		dir, hemi   string
		firstRegion string
		numVert     float64 // bankssts NumVert
		thick       float64 // insula ThickAvg
		meanThick   float64
		etiv        float64 // NaN: not in this version's aparc.stats
	}{
		{"hcp198451_fs5.3", "lh", "bankssts", 1668, math.NaN(), 2.64262, math.NaN()},
		{"bert_fs7.2", "lh", "bankssts", math.NaN(), 3.090, 2.60273, 1520021.264474},
	}
	for _, c := range cases {
		s, err := ReadStats(fixtures.Shared(t, "freesurfer", c.dir, c.hemi+".aparc.stats"))
		if err != nil {
			t.Fatal(err)
		}
		if s.Header["hemi"] != c.hemi || s.Rows != 34 || s.Structures()[0] != c.firstRegion {
			t.Errorf("%s: hemi %q, %d rows, first %q", c.dir, s.Header["hemi"], s.Rows, s.Structures()[0])
		}
		if v, _ := s.Measure("MeanThickness"); v != c.meanThick {
			t.Errorf("%s: MeanThickness %v, file %v", c.dir, v, c.meanThick)
		}
		if v, ok := s.Measure("eTIV"); !(math.IsNaN(c.etiv) && !ok) && v != c.etiv {
			t.Errorf("%s: eTIV %v (%v), file %v", c.dir, v, ok, c.etiv)
		}
		if !math.IsNaN(c.numVert) {
			if v, _ := s.Column("NumVert"); v[0] != c.numVert {
				t.Errorf("%s: bankssts NumVert %v", c.dir, v[0])
			}
		}
		if !math.IsNaN(c.thick) {
			if v, _ := s.Column("ThickAvg"); v[33] != c.thick || s.Structures()[33] != "insula" {
				t.Errorf("%s: %s ThickAvg %v", c.dir, s.Structures()[33], v[33])
			}
		}
		for _, col := range []string{"GrayVol", "SurfArea", "ThickAvg", "MeanCurv", "GausCurv"} {
			if _, err := s.Column(col); err != nil {
				t.Errorf("%s: %v", c.dir, err)
			}
		}
	}
	a, err := ReadStats(fixtures.Shared(t, "freesurfer", "bert_fs7.2", "aseg.stats"))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := a.Measure("eTIV"); v != 1520021.264474 || a.Structures()[0] != "Left-Lateral-Ventricle" || a.Rows != 45 {
		t.Errorf("aseg: eTIV %v, first %q, %d rows", v, a.Structures()[0], a.Rows)
	}
	if v, _ := a.Column("Volume_mm3"); v[0] != 7316.9 {
		t.Errorf("aseg: Left-Lateral-Ventricle volume %v", v[0])
	}
	for _, dir := range []string{"hcp198451_fs7.4.1_rerun"} {
		for _, f := range []string{"lh.aparc.stats", "rh.aparc.stats", "aseg.stats", "lh.aparc.DKTatlas.stats", "lh.aparc.pial.stats"} {
			if _, err := ReadStats(fixtures.Shared(t, "freesurfer", dir, f)); err != nil {
				t.Errorf("%s/%s: %v", dir, f, err)
			}
		}
	}
}

// Malformed tables give errors naming the line and the problem.
func TestParseStatsErrors(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{"# ColHeaders StructName NumVert\nbankssts 12 13\n", "3 fields"},
		{"bankssts 12\n", "before the ColHeaders"},
		{"# ColHeaders StructName NumVert\nbankssts twelve\n", "not a number"},
		{"# Measure Cortex, NumVert, Number, many, unitless\n", "measure value"},
		{"# just a comment\n", "no ColHeaders"},
	} {
		if _, err := ParseStats(strings.NewReader(c.text)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.text, err, c.want)
		}
	}
}

// FuzzParseStats: arbitrary text never panics.
func FuzzParseStats(f *testing.F) {
	f.Add("# Measure Cortex, NumVert, Number of Vertices, 125558, unitless\n# ColHeaders StructName NumVert\nbankssts 12\n")
	f.Add("# ColHeaders\n\n")
	f.Fuzz(func(t *testing.T, s string) {
		ParseStats(strings.NewReader(s))
	})
}
