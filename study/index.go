package study

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Index is a typed inventory of a study's data: BIDS raw BOLD runs, fMRIPrep's preprocessed runs
// and confounds, ciftify's dense time series and FreeSurfer subjects, found under the given roots
// (a BIDS dataset, its derivatives folder, a SUBJECTS_DIR, a ciftify folder, in any combination).
type Index struct {
	Raw     []*File // sub-*/[ses-*/]func/*_bold.nii[.gz] that are not derivatives
	Preproc []*File // *_desc-preproc_bold.nii[.gz]
	// Confounds maps a preprocessed run's path to its confounds table ("" when absent).
	Confounds map[string]string
	// Ciftify lists per subject its MNINonLinear/Results/*/*_Atlas*.dtseries.nii.
	Ciftify map[string][]string
	// FreeSurfer lists the subjects of a SUBJECTS_DIR with stats/lh.aparc.stats and rh.aparc.stats.
	FreeSurfer map[string]string
}

// BuildIndex walks the roots.
func BuildIndex(roots ...string) (*Index, error) {
	ix := &Index{Confounds: map[string]string{}, Ciftify: map[string][]string{}, FreeSurfer: map[string]string{}}
	for _, root := range roots {
		real, err := filepath.EvalSymlinks(root)
		if err != nil {
			return nil, err
		}
		err = filepath.WalkDir(real, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			name := d.Name()
			if d.IsDir() {
				// A FreeSurfer subject: stats/?h.aparc.stats inside.
				if _, e1 := os.Stat(filepath.Join(p, "stats", "lh.aparc.stats")); e1 == nil {
					if _, e2 := os.Stat(filepath.Join(p, "stats", "rh.aparc.stats")); e2 == nil {
						ix.FreeSurfer[strings.TrimPrefix(name, "sub-")] = p
					}
				}
				return nil
			}
			switch {
			case strings.HasSuffix(name, ".dtseries.nii") && strings.Contains(filepath.ToSlash(p), "/MNINonLinear/Results/"):
				sub := ciftifySubject(p)
				ix.Ciftify[sub] = append(ix.Ciftify[sub], p)
			case strings.HasSuffix(name, "_bold.nii.gz") || strings.HasSuffix(name, "_bold.nii"):
				f, err := ParseName(p)
				if err != nil {
					return nil // not a BIDS name: not indexed
				}
				if f.Entities["desc"] == "preproc" {
					ix.Preproc = append(ix.Preproc, f)
					c, err := ConfoundsFor(f)
					if err != nil {
						c = ""
					}
					ix.Confounds[p] = c
				} else if !strings.Contains(filepath.ToSlash(p), "/derivatives/") && f.Entities["space"] == "" {
					ix.Raw = append(ix.Raw, f)
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Slice(ix.Raw, func(i, j int) bool { return ix.Raw[i].Path < ix.Raw[j].Path })
	sort.Slice(ix.Preproc, func(i, j int) bool { return ix.Preproc[i].Path < ix.Preproc[j].Path })
	return ix, nil
}

// ciftifySubject is the folder above MNINonLinear (ciftify's subject folder), without "sub-".
func ciftifySubject(p string) string {
	parts := strings.Split(filepath.ToSlash(p), "/")
	for i, s := range parts {
		if s == "MNINonLinear" && i > 0 {
			return strings.TrimPrefix(parts[i-1], "sub-")
		}
	}
	return ""
}

// SubjectSummary is what the index holds for one subject.
type SubjectSummary struct {
	Subject    string
	Raw        int
	Preproc    int
	Confounds  int
	Ciftify    int
	FreeSurfer bool
	// Missing lists what a complete subject would have and this one lacks.
	Missing []string
}

// runKey identifies a run across raw and derivatives: sub, ses, task, acq, run.
func runKey(f *File) string {
	var parts []string
	for _, k := range []string{"sub", "ses", "task", "acq", "run"} {
		if v := f.Entities[k]; v != "" {
			parts = append(parts, k+"-"+v)
		}
	}
	return strings.Join(parts, "_")
}

// Summary reports each subject (passing the filter): counts, and what is missing: raw runs without
// a preprocessed run, preprocessed runs without confounds, subjects without FreeSurfer outputs
// when other subjects have them (likewise ciftify).
func (ix *Index) Summary(flt Filter) []SubjectSummary {
	by := map[string]*SubjectSummary{}
	get := func(sub string) *SubjectSummary {
		if s, ok := by[sub]; ok {
			return s
		}
		s := &SubjectSummary{Subject: sub}
		by[sub] = s
		return s
	}
	pre := map[string]bool{}
	for _, f := range ix.Preproc {
		if !flt.match(f) {
			continue
		}
		s := get(f.Entities["sub"])
		s.Preproc++
		pre[runKey(f)] = true
		if ix.Confounds[f.Path] != "" {
			s.Confounds++
		} else {
			s.Missing = append(s.Missing, "confounds of "+filepath.Base(f.Path))
		}
	}
	rawFlt := Filter{}
	for k, v := range flt {
		if k != "space" && k != "desc" {
			rawFlt[k] = v
		}
	}
	for _, f := range ix.Raw {
		if !rawFlt.match(f) {
			continue
		}
		s := get(f.Entities["sub"])
		s.Raw++
		if len(ix.Preproc) > 0 && !pre[runKey(f)] {
			s.Missing = append(s.Missing, "preprocessed run of "+filepath.Base(f.Path))
		}
	}
	for _, sub := range flt["sub"] {
		get(strings.TrimPrefix(sub, "sub-"))
	}
	for sub, files := range ix.Ciftify {
		if len(flt["sub"]) == 0 || by[sub] != nil {
			get(sub).Ciftify = len(files)
		}
	}
	for sub := range ix.FreeSurfer {
		if len(flt["sub"]) == 0 || by[sub] != nil {
			get(sub).FreeSurfer = true
		}
	}
	var out []SubjectSummary
	for _, s := range by {
		if s.Raw+s.Preproc == 0 && len(flt["sub"]) > 0 {
			s.Missing = append(s.Missing, "any BOLD run matching the filters")
		}
		if len(ix.FreeSurfer) > 0 && !s.FreeSurfer {
			s.Missing = append(s.Missing, "FreeSurfer stats (other subjects have them)")
		}
		if len(ix.Ciftify) > 0 && s.Ciftify == 0 {
			s.Missing = append(s.Missing, "ciftify dtseries (other subjects have them)")
		}
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Subject < out[j].Subject })
	return out
}

// String is one line per subject.
func (s SubjectSummary) String() string {
	fs := "no"
	if s.FreeSurfer {
		fs = "yes"
	}
	line := fmt.Sprintf("sub-%-10s raw %3d  preprocessed %3d  confounds %3d  ciftify %3d  freesurfer %s", s.Subject, s.Raw, s.Preproc, s.Confounds, s.Ciftify, fs)
	if len(s.Missing) > 0 {
		line += "\n    missing: " + strings.Join(s.Missing, "; ")
	}
	return line
}
