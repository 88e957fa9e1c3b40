// Package confounds builds nuisance-regressor matrices and sample masks from fMRIPrep's
// *_desc-confounds_timeseries.tsv (and its JSON sidecar) by named strategies, with the definitions
// of nilearn.interfaces.fmriprep.load_confounds and load_confounds_strategy: motion 6/12/24
// parameters, white matter/CSF and global signal with derivatives and squares, aCompCor/tCompCor
// components, cosine drifts, ICA-AROMA noise components, FD/DVARS scrubbing with a minimum segment
// length, and non-steady-state volumes. Output columns are sorted by name and demeaned over the
// retained volumes, as nilearn does.
package confounds

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"sort"
	"strings"

	"github.com/painmark/painmark/table"
)

// Spec is a confound strategy: the components to load and their options. The zero values of the
// options mean nilearn's load_confounds defaults (Defaults fills them in).
type Spec struct {
	// Strategy lists components among "motion", "high_pass", "wm_csf", "global_signal",
	// "compcor", "ica_aroma", "scrub". Non-steady-state volumes are always loaded.
	Strategy []string
	// Motion, WMCSF, GlobalSignal: "basic", "derivatives", "power2" or "full".
	Motion, WMCSF, GlobalSignal string
	// Compcor: "anat_combined", "anat_separated", "temporal", "temporal_anat_combined",
	// "temporal_anat_separated".
	Compcor string
	// NCompcor is the number of CompCor components per mask; 0 keeps all.
	NCompcor int
	// CompcorVariance, when > 0, keeps per mask the first components whose cumulative variance
	// explained (the sidecar's CumulativeVarianceExplained) reaches this fraction: fMRIPrep's
	// "50% of variance" convention. A painmark option; nilearn selects by count only.
	CompcorVariance float64
	// ICAAroma: "full" (the image is already denoised; no regressors) or "basic" (aroma_motion_*).
	ICAAroma string
	// Scrub is the minimum length of a retained segment; shorter segments between outliers are
	// censored too (Power et al. 2014). 0 disables the segment rule.
	Scrub int
	// FDThreshold (mm) and StdDVARSThreshold flag motion outliers; +Inf disables either.
	FDThreshold, StdDVARSThreshold float64
	// Demean subtracts each regressor's mean over the retained volumes.
	Demean bool
	// NilearnVersion is the nilearn version whose preset this is (PresetFor; "" for a custom spec).
	NilearnVersion string
}

// Defaults returns nilearn's load_confounds defaults: motion, high_pass and wm_csf, motion "full",
// wm_csf and global_signal "basic", compcor "anat_combined" with all components, ica_aroma "full",
// scrub 5, FD 0.5 mm, std DVARS 1.5, demean.
func Defaults() Spec {
	return Spec{
		Strategy: []string{"motion", "high_pass", "wm_csf"},
		Motion:   "full", WMCSF: "basic", GlobalSignal: "basic",
		Compcor: "anat_combined", ICAAroma: "full",
		Scrub: 5, FDThreshold: 0.5, StdDVARSThreshold: 1.5, Demean: true,
	}
}

// Nilearn versions whose load_confounds_strategy presets differ: 0.10.3 (the CSps study's) sets the
// "scrubbing" preset's thresholds to FD 0.2 mm and std DVARS 3; 0.13 to FD 0.5 mm and std DVARS 1.5
// (its changelog: the documented values, now in the code too). The other presets are the same.
const (
	Nilearn0103 = "0.10.3"
	Nilearn013  = "0.13"
)

// DefaultNilearnVersion is the version whose presets Preset gives: 0.13, current nilearn's values,
// which are what nilearn documents for the preset and what painmark has always used (outputs
// unchanged); pass 0.10.3 to PresetFor to reproduce the CSps study's preprocessing.
const DefaultNilearnVersion = Nilearn013

// Preset returns one of nilearn's load_confounds_strategy presets, as DefaultNilearnVersion
// defines them: "simple", "scrubbing", "compcor" or "ica_aroma".
func Preset(name string) (Spec, error) { return PresetFor(name, DefaultNilearnVersion) }

