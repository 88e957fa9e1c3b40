package atlas

import (
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/painmark/painmark/table"
)

// The built-in atlases; builtin/NOTICE.md names their sources and licences.
//
//go:embed builtin/mist122/regions.tsv builtin/mist122/MIST_122.nii.gz builtin/dk68/regions.tsv builtin/NOTICE.md
var builtinFS embed.FS

// BuiltinInfo describes a built-in atlas.
type BuiltinInfo struct {
	Name, Description, Source string
	HasImage                  bool
}

var builtins = map[string]BuiltinInfo{
	"mist122": {
		Name:        "mist122",
		Description: "MIST 122-parcel functional atlas (3 mm MNI), in the region order of the RPN signature (PAINTeR), with PAINTeR's module per region",
		Source:      "MIST (Urchs et al. 2019) as distributed with spisakt/PAINTeR @ 49fca62 (BSD-3-style licence)",
		HasImage:    true,
	},
	"dk68": {
		Name:        "dk68",
		Description: "Desikan-Killiany 68 cortical regions (ENIGMA order) with fsaverage5 sphere centroids, modal von Economo-Koskinas class and modal Yeo-7 network",
		Source:      "MICA-MNI/ENIGMA @ d66a7ef (BSD-3); class and network columns derived by majority vote, not official tables",
	},
}

// Builtins lists the built-in atlases, sorted by name.
func Builtins() []BuiltinInfo {
	out := make([]BuiltinInfo, 0, len(builtins))
	for _, b := range builtins {
		out = append(out, b)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func builtinNames() []string {
	var names []string
	for _, b := range Builtins() {
		names = append(names, b.Name)
	}
	return names
}

// ErrUnknown is wrapped by the error for an atlas name that is neither a built-in atlas nor a file
// (a usage error: painmark exits 2 with it, listing the built-in atlases).
var ErrUnknown = errors.New("no built-in atlas of that name")

// notFound says that name is neither a built-in atlas nor a file, listing the built-in atlases,
// when err is a missing file; other errors (a file that is not an atlas) are returned as they are.
func notFound(name string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("atlas %q: %w (built in: %s) and no such file", name, ErrUnknown, strings.Join(builtinNames(), ", "))
	}
	return err
}

// Builtin returns the region table of a built-in atlas.
func Builtin(name string) (*Table, error) {
	if _, ok := builtins[name]; !ok {
		return nil, fmt.Errorf("no built-in atlas %q (built in: %s)", name, strings.Join(builtinNames(), ", "))
	}
	f, err := builtinFS.Open("builtin/" + name + "/regions.tsv")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	tb, err := table.Parse(f, &table.Options{Delimiter: '\t'})
	if err != nil {
		return nil, fmt.Errorf("built-in atlas %s: %w", name, err)
	}
	t, err := FromTable(tb, name)
	if err != nil {
		return nil, err
	}
	t.Name = name
	return t, nil
}

// BuiltinImage writes the label image of a built-in atlas into dir and loads it.
func BuiltinImage(name, dir string) (*LabelImage, error) {
	info, ok := builtins[name]
	if !ok || !info.HasImage {
		return nil, fmt.Errorf("built-in atlas %q has no label image", name)
	}
	src, err := builtinFS.Open("builtin/mist122/MIST_122.nii.gz")
	if err != nil {
		return nil, err
	}
	defer src.Close()
	path := filepath.Join(dir, "MIST_122.nii.gz")
	dst, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return nil, err
	}
	if err := dst.Close(); err != nil {
		return nil, err
	}
	return LoadLabelImage(path)
}
