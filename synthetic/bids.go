package synthetic

import (
	"encoding/json"
	"fmt"
	"math"
	mrand "math/rand"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/painmark/painmark/atlas"
	"github.com/painmark/painmark/internal/atomicfile"
	"github.com/painmark/painmark/nifti"
	"github.com/painmark/painmark/space"
	"github.com/painmark/painmark/version"
)

// BIDSOptions shape a synthetic resting-state BIDS dataset with fMRIPrep-style derivatives whose
// connectivity carries each participant's pain sensitivity (painmark synthetic bids).
type BIDSOptions struct {
	Subjects int     // participants (0: 20)
	Runs     int     // resting-state runs per participant (0: 2)
	Frames   int     // volumes per run (0: 200)
	TR       float64 // seconds (0: 2)
	// Planted is the number of MIST-122 parcels (0: 4) whose pairs (1st and 2nd, 3rd and 4th, ...)
	// share a component whose amplitude grows with the participant's pain; Strength is that
	// amplitude at the top of the pain range relative to the parcels' own unit-variance signal
	// (0: 2).
	Planted  int
	Strength float64
	Seed     uint64
}

// DefaultBIDSOptions returns 20 participants x 2 runs of 200 volumes (TR 2 s), 4 planted parcels
// (2 pairs) of strength 2, seed 1: painmark signature train's defaults recover the pain from the
// partial correlations averaged over each person's runs with a cross-validated r near 0.8.
func DefaultBIDSOptions() BIDSOptions { return BIDSOptions{Seed: 1}.withDefaults() }

func (o BIDSOptions) withDefaults() BIDSOptions {
	orDefault(&o.Subjects, 20)
	orDefault(&o.Runs, 2)
	orDefault(&o.Frames, 200)
	orDefault(&o.TR, 2.0)
	orDefault(&o.Planted, 4)
	orDefault(&o.Strength, 2.0)
	return o
}

// BIDSStudy is what WriteBIDS wrote: the participants, their pain and the planted parcels.
type BIDSStudy struct {
	Options      BIDSOptions
	Participants []string  // sub-01, sub-02, ...
	Pain         []float64 // participants.tsv's pain column (0-100)
	Planted      []int     // MIST-122 labels of the planted parcels
}

// The grid of the derivatives: 8 mm in MNI152NLin2009cAsym, as the README's example run, so that
// a study of 40 runs is a few megabytes and every MIST-122 parcel has voxels.
var (
	bidsShape  = [3]int{23, 27, 23}
	bidsAffine = space.Affine{{8, 0, 0, -90}, {0, 8, 0, -126}, {0, 0, 8, -72}, {0, 0, 0, 1}}
)

// MIST122LabelAt returns the label of the built-in MIST-122 atlas at a world position (mm; 0
// outside), nearest neighbour; tmp receives the atlas image.
func MIST122LabelAt(tmp string) (func(x, y, z float64) int, error) {
	img, err := atlas.BuiltinImage("mist122", tmp)
	if err != nil {
		return nil, err
	}
	inv, err := img.Affine.Inverse()
	if err != nil {
		return nil, err
	}
	return func(x, y, z float64) int {
		i, j, k := inv.Apply(x, y, z)
		ii, jj, kk := int(i+0.5), int(j+0.5), int(k+0.5)
		sh := img.Shape
		if i < 0 || j < 0 || k < 0 || ii >= sh[0] || jj >= sh[1] || kk >= sh[2] {
			return 0
		}
		return int(img.Labels[ii+sh[0]*(jj+sh[1]*kk)])
	}, nil
}

