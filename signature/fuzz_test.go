package signature

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/painmark/painmark/internal/fuzzcheck"
	"github.com/painmark/painmark/learn"
)

// FuzzRead: any bytes are read as a signature file or refused with an error; a signature that is
// read writes back to a file that reads as the same signature, and one that validates (checksum
// aside, as an edited file would) applies to a feature row without a panic. Seed: committed in
// testdata/fuzz/FuzzRead, the RPN signature (../shared/data/painter-bochum/derived/rpn_model.json,
// ImportRPN) restricted to the 10 regions of its first weighted edges (4.5 KB).
func FuzzRead(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > fuzzcheck.MaxInput {
			return
		}
		p := fuzzcheck.File(t, "s.signature.json", b)
		fuzzcheck.Bounded(t, func() {
			if s, err := Read(p); err == nil {
				q := filepath.Join(t.TempDir(), "back.signature.json")
				if err := Write(q, s); err != nil {
					t.Fatalf("a signature read from a file cannot be written: %v", err)
				}
				back, err := Read(q)
				if err != nil {
					t.Fatalf("written signature does not read back: %v", err)
				}
				if !reflect.DeepEqual(back, s) {
					t.Fatalf("round trip changed the signature:\n%+v\n%+v", s, back)
				}
			}
			var s Signature
			if json.Unmarshal(b, &s) != nil || s.Validate() != nil || s.Features.NumFeatures > 1<<12 {
				return
			}
			s.Apply(learn.Matrix{Rows: 1, Cols: s.Features.NumFeatures, Data: make([]float64, s.Features.NumFeatures)})
		})
	})
}
