// Package study finds the inputs of a study and runs it: BIDS raw data and derivatives (fMRIPrep,
// ciftify, FreeSurfer) indexed by their entities (subject, session, task, run, space, ...), and
// plans of content-addressed, cached units built atomically on a local worker pool or as Slurm job
// arrays (engine.go, slurm.go).
package study

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// File is a BIDS file: its path, entities (key → value, e.g. "sub" → "01"), suffix ("bold") and
// extension (".nii.gz").
type File struct {
	Path      string
	Entities  map[string]string
	Order     []string // entity keys in file-name order
	Suffix    string
	Extension string
}

// ParseName splits a BIDS file name into entities, suffix and extension:
// sub-01_ses-2_task-rest_run-1_space-MNI152NLin2009cAsym_desc-preproc_bold.nii.gz.
func ParseName(path string) (*File, error) {
	base := filepath.Base(path)
	ext := ""
	for _, e := range []string{".nii.gz", ".tsv.gz", ".dtseries.nii", ".func.gii", ".nii", ".tsv", ".json", ".gii"} {
		if strings.HasSuffix(base, e) {
			ext = e
			break
		}
	}
	if ext == "" {
		ext = filepath.Ext(base)
	}
	stem := strings.TrimSuffix(base, ext)
	parts := strings.Split(stem, "_")
	f := &File{Path: path, Entities: map[string]string{}, Extension: ext}
	for i, p := range parts {
		k, v, ok := strings.Cut(p, "-")
		if !ok {
			if i != len(parts)-1 {
				return nil, fmt.Errorf("%s: %q is neither an entity (key-value) nor the final suffix", path, p)
			}
			f.Suffix = p
			continue
		}
		if k == "" || v == "" {
			return nil, fmt.Errorf("%s: malformed entity %q", path, p)
		}
		if _, dup := f.Entities[k]; dup {
			return nil, fmt.Errorf("%s: entity %q repeated", path, k)
		}
		f.Entities[k] = v
		f.Order = append(f.Order, k)
	}
	if f.Entities["sub"] == "" {
		return nil, fmt.Errorf("%s: no sub- entity", path)
	}
	return f, nil
}

// Prefix joins the entities in file-name order, leaving out the given keys (e.g. "space", "desc").
func (f *File) Prefix(drop ...string) string {
	skip := map[string]bool{}
	for _, d := range drop {
		skip[d] = true
	}
	var parts []string
	for _, k := range f.Order {
		if !skip[k] {
			parts = append(parts, k+"-"+f.Entities[k])
		}
	}
	return strings.Join(parts, "_")
}

// Filter selects files by entity values; an empty list for a key means any value.
type Filter map[string][]string

func (flt Filter) match(f *File) bool {
	for k, vals := range flt {
		if len(vals) == 0 {
			continue
		}
		ok := false
		for _, v := range vals {
			ok = ok || strings.TrimPrefix(v, k+"-") == f.Entities[k]
		}
		if !ok {
			return false
		}
	}
	return true
}

