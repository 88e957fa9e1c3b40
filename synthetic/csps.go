package synthetic

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/painmark/painmark/atlas"
	"github.com/painmark/painmark/signal"
	"github.com/painmark/painmark/table"
)

// A synthetic corticospinal study (Generate, painmark synthetic csps): resting-state ROI time
// series over the CSps study's 139 regions (MIST-122 brain parcels, PAG and RVM, the global
// grey-matter signal, dorsal and ventral horns of C1-C7; Lin et al. 2025) in which a planted set of mostly cross-system
// (brain-spinal) edges couples more strongly the more pain-sensitive the subject is, with the
// cohorts of the CSps protocol: training, retest, independent, task (heat vs innocuous cold), two
// clinical cohorts on their own outcome scales, and a pre/post intervention with active and sham
// groups.
//
// The generative model, per subject with latent pain sensitivity s: every region's series is
// AR(1) noise (φ = 0.3) plus a weak share of three background network components (regions of one
// MIST network, or of the cord, move together: realistic structure unrelated to pain); each planted
// edge (a, b) with sign σ adds a shared component u with loading λ(s) to a and σ·λ(s) to b, λ(s)²
// = Strength·Φ(s + shift), so the partial correlation of a and b grows with s (shift is +1 in the
// heat condition of the task cohort). The thermal pain threshold is 44 − 1.5·s + N(0, 0.5) °C: the
// CSps target −z(threshold) rises with s.

// Region is a region of the synthetic set with its system tag (brain, brainstem, spinal).
type Region struct {
	Name, System, Network string
}

// Edge is a planted edge between regions A and B (indices into Regions) with the sign of its
// coupling.
type Edge struct {
	A, B int
	Sign float64
}

// Options set the size and strength of a synthetic study.
type Options struct {
	Frames   int     // frames per run (0: 200)
	Strength float64 // planted coupling at the top of the sensitivity range (0: 0.6)
	Seed     uint64
	// Sizes of the cohorts (0: the CSps study's 54, 40 independent, 30 task, 30 and 25 clinical,
	// 40 pre/post).
	Train, Independent, Task, Clinical1, Clinical2, PrePost int
}

func (o Options) withDefaults() Options {
	orDefault(&o.Frames, 200)
	orDefault(&o.Train, 54)
	orDefault(&o.Independent, 40)
	orDefault(&o.Task, 30)
	orDefault(&o.Clinical1, 30)
	orDefault(&o.Clinical2, 25)
	orDefault(&o.PrePost, 40)
	orDefault(&o.Strength, 0.6)
	return o
}

// DefaultOptions returns the CSps study's cohort sizes, 200 frames per run, coupling 0.6 and
// seed 1 (painmark synthetic csps's defaults).
func DefaultOptions() Options { return Options{Seed: 1}.withDefaults() }

// orDefault replaces an option left at zero by its default.
func orDefault[T int | float64](v *T, d T) {
	if *v == 0 {
		*v = d
	}
}

// Subject is one synthetic subject's run.
type Subject struct {
	ID          string
	Sensitivity float64 // the latent s
	Series      signal.Matrix
}

// Cohort is a set of runs with a participants table.
type Cohort struct {
	Name     string
	Subjects []Subject
	// Columns of the participants table besides participant_id, in order.
	Columns []string
	Values  map[string][]float64
	Labels  map[string][]string
}

// Study is a complete synthetic CSps study.
type Study struct {
	Regions                    []Region
	Planted                    []Edge
	Train, Retest, Independent *Cohort
	// TaskHeat and TaskCold are the same subjects in the two conditions.
	TaskHeat, TaskCold   *Cohort
	Clinical1, Clinical2 *Cohort
	Pre, Post            *Cohort
}

