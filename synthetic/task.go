package synthetic

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/painmark/painmark/glm"
	"github.com/painmark/painmark/internal/atomicfile"
	"github.com/painmark/painmark/nifti"
	"github.com/painmark/painmark/space"
)

// TaskOptions shape a simulated task fMRI study: subjects scanned in runs of an event-related
// thermal task with noxious heat and innocuous warm trials, each trial evoking a known response
// map (its planted beta at every voxel).
type TaskOptions struct {
	Subjects, Runs int     // 0: 8 and 1
	Frames         int     // frames per run (0: 110)
	TR             float64 // seconds (0: 2)
	// Trials is the number of trials per condition and run (0: 8); onsets 10 s apart plus a
	// jitter of up to 4 s, heat and warm in a seeded random order, each lasting Duration seconds.
	Trials   int
	Duration float64 // 0: 1 s
	// Heat-evoked responses are Shared + Pain, warm ones Shared (both scaled by Amplitude, 0: 1):
	// Pain is the pattern that tells heat from warm, Shared a response to any thermal stimulus.
	Amplitude float64
	// SubjectSD and TrialSD (0: 0.3 and 0.3) are the spread of a subject's mean response around
	// the group pattern and of a trial's response around the subject's, per voxel.
	SubjectSD, TrialSD float64
	// Noise is the standard deviation of the white measurement noise (0: 0.1), added to a
	// baseline near 100 and a slow drift.
	Noise float64
	Seed  uint64
}

// DefaultTaskOptions returns 8 subjects of one 110-frame run (TR 2 s) with 8 heat and 8 warm
// trials, seed 1 (painmark synthetic task's defaults).
func DefaultTaskOptions() TaskOptions { return TaskOptions{Seed: 1}.withDefaults() }

func (o TaskOptions) withDefaults() TaskOptions {
	orDefault(&o.Subjects, 8)
	orDefault(&o.Runs, 1)
	orDefault(&o.Frames, 110)
	orDefault(&o.TR, 2.0)
	orDefault(&o.Trials, 8)
	orDefault(&o.Duration, 1.0)
	orDefault(&o.Amplitude, 1.0)
	orDefault(&o.SubjectSD, 0.3)
	orDefault(&o.TrialSD, 0.3)
	orDefault(&o.Noise, 0.1)
	return o
}

// TaskGridShape and TaskGridAffine are the simulated task runs' grid: 8 mm voxels over MNI space
// (the grid of WriteExampleRun), the brain an ellipsoid inside it.
var (
	TaskGridShape  = [3]int{23, 27, 23}
	TaskGridAffine = space.Affine{{8, 0, 0, -90}, {0, 8, 0, -126}, {0, 0, 8, -72}, {0, 0, 0, 1}}
)

// TaskRun is one simulated run: its events (trial_type heat or warm) and the planted response of
// every trial at every brain voxel (Trials[i][v]: event i, voxel Task.Voxels[v]).
type TaskRun struct {
	Subject string
	Run     int
	Events  []glm.Event
	Trials  [][]float64
	stream  uint64
}

// Task is a simulated task study with its known answer.
type Task struct {
	Options TaskOptions
	// Voxels are the brain voxels' indices in the grid (x fastest); Shared and Pain the group
	// patterns over them.
	Voxels       []int
	Shared, Pain []float64
	Runs         []TaskRun
	baseline     []float64
}

// SimulateTask draws a task study: group patterns, each subject's pattern, events and planted
// trial responses. The time series are made when written (Series), one run at a time.
func SimulateTask(o TaskOptions) (*Task, error) {
	o = o.withDefaults()
	if o.Subjects < 1 || o.Runs < 1 || o.Trials < 1 || o.Frames < 10 || !(o.TR > 0) || !(o.Duration >= 0) {
		return nil, fmt.Errorf("synthetic task: subjects, runs and trials must be positive, frames at least 10 and TR positive")
	}
	if last := 10 + 10*float64(2*o.Trials-1) + 4 + o.Duration + 20; last > float64(o.Frames)*o.TR {
		return nil, fmt.Errorf("synthetic task: %d trials per condition need %.0f s; %d frames of %g s last %.0f s", o.Trials, last, o.Frames, o.TR, float64(o.Frames)*o.TR)
	}
	sh := TaskGridShape
	st := &Task{Options: o}
	for k := 0; k < sh[2]; k++ {
		for j := 0; j < sh[1]; j++ {
			for i := 0; i < sh[0]; i++ {
				x, y, z := (float64(i)-11)/10, (float64(j)-13.5)/12.5, (float64(k)-11)/10
				if x*x+y*y+z*z < 1 {
					st.Voxels = append(st.Voxels, i+sh[0]*(j+sh[1]*k))
				}
			}
		}
	}
	rng := rand.New(rand.NewPCG(o.Seed, 1))
	nv := len(st.Voxels)
	st.Shared, st.Pain, st.baseline = make([]float64, nv), make([]float64, nv), make([]float64, nv)
	for v := range st.Voxels {
		st.Shared[v], st.Pain[v] = rng.NormFloat64(), rng.NormFloat64()
		st.baseline[v] = 100 + 10*rng.Float64()
	}
	stream := uint64(100)
	for s := 1; s <= o.Subjects; s++ {
		heat, warm := make([]float64, nv), make([]float64, nv)
		for v := range heat {
			warm[v] = o.Amplitude * (st.Shared[v] + o.SubjectSD*rng.NormFloat64())
			heat[v] = o.Amplitude * (st.Shared[v] + st.Pain[v] + o.SubjectSD*rng.NormFloat64())
		}
		for r := 1; r <= o.Runs; r++ {
			stream++
			run := TaskRun{Subject: fmt.Sprintf("%02d", s), Run: r, stream: stream}
			order := rng.Perm(2 * o.Trials)
			for i, c := range order {
				mean, tt := heat, "heat"
				if c%2 == 1 {
					mean, tt = warm, "warm"
				}
				onset := math.Round((10+10*float64(i)+4*rng.Float64())*10) / 10
				run.Events = append(run.Events, glm.Event{Onset: onset, Duration: o.Duration, TrialType: tt, Modulation: 1})
				b := make([]float64, nv)
				for v := range b {
					b[v] = mean[v] + o.Amplitude*o.TrialSD*rng.NormFloat64()
				}
				run.Trials = append(run.Trials, b)
			}
			st.Runs = append(st.Runs, run)
		}
	}
	return st, nil
}

