package decode

import (
	"math"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/painmark/painmark/stats"
	"github.com/painmark/painmark/synthetic"
	"github.com/painmark/painmark/table"
)

// participant simulates a person as Participant (subject sub, regions r01...).
func participant(t *testing.T, sub string, seed uint64, sessions int) *Participant {
	t.Helper()
	sp, err := synthetic.SimulateParticipant(synthetic.ParticipantOptions{Sessions: sessions, RunsPerSession: 2, Frames: 300, Regions: 12, Planted: 4, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	p := &Participant{Folder: "sub-" + sub}
	for _, r := range sp.Runs {
		p.Runs = append(p.Runs, Run{Subject: sub, Session: r.Session, Run: r.Run, TR: r.TR, Series: r.Series, Censored: r.Censored, RatingTime: r.RatingTime, Rating: r.Rating})
	}
	for i := 0; i < 12; i++ {
		p.Regions = append(p.Regions, "r"+string(rune('a'+i)))
	}
	return p
}

// The Train workflow records the participant and sessions in the decoder; Apply labels the runs of
// those sessions as training sessions and another person's as not; the files round-trip.
func TestTrainApplyWorkflow(t *testing.T) {
	a, b := participant(t, "01", 1, 5), participant(t, "02", 4, 3)
	o := DefaultTrainOptions()
	o.Bootstraps, o.Permutations = 50, 5
	res, err := Train(a, o)
	if err != nil {
		t.Fatal(err)
	}
	m := res.Model
	if m.Subject != "01" || !reflect.DeepEqual(m.TrainingSessionIDs, res.Nested.Sessions) || len(m.TrainingSessionIDs) != 5 {
		t.Fatalf("model trained on subject %q sessions %v; nested sessions %v", m.Subject, m.TrainingSessionIDs, res.Nested.Sessions)
	}
	dir := t.TempDir()
	if err := res.WriteFiles(dir); err != nil {
		t.Fatal(err)
	}
	back, err := ReadModel(filepath.Join(dir, "model.json"))
	if err != nil || !reflect.DeepEqual(back, m) {
		t.Fatalf("model.json does not round-trip: %v", err)
	}
	for _, c := range []struct {
		p    *Participant
		want string
	}{{a, "yes"}, {b, "no"}} {
		ap, err := Apply(m, c.p)
		if err != nil {
			t.Fatal(err)
		}
		for i, l := range ap.TrainingSession {
			if l != c.want {
				t.Fatalf("%s frame %d labelled %q, want %q", c.p.Folder, i, l, c.want)
			}
		}
		if err := ap.WriteFiles(filepath.Join(dir, "apply.tsv")); err != nil {
			t.Fatal(err)
		}
		tb, err := table.Read(filepath.Join(dir, "apply.tsv"), nil)
		if err != nil || tb.NumRows() != len(ap.Prediction) {
			t.Fatalf("apply.tsv: %v", err)
		}
	}
	old := *m
	old.TrainingSessionIDs, old.Subject = nil, ""
	ap, err := Apply(&old, a)
	if err != nil || ap.TrainingSession[0] != "unknown" {
		t.Errorf("a decoder without its sessions: %v %v", err, ap.TrainingSession[:1])
	}
	ev, err := Evaluate(m, b, EvaluateOptions{Bootstraps: 20, Seed: 1})
	if err != nil || len(ev.Scales) == 0 || len(ev.Predictions) != len(ev.Data.Y) {
		t.Fatalf("evaluate: %v", err)
	}
	// Runs with other regions are refused, naming the first region that differs.
	other := *b
	other.Regions = append([]string{"x"}, b.Regions[1:]...)
	if _, err := Apply(m, &other); err == nil || !strings.Contains(err.Error(), `region 1 is "x"`) {
		t.Errorf("mismatched regions: %v", err)
	}
}

// Every scale of decode.json has a bootstrap interval and p-value; the bin scale's is
// HierarchicalBootstrap's; the run scale's draws equal a second, direct resampling (sessions, then
// runs of each drawn session) with the same generator.
func TestScaleBootstraps(t *testing.T) {
	a := participant(t, "01", 2, 5)
	o := DefaultTrainOptions()
	o.Bootstraps, o.Permutations = 200, 2
	res, err := Train(a, o)
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range res.Summary().Scales {
		if row.PR == nil || row.RCI[0] == nil || row.RCI[1] == nil || row.PAUC == nil {
			t.Errorf("scale %s: no interval or p-value: %+v", row.Scale, row)
		}
	}
	bins, err := HierarchicalBootstrap(res.Data, res.Nested.Predictions, o.Bootstraps, o.Seed)
	if err != nil || !reflect.DeepEqual(bins.R, res.Scales[0].Bootstrap.R) {
		t.Fatalf("the bin scale's draws are not HierarchicalBootstrap's: %v", err)
	}
	s := 3
	run := res.Scales[s]
	if run.Name != "run" || run.N != len(a.Runs) {
		t.Fatalf("scale %d is %s with %d units", s, run.Name, run.N)
	}
	sessions := uniqueInOrder(run.Session)
	for k := 0; k < 20; k++ {
		rng := randv2(o.Seed+uint64(s)*0x9E3779B97F4A7C15, k)
		var p, y []float64
		for range sessions {
			ses := sessions[rng.IntN(len(sessions))]
			var units []int
			for i := range run.Session {
				if run.Session[i] == ses {
					units = append(units, i)
				}
			}
			for range units {
				u := units[rng.IntN(len(units))]
				rng.IntN(1) // the run's one unit
				p, y = append(p, run.Pred[u]), append(y, run.Truth[u])
			}
		}
		if r := stats.Pearson(p, y); math.Abs(r-run.Bootstrap.R[k]) > 1e-12 {
			t.Fatalf("run-scale draw %d: r %v, direct resampling %v", k, run.Bootstrap.R[k], r)
		}
	}
}