// Regions returns the 139 corticospinal regions in the CSps order: the MIST-122 parcels (brain),
// PAG and RVM (brainstem), GM (brain, the global grey-matter signal), then C1..C7 dorsal and
// ventral horns (spinal), named as painmark's atlas names them.
func Regions() ([]Region, error) {
	mist, err := atlas.Builtin("mist122")
	if err != nil {
		return nil, err
	}
	var out []Region
	for _, r := range mist.Regions {
		out = append(out, Region{Name: r.Name, System: string(atlas.Brain), Network: r.Network})
	}
	out = append(out, Region{"PAG", string(atlas.Brainstem), "brainstem"}, Region{"RVM", string(atlas.Brainstem), "brainstem"},
		Region{"GM", string(atlas.Brain), "global"})
	for c := 1; c <= 7; c++ {
		for _, h := range []string{"dorsal", "ventral"} {
			out = append(out, Region{fmt.Sprintf("C%d_%s", c, h), string(atlas.Spinal), "spinal cord"})
		}
	}
	return out, nil
}

// plantedEdges picks the planted pattern: motor and somatosensory parcels to ventral and dorsal
// horns, PAG and RVM to dorsal horns (descending modulation), and two brain-brain edges.
func plantedEdges(regions []Region) ([]Edge, error) {
	idx := map[string]int{}
	for i, r := range regions {
		idx[r.Name] = i
	}
	var motor []int
	for i, r := range regions {
		if r.Network == "MOTnet" && len(motor) < 4 {
			motor = append(motor, i)
		}
	}
	if len(motor) < 4 {
		return nil, fmt.Errorf("the atlas has %d MOTnet parcels, need 4", len(motor))
	}
	pairs := []struct {
		a    int
		b    string
		sign float64
	}{
		{motor[0], "C5_ventral", 1}, {motor[1], "C6_ventral", 1}, {motor[2], "C7_ventral", -1}, {motor[3], "C4_dorsal", 1},
		{motor[0], "C6_dorsal", -1}, {motor[2], "C5_dorsal", 1}, {idx["PAG"], "C3_dorsal", 1}, {idx["RVM"], "C4_dorsal", -1},
		{idx["RVM"], "C2_dorsal", 1}, {idx["PAG"], "C7_dorsal", 1},
	}
	var out []Edge
	for _, p := range pairs {
		b, ok := idx[p.b]
		if !ok {
			return nil, fmt.Errorf("no region %s", p.b)
		}
		out = append(out, Edge{A: p.a, B: b, Sign: p.sign})
	}
	out = append(out, Edge{A: motor[1], B: idx["PAG"], Sign: 1}, Edge{A: motor[3], B: idx["GM"], Sign: -1})
	return out, nil
}

// generator draws runs.
type generator struct {
	o        Options
	regions  []Region
	planted  []Edge
	networks [][]int // background components: member regions
}

// run draws one run of a subject with sensitivity s (shift raises the planted coupling, as heat
// does in the task cohort), from the stream (seed, stream).
func (g *generator) run(s, shift float64, stream uint64) signal.Matrix {
	rng := rand.New(rand.NewPCG(g.o.Seed, stream))
	T, p := g.o.Frames, len(g.regions)
	x := signal.Matrix{Rows: T, Cols: p, Data: make([]float64, T*p)}
	// AR(1) noise per region.
	for j := 0; j < p; j++ {
		prev := rng.NormFloat64()
		for t := 0; t < T; t++ {
			v := 0.3*prev + math.Sqrt(1-0.09)*rng.NormFloat64()
			x.Data[t*p+j] = v
			prev = v
		}
	}
	// Background network components.
	for _, members := range g.networks {
		for t := 0; t < T; t++ {
			u := 0.5 * rng.NormFloat64()
			for _, j := range members {
				x.Data[t*p+j] += u
			}
		}
	}
	// Planted edges.
	lambda := math.Sqrt(g.o.Strength * normCDF(s+shift))
	for _, e := range g.planted {
		for t := 0; t < T; t++ {
			u := lambda * rng.NormFloat64()
			x.Data[t*p+e.A] += u
			x.Data[t*p+e.B] += e.Sign * u
		}
	}
	return x
}

func normCDF(v float64) float64 { return 0.5 * math.Erfc(-v/math.Sqrt2) }

