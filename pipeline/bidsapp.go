package pipeline

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/painmark/painmark/connectome"
	"github.com/painmark/painmark/extract"
	"github.com/painmark/painmark/features"
	"github.com/painmark/painmark/internal/atomicfile"
	"github.com/painmark/painmark/study"
	"github.com/painmark/painmark/table"
)

// The analysis levels of a BIDS App (the BIDS Apps specification: "participant" runs each
// participant independently, "group" runs over the participant-level outputs).
const (
	ParticipantLevel = "participant"
	GroupLevel       = "group"
)

// BIDSAppOptions are the arguments of painmark's BIDS-App entry point (the BIDS Apps
// specification: painmark BIDS_DIR OUTPUT_DIR participant|group [--participant-label ...]).
type BIDSAppOptions struct {
	// BIDSDir is the BIDS dataset (its participants.tsv holds the targets); OutputDir the
	// derivative dataset painmark writes.
	BIDSDir, OutputDir string
	// Level is ParticipantLevel or GroupLevel.
	Level string
	// ParticipantLabels restrict the participant level to these participants (labels without
	// "sub-", as the specification's --participant_label; "sub-01" is accepted too). Empty: all.
	ParticipantLabels []string
	// Fmriprep is the fMRIPrep derivatives folder (default BIDS_DIR/derivatives/fmriprep).
	Fmriprep string
	// Study is an optional study file whose [extract], [connectivity] and steps replace the
	// defaults (its [inputs] and output are replaced by the BIDS App's); its [target] runs at the
	// participant level, its steps at the group level.
	Study string
	// Target is the participants.tsv column the group level's signature predicts when no study
	// file declares the steps (a TABLE:COLUMN is accepted too).
	Target string
	// Combine is how a person's runs become one row without a study file (default
	// features.CombineMean: the participant-level target needs one row per person).
	Combine string
	// CommandLine is recorded in dataset_description.json's GeneratedBy; Version is the software
	// version in the cache keys (version.String() for painmark).
	CommandLine, Version string
	Logger               *slog.Logger
}

// DefaultBIDSAppOptions are the BIDS App's defaults: the runs of a person averaged
// (features.CombineMean), painmark extract's and painmark connectome's options otherwise.
func DefaultBIDSAppOptions() BIDSAppOptions {
	return BIDSAppOptions{Combine: features.CombineMean}
}

// BIDSAppResult is what a BIDS App level wrote.
type BIDSAppResult struct {
	Level        string
	Participants []string // participant_ids processed (participant level)
	Files        []string // derivative files written (participant level)
	Group        *RunResult
	// StudyFile is the study file the group level ran (written to OUTPUT_DIR/group/study.toml
	// when the options, not a study file, declared it).
	StudyFile string
}

// RunBIDSApp runs one level of the BIDS App. The participant level extracts each run of the
// selected participants (as painmark extract: OUTPUT_DIR/sub-XX/[ses-YY/]func/<entities>_space-
// <space>_atlas-<atlas>_timeseries.tsv with its JSON sidecar) and writes each person's
// connectivity beside it (<entities>_space-_atlas-_meas-<measure>[_desc-<combine>]_relmat.tsv and
// .json, as the BIDS connectivity proposal BEP017 and xcp_d name them); when the --study file
// declares [target], each selected run's targets beside it (writeTargets: <entities>_desc-<network>
// _targets.tsv and .json, the individual network map _desc-networks_dseg.nii.gz and .tsv);
// participants are independent, so their jobs may run in parallel. The group level runs a study (the --study file,
// or one built from the options and written to OUTPUT_DIR/group/study.toml) on the
// participant-level time series: the cohort feature table and the declared steps (a
// signature_train step by default) under OUTPUT_DIR/group. Both write
// OUTPUT_DIR/dataset_description.json.
func RunBIDSApp(o BIDSAppOptions) (*BIDSAppResult, error) {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if st, err := os.Stat(o.BIDSDir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("BIDS_DIR %s: not a folder", o.BIDSDir)
	}
	if o.OutputDir == "" {
		return nil, fmt.Errorf("OUTPUT_DIR is required")
	}
	if o.Fmriprep == "" {
		o.Fmriprep = filepath.Join(o.BIDSDir, "derivatives", "fmriprep")
	}
	var err error
	if o.OutputDir, err = filepath.Abs(o.OutputDir); err != nil {
		return nil, err
	}
	if o.Fmriprep, err = filepath.Abs(o.Fmriprep); err != nil {
		return nil, err
	}
	var res *BIDSAppResult
	switch o.Level {
	case ParticipantLevel:
		res, err = o.participant()
	case GroupLevel:
		res, err = o.group()
	default:
		return nil, fmt.Errorf("analysis level %q: participant or group", o.Level)
	}
	if err != nil {
		return nil, err
	}
	return res, study.WriteDerivativeDescription(o.OutputDir, o.CommandLine, o.BIDSDir, o.Fmriprep)
}