// PresetFor returns a preset as the given nilearn version defines it (Nilearn0103 or Nilearn013);
// the spec records the version.
func PresetFor(name, version string) (Spec, error) {
	s := Defaults()
	switch version {
	case Nilearn013, "":
		version = Nilearn013
	case Nilearn0103:
	default:
		return Spec{}, fmt.Errorf("nilearn version %q: presets are known for %s and %s", version, Nilearn0103, Nilearn013)
	}
	s.NilearnVersion = version
	switch name {
	case "simple":
		s.Strategy = []string{"high_pass", "motion", "wm_csf"}
	case "scrubbing":
		s.Strategy = []string{"high_pass", "motion", "wm_csf", "scrub"}
		s.WMCSF = "full"
		if version == Nilearn0103 {
			s.FDThreshold, s.StdDVARSThreshold = 0.2, 3
		}
	case "compcor":
		s.Strategy = []string{"high_pass", "motion", "compcor"}
	case "ica_aroma":
		s.Strategy = []string{"high_pass", "wm_csf", "ica_aroma"}
	default:
		return Spec{}, fmt.Errorf("unknown confound preset %q (simple, scrubbing, compcor, ica_aroma)", name)
	}
	return s, nil
}

// Result is a confound matrix and the volumes to keep.
type Result struct {
	Names     []string  // regressor names, sorted
	Data      []float64 // NumFrames x len(Names), row-major
	NumFrames int
	// SampleMask lists the retained volumes (0-based), or is nil when every volume is kept.
	SampleMask []int
}

// Column returns regressor j over time.
func (r *Result) Column(j int) []float64 {
	out := make([]float64, r.NumFrames)
	for t := range out {
		out[t] = r.Data[t*len(r.Names)+j]
	}
	return out
}

// Kept reports how many volumes are retained.
func (r *Result) Kept() int {
	if r.SampleMask == nil {
		return r.NumFrames
	}
	return len(r.SampleMask)
}

var suffixes = map[string][]string{
	"basic":       nil,
	"derivatives": {"derivative1"},
	"power2":      {"power2"},
	"full":        {"derivative1", "power2", "derivative1_power2"},
}

// withSuffixes expands base names with nilearn's add_suffix order: all bases first, then each
// base's suffixed variants.
func withSuffixes(bases []string, model string) ([]string, error) {
	suf, ok := suffixes[model]
	if !ok {
		return nil, fmt.Errorf("unknown expansion %q (basic, derivatives, power2, full)", model)
	}
	out := append([]string(nil), bases...)
	for _, b := range bases {
		for _, s := range suf {
			out = append(out, b+"_"+s)
		}
	}
	return out, nil
}

// Load reads an fMRIPrep confounds TSV (and the JSON beside it, needed for CompCor) and applies the
// strategy.
func Load(tsvPath string, spec Spec) (*Result, error) {
	tb, err := table.Read(tsvPath, &table.Options{Delimiter: '\t'})
	if err != nil {
		return nil, err
	}
	for _, name := range tb.Names() {
		if isCamelCase(name) {
			return nil, fmt.Errorf("%s: column %q is in camel case: this is fMRIPrep 1.0/1.1 output, and only fMRIPrep >= 1.2 confounds are read", tsvPath, name)
		}
	}
	var meta map[string]map[string]any
	jsonPath := strings.TrimSuffix(strings.TrimSuffix(tsvPath, ".gz"), ".tsv") + ".json"
	if b, err := os.ReadFile(jsonPath); err == nil {
		if err := json.Unmarshal(b, &meta); err != nil {
			return nil, fmt.Errorf("%s: %w", jsonPath, err)
		}
	} else if wantsAnatCompcor(spec) {
		return nil, fmt.Errorf("%s: anatomical CompCor needs the sidecar %s (fMRIPrep >= 1.4): %w", tsvPath, jsonPath, err)
	}
	r, err := apply(tb, meta, spec)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", tsvPath, err)
	}
	return r, nil
}

func wantsAnatCompcor(s Spec) bool {
	for _, c := range s.Strategy {
		if c == "compcor" && strings.Contains(s.Compcor, "anat") {
			return true
		}
	}
	return false
}

// isCamelCase follows nilearn's check: mixed case and no underscore.
func isCamelCase(s string) bool {
	return s != strings.ToLower(s) && s != strings.ToUpper(s) && !strings.Contains(s, "_")
}

func containing(tb *table.Table, key string) []string {
	var out []string
	for _, n := range tb.Names() {
		if strings.Contains(n, key) {
			out = append(out, n)
		}
	}
	return out
}

