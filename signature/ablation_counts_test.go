package signature

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/painmark/painmark/connectome"
	"github.com/painmark/painmark/features"
	"github.com/painmark/painmark/learn"
	"github.com/painmark/painmark/signal"
	"github.com/painmark/painmark/synthetic"
)

// On the CSps study's 139 regions, M1-M5 have the paper's feature counts (7,750, 91, 7,841, 7,841,
// 1,750), M1 and M2 come from the brain and spinal regions' own matrices (not the joint one),
// each model searches its own K grid (M2 5-100), and every model's signature is kept: M4 and M5
// apply to the full table by their edges' names and predict what the model fitted, M1 refuses a
// full table (other regions) and M3's blocks match no single connectivity table but apply to a
// cohort's block table (BlockTable).
func TestAblationModelsAsThePaperDefines(t *testing.T) {
	st, err := synthetic.Generate(synthetic.Options{Train: 14, Independent: 1, Task: 1, Clinical1: 1, Clinical2: 1, PrePost: 1, Frames: 80, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	var regions []Region
	fr := make([]features.Region, len(st.Regions))
	for i, r := range st.Regions {
		regions = append(regions, Region{Name: r.Name, System: r.System})
		fr[i] = features.Region{Name: r.Name, System: r.System}
	}
	series := make([]signal.Matrix, len(st.Train.Subjects))
	c := Cohort{Name: "train"}
	for i, s := range st.Train.Subjects {
		series[i] = s.Series
		c.Subjects = append(c.Subjects, s.ID)
		c.Y = append(c.Y, st.Train.Values["heat_pain_threshold"][i])
	}
	m := connectome.RPNMeasure
	full, err := connectome.Cohort(series, connectome.CohortOptions{Measure: m, DiscardDiagonal: true, FeaturesOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	p := len(full.Features[0])
	c.X = learn.Matrix{Rows: len(series), Cols: p}
	for _, f := range full.Features {
		c.X.Data = append(c.X.Data, f...)
	}
	for k := 0; k < p; k++ {
		c.Columns = append(c.Columns, features.EdgeColumn(k))
	}
	o := DefaultAblateOptions()
	o.Features = FeatureDefinition{Kind: string(m.Kind), Estimator: string(m.Estimator), Scaling: string(m.Scaling), NumFeatures: p}
	o.Regions = regions
	o.Grid.K = []int{25, 8000}
	o.CVName = "kfold:5"
	res, err := Ablate(c, regions, &features.Series{Subjects: c.Subjects, Regions: fr, Data: series}, o)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		n     int
		kgrid []int
	}{"M1": {7750, []int{25, 7500}}, "M2": {91, []int{5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90, 91}},
		"M3": {7841, []int{25, 7500}}, "M4": {7841, []int{25, 7841}}, "M5": {1750, []int{25, 1750}}}
	if len(res.Models) != 5 {
		t.Fatalf("%d models", len(res.Models))
	}
	for _, r := range res.Models {
		w := want[r.Model]
		if r.Features != w.n || !slices.Equal(r.KGrid, w.kgrid) || r.Signature.Features.NumFeatures != w.n {
			t.Errorf("%s: %d features, K grid %v; want %d and %v", r.Model, r.Features, r.KGrid, w.n, w.kgrid)
		}
	}
	// M1 is the brain regions' own partial correlation: equal to the measure on those 125 columns.
	var brainCols []int
	for i, r := range regions {
		if r.System != "spinal" {
			brainCols = append(brainCols, i)
		}
	}
	sub := signal.Matrix{Rows: series[0].Rows, Cols: len(brainCols)}
	for t0 := 0; t0 < sub.Rows; t0++ {
		for _, j := range brainCols {
			sub.Data = append(sub.Data, series[0].Data[t0*series[0].Cols+j])
		}
	}
	bres, err := connectome.Cohort([]signal.Matrix{sub}, connectome.CohortOptions{Measure: m, DiscardDiagonal: true, FeaturesOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	m1 := res.Models[0].Signature
	if len(m1.Regions) != 125 || m1.FeatureNames[7749] != "e07749" {
		t.Errorf("M1 regions %d, names ...%s", len(m1.Regions), m1.FeatureNames[len(m1.FeatureNames)-1])
	}
	blocks, err := BlockFeatures(series[:1], regions, m)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(blocks.Data[:7750], bres.Features[0]) {
		t.Error("M1's features are not the brain regions' own partial correlations")
	}
	// Signatures: written beside the JSON, M4/M5 applied by name to the full table.
	dir := t.TempDir()
	path := filepath.Join(dir, "ablation.json")
	if err := res.WriteFiles(path); err != nil {
		t.Fatal(err)
	}
	for _, r := range res.Models {
		s, err := Read(AblationSignaturePath(path, r.Model))
		if err != nil {
			t.Fatal(err)
		}
		aligned, err := s.Align(c)
		switch r.Model {
		case "M4", "M5":
			if err != nil {
				t.Fatal(err)
			}
			pred, err := s.Apply(aligned.X)
			if err != nil {
				t.Fatal(err)
			}
			direct, _ := r.Signature.Apply(c.X.SelectColumns(r.columns))
			if !slices.Equal(pred, direct) {
				t.Errorf("%s: applied to the full table by name, predictions differ from the model's own", r.Model)
			}
		case "M3":
			if err == nil || !strings.Contains(err.Error(), "brain_e00000") {
				t.Errorf("M3 applied to a joint table: %v", err)
			}
			// M3 applies to a cohort's block table (BlockTable) by name, as the model fitted.
			bt, err := BlockTable(&features.Series{Subjects: c.Subjects, Regions: fr, Data: series}, m)
			if err != nil {
				t.Fatal(err)
			}
			bc, err := s.Align(CohortFromTable("blocks", bt, c.Y))
			if err != nil {
				t.Fatal(err)
			}
			pred, err := s.Apply(bc.X)
			if err != nil {
				t.Fatal(err)
			}
			own, _ := BlockFeatures(series, regions, m)
			direct, _ := r.Signature.Apply(own)
			if len(bt.Columns) != 7841 || bt.Columns[7750] != "spinal_e00000" || !slices.Equal(pred, direct) {
				t.Errorf("M3 on its block table: %d columns, predictions %v, the model's %v", len(bt.Columns), pred[:2], direct[:2])
			}
		}
	}
	ft := &features.Table{Subjects: c.Subjects, Columns: c.Columns, Data: c.X.Data, Definition: &features.Definition{Regions: fr,
		Measure: features.Measure{Kind: m.Kind, Estimator: m.Estimator, Scaling: m.Scaling}}}
	if err := m1.CheckFeatures(ft); err == nil {
		t.Error("M1 (125 brain regions) accepted a 139-region table")
	}
	if err := res.Models[4].Signature.CheckFeatures(ft); err != nil {
		t.Errorf("M5 refused its own table: %v", err)
	}
}
