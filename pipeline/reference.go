package pipeline

import (
	"os"
	"path/filepath"
)

// DefaultStudy is a study with every section declared and every optional key left out, as Load
// completes it: its values are the defaults a study file gets (the reference page's defaults).
// Required keys hold placeholders.
func DefaultStudy() (*Study, error) {
	dir, err := os.MkdirTemp("", "painmark-defaults-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "study.toml")
	text := `output = "out"
[inputs]
fmriprep = "fmriprep"
[model]
target = "participants.tsv:pain"
[[validation]]
name = "retest"
timeseries = "retest"
target = "retest.tsv:pain"
[[cohort]]
name = "independent"
fmriprep = "independent"
[target]
templates = "templates.nii.gz"
search_space = "search.nii.gz"
network = "SCAN"
`
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		return nil, err
	}
	return Load(path)
}