func apply(tb *table.Table, meta map[string]map[string]any, spec Spec) (*Result, error) {
	n := tb.NumRows()
	if n < 2 {
		return nil, fmt.Errorf("%d volumes: a confounds file needs at least 2", n)
	}
	selected := containing(tb, "non_steady_state")
	var missing []string
	var scrubOutliers []int
	scrubbing := false
	require := func(component string, names []string) {
		var absent []string
		for _, c := range names {
			if len(tb.Indices(c)) == 0 {
				absent = append(absent, c)
			}
		}
		switch {
		case len(absent) == len(names):
			missing = append(missing, fmt.Sprintf("%s (none of %s)", component, strings.Join(names, ", ")))
		case len(absent) > 0:
			missing = append(missing, fmt.Sprintf("%s (%s)", component, strings.Join(absent, ", ")))
		default:
			selected = append(selected, names...)
		}
	}
	for _, comp := range spec.Strategy {
		switch comp {
		case "motion":
			names, err := withSuffixes([]string{"trans_x", "trans_y", "trans_z", "rot_x", "rot_y", "rot_z"}, spec.Motion)
			if err != nil {
				return nil, fmt.Errorf("motion: %w", err)
			}
			require("motion", names)
		case "wm_csf":
			names, err := withSuffixes([]string{"csf", "white_matter"}, spec.WMCSF)
			if err != nil {
				return nil, fmt.Errorf("wm_csf: %w", err)
			}
			require("wm_csf", names)
		case "global_signal":
			names, err := withSuffixes([]string{"global_signal"}, spec.GlobalSignal)
			if err != nil {
				return nil, fmt.Errorf("global_signal: %w", err)
			}
			require("global_signal", names)
		case "high_pass":
			selected = append(selected, containing(tb, "cosine")...)
		case "compcor":
			names, err := compcorColumns(meta, spec)
			if err != nil {
				return nil, err
			}
			if len(names) == 0 {
				missing = append(missing, "compcor (no components in the sidecar JSON)")
			} else {
				require("compcor", names)
			}
		case "ica_aroma":
			switch spec.ICAAroma {
			case "full":
			case "basic":
				names := containing(tb, "aroma")
				if len(names) == 0 {
					missing = append(missing, "ica_aroma (no aroma_motion_* columns)")
				}
				selected = append(selected, names...)
			default:
				return nil, fmt.Errorf("ica_aroma must be full or basic, not %q", spec.ICAAroma)
			}
		case "scrub":
			out, err := scrubOutlierFrames(tb, spec)
			if err != nil {
				return nil, err
			}
			scrubOutliers, scrubbing = out, true
		case "non_steady_state":
		default:
			return nil, fmt.Errorf("unknown confound component %q (motion, high_pass, wm_csf, global_signal, compcor, ica_aroma, scrub)", comp)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("the strategy needs confounds this file lacks: %s", strings.Join(missing, "; "))
	}

	// Split outlier indicators (non_steady_state*, motion_outlier*) from regressors; both sets are
	// de-duplicated and the regressors sorted by name, as nilearn's _get_outlier_cols.
	outlierSet := map[string]bool{}
	regSet := map[string]bool{}
	for _, c := range selected {
		if strings.Contains(c, "motion_outlier") || strings.Contains(c, "non_steady_state") {
			outlierSet[c] = true
		} else {
			regSet[c] = true
		}
	}
	flagged := make([]bool, n)
	anyOutlierColumn := len(outlierSet) > 0 || (scrubbing && len(scrubOutliers) > 0)
	for c := range outlierSet {
		vals, err := tb.Floats(c)
		if err != nil {
			return nil, err
		}
		for t, v := range vals {
			if v != 0 && !math.IsNaN(v) {
				flagged[t] = true
			}
		}
	}
	for _, t := range scrubOutliers {
		flagged[t] = true
	}
	var mask []int
	if anyOutlierColumn {
		mask = []int{}
		for t := 0; t < n; t++ {
			if !flagged[t] {
				mask = append(mask, t)
			}
		}
		if len(mask) == 0 {
			return nil, errors.New("every volume is flagged as an outlier or non-steady-state: nothing is left to analyse")
		}
	}

	names := make([]string, 0, len(regSet))
	for c := range regSet {
		names = append(names, c)
	}
	sort.Strings(names)
	k := len(names)
	data := make([]float64, n*k)
	for j, c := range names {
		vals, err := tb.Floats(c)
		if err != nil {
			return nil, err
		}
		// Derivatives are n/a at the first volume: nilearn copies the second volume's value.
		if math.IsNaN(vals[0]) {
			vals = append([]float64{vals[1]}, vals[1:]...)
		}
		for t, v := range vals {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("confound %q has no finite value at volume %d", c, t)
			}
			data[t*k+j] = v
		}
	}
	if spec.Demean && k > 0 {
		rows := mask
		if rows == nil {
			rows = make([]int, n)
			for t := range rows {
				rows[t] = t
			}
		}
		for j := 0; j < k; j++ {
			var s float64
			for _, t := range rows {
				s += data[t*k+j]
			}
			mean := s / float64(len(rows))
			for t := 0; t < n; t++ {
				data[t*k+j] -= mean
			}
		}
	}
	return &Result{Names: names, Data: data, NumFrames: n, SampleMask: mask}, nil
}

