package report

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/painmark/painmark/table"
)

// AddInputs records the input files of a command or study step with their checksums: a
// TABLE:COLUMN argument by its table, a folder by its name (without a checksum); empty and
// repeated inputs are skipped.
func (d *Document) AddInputs(inputs ...string) {
	seen := map[string]bool{}
	for _, in := range inputs {
		if in == "" {
			continue
		}
		if _, err := os.Stat(in); err != nil {
			if ref, err := table.ParseColumnRef(in, "input"); err == nil {
				in = ref.Path // TABLE:COLUMN names the table's file
			}
		}
		if seen[in] {
			continue
		}
		seen[in] = true
		if st, err := os.Stat(in); err == nil && !st.IsDir() {
			if err := d.AddInputFile(in); err == nil {
				continue
			}
		}
		d.AddFolder(in)
	}
}

// Reporter is a workflow result that adds its sections to a report (its AddReport method).
type Reporter interface{ AddReport(*Document) }

// WriteResult writes the report of a workflow result to path: titled title, for the command line
// (or study step) command, recording the inputs (AddInputs), with the result's sections.
func WriteResult(path, title, command string, res Reporter, inputs ...string) error {
	d := New(title, command)
	d.AddInputs(inputs...)
	res.AddReport(d)
	return d.Write(path)
}

// InputName is what a report calls the input at path (a feature table, a map, a table): the
// file's name without its extensions ("sub-01_thickness.dscalar.nii" is "sub-01_thickness");
// painmark connectome names every cohort's table features.tsv, so that file (or a folder holding
// it) is named by its folder and the folder's parent ("train/conn/features.tsv" is "train/conn").
// A name without a folder or such an extension (a column, a cohort's name) is itself.
func InputName(path string) string {
	if path == "" {
		return ""
	}
	clean := filepath.Clean(path)
	base := filepath.Base(clean)
	stem := strings.TrimSuffix(base, ".gz")
	switch filepath.Ext(stem) {
	case ".tsv", ".csv", ".txt", ".nii", ".gii", ".mgz", ".mgh", ".annot", ".npy", ".json":
		stem = strings.TrimSuffix(stem, filepath.Ext(stem))
	}
	switch filepath.Ext(stem) {
	case ".dscalar", ".dtseries", ".dlabel", ".pscalar", ".ptseries", ".func", ".shape", ".label":
		stem = strings.TrimSuffix(stem, filepath.Ext(stem))
	}
	dir := clean
	if stem == "features" {
		dir = filepath.Dir(clean)
	} else if stem != base {
		return stem
	}
	parent := filepath.Base(filepath.Dir(dir))
	if parent == "." || parent == "/" || parent == ".." {
		return filepath.Base(dir)
	}
	return parent + "/" + filepath.Base(dir)
}
