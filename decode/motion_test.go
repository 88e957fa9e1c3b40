package decode

import (
	"math"
	"testing"

	"github.com/painmark/painmark/synthetic"
)

// moving simulates a participant with head motion; motionPain is how much the FD follows pain.
func moving(t *testing.T, seed uint64, motionPain float64) *Participant {
	t.Helper()
	sp, err := synthetic.SimulateParticipant(synthetic.ParticipantOptions{Sessions: 6, RunsPerSession: 2, Frames: 300, Regions: 16, Planted: 4, Seed: seed, Motion: true, MotionPain: motionPain})
	if err != nil {
		t.Fatal(err)
	}
	p := &Participant{Folder: "moving"}
	for _, r := range sp.Runs {
		p.Runs = append(p.Runs, Run{Subject: "01", Session: r.Session, Run: r.Run, TR: r.TR, Series: r.Series, Censored: r.Censored, RatingTime: r.RatingTime, Rating: r.Rating, FD: r.FD})
	}
	for i := 0; i < 16; i++ {
		p.Regions = append(p.Regions, "r"+string(rune('a'+i)))
	}
	return p
}

// A participant whose planted pain is partly motion (FD follows the pain) is flagged; one who moves
// as much but not with pain is not.
func TestMotionCheckFlagsPainRelatedMotion(t *testing.T) {
	o := DefaultTrainOptions()
	o.Bootstraps, o.Permutations = 20, 1
	for _, c := range []struct {
		pain float64
		want bool
	}{{0.5, true}, {0, false}} {
		for seed := uint64(1); seed <= 3; seed++ {
			res, err := Train(moving(t, seed, c.pain), o)
			if err != nil {
				t.Fatal(err)
			}
			m := res.Motion
			if m == nil {
				t.Fatal("no motion check")
			}
			t.Logf("motion-pain %.1f seed %d: r %.3f; FD~rating r %.3f p %.3g; FD~prediction r %.3f p %.3g; partial %.3f; matched %d pairs r %.3f (FD diff %.3g, p %.3g)",
				c.pain, seed, res.Nested.R, *m.RFDRating, *m.PFDRating, *m.RFDPrediction, *m.PFDPrediction, *m.PartialR, m.MatchedPairs, deref(m.MatchedR), deref(m.MatchedFDDiff), deref(m.MatchedFDP))
			if m.Flagged != c.want {
				t.Errorf("motion-pain %.1f seed %d: flagged %v", c.pain, seed, m.Flagged)
			}
		}
	}
}

func deref(p *float64) float64 {
	if p == nil {
		return -999
	}
	return *p
}

// The FD written as fMRIPrep confounds by the synthetic participant is read back by ReadParticipant
// (the first row's n/a as 0) and averaged within the bins as DEIPP does (checked against a naive
// recomputation from the bins' frames).
func TestMotionReadAndBinned(t *testing.T) {
	sp, err := synthetic.SimulateParticipant(synthetic.ParticipantOptions{Sessions: 2, RunsPerSession: 1, Frames: 200, Regions: 6, Planted: 2, Seed: 5, MotionPain: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := sp.Write(dir, "01"); err != nil {
		t.Fatal(err)
	}
	p, err := ReadParticipant(dir, 0, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Runs) != 2 {
		t.Fatalf("%d runs read (the confounds tables are not runs)", len(p.Runs))
	}
	for i, r := range p.Runs {
		if len(r.FD) != 200 || r.FD[0] != 0 || r.FD[5] != sp.Runs[i].FD[5] {
			t.Fatalf("run %d: FD not read back: %v", i, r.FD[:6])
		}
	}
	d, err := p.Prepare(DefaultPrepare)
	if err != nil {
		t.Fatal(err)
	}
	// Naive: each bin of the first run again from its frames' labels.
	f := d.Frames[0]
	label, nb := binLabels(f, DefaultPrepare)
	k := 0
	for b := 0; b < nb; b++ {
		var s, n float64
		for i, l := range label {
			if l == b {
				s += p.Runs[0].FD[f.Index[i]]
				n++
			}
		}
		if n == 0 {
			continue
		}
		if math.Abs(d.FD[k]-s/n) > 1e-15 {
			t.Fatalf("bin %d: FD %v, naive %v", b, d.FD[k], s/n)
		}
		k++
	}
}
