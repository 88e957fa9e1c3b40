// Package inspect tells what a file holds, for every format painmark reads, as nib-ls and fslinfo
// do (painmark inspect): it recognises the format from the first bytes (the .npy magic string, the
// NIfTI-1/2 header size), or else from the name, and returns that format package's summary.
package inspect

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/painmark/painmark/nifti"
	"github.com/painmark/painmark/npy"
	"github.com/painmark/painmark/table"
)

// Summary is a format package's description of one file (*nifti.Summary, *npy.Summary,
// *table.Summary): JSON with stable snake_case keys, or text lines.
type Summary interface {
	WriteText(w io.Writer) error
}

// Format names the format of the file at path: "nifti", "npy" or "table".
func Format(path string) (string, error) {
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

// File summarises the file at path with its format package.
func File(path string) (Summary, error) {
	kind, err := Format(path)
	if err != nil {
		return nil, err
	}
	var s Summary
	switch kind {
	case "nifti":
		s, err = nifti.Summarize(path)
	case "npy":
		s, err = npy.Summarize(path)
	default:
		s, err = table.Summarize(path)
	}
	if err != nil {
		return nil, err
	}
	return s, nil
}

// WriteJSON writes s as one indented JSON object (dtype strings such as "<f8" left unescaped).
func WriteJSON(w io.Writer, s Summary) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(s)
}