// WriteBIDS writes a BIDS dataset into dir (which must not hold one): participants.tsv (keyed
// participant_id sub-XX, with the pain column) and raw BOLD runs
// sub-XX/func/sub-XX_task-rest_run-R_bold.nii.gz, and under derivatives/fmriprep what fMRIPrep
// writes for them: *_space-MNI152NLin2009cAsym_desc-preproc_bold.nii.gz with its JSON sidecar,
// *_desc-confounds_timeseries.tsv with its JSON, and *_space-MNI152NLin2009cAsym_desc-brain_mask.nii.gz.
// Every MIST-122 parcel carries its own AR(1) signal; each pair of planted parcels also shares a
// component whose amplitude is Strength·Φ(z) for a participant whose pain is 50 + 15 z, so the
// pair's correlation (and partial correlation) grows with pain in every run. (Pairs, not one
// component over all planted parcels: with one, the partial correlation of two of them given the
// others falls as the component grows.) Deterministic for a seed.
func WriteBIDS(dir string, o BIDSOptions) (*BIDSStudy, error) {
	o = o.withDefaults()
	tmp, err := os.MkdirTemp("", "painmark-bids-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	labelAt, err := MIST122LabelAt(tmp)
	if err != nil {
		return nil, err
	}
	nv := bidsShape[0] * bidsShape[1] * bidsShape[2]
	labels := make([]int, nv)
	present := map[int]bool{}
	for k := 0; k < bidsShape[2]; k++ {
		for j := 0; j < bidsShape[1]; j++ {
			for i := 0; i < bidsShape[0]; i++ {
				x, y, z := bidsAffine.Apply(float64(i), float64(j), float64(k))
				l := labelAt(x, y, z)
				labels[i+bidsShape[0]*(j+bidsShape[1]*k)] = l
				if l > 0 {
					present[l] = true
				}
			}
		}
	}
	parcels := make([]int, 0, len(present))
	for l := range present {
		parcels = append(parcels, l)
	}
	sort.Ints(parcels)
	if o.Planted < 2 || o.Planted > len(parcels) {
		return nil, fmt.Errorf("%d planted parcels of %d", o.Planted, len(parcels))
	}
	rng := rand.New(rand.NewPCG(o.Seed, 0xb1d5))
	st := &BIDSStudy{Options: o}
	for _, k := range rng.Perm(len(parcels))[:o.Planted] {
		st.Planted = append(st.Planted, parcels[k])
	}
	sort.Ints(st.Planted)
	planted := map[int]int{} // label → its place in the planted list: pairs 0-1, 2-3, ... share a component
	for k, l := range st.Planted {
		planted[l] = k
	}
	fmriprep := filepath.Join(dir, "derivatives", "fmriprep")
	for _, d := range []string{dir, fmriprep} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	var rows strings.Builder
	rows.WriteString("participant_id\tage\tpain\n")
	for s := 1; s <= o.Subjects; s++ {
		z := rng.NormFloat64()
		id := fmt.Sprintf("sub-%02d", s)
		pain := math.Round(100*math.Max(0, math.Min(100, 50+15*z))) / 100
		st.Participants, st.Pain = append(st.Participants, id), append(st.Pain, pain)
		fmt.Fprintf(&rows, "%s\t%d\t%.2f\n", id, 20+rng.IntN(40), pain)
		amp := o.Strength * 0.5 * math.Erfc(-(pain-50)/15/math.Sqrt2)
		for r := 1; r <= o.Runs; r++ {
			if err := writeBIDSRun(dir, fmriprep, id, r, labels, parcels, planted, amp, o, uint64(s*100+r)); err != nil {
				return nil, err
			}
		}
	}
	files := map[string]any{
		"participants.tsv": rows.String(),
		"participants.json": map[string]any{
			"age":  map[string]string{"Description": "age", "Units": "years"},
			"pain": map[string]string{"Description": "pain sensitivity (synthetic; scales the planted connectivity)", "Units": "0-100"},
		},
		"dataset_description.json": map[string]any{"Name": "painmark synthetic resting-state study", "BIDSVersion": "1.9.0", "DatasetType": "raw", "License": "CC0"},
		"task-rest_bold.json":      map[string]any{"TaskName": "rest", "RepetitionTime": o.TR},
		filepath.Join("derivatives", "fmriprep", "dataset_description.json"): map[string]any{"Name": "fMRIPrep-style derivatives (synthetic)", "BIDSVersion": "1.9.0", "DatasetType": "derivative",
			"GeneratedBy": []map[string]string{{"Name": "painmark synthetic bids", "Version": version.String()}}},
	}
	for name, v := range files {
		b, ok := v.(string)
		if !ok {
			j, err := json.MarshalIndent(v, "", "  ")
			if err != nil {
				return nil, err
			}
			b = string(j) + "\n"
		}
		if err := atomicfile.WriteFile(filepath.Join(dir, name), []byte(b)); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// writeBIDSRun writes one run: the raw and the preprocessed BOLD (the same synthetic data), the
// preprocessed run's sidecar, its confounds and the brain mask.
func writeBIDSRun(dir, fmriprep, id string, run int, labels, parcels []int, planted map[int]int, amp float64, o BIDSOptions, stream uint64) error {
	rr := rand.New(rand.NewPCG(o.Seed, stream))
	T, nv := o.Frames, len(labels)
	series := map[int][]float64{}
	shared := make([][]float64, (len(planted)+1)/2) // one component per planted pair
	for k := range shared {
		shared[k] = make([]float64, T)
		for t := range shared[k] {
			shared[k][t] = rr.NormFloat64()
		}
	}
	for _, l := range parcels {
		v := make([]float64, T)
		prev := rr.NormFloat64()
		for t := range v {
			prev = 0.4*prev + math.Sqrt(1-0.16)*rr.NormFloat64()
			v[t] = prev
			if k, ok := planted[l]; ok {
				v[t] += amp * shared[k/2][t]
			}
		}
		series[l] = v
	}
	data := make([]float64, nv*T)
	mask := make([]float64, nv)
	for v, l := range labels {
		if l == 0 {
			continue
		}
		mask[v] = 1
		for t := 0; t < T; t++ {
			data[t*nv+v] = math.Round(1000 + 20*series[l][t] + 5*rr.NormFloat64())
		}
	}
	h := nifti.NewHeader([]int{bidsShape[0], bidsShape[1], bidsShape[2], T}, nifti.Int16)
	h.Pixdim[4] = o.TR
	h.SetAffine(bidsAffine, nifti.XformMNI152)
	name := fmt.Sprintf("%s_task-rest_run-%d", id, run)
	raw := filepath.Join(dir, id, "func")
	deriv := filepath.Join(fmriprep, id, "func")
	for _, d := range []string{raw, deriv} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	if err := nifti.Write(filepath.Join(raw, name+"_bold.nii.gz"), h, data); err != nil {
		return err
	}
	pre := filepath.Join(deriv, name+"_space-MNI152NLin2009cAsym")
	if err := nifti.Write(pre+"_desc-preproc_bold.nii.gz", h, data); err != nil {
		return err
	}
	sidecar := fmt.Sprintf("{\n  \"RepetitionTime\": %g,\n  \"TaskName\": \"rest\",\n  \"SkullStripped\": false\n}\n", o.TR)
	if err := os.WriteFile(pre+"_desc-preproc_bold.json", []byte(sidecar), 0o644); err != nil {
		return err
	}
	mh := nifti.NewHeader([]int{bidsShape[0], bidsShape[1], bidsShape[2]}, nifti.Uint8)
	mh.SetAffine(bidsAffine, nifti.XformMNI152)
	if err := nifti.Write(pre+"_desc-brain_mask.nii.gz", mh, mask); err != nil {
		return err
	}
	conf := filepath.Join(deriv, name+"_desc-confounds_timeseries")
	if err := WriteConfounds(conf+".tsv", T, mrand.New(mrand.NewSource(int64(o.Seed)*1000003+int64(stream)))); err != nil {
		return err
	}
	return os.WriteFile(conf+".json", []byte("{\n  \"framewise_displacement\": {\"Description\": \"framewise displacement (Power et al. 2012)\", \"Units\": \"mm\"}\n}\n"), 0o644)
}
