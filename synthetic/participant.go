package synthetic

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/painmark/painmark/signal"
	"github.com/painmark/painmark/table"
)

// ParticipantOptions shape a simulated densely sampled participant (Lee et al. 2026: one person
// scanned in many sessions, each with several runs, rating ongoing pain continuously).
type ParticipantOptions struct {
	Sessions, RunsPerSession int     // 0: 24 and 3
	Frames                   int     // frames per run (0: 600)
	TR                       float64 // seconds (0: 1)
	Regions                  int     // 0: 268
	// Planted are the regions whose co-fluctuations carry the pain (0: 6); their indices are
	// drawn from the seed, so two seeds give two people with different patterns.
	Planted  int
	Strength float64 // squared coupling at the highest pain (0: 2)
	LagSec   float64 // haemodynamic lag of the brain behind the rating (0: 6 s)
	// CensorFraction is the share of frames censored for motion, in short bursts (0: 0.05).
	CensorFraction float64
	// Motion simulates head motion: a framewise displacement (FD, mm) per frame and an artefact
	// shared by all regions whose amplitude grows with FD (so edge co-fluctuations grow with
	// motion), written as fMRIPrep confounds (framewise_displacement). MotionPain (0 to 1, and it
	// implies Motion) is how much the FD follows the pain felt (the haemodynamic lag earlier, as
	// the planted coupling): a participant who moves when in pain, whose decoder can read motion
	// as pain. Without either, nothing about the participant changes.
	Motion     bool
	MotionPain float64
	Seed       uint64
}

// DefaultParticipantOptions returns 24 sessions of 3 runs of 600 frames (TR 1 s), 268 regions of
// which 6 carry the pain, and seed 1 (painmark synthetic participant's defaults).
func DefaultParticipantOptions() ParticipantOptions {
	return ParticipantOptions{Seed: 1}.withDefaults()
}

func (o ParticipantOptions) withDefaults() ParticipantOptions {
	orDefault(&o.Sessions, 24)
	orDefault(&o.RunsPerSession, 3)
	orDefault(&o.Frames, 600)
	orDefault(&o.TR, 1.0)
	orDefault(&o.Regions, 268)
	orDefault(&o.Planted, 6)
	orDefault(&o.Strength, 2.0)
	orDefault(&o.LagSec, 6.0)
	orDefault(&o.CensorFraction, 0.05)
	return o
}

// Run is one scan run with its continuous pain rating.
type Run struct {
	Session, Run string
	TR           float64
	Series       signal.Matrix // frames x regions
	Censored     []bool        // motion-censored frames
	// RatingTime (seconds from the run's start, 1 Hz) and Rating (0-100) are the continuous rating.
	RatingTime, Rating []float64
	// FD is the framewise displacement per frame (mm; nil without Motion).
	FD []float64
}

// Participant is a simulated person: runs and the planted regions.
type Participant struct {
	Runs    []Run
	Planted []int
	Options ParticipantOptions
}

// SimulateParticipant draws a participant. Pain drifts slowly across sessions (a random walk of
// session means) and fluctuates on the scale of minutes within runs (AR(1) at 1 Hz, time constant
// about 40 s), rated on 0-100 with rating noise. Every region's series is AR(1) noise; every pair
// of planted regions shares a component whose amplitude grows with the pain felt LagSec earlier,
// so their co-fluctuations (edge time series) track the rating after the haemodynamic lag. Motion
// censors short bursts of frames.
func SimulateParticipant(o ParticipantOptions) (*Participant, error) {
	o = o.withDefaults()
	if o.Planted < 2 || o.Planted > o.Regions {
		return nil, fmt.Errorf("%d planted regions of %d", o.Planted, o.Regions)
	}
	rng := rand.New(rand.NewPCG(o.Seed, 0xdec0de))
	perm := rng.Perm(o.Regions)
	planted := append([]int(nil), perm[:o.Planted]...)
	p := &Participant{Planted: planted, Options: o}
	dur := float64(o.Frames) * o.TR
	sessionMean := 40.0
	stream := uint64(1)
	for s := 0; s < o.Sessions; s++ {
		sessionMean = math.Max(10, math.Min(80, sessionMean+8*rng.NormFloat64()))
		for r := 0; r < o.RunsPerSession; r++ {
			stream++
			rr := rand.New(rand.NewPCG(o.Seed, stream))
			run := Run{Session: fmt.Sprintf("%02d", s+1), Run: fmt.Sprint(r + 1), TR: o.TR}
			// Pain at 1 Hz, from LagSec before the run (the brain lags it) to its end.
			n := int(math.Ceil(dur)) + 1
			lagN := int(math.Ceil(o.LagSec))
			pain := make([]float64, n+lagN)
			v := 0.0
			for i := range pain {
				v = 0.975*v + math.Sqrt(1-0.975*0.975)*rr.NormFloat64()
				pain[i] = math.Max(0, math.Min(100, sessionMean+18*v))
			}
			for i := 0; i < n; i++ {
				run.RatingTime = append(run.RatingTime, float64(i))
				run.Rating = append(run.Rating, math.Max(0, math.Min(100, pain[i+lagN]+2*rr.NormFloat64())))
			}
			painAt := func(t float64) float64 { // felt pain at time t (s), t ≥ −LagSec
				x := t + float64(lagN)
				i := int(math.Floor(x))
				if i < 0 {
					return pain[0]
				}
				if i >= len(pain)-1 {
					return pain[len(pain)-1]
				}
				f := x - float64(i)
				return pain[i]*(1-f) + pain[i+1]*f
			}
			x := signal.NewMatrix(o.Frames, o.Regions)
			for j := 0; j < o.Regions; j++ {
				prev := rr.NormFloat64()
				for t := 0; t < o.Frames; t++ {
					prev = 0.4*prev + math.Sqrt(1-0.16)*rr.NormFloat64()
					x.Data[t*o.Regions+j] = prev
				}
			}
			for t := 0; t < o.Frames; t++ {
				mid := (float64(t) + 0.5) * o.TR
				amp := math.Sqrt(o.Strength * painAt(mid-o.LagSec) / 100)
				u := amp * rr.NormFloat64()
				for k, j := range planted {
					sign := 1.0
					if k%2 == 1 {
						sign = -1
					}
					x.Data[t*o.Regions+j] += sign * u
				}
			}
			if o.Motion || o.MotionPain > 0 {
				run.FD = simulateMotion(x, o, stream, func(t int) float64 { return painAt((float64(t)+0.5)*o.TR - o.LagSec) })
			}
			run.Series = x
			run.Censored = make([]bool, o.Frames)
			for t := 0; t < o.Frames; t++ {
				if rr.Float64() < o.CensorFraction/4 { // bursts of 4 frames
					for k := t; k < min(t+4, o.Frames); k++ {
						run.Censored[k] = true
					}
				}
			}
			p.Runs = append(p.Runs, run)
		}
	}
	return p, nil
}