// recipe is the extraction and connectivity of the App: the study file's, or the defaults with
// the App's combination rule.
func (o BIDSAppOptions) recipe() (*Study, error) {
	if o.Study != "" { // the App's fMRIPrep runs replace the file's [inputs]
		return load(o.Study, func(s *Study) {
			s.Inputs.Timeseries, s.Inputs.Fmriprep, s.Inputs.IDs, s.Output = "", o.Fmriprep, features.BIDSNames, o.OutputDir
		})
	}
	s := &Study{Path: "painmark BIDS App"}
	s.Extract = studyExtract(extract.DefaultRunOptions())
	d := features.DefaultConnectomeOptions()
	s.Connectivity = Connectivity{Kind: string(d.Measure.Kind), Estimator: string(d.Measure.Estimator), Scaling: string(d.Measure.Scaling), FisherZ: d.FisherZ, KeepDiagonal: !d.DiscardDiagonal}
	if o.Combine != features.CombineNone {
		s.Connectivity.Combine = o.Combine
	}
	return s, nil
}

// studyExtract are a study's [extract] options of extraction options (the inverse of
// Extract.options).
func studyExtract(e extract.RunOptions) Extract {
	return Extract{Atlas: e.Atlas, AtlasTable: e.AtlasTable, Strategy: string(e.Strategy), Missing: string(e.Missing), Confounds: e.Confounds,
		Detrend: e.Detrend, Standardize: string(e.Standardize), Filter: string(e.Filter), HighPass: e.HighPass, LowPass: e.LowPass, TR: e.TR, Nilearn: e.Nilearn}
}

// participant runs the participant level.
func (o BIDSAppOptions) participant() (*BIDSAppResult, error) {
	s, err := o.recipe()
	if err != nil {
		return nil, err
	}
	if connectome.Kind(s.Connectivity.Kind) == connectome.Tangent {
		return nil, fmt.Errorf("the tangent kind needs the whole cohort: it cannot be computed participant by participant")
	}
	spec, err := s.Extract.options().Spec()
	if err != nil {
		return nil, err
	}
	labels := make([]string, len(o.ParticipantLabels))
	for i, l := range o.ParticipantLabels {
		labels[i] = strings.TrimPrefix(l, "sub-")
	}
	jobs, err := extract.FolderJobs(o.Fmriprep, o.OutputDir, study.Filter{"sub": labels}, spec)
	if err != nil {
		return nil, err
	}
	res := &BIDSAppResult{Level: ParticipantLevel}
	byPerson := map[string][]string{}
	err = extract.RunJobs(jobs, spec, func(i int, j extract.Job, _ *extract.RunOutput) {
		o.Logger.Info("extracted", "run", filepath.Base(j.Out))
		id, _ := study.IdentifyRun(j.Out)
		byPerson[id.Participant] = append(byPerson[id.Participant], j.Out)
		res.Files = append(res.Files, j.Out, strings.TrimSuffix(j.Out, ".tsv")+".json") // the series and its sidecar
	})
	if err != nil {
		return nil, err
	}
	for _, l := range labels {
		if byPerson["sub-"+l] == nil {
			return nil, fmt.Errorf("%s: no preprocessed run of sub-%s", o.Fmriprep, l)
		}
	}
	if s.Target != nil { // the study's [target]: each selected run's targets beside its time series
		for _, j := range jobs {
			written, err := writeTargets(*s.Target, j)
			if err != nil {
				return nil, err
			}
			res.Files = append(res.Files, written...)
		}
	}
	for p, files := range byPerson {
		res.Participants = append(res.Participants, p)
		written, err := writeRelmats(files, s.Connectivity)
		if err != nil {
			return nil, err
		}
		res.Files = append(res.Files, written...)
	}
	sort.Strings(res.Participants)
	sort.Strings(res.Files)
	return res, nil
}

// RelmatSidecar is the JSON sidecar of a connectivity matrix derivative (*_relmat.json): how it
// was computed and from which time series.
type RelmatSidecar struct {
	Measure         string   `json:"Measure"`
	Estimator       string   `json:"Estimator"`
	Scaling         string   `json:"Scaling"`
	FisherZ         bool     `json:"FisherZ"`
	Combine         string   `json:"Combine"`
	RegionNames     []string `json:"RegionNames"`
	Sources         []string `json:"Sources"`
	SoftwareVersion string   `json:"SoftwareVersion"`
}

// measureLabels are BEP017's meas- labels of the connectivity kinds.
var measureLabels = map[connectome.Kind]string{connectome.Correlation: "PearsonCorrelation", connectome.PartialCorrelation: "PartialCorrelation",
	connectome.Covariance: "Covariance", connectome.Precision: "Precision"}

