package study

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"

	"github.com/painmark/painmark/internal/atomicfile"
	"github.com/painmark/painmark/version"
)

// CodeURL is where painmark's source lives (GeneratedBy's CodeURL).
const CodeURL = "https://github.com/painmark/painmark"

// BIDSVersion is the BIDS specification version painmark's derivatives follow.
const BIDSVersion = "1.9.0"

// GeneratedBy is one entry of a derivative dataset's GeneratedBy (BIDS: the pipeline that made
// it): its name, version, source and, in Description, the command that ran.
type GeneratedBy struct {
	Name        string `json:"Name"`
	Version     string `json:"Version"`
	CodeURL     string `json:"CodeURL"`
	Description string `json:"Description,omitempty"`
}

// DatasetDescription is a BIDS derivative dataset's dataset_description.json.
type DatasetDescription struct {
	Name           string           `json:"Name"`
	BIDSVersion    string           `json:"BIDSVersion"`
	DatasetType    string           `json:"DatasetType"`
	GeneratedBy    []GeneratedBy    `json:"GeneratedBy"`
	SourceDatasets []map[string]any `json:"SourceDatasets,omitempty"`
}

// WriteDerivativeDescription writes dir/dataset_description.json of a painmark derivative dataset
// (DatasetType "derivative", GeneratedBy painmark with its version, CodeURL and the command line
// in Description), atomically, creating dir. sources are the folders of the datasets it was made
// from (the raw BIDS dataset, the fMRIPrep derivatives), recorded as SourceDatasets with a file://
// URL of their absolute path and, when their own dataset_description.json names one, the
// version of the pipeline that made them.
func WriteDerivativeDescription(dir, commandLine string, sources ...string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	d := DatasetDescription{Name: "painmark derivatives", BIDSVersion: BIDSVersion, DatasetType: "derivative",
		GeneratedBy: []GeneratedBy{{Name: "painmark", Version: version.Version, CodeURL: CodeURL, Description: commandLine}}}
	for _, src := range sources {
		abs, err := filepath.Abs(src)
		if err != nil {
			return err
		}
		entry := map[string]any{"URL": (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()}
		var theirs struct{ GeneratedBy []GeneratedBy }
		if b, err := os.ReadFile(filepath.Join(abs, "dataset_description.json")); err == nil && json.Unmarshal(b, &theirs) == nil && len(theirs.GeneratedBy) > 0 && theirs.GeneratedBy[0].Version != "" {
			entry["Version"] = theirs.GeneratedBy[0].Version
		}
		d.SourceDatasets = append(d.SourceDatasets, entry)
	}
	return atomicfile.WriteJSON(filepath.Join(dir, "dataset_description.json"), d)
}
