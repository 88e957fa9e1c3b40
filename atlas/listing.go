package atlas

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/painmark/painmark/internal/describe"
)

// Open returns the region table of a built-in atlas by name, or else reads name as a TSV/CSV
// region table (painmark atlas show).
func Open(name string) (*Table, error) {
	t, err := Builtin(name)
	if err != nil {
		if t, err = ReadTable(name); err != nil {
			return nil, notFound(name, err)
		}
	}
	return t, nil
}

// WriteBuiltinList writes one line per built-in atlas: name, number of regions, description.
func WriteBuiltinList(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, b := range Builtins() {
		t, err := Builtin(b.Name)
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "%s\t%d regions\t%s\n", b.Name, t.Len(), b.Description)
	}
	return tw.Flush()
}

// WriteText writes the regions as an aligned listing: position, index, name, hemisphere, system,
// network and centroid (mm).
func (t *Table) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tindex\tname\themisphere\tsystem\tnetwork\tcentroid (mm)")
	for i, r := range t.Regions {
		fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\t%s\t%.1f %.1f %.1f\n", i+1, r.Index, r.Name, r.Hemisphere, r.System, r.Network, r.Centroid[0], r.Centroid[1], r.Centroid[2])
	}
	return tw.Flush()
}

// WriteJSON writes the regions as a JSON array of objects with the Region field names (centroids
// null where unknown).
func (t *Table) WriteJSON(w io.Writer) error {
	type region struct {
		Index                              int
		Name, FullName, Hemisphere, System string
		Network, Segment                   string
		Centroid, SphereCentroid           [3]describe.Finite
		CytoClass                          int
	}
	out := make([]region, len(t.Regions))
	for i, r := range t.Regions {
		out[i] = region{r.Index, r.Name, r.FullName, r.Hemisphere, string(r.System), r.Network, r.Segment,
			[3]describe.Finite{describe.Finite(r.Centroid[0]), describe.Finite(r.Centroid[1]), describe.Finite(r.Centroid[2])},
			[3]describe.Finite{describe.Finite(r.SphereCentroid[0]), describe.Finite(r.SphereCentroid[1]), describe.Finite(r.SphereCentroid[2])}, r.CytoClass}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}
