package table

import (
	"bytes"
	"testing"
)

// FuzzParse: any text parses into a rectangular table with consistent columns, or fails with an
// error; never a panic.
func FuzzParse(f *testing.F) {
	f.Add([]byte("participant_id\tage\tscore\nsub-01\t25\tn/a\nsub-02\t31\t1.5e3\n"), false)
	f.Add([]byte("a,b,b\n\"x,y\",2,3\n,NaN,inf\n"), false)
	f.Add([]byte("roi;label;x\n1;SPlob;0.5\n"), false)
	f.Add([]byte("0.1 0.2\n0.3 0.4\n"), true)
	f.Fuzz(func(t *testing.T, b []byte, noHeader bool) {
		for _, d := range []rune{'\t', ',', ' '} {
			tb, err := Parse(bytes.NewReader(b), &Options{Delimiter: d, NoHeader: noHeader})
			if err != nil {
				continue
			}
			n := tb.NumRows()
			for _, c := range tb.Columns {
				if len(c.Raw) != n || len(c.Missing) != n || (c.Values != nil && len(c.Values) != n) {
					t.Fatalf("column %q has inconsistent lengths", c.Name)
				}
				if c.IsNumeric() && c.Values == nil {
					t.Fatalf("numeric column %q without values", c.Name)
				}
			}
		}
	})
}