// Series returns run i's time series at the brain voxels (Series[v][t]): baseline, a slow drift (the first term of nilearn's cosine drift),
// each trial's planted response times its regressor (the glover HRF convolved with the trial's
// boxcar, nilearn's make_first_level_design_matrix, slice_time_ref 0) and white noise.
func (st *Task) Series(i int) ([][]float64, error) {
	o, run := st.Options, st.Runs[i]
	ft, err := glm.FrameTimes(o.Frames, o.TR, 0)
	if err != nil {
		return nil, err
	}
	ev := make([]glm.Event, len(run.Events))
	for k, e := range run.Events {
		e.TrialType = fmt.Sprintf("trial_%04d", k)
		ev[k] = e
	}
	dopts := glm.DefaultDesignOptions()
	dopts.DriftModel = glm.DriftNone
	d, err := glm.MakeDesign(ft, ev, nil, dopts)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(o.Seed, run.stream))
	ys := make([][]float64, len(st.Voxels))
	for v := range ys {
		y := make([]float64, o.Frames)
		for t := range y {
			y[t] = st.baseline[v] + 2*math.Cos(math.Pi*(float64(t)+0.5)/float64(o.Frames)) + o.Noise*rng.NormFloat64()
			for k := range run.Events {
				y[t] += d.Columns[k][t] * run.Trials[k][v]
			}
		}
		ys[v] = y
	}
	return ys, nil
}

// BoldPath and EventsPath are run i's files under a study folder written by Write.
func (st *Task) BoldPath(dir string, i int) string { return st.runPrefix(dir, i) + "_bold.nii.gz" }

// EventsPath is run i's BIDS events.tsv under dir.
func (st *Task) EventsPath(dir string, i int) string { return st.runPrefix(dir, i) + "_events.tsv" }

func (st *Task) runPrefix(dir string, i int) string {
	r := st.Runs[i]
	return filepath.Join(dir, "sub-"+r.Subject, "func", fmt.Sprintf("sub-%s_task-heat_run-%d", r.Subject, r.Run))
}

// WriteTruth writes the known answer under dir/truth: the brain mask, the group patterns
// (pattern-pain: heat minus warm; pattern-shared) and per run the planted trial responses, one
// volume per event in the order of events.tsv (sub-XX_run-N_trial-betas.nii.gz); float32, 8 mm MNI
// grid.
func (st *Task) WriteTruth(dir string) error {
	sh := TaskGridShape
	nvox := sh[0] * sh[1] * sh[2]
	vol3 := func(path string, vals ...[]float64) error {
		shape := []int{sh[0], sh[1], sh[2]}
		if len(vals) > 1 {
			shape = append(shape, len(vals))
		}
		h := nifti.NewHeader(shape, nifti.Float32)
		h.SetAffine(TaskGridAffine, nifti.XformMNI152)
		data := make([]float64, nvox*len(vals))
		for k, x := range vals {
			for v, g := range st.Voxels {
				data[k*nvox+g] = x[v]
			}
		}
		return nifti.Write(path, h, data)
	}
	truth := filepath.Join(dir, "truth")
	if err := os.MkdirAll(truth, 0o755); err != nil {
		return err
	}
	ones := make([]float64, len(st.Voxels))
	for v := range ones {
		ones[v] = 1
	}
	if err := vol3(filepath.Join(truth, "mask.nii.gz"), ones); err != nil {
		return err
	}
	if err := vol3(filepath.Join(truth, "pattern-pain.nii.gz"), st.Pain); err != nil {
		return err
	}
	if err := vol3(filepath.Join(truth, "pattern-shared.nii.gz"), st.Shared); err != nil {
		return err
	}
	for _, r := range st.Runs {
		if err := vol3(filepath.Join(truth, fmt.Sprintf("sub-%s_run-%d_trial-betas.nii.gz", r.Subject, r.Run)), r.Trials...); err != nil {
			return err
		}
	}
	return nil
}