// FindPreprocBold lists fMRIPrep's preprocessed BOLD runs (*_desc-preproc_bold.nii[.gz]) under
// root that pass the filter, sorted by path.
func FindPreprocBold(root string, flt Filter) ([]*File, error) {
	st, err := os.Stat(root)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s is not a folder", root)
	}
	var out []*File
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		name := d.Name()
		if !strings.HasSuffix(name, "_bold.nii.gz") && !strings.HasSuffix(name, "_bold.nii") {
			return nil
		}
		f, err := ParseName(p)
		if err != nil || f.Entities["desc"] != "preproc" || !flt.match(f) {
			return nil
		}
		out = append(out, f)
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// ConfoundsFor returns fMRIPrep's confounds file of a preprocessed run: in the same folder, named by
// the run's entities without space, res, cohort and desc, then desc-confounds_timeseries.tsv (or
// the fMRIPrep < 20.2 name desc-confounds_regressors.tsv).
func ConfoundsFor(bold *File) (string, error) {
	prefix := bold.Prefix("space", "res", "den", "cohort", "desc")
	dir := filepath.Dir(bold.Path)
	for _, suffix := range []string{"_desc-confounds_timeseries.tsv", "_desc-confounds_regressors.tsv"} {
		p := filepath.Join(dir, prefix+suffix)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s: no confounds file %s_desc-confounds_timeseries.tsv beside it", bold.Path, prefix)
}

// Sidecar returns the JSON sidecar of a file (same name, .json), or "" when there is none.
func Sidecar(f *File) string {
	p := strings.TrimSuffix(f.Path, f.Extension) + ".json"
	if _, err := os.Stat(p); err == nil {
		return p
	}
	return ""
}

// RepetitionTime reads RepetitionTime (seconds) from a BIDS JSON sidecar; an unreadable file, bad
// JSON or a missing or non-positive value is an error naming the file.
func RepetitionTime(path string) (float64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	var m struct{ RepetitionTime float64 }
	if err := json.Unmarshal(b, &m); err != nil {
		return 0, fmt.Errorf("%s: %w", path, err)
	}
	if m.RepetitionTime <= 0 {
		return 0, fmt.Errorf("%s: no positive RepetitionTime", path)
	}
	return m.RepetitionTime, nil
}

// RunName names a run's file for tables: its sub, ses, task and run entities
// ("sub-01_ses-1_task-rest") when the name is BIDS and bids is true, else the file name without
// its .tsv (.tsv.gz) extension.
func RunName(path string, bids bool) string {
	base := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(path), ".gz"), ".tsv")
	if bids {
		if f, err := ParseName(path); err == nil {
			var parts []string
			for _, k := range []string{"sub", "ses", "task", "run"} {
				if v := f.Entities[k]; v != "" {
					parts = append(parts, k+"-"+v)
				}
			}
			if len(parts) > 0 {
				return strings.Join(parts, "_")
			}
		}
	}
	return base
}

// TimeSeriesFiles expands ROI time-series inputs: a folder gives its *_timeseries.tsv files
// (searched recursively, a symlinked folder followed, sorted), a file itself, and anything else is
// a glob pattern (its matches, sorted). A folder or pattern without a table is an error.
func TimeSeriesFiles(paths ...string) ([]string, error) {
	var out []string
	for _, a := range paths {
		st, err := os.Stat(a)
		switch {
		case err == nil && !st.IsDir():
			out = append(out, a)
		case err == nil:
			root, err := filepath.EvalSymlinks(a) // WalkDir does not enter a symlinked root
			if err != nil {
				return nil, err
			}
			var found []string
			err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
				if err == nil && !d.IsDir() && strings.HasSuffix(p, "_timeseries.tsv") {
					found = append(found, p)
				}
				return err
			})
			if err != nil {
				return nil, err
			}
			if len(found) == 0 {
				return nil, fmt.Errorf("%s: no *_timeseries.tsv inside", a)
			}
			sort.Strings(found)
			out = append(out, found...)
		default:
			m, gerr := filepath.Glob(a)
			if gerr != nil || len(m) == 0 {
				return nil, fmt.Errorf("%s: no such file or folder, and no time-series table matches it as a pattern", a)
			}
			sort.Strings(m)
			out = append(out, m...)
		}
	}
	return out, nil
}

// RunIdentity is who and what a run is, as BIDS names it: the participant (participant_id,
// "sub-<label>", the key of participants.tsv) and the session, task and run entities (labels
// without their "ses-", "task-", "run-" keys; empty when the name has none).
type RunIdentity struct {
	Participant string `json:"participant_id"`
	Session     string `json:"session,omitempty"`
	Task        string `json:"task,omitempty"`
	Run         string `json:"run,omitempty"`
}

// IdentifyRun reads a run's identity from its BIDS file name (or a run name such as
// "sub-01_ses-1_task-rest_run-2" that RunName wrote). ok is false when the name has no sub- entity.
func IdentifyRun(name string) (RunIdentity, bool) {
	base := filepath.Base(name)
	var id RunIdentity
	for _, part := range strings.Split(base, "_") {
		k, v, found := strings.Cut(part, "-")
		if !found || v == "" {
			continue
		}
		v = strings.SplitN(v, ".", 2)[0] // a last entity before the extension (no suffix)
		switch k {
		case "sub":
			if id.Participant == "" {
				id.Participant = "sub-" + v
			}
		case "ses":
			id.Session = v
		case "task":
			id.Task = v
		case "run":
			id.Run = v
		}
	}
	return id, id.Participant != ""
}