// writeRelmats computes one person's connectivity from its runs' time-series tables (combined by
// the recipe's rule, or one matrix per run) and writes each matrix beside its runs.
func writeRelmats(files []string, c Connectivity) ([]string, error) {
	sort.Strings(files)
	series, err := features.ReadSeries(files, c.Drop, features.BIDSNames)
	if err != nil {
		return nil, err
	}
	o := c.options()
	o.Matrices, o.Combine = true, c.Combine
	if o.Combine == "" {
		o.Combine = features.CombineNone
	}
	res, err := features.Connectomes(series, o)
	if err != nil {
		return nil, err
	}
	var out []string
	for r := range res.Matrices {
		src := files[r : r+1]
		if o.Combine != features.CombineNone {
			src = files
		}
		f, err := study.ParseName(src[0])
		if err != nil {
			return nil, err
		}
		drop := []string{}
		if len(src) > 1 { // entities the runs do not share leave the name
			for _, k := range []string{"ses", "task", "acq", "run"} {
				for _, other := range src[1:] {
					g, err := study.ParseName(other)
					if err == nil && g.Entities[k] != f.Entities[k] {
						drop = append(drop, k)
						break
					}
				}
			}
		}
		name := f.Prefix(drop...) + "_meas-" + measureLabels[connectome.Kind(c.Kind)]
		if o.Combine != features.CombineNone {
			name += "_desc-" + o.Combine
		}
		base := filepath.Join(filepath.Dir(src[0]), name+"_relmat")
		regions := res.Table.Definition.RegionNames()
		if err := features.WriteMatrix(base+".tsv", regions, res.Matrices[r]); err != nil {
			return nil, err
		}
		d := res.Table.Definition
		sc := RelmatSidecar{Measure: string(d.Measure.Kind), Estimator: string(d.Measure.Estimator), Scaling: string(d.Measure.Scaling), FisherZ: d.Measure.FisherZ,
			Combine: o.Combine, RegionNames: regions, SoftwareVersion: d.Provenance.SoftwareVersion}
		for _, s := range src {
			sc.Sources = append(sc.Sources, filepath.Base(s))
		}
		if err := atomicfile.WriteJSON(base+".json", sc); err != nil {
			return nil, err
		}
		out = append(out, base+".tsv", base+".json")
	}
	return out, nil
}

// group runs the group level: the study on the participant-level time series.
func (o BIDSAppOptions) group() (*BIDSAppResult, error) {
	if len(o.ParticipantLabels) > 0 {
		return nil, fmt.Errorf("--participant-label: the group level analyses every participant under %s", o.OutputDir)
	}
	groupDir := filepath.Join(o.OutputDir, "group")
	path := o.Study
	if path == "" {
		if o.Target == "" {
			return nil, fmt.Errorf("the group level needs --target (a participants.tsv column) or --study (a study file declaring its steps)")
		}
		text, err := o.groupStudy()
		if err != nil {
			return nil, err
		}
		if err := os.MkdirAll(groupDir, 0o755); err != nil {
			return nil, err
		}
		path = filepath.Join(groupDir, "study.toml")
		if err := atomicfile.WriteFile(path, []byte(text)); err != nil {
			return nil, err
		}
	}
	var prepare func(*Study)
	if o.Study != "" { // the user's study file: the App's inputs and output replace its own, and
		// its extraction and targets ran at the participant level
		prepare = func(s *Study) {
			s.Inputs.Timeseries, s.Inputs.Fmriprep, s.Inputs.IDs = o.OutputDir, "", features.BIDSNames
			s.Inputs.Subjects, s.Inputs.Sessions, s.Inputs.Tasks, s.Inputs.Runs, s.Inputs.Spaces = nil, nil, nil, nil, nil
			s.Output, s.Extract, s.Target = groupDir, Extract{}, nil
		}
	}
	s, err := load(path, prepare)
	if err != nil {
		return nil, err
	}
	rr, err := s.Run(RunOptions{Version: o.Version, Logger: o.Logger})
	if err != nil {
		return nil, err
	}
	return &BIDSAppResult{Level: GroupLevel, Group: rr, StudyFile: path}, nil
}

// groupStudy is the study file of the group level without a study file: the cohort of the
// participant-level time series, combined by the App's rule, and a signature trained on the
// target column of BIDS_DIR/participants.tsv with painmark signature train's defaults, its
// training cohort named by the BIDS dataset's folder (painmark signature train --cohort NAME).
func (o BIDSAppOptions) groupStudy() (string, error) {
	target := o.Target
	if !strings.Contains(target, ":") {
		target = filepath.Join(o.BIDSDir, "participants.tsv") + ":" + target
	}
	ref, err := table.ParseColumnRef(target, "--target")
	if err != nil {
		return "", err
	}
	if ref.Path, err = filepath.Abs(ref.Path); err != nil {
		return "", err
	}
	combine := o.Combine
	if combine == "" {
		combine = features.CombineNone
	}
	return fmt.Sprintf(`# The group level of painmark's BIDS App (painmark BIDS_DIR OUTPUT_DIR group): the cohort of the
# participant-level time series and a signature trained on %s.
name = "bids-app-group"
output = "."

[inputs]
timeseries = ".."
ids = "bids"

[connectivity]
combine = %q

[[signature_train]]
name = "signature"
features = "@cohort"
target = %q
cohort = %q
`, ref.Column, combine, ref.String(), filepath.Base(filepath.Clean(o.BIDSDir))), nil
}
