package glm

import (
	"fmt"
	"math"
	"strconv"

	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/space"
)

// AddReport adds the first-level model to a report: the fit's facts, the first run's design matrix
// (Design.AddReport), and per contrast its facts and its z map, over the ICBM152 template when the
// grid is MNI (report.StatMap, |z| ≥ 3.1) or as slices over the mask otherwise (report.Slices).
func (r *FirstLevelResult) AddReport(doc *report.Document) {
	m := r.Model
	o := m.Options
	s := doc.Section("First-level model")
	scaling := "none (signal_scaling=False)"
	if o.SignalScaling {
		scaling = "percent of each voxel's mean (signal_scaling=0)"
	}
	grid := fmt.Sprintf("CIFTI-2 dense time series, %d grayordinates", len(m.Voxels))
	var sh [3]int
	if m.CIFTI == nil {
		sh = m.Grid.VolumeShape()
		grid = fmt.Sprintf("%d x %d x %d", sh[0], sh[1], sh[2])
	}
	s.Facts([2]string{"runs", strconv.Itoa(len(m.Runs))},
		[2]string{"grid", grid},
		[2]string{"voxels in the mask", strconv.Itoa(len(m.Voxels))},
		[2]string{"noise model", o.NoiseModel},
		[2]string{"signal scaling", scaling})
	s.Text("The model is nilearn 0.10.3's FirstLevelModel (the maps equal its compute_contrast to about 1e-11, tested live); " +
		"with several runs each contrast is the fixed effect across runs.")
	m.Designs[0].AddReport(doc)
	var aff space.Affine
	err := fmt.Errorf("CIFTI maps are not drawn here (open the .dscalar.nii files in Connectome Workbench)")
	if m.CIFTI == nil {
		aff, _, err = m.Grid.Affine()
	}
	for _, c := range r.Contrasts {
		cs := doc.Section("Contrast " + c.Expr)
		p := c.peak()
		above := 0
		for _, z := range c.Z {
			if math.Abs(z) >= 3.1 {
				above++
			}
		}
		cs.Facts([2]string{"files", "contrast-" + c.Name + "_stat-*_statmap.nii.gz"},
			[2]string{"degrees of freedom", strconv.FormatFloat(c.DF, 'g', 6, 64)},
			[2]string{"peak z", strconv.FormatFloat(c.Z[p], 'f', 2, 64)},
			[2]string{"voxels with |z| ≥ 3.1", strconv.Itoa(above)})
		if err != nil {
			cs.Text("No figure: %v.", err)
			continue
		}
		z := m.Map(c.Z)
		var fig *report.SVG
		var ferr error
		if m.isMNI() {
			fig, ferr = report.StatMap("z map: "+c.Expr, "z", report.Volume{Shape: sh, Affine: aff, Values: z},
				report.MapOptions{Threshold: 3.1, Rule: "|z| ≥ 3.1 (p < 0.001 one-sided, uncorrected)"})
		} else {
			under := m.Map(ones(len(m.Voxels)))
			v := m.Voxels[p]
			x, y, zz := aff.Apply(float64(v%sh[0]), float64(v/sh[0]%sh[1]), float64(v/(sh[0]*sh[1])))
			fig, ferr = report.Slices("z map: "+c.Expr, "z", sh, aff, z, under, []report.Marker{{Label: "peak", MM: [3]float64{x, y, zz}}})
		}
		if ferr != nil {
			cs.Text("No figure: %v.", ferr)
			continue
		}
		cs.Figure(fig, "The contrast's z map (nilearn's z_score of the "+c.Type+" statistic), through the peak |z|.")
	}
}