// Generate draws a study. The same options give the same study.
func Generate(o Options) (*Study, error) {
	o = o.withDefaults()
	regions, err := Regions()
	if err != nil {
		return nil, err
	}
	planted, err := plantedEdges(regions)
	if err != nil {
		return nil, err
	}
	g := &generator{o: o, regions: regions, planted: planted}
	byNet := map[string][]int{}
	for i, r := range regions {
		byNet[r.Network] = append(byNet[r.Network], i)
	}
	for _, n := range []string{"DMnet", "VISnet", "spinal cord"} {
		if len(byNet[n]) > 1 {
			g.networks = append(g.networks, byNet[n])
		}
	}
	st := &Study{Regions: regions, Planted: planted}
	rng := rand.New(rand.NewPCG(o.Seed, 1<<40))
	stream := uint64(0)
	next := func() uint64 { stream++; return stream }
	threshold := func(s float64) float64 { return 44 - 1.5*s + 0.5*rng.NormFloat64() }
	newCohort := func(name, prefix string, n int, sens []float64, shift float64) *Cohort {
		c := &Cohort{Name: name, Values: map[string][]float64{}, Labels: map[string][]string{}}
		for i := 0; i < n; i++ {
			s := rng.NormFloat64()
			if sens != nil {
				s = sens[i]
			}
			c.Subjects = append(c.Subjects, Subject{ID: fmt.Sprintf("%s%03d", prefix, i+1), Sensitivity: s, Series: g.run(s, shift, next())})
		}
		return c
	}
	addThreshold := func(c *Cohort) {
		c.Columns = append(c.Columns, "heat_pain_threshold")
		for _, s := range c.Subjects {
			c.Values["heat_pain_threshold"] = append(c.Values["heat_pain_threshold"], threshold(s.Sensitivity))
		}
	}
	st.Train = newCohort("train", "tr", o.Train, nil, 0)
	addThreshold(st.Train)
	sens := make([]float64, len(st.Train.Subjects))
	for i, s := range st.Train.Subjects {
		sens[i] = s.Sensitivity
	}
	st.Retest = newCohort("retest", "tr", o.Train, sens, 0)
	addThreshold(st.Retest)
	st.Independent = newCohort("independent", "in", o.Independent, nil, 0)
	addThreshold(st.Independent)
	st.TaskCold = newCohort("task-cold", "ta", o.Task, nil, 0)
	tsens := make([]float64, o.Task)
	for i, s := range st.TaskCold.Subjects {
		tsens[i] = s.Sensitivity
	}
	st.TaskHeat = newCohort("task-heat", "ta", o.Task, tsens, 1)
	// Clinical cohorts: their own outcome scales, related to s (validated within cohort).
	st.Clinical1 = newCohort("clinical-cLBP", "lb", o.Clinical1, nil, 0)
	st.Clinical1.Columns = []string{"clinical_pain"} // 0-10 numeric rating
	for _, s := range st.Clinical1.Subjects {
		st.Clinical1.Values["clinical_pain"] = append(st.Clinical1.Values["clinical_pain"], math.Max(0, math.Min(10, 5+1.5*s.Sensitivity+0.8*rng.NormFloat64())))
	}
	st.Clinical2 = newCohort("clinical-FM", "fm", o.Clinical2, nil, 0)
	st.Clinical2.Columns = []string{"clinical_pain"} // 0-100 visual analogue scale
	for _, s := range st.Clinical2.Subjects {
		st.Clinical2.Values["clinical_pain"] = append(st.Clinical2.Values["clinical_pain"], math.Max(0, math.Min(100, 50+12*s.Sensitivity+6*rng.NormFloat64())))
	}
	// Pre/post: active stimulation lowers s by 0.8 on average, sham leaves it.
	st.Pre = newCohort("pre", "pp", o.PrePost, nil, 0)
	post := make([]float64, o.PrePost)
	groups := make([]string, o.PrePost)
	for i, s := range st.Pre.Subjects {
		groups[i] = "sham"
		post[i] = s.Sensitivity + 0.3*rng.NormFloat64()
		if i%2 == 0 {
			groups[i] = "active"
			post[i] -= 0.8
		}
	}
	st.Post = newCohort("post", "pp", o.PrePost, post, 0)
	for _, c := range []*Cohort{st.Pre, st.Post} {
		addThreshold(c)
		c.Columns = append(c.Columns, "group")
		c.Labels["group"] = groups
	}
	return st, nil
}

