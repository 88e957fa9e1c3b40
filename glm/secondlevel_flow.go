package glm

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/painmark/painmark/internal/atomicfile"
	"github.com/painmark/painmark/nifti"
	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/table"
)

// SecondLevelResult is a second-level (group) analysis of one map per subject (or the differences
// of paired maps): the design, the grid and mask voxels of the maps, and the sign-flip inference.
type SecondLevelResult struct {
	Options SecondLevelOptions `json:"options"`
	// Design is "one-sample" or "paired" (the one-sample test of the differences a - b).
	Design     string   `json:"design"`
	Maps       []string `json:"maps"`
	PairedWith []string `json:"paired_with,omitempty"`
	Covariates []string `json:"covariates,omitempty"`
	// Grid is the first map's header; Voxels the mask's NIfTI indices (x fastest).
	Grid   *nifti.Header        `json:"-"`
	Voxels []int                `json:"-"`
	Test   *NonParametricResult `json:"-"`
}

// SecondLevel runs nilearn's non_parametric_inference on subjects' 3D maps (contrast or beta
// maps on one grid): the one-sample test of maps, or with pairedWith (one map per subject, same
// order) the paired test of maps minus pairedWith; covariates are one value per subject. The mask
// (nil: the voxels finite and non-zero in every map) selects the voxels; clusters are formed on
// the grid's face-connected voxels.
func SecondLevel(maps, pairedWith []string, mask []bool, covariates []Regressor, opts SecondLevelOptions) (*SecondLevelResult, error) {
	if len(maps) < 3 {
		return nil, fmt.Errorf("second level: %d maps (at least 3 subjects)", len(maps))
	}
	if pairedWith != nil && len(pairedWith) != len(maps) {
		return nil, fmt.Errorf("paired design: %d maps and %d maps to pair them with", len(maps), len(pairedWith))
	}
	res := &SecondLevelResult{Options: opts, Design: "one-sample", Maps: maps, PairedWith: pairedWith}
	if pairedWith != nil {
		res.Design = "paired"
	}
	load := func(path string) ([]float64, error) {
		im, err := nifti.Load(path, &nifti.Options{AllowNonFinite: true})
		if err != nil {
			return nil, err
		}
		if im.Header.NumVolumes() != 1 {
			return nil, fmt.Errorf("%s: a second-level map has one volume, this one %d", path, im.Header.NumVolumes())
		}
		if res.Grid == nil {
			res.Grid = im.Header
		} else if err := sameGrid(im.Header, res.Grid); err != nil {
			return nil, fmt.Errorf("%s: %w (the first map is %s)", path, err, maps[0])
		}
		return im.Data, nil
	}
	full := make([][]float64, len(maps))
	for s, p := range maps {
		var err error
		if full[s], err = load(p); err != nil {
			return nil, err
		}
		if pairedWith != nil {
			b, err := load(pairedWith[s])
			if err != nil {
				return nil, err
			}
			d, err := PairedDifferences(full[s:s+1], [][]float64{b})
			if err != nil {
				return nil, err
			}
			full[s] = d[0]
		}
	}
	nvox := res.Grid.VoxelsPerVolume()
	if mask != nil && len(mask) != nvox {
		return nil, fmt.Errorf("mask of %d voxels for maps of %d", len(mask), nvox)
	}
	for i := 0; i < nvox; i++ {
		in := mask == nil || mask[i]
		for s := range full {
			v := full[s][i]
			if math.IsNaN(v) || math.IsInf(v, 0) {
				if mask != nil && in {
					return nil, fmt.Errorf("%s: voxel %d inside the mask is not finite", maps[s], i)
				}
				in = false
			} else if mask == nil && v == 0 {
				in = false
			}
		}
		if in {
			res.Voxels = append(res.Voxels, i)
		}
	}
	if len(res.Voxels) == 0 {
		return nil, fmt.Errorf("second level: no voxel in the mask")
	}
	y := make([][]float64, len(full))
	for s := range full {
		y[s] = make([]float64, len(res.Voxels))
		for j, i := range res.Voxels {
			y[s][j] = full[s][i]
		}
	}
	var covs [][]float64
	for _, c := range covariates {
		res.Covariates = append(res.Covariates, c.Name)
		covs = append(covs, c.Values)
	}
	var err error
	res.Test, err = NonParametric(y, covs, &Grid{Shape: res.Grid.VolumeShape(), Voxels: res.Voxels}, opts)
	return res, err
}

func sameGrid(a, b *nifti.Header) error {
	if a.VolumeShape() != b.VolumeShape() {
		return fmt.Errorf("grid %v differs", a.VolumeShape())
	}
	x, _, err1 := a.Affine()
	y, _, err2 := b.Affine()
	if err1 != nil || err2 != nil || !sameAffine(x, y) {
		return fmt.Errorf("affine differs")
	}
	return nil
}

// SecondLevelMaps names the maps WriteFiles writes, as the keys of nilearn's
// non_parametric_inference output (the cluster maps only with cluster inference).
var SecondLevelMaps = []string{"t", "logp_max_t", "size", "logp_max_size", "mass", "logp_max_mass"}

// Values returns a map of the result by its name in SecondLevelMaps over the mask's voxels (nil
// for a cluster map without cluster inference).
func (r *SecondLevelResult) Values(name string) []float64 {
	t := r.Test
	switch name {
	case "t":
		return t.T
	case "logp_max_t":
		return t.LogPMaxT
	case "size":
		if t.Size == nil {
			return nil
		}
		v := make([]float64, len(t.Size))
		for i, s := range t.Size {
			v[i] = float64(s)
		}
		return v
	case "logp_max_size":
		return t.LogPMaxSize
	case "mass":
		return t.Mass
	case "logp_max_mass":
		return t.LogPMaxMass
	}
	return nil
}

