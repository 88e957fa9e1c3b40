package synthetic

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/painmark/painmark/atlas"
	"github.com/painmark/painmark/table"
)

// MorphFeatures are FreeSurfer's five aparc.stats measures as ENIGMA tables name them (the
// column suffixes painmark morph reads), with a typical regional mean and between-region spread
// of each.
var MorphFeatures = []struct {
	Suffix   string
	Mean, SD float64
}{
	{"grayvol", 6000, 2500}, {"surfavg", 2000, 800}, {"thickavg", 2.6, 0.35}, {"meancurv", 0.13, 0.02}, {"gauscurv", 0.16, 0.04},
}

// MorphOptions set a simulated case-control morphometry cohort.
type MorphOptions struct {
	Controls, Cases int
	// Affected is the number of regions (the first ones of DK-68 in a seeded random order) whose
	// morphometry differs in the cases: thickness and volume lower, curvature higher, by Effect
	// between-subject SDs.
	Affected int
	Effect   float64
	Seed     uint64
}

// DefaultMorphOptions: 60 controls and 60 cases (a normative cohort of adequate size for
// regional MS and a case-control GLM with covariates), 12 affected regions, an effect of 0.8 SD,
// seed 1.
func DefaultMorphOptions() MorphOptions {
	return MorphOptions{Controls: 60, Cases: 60, Affected: 12, Effect: 0.8, Seed: 1}
}

// MorphCohort is a simulated cohort: DK-68 regions, subjects, their diagnosis (1 case, 0
// control), age, sex and intracranial volume, and each feature's subjects x regions values.
type MorphCohort struct {
	Regions  []string
	Subjects []string
	Dx, Age  []float64
	Sex, ICV []float64
	Affected []string
	Values   [][]float64 // per feature (MorphFeatures' order): subjects x regions, row-major
}

// SimulateMorph draws the cohort: each region has a morphometric profile (one value per feature,
// correlated across features as regions of one cytoarchitectonic type are), each subject scales
// it by a global factor and adds regional noise, and cases differ in the affected regions.
func SimulateMorph(o MorphOptions) (*MorphCohort, error) {
	if o.Controls < 3 || o.Cases < 3 {
		return nil, fmt.Errorf("a cohort of %d controls and %d cases: each group needs at least 3", o.Controls, o.Cases)
	}
	dk, err := atlas.Builtin("dk68")
	if err != nil {
		return nil, err
	}
	c := &MorphCohort{}
	for _, r := range dk.Regions {
		c.Regions = append(c.Regions, r.Name)
	}
	if o.Affected < 0 || o.Affected > len(c.Regions) {
		return nil, fmt.Errorf("%d affected regions of %d", o.Affected, len(c.Regions))
	}
	rng := rand.New(rand.NewPCG(o.Seed, 0x6d6f727068))
	nr, nf, n := len(c.Regions), len(MorphFeatures), o.Controls+o.Cases
	// Regional profiles: a shared regional factor (thick, large, flat regions and the opposite)
	// plus a feature-specific part.
	profile := make([][]float64, nf)
	shared := make([]float64, nr)
	for r := range shared {
		shared[r] = rng.NormFloat64()
	}
	sign := []float64{1, 1, 1, -1, -1}
	for f := range profile {
		profile[f] = make([]float64, nr)
		for r := range profile[f] {
			profile[f][r] = MorphFeatures[f].Mean + MorphFeatures[f].SD*(0.7*sign[f]*shared[r]+0.7*rng.NormFloat64())
		}
	}
	affected := map[int]bool{}
	for _, r := range rng.Perm(nr)[:o.Affected] {
		affected[r] = true
		c.Affected = append(c.Affected, c.Regions[r])
	}
	c.Values = make([][]float64, nf)
	for f := range c.Values {
		c.Values[f] = make([]float64, n*nr)
	}
	for s := 0; s < n; s++ {
		case_ := s >= o.Controls
		c.Subjects = append(c.Subjects, fmt.Sprintf("sub-%03d", s+1))
		c.Dx = append(c.Dx, map[bool]float64{true: 1, false: 0}[case_])
		c.Age = append(c.Age, math.Round(20+45*rng.Float64()))
		c.Sex = append(c.Sex, float64(1+rng.IntN(2)))
		global := 1 + 0.08*rng.NormFloat64()
		c.ICV = append(c.ICV, math.Round(1.5e6*global))
		for f := 0; f < nf; f++ {
			for r := 0; r < nr; r++ {
				sd := 0.1 * math.Abs(profile[f][r])
				v := profile[f][r] + sd*rng.NormFloat64()
				if f < 3 {
					v *= global
				}
				if case_ && affected[r] {
					v -= sign[f] * o.Effect * sd
				}
				c.Values[f][s*nr+r] = v
			}
		}
	}
	return c, nil
}

// Write writes the cohort as ENIGMA-style tables in dir: one CSV per feature (SubjID, then
// L_bankssts_thickavg ...), cov.csv (SubjID, Dx, Age, Sex, ICV) and affected.tsv (the regions
// with a planted case effect). dir must be empty or absent (CheckOutputDir).
func (c *MorphCohort) Write(dir string) error {
	if err := CheckOutputDir(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	nr := len(c.Regions)
	for f, feat := range MorphFeatures {
		cols := []*table.Column{table.TextColumn("SubjID", c.Subjects)}
		for r, name := range c.Regions {
			v := make([]float64, len(c.Subjects))
			for s := range v {
				v[s] = c.Values[f][s*nr+r]
			}
			cols = append(cols, table.NumericColumn(name+"_"+feat.Suffix, v))
		}
		if err := table.Write(filepath.Join(dir, "metr_"+feat.Suffix+".csv"), &table.Table{Columns: cols}); err != nil {
			return err
		}
	}
	cov := &table.Table{Columns: []*table.Column{table.TextColumn("SubjID", c.Subjects), table.NumericColumn("Dx", c.Dx),
		table.NumericColumn("Age", c.Age), table.NumericColumn("Sex", c.Sex), table.NumericColumn("ICV", c.ICV)}}
	if err := table.Write(filepath.Join(dir, "cov.csv"), cov); err != nil {
		return err
	}
	return table.Write(filepath.Join(dir, "affected.tsv"), &table.Table{Columns: []*table.Column{table.TextColumn("region", c.Affected)}})
}
