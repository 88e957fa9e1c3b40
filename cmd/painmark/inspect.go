package main

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	"github.com/painmark/painmark/nifti"
	"github.com/painmark/painmark/npy"
	"github.com/painmark/painmark/table"
	"github.com/spf13/cobra"
)

func newInspectCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "inspect FILE",
		Short: "Describe a file: NIfTI header and data summary, .npy arrays, TSV/CSV tables",
		Long: `inspect tells what nib-ls and fslinfo tell, for every format painmark reads:
  NIfTI-1/2 (.nii, .nii.gz): dims, datatype, pixdim, units, TR, the affine painmark uses (and whether
      it comes from the sform, the qform or the default), scl_slope/inter, extensions, and the
      minimum, maximum, mean and standard deviation (ddof 0) of the scaled data, streamed volume by
      volume; non-finite values are counted and left out of the statistics.
  .npy: shape, dtype, order and the same statistics.
  TSV/CSV (.tsv, .csv, .txt, optionally .gz): rows, and per column its type, missing cells and range.
With --json the summary is one JSON object; NIfTI keys: dims, datatype, pixdim, affine (4x4 rows),
affine_source, scl_slope, scl_inter, min, max, mean, std, and more.`,
		Example: `  painmark inspect sub-01_task-rest_bold.nii.gz
  painmark inspect --json MIST_122.nii.gz | jq .affine`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			summary, err := inspect(args[0])
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			if asJSON {
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				enc.SetEscapeHTML(false)
				return enc.Encode(summary)
			}
			printSummary(w, summary)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON object instead of text")
	return cmd
}

// orderedSummary keeps keys in the order they were added, for readable text and JSON output.
type orderedSummary struct {
	keys   []string
	values map[string]any
}

func (s *orderedSummary) set(k string, v any) {
	if s.values == nil {
		s.values = map[string]any{}
	}
	if _, ok := s.values[k]; !ok {
		s.keys = append(s.keys, k)
	}
	s.values[k] = v
}

func (s *orderedSummary) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // dtype strings such as "<f8" stay readable
	b.WriteString("{")
	for i, k := range s.keys {
		if i > 0 {
			b.WriteString(",")
		}
		if err := enc.Encode(k); err != nil {
			return nil, err
		}
		b.WriteString(":")
		if err := enc.Encode(s.values[k]); err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
	}
	b.WriteString("}")
	return b.Bytes(), nil
}

// finite turns NaN and ±Inf into JSON null.
func finite(v float64) any {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return v
}

func inspect(path string) (*orderedSummary, error) {
	kind, err := sniff(path)
	if err != nil {
		return nil, err
	}
	switch kind {
	case "nifti":
		return inspectNifti(path)
	case "npy":
		return inspectNpy(path)
	default:
		return inspectTable(path)
	}
}

// sniff decides the format from the content (gzip is looked through), falling back on the name.
func sniff(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	head := make([]byte, 8)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	switch {
	case strings.HasPrefix(string(head), "\x93NUMPY"):
		return "npy", nil
	case n >= 4 && (binary.LittleEndian.Uint32(head) == 348 || binary.BigEndian.Uint32(head) == 348 ||
		binary.LittleEndian.Uint32(head) == 540 || binary.BigEndian.Uint32(head) == 540):
		return "nifti", nil
	}
	name := strings.TrimSuffix(path, ".gz")
	switch {
	case strings.HasSuffix(name, ".nii"), strings.HasSuffix(name, ".hdr"):
		return "nifti", nil
	case strings.HasSuffix(name, ".tsv"), strings.HasSuffix(name, ".csv"), strings.HasSuffix(name, ".txt"):
		return "table", nil
	}
	return "", fmt.Errorf("%s: not a format painmark reads (NIfTI .nii/.nii.gz, .npy, .tsv/.csv/.txt)", path)
}