// scrubOutlierFrames flags volumes with framewise displacement above FDThreshold or standardized
// DVARS above StdDVARSThreshold, then applies the minimum-segment rule.
func scrubOutlierFrames(tb *table.Table, spec Spec) ([]int, error) {
	fd, err := tb.Floats("framewise_displacement")
	if err != nil {
		return nil, fmt.Errorf("scrub: %w", err)
	}
	dvars, err := tb.Floats("std_dvars")
	if err != nil {
		return nil, fmt.Errorf("scrub: %w", err)
	}
	var out []int
	for t := range fd {
		// NaN (the first volume's n/a) compares false, as in numpy.
		if fd[t] > spec.FDThreshold || dvars[t] > spec.StdDVARSThreshold {
			out = append(out, t)
		}
	}
	if spec.Scrub > 0 && len(out) > 0 {
		out = OptimizeScrub(out, len(fd), spec.Scrub)
	}
	return out, nil
}

// OptimizeScrub adds to the sorted outlier volumes every retained segment shorter than minSegment
// volumes: the leading segment, the trailing one, and those between outliers, with the comparisons
// of nilearn's _optimize_scrub (a leading or trailing segment of fewer than minSegment volumes, an
// inner gap of fewer than minSegment+1 indices).
func OptimizeScrub(outliers []int, nScans, minSegment int) []int {
	set := map[int]bool{}
	for _, t := range outliers {
		set[t] = true
	}
	first, last := outliers[0], outliers[len(outliers)-1]
	if first < minSegment {
		for t := 0; t < first; t++ {
			set[t] = true
		}
	}
	if nScans-(last+1) < minSegment {
		for t := last; t < nScans; t++ {
			set[t] = true
		}
	}
	// Inner gaps are measured on the list after the leading and trailing additions, in order.
	idx := make([]int, 0, len(set))
	for t := range set {
		idx = append(idx, t)
	}
	sort.Ints(idx)
	for i := 0; i+1 < len(idx); i++ {
		d := idx[i+1] - idx[i]
		if d > 1 && d < minSegment+1 {
			for t := idx[i] + 1; t < idx[i+1]; t++ {
				set[t] = true
			}
		}
	}
	out := make([]int, 0, len(set))
	for t := range set {
		out = append(out, t)
	}
	sort.Ints(out)
	return out
}

// compcorColumns selects CompCor components from the sidecar, as nilearn's find_compcor: for each
// prefix ("a" anatomical, "t" temporal) the names a_comp_cor_00, 01, ... up to the number of such
// keys; anatomical components filtered by mask ("combined", or "WM" then "CSF"), then the first
// NCompcor (or the variance rule) of each.
func compcorColumns(meta map[string]map[string]any, spec Spec) ([]string, error) {
	var prefixes, masks []string
	method := spec.Compcor
	switch method {
	case "anat_combined":
		prefixes, masks = []string{"a"}, []string{"combined"}
	case "anat_separated":
		prefixes, masks = []string{"a"}, []string{"WM", "CSF"}
	case "temporal":
		prefixes = []string{"t"}
	case "temporal_anat_combined":
		prefixes, masks = []string{"t", "a"}, []string{"combined"}
	case "temporal_anat_separated":
		prefixes, masks = []string{"t", "a"}, []string{"WM", "CSF"}
	default:
		return nil, fmt.Errorf("unknown compcor method %q (anat_combined, anat_separated, temporal, temporal_anat_combined, temporal_anat_separated)", method)
	}
	var out []string
	for _, p := range prefixes {
		count := 0
		for key := range meta {
			if strings.Contains(key, p+"_comp_cor") {
				count++
			}
		}
		all := make([]string, count)
		for i := range all {
			all[i] = fmt.Sprintf("%s_comp_cor_%02d", p, i)
		}
		if p == "t" {
			out = append(out, selectCompcor(all, meta, spec)...)
			continue
		}
		for _, m := range masks {
			var cols []string
			for _, c := range all {
				if info, ok := meta[c]; ok && fmt.Sprint(info["Mask"]) == m {
					cols = append(cols, c)
				}
			}
			out = append(out, selectCompcor(cols, meta, spec)...)
		}
	}
	return out, nil
}

func selectCompcor(cols []string, meta map[string]map[string]any, spec Spec) []string {
	if spec.CompcorVariance > 0 {
		for i, c := range cols {
			if v, ok := meta[c]["CumulativeVarianceExplained"].(float64); ok && v >= spec.CompcorVariance {
				return cols[:i+1]
			}
		}
		return cols
	}
	if spec.NCompcor > 0 && spec.NCompcor < len(cols) {
		return cols[:spec.NCompcor]
	}
	return cols
}
