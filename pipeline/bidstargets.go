package pipeline

import (
	"path/filepath"
	"strings"
	"unicode"

	"github.com/painmark/painmark/extract"
	"github.com/painmark/painmark/internal/atomicfile"
	"github.com/painmark/painmark/study"
	"github.com/painmark/painmark/table"
	"github.com/painmark/painmark/target"
	"github.com/painmark/painmark/version"
)

// TargetsSidecar is the JSON sidecar of a participant-level target plan of the BIDS App
// (*_desc-<network>_targets.json beside *_targets.tsv): the [target] recipe it was planned with,
// what ranks the targets, and the files it was planned from (file names).
type TargetsSidecar struct {
	Network     string   `json:"Network"`
	Networks    []string `json:"Networks"` // the templates' networks, in order (the dseg's index k+1)
	Avoid       []string `json:"Avoid"`
	AvoidMargin float64  `json:"AvoidMarginMM"`
	MinScore    float64  `json:"MinScore"`
	MinSize     int      `json:"MinSize"`
	MaxTargets  int      `json:"MaxTargets"`
	Score       string   `json:"Score"`
	// Sources are the run, its fMRIPrep brain mask (when present), the templates and the search
	// space.
	Sources         []string `json:"Sources"`
	SoftwareVersion string   `json:"SoftwareVersion"`
}

// descLabel is a name as a BIDS desc- label (letters and digits only).
func descLabel(name string) string {
	return strings.Map(func(r rune) rune {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return r
		}
		return -1
	}, name)
}

// writeTargets plans one extracted run's targets with the study's [target] recipe (as a study's
// targets unit: the run's fMRIPrep brain mask when present) and writes them beside the run's
// time series under the run's entities: <entities>_desc-<network>_targets.tsv (painmark
// target's targets.tsv) and .json (TargetsSidecar), and the individual network map
// <entities>_desc-networks_dseg.nii.gz with its label table _dseg.tsv (index, name; 0 unassigned).
func writeTargets(tr TargetRecipe, j extract.Job) ([]string, error) {
	b, err := study.ParseName(j.Image)
	if err != nil {
		return nil, err
	}
	mask := brainMask(b)
	res, err := tr.plan(j.Image, mask)
	if err != nil {
		return nil, err
	}
	base := filepath.Join(filepath.Dir(j.Out), b.Prefix("desc"))
	tsv, js := base+"_desc-"+descLabel(tr.Network)+"_targets.tsv", base+"_desc-"+descLabel(tr.Network)+"_targets.json"
	seg, segTable := base+"_desc-networks_dseg.nii.gz", base+"_desc-networks_dseg.tsv"
	if err := target.WriteTable(tsv, res.Targets); err != nil {
		return nil, err
	}
	sc := TargetsSidecar{Network: tr.Network, Networks: res.NetworkNames, Avoid: tr.Avoid, AvoidMargin: tr.AvoidMargin, MinScore: tr.MinScore,
		MinSize: tr.MinSize, MaxTargets: tr.MaxTargets, Score: res.ScoreName, SoftwareVersion: version.String()}
	for _, f := range []string{j.Image, mask, tr.Templates, tr.SearchSpace} {
		if f != "" {
			sc.Sources = append(sc.Sources, filepath.Base(f))
		}
	}
	if err := atomicfile.WriteJSON(js, sc); err != nil {
		return nil, err
	}
	if err := target.WriteLabels(res.Dataset, seg, res.NetworkNames, res.Networks.Assign); err != nil {
		return nil, err
	}
	index := make([]float64, len(res.NetworkNames))
	for k := range index {
		index[k] = float64(k + 1)
	}
	if err := table.Write(segTable, &table.Table{Columns: []*table.Column{table.NumericColumn("index", index), table.TextColumn("name", res.NetworkNames)}}); err != nil {
		return nil, err
	}
	return []string{tsv, js, seg, segTable}, nil
}