// Write writes the study as BIDS under dir: per run the BOLD image (float32, 8 mm MNI grid), its
// sidecar and events.tsv, and the known answer under truth/ (WriteTruth).
func (st *Task) Write(dir string) error {
	if err := st.WriteTruth(dir); err != nil {
		return err
	}
	desc := "{\"Name\": \"painmark synthetic task (heat vs warm)\", \"BIDSVersion\": \"1.8.0\", \"DatasetType\": \"raw\"}\n"
	if err := atomicfile.WriteFile(filepath.Join(dir, "dataset_description.json"), []byte(desc)); err != nil {
		return err
	}
	for i, r := range st.Runs {
		if err := os.MkdirAll(filepath.Dir(st.runPrefix(dir, i)), 0o755); err != nil {
			return err
		}
		var b strings.Builder
		b.WriteString("onset\tduration\ttrial_type\n")
		for _, e := range r.Events {
			fmt.Fprintf(&b, "%s\t%s\t%s\n", strconv.FormatFloat(e.Onset, 'f', -1, 64), strconv.FormatFloat(e.Duration, 'f', -1, 64), e.TrialType)
		}
		if err := atomicfile.WriteFile(st.EventsPath(dir, i), []byte(b.String())); err != nil {
			return err
		}
		sidecar := fmt.Sprintf("{\"RepetitionTime\": %s, \"TaskName\": \"heat\"}\n", strconv.FormatFloat(st.Options.TR, 'f', -1, 64))
		if err := atomicfile.WriteFile(st.runPrefix(dir, i)+"_bold.json", []byte(sidecar)); err != nil {
			return err
		}
		if err := st.writeBold(st.BoldPath(dir, i), i); err != nil {
			return err
		}
	}
	return nil
}

func (st *Task) writeBold(path string, i int) error {
	ys, err := st.Series(i)
	if err != nil {
		return err
	}
	sh := TaskGridShape
	h := nifti.NewHeader([]int{sh[0], sh[1], sh[2], st.Options.Frames}, nifti.Float32)
	h.Pixdim[4] = st.Options.TR
	h.SetAffine(TaskGridAffine, nifti.XformMNI152)
	w, err := nifti.Create(path, h)
	if err != nil {
		return err
	}
	defer w.Abort()
	vol := make([]float64, sh[0]*sh[1]*sh[2])
	for t := 0; t < st.Options.Frames; t++ {
		for v, g := range st.Voxels {
			vol[g] = ys[v][t]
		}
		if err := w.WriteVolume(vol); err != nil {
			return err
		}
	}
	return w.Close()
}

// WriteTask simulates a task study (SimulateTask) and writes it under dir (Task.Write).
func WriteTask(dir string, o TaskOptions) (*Task, error) {
	st, err := SimulateTask(o)
	if err != nil {
		return nil, err
	}
	return st, st.Write(dir)
}

// WriteConditionBetas estimates every run's heat and warm betas (OLS on the simulated series with
// nilearn's default design: glover HRF, cosine drift at 0.01 Hz; no signal scaling) and writes
// them under dir as sub-XX_run-N_heat.nii.gz and _warm.nii.gz (float64, 8 mm MNI grid); it returns
// the paths of each condition's maps in run order.
func (st *Task) WriteConditionBetas(dir string) (heat, warm []string, err error) {
	o := st.Options
	ft, err := glm.FrameTimes(o.Frames, o.TR, 0)
	if err != nil {
		return nil, nil, err
	}
	sh := TaskGridShape
	for i, run := range st.Runs {
		d, err := glm.MakeDesign(ft, run.Events, nil, glm.DefaultDesignOptions())
		if err != nil {
			return nil, nil, err
		}
		m, err := glm.NewOLS(d)
		if err != nil {
			return nil, nil, err
		}
		ys, err := st.Series(i)
		if err != nil {
			return nil, nil, err
		}
		f, err := m.Fit(ys)
		if err != nil {
			return nil, nil, err
		}
		for c, cond := range d.Names[:2] { // heat, warm: conditions in sorted order
			vol := make([]float64, sh[0]*sh[1]*sh[2])
			for v, g := range st.Voxels {
				vol[g] = f.Beta[v][c]
			}
			h := nifti.NewHeader([]int{sh[0], sh[1], sh[2]}, nifti.Float64)
			h.SetAffine(TaskGridAffine, nifti.XformMNI152)
			p := filepath.Join(dir, fmt.Sprintf("sub-%s_run-%d_%s.nii.gz", run.Subject, run.Run, cond))
			if err := nifti.Write(p, h, vol); err != nil {
				return nil, nil, err
			}
			if cond == "heat" {
				heat = append(heat, p)
			} else {
				warm = append(warm, p)
			}
		}
	}
	return heat, warm, nil
}
