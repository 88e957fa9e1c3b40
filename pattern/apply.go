package pattern

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/painmark/painmark/internal/atomicfile"
	"github.com/painmark/painmark/nifti"
	"github.com/painmark/painmark/signature"
	"github.com/painmark/painmark/table"
)

// ApplyOptions are the options of Apply.
type ApplyOptions struct {
	// Metric is the response column's metric: "dot_product" (default, CanlabCore's default
	// pattern expression), "cosine_similarity" or "correlation". All three are written.
	Metric string `json:"metric"`
	// Interpolation of the weight map onto each image's grid: "linear" (default, as CanlabCore's
	// apply_mask resamples the mask to the data) or "nearest".
	Interpolation string `json:"interpolation"`
}

// DefaultApplyOptions returns the dot product and linear interpolation.
func DefaultApplyOptions() ApplyOptions { return ApplyOptions{Metric: Dot, Interpolation: Linear} }

// Validate checks the metric and interpolation names.
func (o ApplyOptions) Validate() error {
	if _, err := (Similarity{}).Get(o.Metric); err != nil {
		return err
	}
	if o.Interpolation != Linear && o.Interpolation != Nearest {
		return fmt.Errorf("interpolation %q: %q or %q", o.Interpolation, Linear, Nearest)
	}
	return nil
}

// Input is one beta or contrast map (3D, or 4D with one response per volume, as a single-trial
// beta series) with its subject and condition.
type Input struct {
	Subject   string `json:"subject"`
	Condition string `json:"condition"`
	Path      string `json:"path"`
}

// Response is the pattern response of one image volume.
type Response struct {
	Subject   string  `json:"subject"`
	Condition string  `json:"condition"`
	Image     string  `json:"image"`
	Volume    int     `json:"volume"`
	Response  float64 `json:"response"`
	Similarity
}

// Responses are the pattern responses of many images, in input and volume order.
type Responses struct {
	Signature string       `json:"signature"`
	Options   ApplyOptions `json:"options"`
	Rows      []Response   `json:"rows"`
}

// ReadInputs reads a maps table (TSV or CSV with columns subject, condition and path; paths
// relative to the table's folder).
func ReadInputs(path string) ([]Input, error) {
	t, err := table.Read(path, nil)
	if err != nil {
		return nil, err
	}
	cols := map[string][]string{}
	for _, name := range []string{"subject", "condition", "path"} {
		c, err := t.Column(name)
		if err != nil {
			return nil, fmt.Errorf("%s: a maps table needs columns subject, condition and path: %w", path, err)
		}
		cols[name] = c.Raw
	}
	in := make([]Input, t.NumRows())
	for i := range in {
		in[i] = Input{Subject: cols["subject"][i], Condition: cols["condition"][i], Path: cols["path"][i]}
		if in[i].Path == "" || in[i].Subject == "" || in[i].Condition == "" {
			return nil, fmt.Errorf("%s line %d: subject, condition and path must not be empty", path, i+2)
		}
		if !filepath.IsAbs(in[i].Path) {
			in[i].Path = filepath.Join(filepath.Dir(path), in[i].Path)
		}
	}
	return in, nil
}

// Apply computes the pattern response of every volume of every input image to the weight map
// (named name), the map resampled to each image's grid (once per distinct grid); images are
// streamed volume by volume. NaN image values are allowed (they are left out of the metrics).
func Apply(m *Map, name string, inputs []Input, opts ApplyOptions) (*Responses, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	res := &Responses{Signature: name, Options: opts}
	var cache []*Map
	for _, in := range inputs {
		r, err := nifti.Open(in.Path, &nifti.Options{AllowNonFinite: true})
		if err != nil {
			return nil, err
		}
		err = func() error {
			defer r.Close()
			aff, _, err := r.Header.Affine()
			if err != nil {
				return fmt.Errorf("%s: %w", in.Path, err)
			}
			sh := r.Header.VolumeShape()
			var w *Map
			for _, c := range cache {
				if c.SameGrid(sh, aff) {
					w = c
				}
			}
			if w == nil {
				if w, err = m.ResampleTo(sh, aff, opts.Interpolation); err != nil {
					return fmt.Errorf("%s: %w", in.Path, err)
				}
				cache = append(cache, w)
			}
			vol := make([]float64, r.VoxelsPerVolume())
			for t := 0; t < r.NumVolumes(); t++ {
				if err := r.Next(vol); err != nil {
					return fmt.Errorf("%s volume %d: %w", in.Path, t, err)
				}
				s := Similarities(w.Values, vol)
				v, _ := s.Get(opts.Metric)
				res.Rows = append(res.Rows, Response{Subject: in.Subject, Condition: in.Condition, Image: in.Path, Volume: t, Response: v, Similarity: s})
			}
			return nil
		}()
		if err != nil {
			return nil, err
		}
	}
	return res, nil
}

var header = []string{"subject", "condition", "image", "volume", "response", Dot, Cosine, Correlation, "n_voxels"}