func inspectNifti(path string) (*orderedSummary, error) {
	h, st, statErr := nifti.ComputeStats(path)
	if h == nil {
		return nil, statErr
	}
	s := &orderedSummary{}
	s.set("file", path)
	s.set("format", fmt.Sprintf("NIfTI-%d", h.Version))
	bo := "little-endian"
	if h.ByteOrder == binary.BigEndian {
		bo = "big-endian"
	}
	s.set("byte_order", bo)
	s.set("dims", h.Shape())
	s.set("datatype", h.Datatype.String())
	pix := make([]any, 8)
	for i, v := range h.Pixdim {
		pix[i] = finite(v)
	}
	s.set("pixdim", pix)
	s.set("zooms", h.Zooms())
	s.set("units", []string{h.SpatialUnit(), h.TimeUnit()})
	if tr, ok := h.RepetitionTime(); ok {
		s.set("tr_seconds", tr)
	}
	aff, src, err := h.Affine()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	s.set("affine", aff.Rows())
	s.set("affine_source", src)
	s.set("qform_code", int(h.QformCode))
	s.set("sform_code", int(h.SformCode))
	s.set("scl_slope", finite(h.SclSlope))
	s.set("scl_inter", finite(h.SclInter))
	s.set("vox_offset", h.VoxOffset)
	var ext []int
	for _, e := range h.Extensions {
		ext = append(ext, int(e.Code))
	}
	s.set("extensions", ext)
	s.set("descrip", h.Descrip)
	s.set("intent_code", h.IntentCode)
	if statErr != nil {
		// Complex and RGB images have a header but no real-valued statistics.
		s.set("data", statErr.Error())
		return s, nil
	}
	s.setStats(st)
	return s, nil
}

// setStats records a data summary under the keys min, max, mean, std and n_nonfinite.
func (s *orderedSummary) setStats(st nifti.Stats) {
	s.set("min", finite(st.Min))
	s.set("max", finite(st.Max))
	s.set("mean", finite(st.Mean))
	s.set("std", finite(st.Std))
	s.set("n_nonfinite", st.NonFinite)
}

func inspectNpy(path string) (*orderedSummary, error) {
	a, err := npy.Read(path)
	if err != nil {
		return nil, err
	}
	var st nifti.Stats
	st.Add(a.Data)
	s := &orderedSummary{}
	s.set("file", path)
	s.set("format", "npy")
	s.set("shape", a.Shape)
	s.set("dtype", a.Dtype)
	s.set("fortran_order", a.FortranOrder)
	s.setStats(st)
	return s, nil
}

func inspectTable(path string) (*orderedSummary, error) {
	t, err := table.Read(path, nil)
	if err != nil {
		return nil, err
	}
	s := &orderedSummary{}
	s.set("file", path)
	s.set("format", "table")
	s.set("rows", t.NumRows())
	cols := make([]map[string]any, len(t.Columns))
	for i, c := range t.Columns {
		m := map[string]any{"name": c.Name, "type": c.Kind.String()}
		missing := 0
		for _, b := range c.Missing {
			if b {
				missing++
			}
		}
		m["missing"] = missing
		if c.IsNumeric() && c.Kind != table.Empty {
			var st nifti.Stats
			st.Add(c.Values)
			m["min"], m["max"], m["mean"] = finite(st.Min), finite(st.Max), finite(st.Mean)
		}
		cols[i] = m
	}
	s.set("columns", cols)
	return s, nil
}

func printSummary(w io.Writer, s *orderedSummary) {
	bw := bufio.NewWriter(w)
	defer bw.Flush()
	for _, k := range s.keys {
		v := s.values[k]
		switch k {
		case "affine":
			fmt.Fprintf(bw, "%-14s\n", k)
			for _, row := range v.([][]float64) {
				fmt.Fprintf(bw, "  %12.6g %12.6g %12.6g %12.6g\n", row[0], row[1], row[2], row[3])
			}
		case "columns":
			cols := v.([]map[string]any)
			fmt.Fprintf(bw, "%-14s %d\n", k, len(cols))
			for _, c := range cols {
				line := fmt.Sprintf("  %-32s %-8s missing %d", c["name"], c["type"], c["missing"])
				if c["min"] != nil {
					line += fmt.Sprintf("  range [%v, %v]", c["min"], c["max"])
				}
				fmt.Fprintln(bw, line)
			}
		default:
			if v == nil {
				v = "n/a"
			}
			fmt.Fprintf(bw, "%-14s %v\n", k, v)
		}
	}
}