// FWERThreshold is the t above which a voxel is significant at FWER alpha by max-t: the smallest
// null maximum h with (1 + #{H0MaxT ≥ h})/(1 + permutations) ≤ alpha, +Inf when none.
func (r *SecondLevelResult) FWERThreshold(alpha float64) float64 {
	h := append([]float64(nil), r.Test.H0MaxT...)
	sort.Float64s(h)
	n := float64(len(h))
	k := int(math.Ceil(alpha*(n+1))) - 1 // null maxima allowed at or above the threshold
	if k < 0 {
		return math.Inf(1)
	}
	return h[len(h)-1-k]
}

// WriteFiles writes under dir each map of SecondLevelMaps as NAME.nii.gz (float64, 0 outside the
// mask, on the maps' grid) and second_level.json (options, design, inputs, voxels, significant
// voxels at FWER 0.05, the max-t null).
func (r *SecondLevelResult) WriteFiles(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	sh := r.Grid.VolumeShape()
	aff, src, err := r.Grid.Affine()
	if err != nil {
		return err
	}
	code := r.Grid.SformCode
	if src == "qform" {
		code = r.Grid.QformCode
	}
	for _, name := range SecondLevelMaps {
		v := r.Values(name)
		if v == nil {
			continue
		}
		vol := make([]float64, r.Grid.VoxelsPerVolume())
		for j, i := range r.Voxels {
			vol[i] = v[j]
		}
		h := nifti.NewHeader(sh[:], nifti.Float64)
		h.SetAffine(aff, code)
		if err := nifti.Write(filepath.Join(dir, name+".nii.gz"), h, vol); err != nil {
			return err
		}
	}
	sig := 0
	for _, lp := range r.Test.LogPMaxT {
		if lp > -math.Log10(0.05) {
			sig++
		}
	}
	return atomicfile.WriteJSON(filepath.Join(dir, "second_level.json"), struct {
		*SecondLevelResult
		NVoxels     int       `json:"n_voxels"`
		Significant int       `json:"n_fwer05_voxels"`
		Threshold   float64   `json:"cluster_forming_t,omitempty"`
		H0MaxT      []float64 `json:"h0_max_t"`
		FWERT05     float64   `json:"fwer05_t"`
	}{r, len(r.Voxels), sig, r.Test.Threshold, r.Test.H0MaxT, r.FWERThreshold(0.05)})
}

// AddReport adds the second level: its facts and the t map through its peak (over the MNI template
// when the grid is MNI), thresholded at the max-t FWER 5% threshold.
func (r *SecondLevelResult) AddReport(doc *report.Document) {
	s := doc.Section("Second level: " + r.Design)
	thr := r.FWERThreshold(0.05)
	sig := 0
	for _, lp := range r.Test.LogPMaxT {
		if lp > -math.Log10(0.05) {
			sig++
		}
	}
	s.Facts([2]string{"subjects", strconv.Itoa(len(r.Maps))}, [2]string{"voxels", strconv.Itoa(len(r.Voxels))},
		[2]string{"sign-flip permutations", strconv.Itoa(len(r.Test.H0MaxT))},
		[2]string{"max-t FWER 5% threshold", strconv.FormatFloat(thr, 'f', 3, 64)},
		[2]string{"voxels at FWER p < 0.05", strconv.Itoa(sig)})
	s.Text("Sign-flip permutation inference as nilearn 0.10.3's non_parametric_inference (permuted_ols; equal for the same flips, tested live).")
	sh := r.Grid.VolumeShape()
	aff, _, err := r.Grid.Affine()
	if err != nil {
		s.Text("No figure: the grid's affine is invalid (%v).", err)
		return
	}
	vol := make([]float64, r.Grid.VoxelsPerVolume())
	for j, i := range r.Voxels {
		if t := r.Test.T[j]; r.Options.TwoSided || t > 0 { // one-sided: only positive t can be significant
			vol[i] = t
		}
	}
	if math.IsInf(thr, 1) {
		thr = 0
	}
	fig, ferr := report.StatMap("t map ("+r.Design+")", "t", report.Volume{Shape: sh, Affine: aff, Values: vol},
		report.MapOptions{Threshold: thr, Rule: "t at or above the max-t FWER 5% threshold"})
	if ferr != nil {
		s.Text("No figure: %v.", ferr)
		return
	}
	s.Figure(fig, "The group t map through its peak; voxels above the max-t FWER 5% threshold are shown (|t| when two-sided, positive t otherwise).")
}

// MapCovariates reads second-level covariates for maps: each spec a TABLE:COLUMN of a participants
// table (table.ParseColumnRef; flag names the option in errors), looked up by each map's subject,
// its BIDS sub- label in the file name or, failing that, in a folder name (table.Participants
// matches "sub-01" and "01").
func MapCovariates(maps, specs []string, flag string) ([]Regressor, error) {
	subjects := make([]string, len(maps))
	for i, p := range maps {
		subjects[i] = filepath.Base(p)
		parts := strings.FieldsFunc(p, func(r rune) bool { return r == '_' || r == '/' || r == filepath.Separator })
		for k := len(parts) - 1; k >= 0; k-- { // the sub- label nearest the file name
			if strings.HasPrefix(parts[k], "sub-") {
				subjects[i] = parts[k]
				break
			}
		}
	}
	var out []Regressor
	for _, spec := range specs {
		ref, err := table.ParseColumnRef(spec, flag)
		if err != nil {
			return nil, err
		}
		pt, err := table.ReadParticipants(ref.Path, "", nil)
		if err != nil {
			return nil, err
		}
		v, err := pt.Values(subjects, ref.Column)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", spec, err)
		}
		out = append(out, Regressor{Name: ref.Column, Values: v})
	}
	return out, nil
}