// WriteTSV writes the responses table: subject, condition, image, volume (from 0), response (the
// chosen metric), the three metrics and the number of voxels used.
func (r *Responses) WriteTSV(w io.Writer) error {
	var b strings.Builder
	b.WriteString(strings.Join(header, "\t") + "\n")
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	for _, x := range r.Rows {
		b.WriteString(strings.Join([]string{x.Subject, x.Condition, x.Image, strconv.Itoa(x.Volume), f(x.Response), f(x.Dot), f(x.Cosine), f(x.Correlation), strconv.Itoa(x.NVoxels)}, "\t") + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteFiles writes the responses table (responses.tsv) at path, atomically.
func (r *Responses) WriteFiles(path string) error {
	var b strings.Builder
	if err := r.WriteTSV(&b); err != nil {
		return err
	}
	return atomicfile.WriteFile(path, []byte(b.String()))
}

// ReadResponses reads a responses table: columns subject, condition and response (other columns,
// such as those WriteFiles adds, are kept where present).
func ReadResponses(path string) (*Responses, error) {
	t, err := table.Read(path, nil)
	if err != nil {
		return nil, err
	}
	var sub, cond, resp *table.Column
	for _, c := range []struct {
		name string
		dst  **table.Column
	}{{"subject", &sub}, {"condition", &cond}, {"response", &resp}} {
		if *c.dst, err = t.Column(c.name); err != nil {
			return nil, fmt.Errorf("%s: a responses table needs columns subject, condition and response: %w", path, err)
		}
	}
	if !resp.IsNumeric() {
		return nil, fmt.Errorf("%s: column response is not numeric", path)
	}
	r := &Responses{Signature: filepath.Base(path)}
	for i := range sub.Raw {
		r.Rows = append(r.Rows, Response{Subject: sub.Raw[i], Condition: cond.Raw[i], Response: resp.Values[i]})
	}
	return r, nil
}

// Conditions returns the conditions in order of first appearance.
func (r *Responses) Conditions() []string {
	var out []string
	for _, x := range r.Rows {
		if !slices.Contains(out, x.Condition) {
			out = append(out, x.Condition)
		}
	}
	return out
}

// Application returns a condition's responses as a signature application (one score per subject,
// in order of first appearance; a subject with several images or volumes in the condition, such
// as single-trial betas, scores their mean), for signature.ForcedChoice and the cohort workflows.
func (r *Responses) Application(condition string) (*signature.Application, error) {
	a := &signature.Application{Signature: r.Signature}
	sum, n := map[string]float64{}, map[string]int{}
	for _, x := range r.Rows {
		if x.Condition != condition {
			continue
		}
		if n[x.Subject] == 0 {
			a.Subjects = append(a.Subjects, x.Subject)
		}
		sum[x.Subject] += x.Response
		n[x.Subject]++
	}
	if len(a.Subjects) == 0 {
		return nil, fmt.Errorf("no pattern responses of condition %q (conditions: %s)", condition, strings.Join(r.Conditions(), ", "))
	}
	for _, s := range a.Subjects {
		a.Predictions = append(a.Predictions, sum[s]/float64(n[s]))
	}
	return a, nil
}

// IsTable reports whether path names a table (.tsv or .csv: a responses or maps table) rather than a
// signature file or an image.
func IsTable(path string) bool {
	ext := strings.ToLower(filepath.Ext(path))
	return ext == ".tsv" || ext == ".csv"
}

// Pair returns the applications of conditions a and b (see Application), for a forced choice.
func (r *Responses) Pair(a, b string) ([2]*signature.Application, error) {
	var out [2]*signature.Application
	for i, c := range []string{a, b} {
		app, err := r.Application(c)
		if err != nil {
			return out, err
		}
		out[i] = app
	}
	return out, nil
}

// Load reads the weight map of a voxel-pattern signature file (.json) or a weight map NIfTI
// itself, and its name (the signature's, or the map's file name).
func Load(path string) (*Map, string, error) {
	if strings.HasSuffix(strings.ToLower(path), ".json") {
		s, err := ReadSignature(path)
		if err != nil {
			return nil, "", err
		}
		m, err := s.Map(path)
		return m, s.Name, err
	}
	m, err := LoadMap(path)
	return m, filepath.Base(path), err
}

// InputsFromPaths reads the images to apply a pattern to: one maps table (.tsv or .csv, see
// ReadInputs), or image files, each its own subject (its BIDS sub- label, else its file name)
// in the given condition.
func InputsFromPaths(paths []string, condition string) ([]Input, error) {
	if len(paths) == 1 && IsTable(paths[0]) {
		return ReadInputs(paths[0])
	}
	in := make([]Input, len(paths))
	for i, p := range paths {
		sub := filepath.Base(p)
		for _, part := range strings.Split(sub, "_") {
			if l, ok := strings.CutPrefix(part, "sub-"); ok {
				sub = l
				break
			}
		}
		in[i] = Input{Subject: sub, Condition: condition, Path: p}
	}
	return in, nil
}