// simulateMotion draws a run's framewise displacement (a baseline with half-normal jitter, plus
// MotionPain·0.3 mm at the highest pain) and adds the motion artefact to every region: a shared
// signal times 3·(FD − 0.08) with a fixed loading per region. It draws from its own stream, so the
// rest of the participant is the same with or without motion.
func simulateMotion(x signal.Matrix, o ParticipantOptions, stream uint64, pain func(t int) float64) []float64 {
	rm := rand.New(rand.NewPCG(o.Seed^0x6d6f74696f6e, stream))
	load := make([]float64, x.Cols)
	for j := range load {
		load[j] = 0.5 + rm.Float64()
	}
	fd := make([]float64, x.Rows)
	for t := range fd {
		fd[t] = 0.08 + 0.04*math.Abs(rm.NormFloat64()) + o.MotionPain*0.3*pain(t)/100
		g := 3 * (fd[t] - 0.08) * rm.NormFloat64()
		for j := range load {
			x.Data[t*x.Cols+j] += load[j] * g
		}
	}
	fd[0] = 0 // fMRIPrep's first FD is n/a (DEIPP's diff of a repeated first row gives 0)
	return fd
}

// Write writes the participant in the layout painmark decode reads: per run
// sub-<id>_ses-<S>_run-<R>_timeseries.tsv (frames x regions, columns R001...), a JSON sidecar with
// RepetitionTime, sub-<id>_ses-<S>_run-<R>_rating.tsv (time, rating) and
// sub-<id>_ses-<S>_run-<R>_censor.tsv (censored 0/1 per frame), with Motion
// sub-<id>_ses-<S>_run-<R>_desc-confounds_timeseries.tsv (fMRIPrep's framewise_displacement); and
// planted_regions.tsv.
func (p *Participant) Write(dir, id string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	names := make([]string, p.Options.Regions)
	for j := range names {
		names[j] = fmt.Sprintf("R%03d", j+1)
	}
	for _, r := range p.Runs {
		base := filepath.Join(dir, fmt.Sprintf("sub-%s_ses-%s_run-%s", id, r.Session, r.Run))
		cols := make([]*table.Column, len(names))
		for j := range names {
			v := make([]float64, r.Series.Rows)
			for t := range v {
				v[t] = r.Series.Data[t*r.Series.Cols+j]
			}
			cols[j] = table.NumericColumn(names[j], v)
		}
		if err := table.Write(base+"_timeseries.tsv", &table.Table{Columns: cols}); err != nil {
			return err
		}
		if err := os.WriteFile(base+"_timeseries.json", []byte(fmt.Sprintf("{\"RepetitionTime\": %g}\n", r.TR)), 0o644); err != nil {
			return err
		}
		if err := table.Write(base+"_rating.tsv", &table.Table{Columns: []*table.Column{table.NumericColumn("time", r.RatingTime), table.NumericColumn("rating", r.Rating)}}); err != nil {
			return err
		}
		cens := make([]float64, len(r.Censored))
		for t, c := range r.Censored {
			if c {
				cens[t] = 1
			}
		}
		if err := table.Write(base+"_censor.tsv", &table.Table{Columns: []*table.Column{table.NumericColumn("censored", cens)}}); err != nil {
			return err
		}
		if r.FD != nil { // fMRIPrep's confounds, the first FD n/a
			fd := append([]float64{math.NaN()}, r.FD[1:]...)
			if err := table.Write(base+"_desc-confounds_timeseries.tsv", &table.Table{Columns: []*table.Column{table.NumericColumn("framewise_displacement", fd)}}); err != nil {
				return err
			}
		}
	}
	pl := make([]string, len(p.Planted))
	for k, j := range p.Planted {
		pl[k] = names[j]
	}
	return table.Write(filepath.Join(dir, "planted_regions.tsv"), &table.Table{Columns: []*table.Column{table.TextColumn("region", pl)}})
}