// Cohorts lists the study's cohorts in the order Write writes them.
func (st *Study) Cohorts() []*Cohort {
	return []*Cohort{st.Train, st.Retest, st.Independent, st.TaskHeat, st.TaskCold, st.Clinical1, st.Clinical2, st.Pre, st.Post}
}

// NumRuns counts the runs of all cohorts.
func (st *Study) NumRuns() int {
	n := 0
	for _, c := range st.Cohorts() {
		n += len(c.Subjects)
	}
	return n
}

// RegionNames lists the regions' names in order.
func (st *Study) RegionNames() []string {
	out := make([]string, len(st.Regions))
	for i, r := range st.Regions {
		out[i] = r.Name
	}
	return out
}

// Write writes the study under dir: regions.tsv (name, system, network), planted_edges.tsv, per
// cohort a folder with roi/sub-<ID>_timeseries.tsv runs (as painmark extract writes them) and
// participants.tsv, and clinical_participants.tsv joining the two clinical cohorts (each rates
// clinical_pain on its own scale: 0-10 and 0-100).
func (st *Study) Write(dir string) error {
	names := st.RegionNames()
	sys, nets := make([]string, len(st.Regions)), make([]string, len(st.Regions))
	for i, r := range st.Regions {
		sys[i], nets[i] = r.System, r.Network
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := table.Write(filepath.Join(dir, "regions.tsv"), &table.Table{Columns: []*table.Column{
		table.TextColumn("name", names), table.TextColumn("system", sys), table.TextColumn("network", nets)}}); err != nil {
		return err
	}
	ra, rb, sign := make([]string, len(st.Planted)), make([]string, len(st.Planted)), make([]float64, len(st.Planted))
	for k, e := range st.Planted {
		ra[k], rb[k], sign[k] = names[e.A], names[e.B], e.Sign
	}
	if err := table.Write(filepath.Join(dir, "planted_edges.tsv"), &table.Table{Columns: []*table.Column{
		table.TextColumn("region_a", ra), table.TextColumn("region_b", rb), table.NumericColumn("sign", sign)}}); err != nil {
		return err
	}
	for _, c := range st.Cohorts() {
		if err := c.write(filepath.Join(dir, c.Name), names); err != nil {
			return err
		}
	}
	var ids, cohort []string
	var pain []float64
	for _, c := range []*Cohort{st.Clinical1, st.Clinical2} {
		for i, s := range c.Subjects {
			ids = append(ids, "sub-"+s.ID)
			cohort = append(cohort, c.Name)
			pain = append(pain, c.Values["clinical_pain"][i])
		}
	}
	return table.Write(filepath.Join(dir, "clinical_participants.tsv"), &table.Table{Columns: []*table.Column{
		table.TextColumn("participant_id", ids), table.TextColumn("cohort", cohort), table.NumericColumn("clinical_pain", pain)}})
}

func (c *Cohort) write(dir string, regions []string) error {
	if err := os.MkdirAll(filepath.Join(dir, "roi"), 0o755); err != nil {
		return err
	}
	ids := make([]string, len(c.Subjects))
	for i, s := range c.Subjects {
		ids[i] = "sub-" + s.ID
		cols := make([]*table.Column, len(regions))
		for j, r := range regions {
			v := make([]float64, s.Series.Rows)
			for t := range v {
				v[t] = s.Series.Data[t*s.Series.Cols+j]
			}
			cols[j] = table.NumericColumn(r, v)
		}
		if err := table.Write(filepath.Join(dir, "roi", ids[i]+"_timeseries.tsv"), &table.Table{Columns: cols}); err != nil {
			return err
		}
	}
	cols := []*table.Column{table.TextColumn("participant_id", ids)}
	for _, name := range c.Columns {
		if v, ok := c.Values[name]; ok {
			cols = append(cols, table.NumericColumn(name, v))
		} else {
			cols = append(cols, table.TextColumn(name, c.Labels[name]))
		}
	}
	return table.Write(filepath.Join(dir, "participants.tsv"), &table.Table{Columns: cols})
}
