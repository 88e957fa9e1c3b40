package nulls

import (
	"fmt"
	"path/filepath"

	"github.com/painmark/painmark/atlas"
	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/study"
)

// ReadGeometry reads the null models' geometry files that are given: the parcels' sphere
// centroids (coords), and left, right sphere meshes with their .annot parcellations (spheres,
// annots: two each, or none).
func ReadGeometry(coords string, spheres, annots []string) (Geometry, error) {
	var g Geometry
	if coords != "" {
		c, err := ReadCentroids(coords)
		if err != nil {
			return g, err
		}
		g.Centroids = c
	}
	if len(spheres) == 2 && len(annots) == 2 {
		g.Surface = &atlas.SphereParcellationFiles{SphereLeft: spheres[0], SphereRight: spheres[1], AnnotLeft: annots[0], AnnotRight: annots[1]}
	}
	return g, nil
}

// GeometryInputs are the study-step inputs of a null model's geometry (as the commands' --coords,
// --spheres and --annots).
var GeometryInputs = []study.StepInput{
	{Key: "coords", Type: study.InputFile, Optional: true, Doc: "sphere coordinates of the parcels (region, hemi, x, y, z) for the rotation, Moran and variogram nulls"},
	{Key: "sphere_left", Type: study.InputFile, Optional: true, Doc: "left sphere mesh (FreeSurfer lh.sphere or GIFTI) for the baum and cornblath nulls"},
	{Key: "sphere_right", Type: study.InputFile, Optional: true, Doc: "right sphere mesh"},
	{Key: "annot_left", Type: study.InputFile, Optional: true, Doc: "left .annot parcellation on the sphere"},
	{Key: "annot_right", Type: study.InputFile, Optional: true, Doc: "right .annot parcellation on the sphere"},
}

// StepGeometry reads the geometry inputs of a study step (GeometryInputs), and the files given,
// for the report.
func StepGeometry(ctx study.StepContext) (Geometry, []string, error) {
	in := ctx.Inputs
	var spheres, annots []string
	if in["sphere_left"] != "" || in["sphere_right"] != "" || in["annot_left"] != "" || in["annot_right"] != "" {
		spheres, annots = []string{in["sphere_left"], in["sphere_right"]}, []string{in["annot_left"], in["annot_right"]}
		for _, f := range append(append([]string{}, spheres...), annots...) {
			if f == "" {
				return Geometry{}, nil, fmt.Errorf("give sphere_left, sphere_right, annot_left and annot_right together")
			}
		}
	}
	g, err := ReadGeometry(in["coords"], spheres, annots)
	return g, append([]string{in["coords"]}, append(spheres, annots...)...), err
}

// SpinStep are a study's [[spin]] step options: painmark spin's flags and defaults.
type SpinStep struct {
	TestOptions
	// Null is the null model by name (Names).
	Null string
}

func init() {
	study.RegisterStep(study.StepKind{
		Section: "spin",
		Command: "spin",
		Doc:     "Spatial permutation (spin) test of the correlation between two cortical maps, as painmark spin does. Writes spin.json and report.html.",
		Inputs:  append([]study.StepInput{{Key: "maps", Type: study.InputFile, Doc: "table of regional maps (a region column and the two maps' columns)"}}, GeometryInputs...),
		Options: func() any { return &SpinStep{TestOptions: DefaultTestOptions(), Null: "vasa"} },
		Rename:  map[string]string{"XName": "x", "YName": "y", "Draws": "n"},
		Build: func(opts any, ctx study.StepContext) error {
			o := opts.(*SpinStep)
			if o.XName == "" || o.YName == "" {
				return fmt.Errorf("x and y (the maps' columns) are required")
			}
			model, err := Lookup(o.Null)
			if err != nil {
				return err
			}
			geo, files, err := StepGeometry(ctx)
			if err != nil {
				return err
			}
			path := ctx.Inputs["maps"]
			regions, maps, err := ReadRegionalMaps(path, "region", o.XName, o.YName)
			if err != nil {
				return err
			}
			space, err := geo.Space(regions, model)
			if err != nil {
				return fmt.Errorf("%s: %w", ctx.Labels["maps"], err)
			}
			res, err := Test(maps[0], maps[1], space, model, o.TestOptions)
			if err != nil {
				return fmt.Errorf("%s: %w", ctx.Labels["maps"], err)
			}
			if err := res.WriteFiles(filepath.Join(ctx.Dir, "spin.json")); err != nil {
				return err
			}
			return report.WriteResult(filepath.Join(ctx.Dir, "report.html"), "Spin test", ctx.Command(), res, append([]string{path}, files...)...)
		},
	})
}
