package features

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/painmark/painmark/internal/fuzzcheck"
	"github.com/painmark/painmark/signal"
)

// FuzzRead: any features.tsv, features.npy and connectome.json bytes are read as a feature table
// or refused, without a panic or an allocation the bytes do not hold; a table that reads writes a
// folder that reads back and writes the same bytes. Seed, committed in testdata/fuzz/FuzzRead
// (written by TestWriteReadSeeds with PAINMARK_WRITE_SEEDS=1): Connectomes of three simulated
// subjects over four regions (partial correlation, Ledoit-Wolf), one of them with fewer frames
// than regions (a sidecar with a warning).
func FuzzRead(f *testing.F) {
	f.Fuzz(func(t *testing.T, tsv, npyBytes, sidecarBytes []byte) {
		if len(tsv)+len(npyBytes)+len(sidecarBytes) > fuzzcheck.MaxInput {
			return
		}
		p := fuzzcheck.File(t, TSVName, tsv)
		dir := filepath.Dir(p)
		for name, b := range map[string][]byte{"features.npy": npyBytes, SidecarName: sidecarBytes} {
			if len(b) > 0 {
				if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
		fuzzcheck.Bounded(t, func() {
			tb, err := Read(dir, nil)
			if err != nil {
				return
			}
			out1, out2 := filepath.Join(t.TempDir(), "1"), filepath.Join(t.TempDir(), "2")
			if err := tb.Write(out1); err != nil {
				return // e.g. a table the writer refuses
			}
			back, err := Read(out1, nil)
			if err != nil {
				t.Fatalf("a written table does not read back: %v", err)
			}
			if err := back.Write(out2); err != nil {
				t.Fatal(err)
			}
			for _, name := range []string{TSVName, "features.npy", SidecarName} {
				b1, err1 := os.ReadFile(filepath.Join(out1, name))
				b2, err2 := os.ReadFile(filepath.Join(out2, name))
				if (err1 == nil) != (err2 == nil) || !bytes.Equal(b1, b2) {
					t.Fatalf("%s changed in a round trip", name)
				}
			}
		})
	})
}

// TestWriteReadSeeds writes FuzzRead's seed corpus (PAINMARK_WRITE_SEEDS=1) and checks that the
// seed reads.
func TestWriteReadSeeds(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	s := &Series{Subjects: []string{"sub-01", "sub-02", "sub-03"}, Regions: []Region{{Name: "A"}, {Name: "B"}, {Name: "C"}, {Name: "D"}}}
	for i, frames := range []int{12, 3, 9} {
		m := signal.NewMatrix(frames, 4)
		for k := range m.Data {
			m.Data[k] = r.NormFloat64()
		}
		s.Data, s.Files = append(s.Data, m), append(s.Files, fmt.Sprintf("sub-0%d_timeseries.tsv", i+1))
	}
	res, err := Connectomes(s, DefaultConnectomeOptions())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := res.Table.Write(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(dir, nil); err != nil {
		t.Fatalf("the seed does not read: %v", err)
	}
	if os.Getenv("PAINMARK_WRITE_SEEDS") == "" {
		return
	}
	read := func(name string) []byte { b, _ := os.ReadFile(filepath.Join(dir, name)); return b }
	corpus := filepath.Join("testdata", "fuzz", "FuzzRead")
	os.MkdirAll(corpus, 0o755)
	text := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n[]byte(%q)\n[]byte(%q)\n", read(TSVName), read("features.npy"), read(SidecarName))
	if err := os.WriteFile(filepath.Join(corpus, "connectomes-3-subjects-4-regions"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
