package table

import (
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/internal/fixtures"
)

func write(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestTypedColumnsMissingAndDuplicates(t *testing.T) {
	p := write(t, "participants.tsv", "participant_id\tage\tsex\tscore\tscore\tnote\n"+
		"sub-01\t25\tM\t1.5\t2\tok\n"+
		"sub-02\tn/a\tF\t-3e2\t\tn/a\n"+
		"sub-03\t31\tF\tNaN\t4\t \n")
	tb, err := Read(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(tb.Names(), ","); got != "participant_id,age,sex,score,score,note" {
		t.Fatalf("names %s", got)
	}
	kinds := []Kind{Text, Integer, Text, Float, Integer, Text}
	for i, k := range kinds {
		if tb.Columns[i].Kind != k {
			t.Errorf("column %d kind %v, want %v", i, tb.Columns[i].Kind, k)
		}
	}
	age, err := tb.Floats("age")
	if err != nil || age[0] != 25 || !math.IsNaN(age[1]) || age[2] != 31 {
		t.Errorf("age %v %v", age, err)
	}
	if _, err := tb.Column("score"); err == nil || !strings.Contains(err.Error(), "occurs 2 times") {
		t.Errorf("duplicate name: %v", err)
	}
	if _, err := tb.Column("weight"); err == nil || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), `no column "weight"`) {
		t.Errorf("missing column: %v", err)
	}
	if _, err := tb.Floats("sex"); err == nil || !strings.Contains(err.Error(), "not numeric") {
		t.Errorf("text as numbers: %v", err)
	}
	if m, err := tb.Matrix([]int{3, 4}, false); err == nil {
		t.Errorf("matrix with missing cells should fail, got %v", m)
	}

	pt, err := NewParticipants(tb, "")
	if err != nil {
		t.Fatal(err)
	}
	if v, err := pt.Value("02", "score"); err == nil {
		t.Errorf("score of sub-02 is ambiguous (two columns), got %v", v)
	}
	if v, err := pt.Value("sub-03", "age"); err != nil || v != 31 {
		t.Errorf("age of sub-03: %v %v", v, err)
	}
	if _, err := pt.Value("sub-02", "age"); err == nil || !strings.Contains(err.Error(), "no value") {
		t.Errorf("missing age: %v", err)
	}
	if _, err := pt.Row("sub-99"); err == nil || !strings.Contains(err.Error(), `"sub-99" is not in the table`) {
		t.Errorf("missing subject: %v", err)
	}
}

func TestBadTables(t *testing.T) {
	for name, c := range map[string]struct{ file, content, want string }{
		"ragged":        {"a.tsv", "a\tb\n1\t2\n3\n", "line 3"},
		"empty":         {"a.csv", "", "empty"},
		"duplicate IDs": {"p.tsv", "participant_id\tx\nsub-1\t1\nsub-1\t2\n", "appears twice"},
		"bad quote":     {"a.csv", "a,b\n\"1,2\n", "quote"},
	} {
		p := write(t, c.file, c.content)
		_, err := Read(p, nil)
		if err == nil && name == "duplicate IDs" {
			_, err = ReadParticipants(p, "", nil)
		}
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: %v (want file name and %q)", name, err, c.want)
		}
	}
}

func TestWriteReadRoundTrip(t *testing.T) {
	tb := &Table{Columns: []*Column{
		TextColumn("id", []string{"a", "b", "c"}),
		NumericColumn("x", []float64{math.Pi, math.NaN(), -1e-300}),
		NumericColumn("x", []float64{1, 2, 3}),
	}}
	for _, name := range []string{"t.tsv", "t.csv"} {
		p := filepath.Join(t.TempDir(), name)
		if err := Write(p, tb); err != nil {
			t.Fatal(err)
		}
		back, err := Read(p, nil)
		if err != nil {
			t.Fatal(err)
		}
		x := back.Columns[1].Values
		if x[0] != math.Pi || !math.IsNaN(x[1]) || x[2] != -1e-300 || back.Columns[2].Kind != Integer {
			t.Errorf("%s: %v", name, back.Columns[1])
		}
	}
}

func TestRealTables(t *testing.T) {
	ts := fixtures.Shared(t, "painter-bochum", "bochum-sample", "regional_timeseries", "bochum-004_pumi-0.tsv")
	tb, err := Read(ts, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(tb.Columns) != 123 || tb.NumRows() != 200 {
		t.Fatalf("%d columns x %d rows, want 123 x 200", len(tb.Columns), tb.NumRows())
	}
	for _, dup := range []string{"L_IPlob", "PRC_d", "SPlob"} {
		if n := len(tb.Indices(dup)); n != 2 {
			t.Errorf("%s occurs %d times, want 2", dup, n)
		}
	}
	fd, err := Read(fixtures.Shared(t, "painter-bochum", "bochum-sample", "framewise_displacement", "FD_bochum-004_pumi-0.txt"), nil)
	if err != nil || fd.NumRows() != 199 || fd.Columns[0].Name != "FramewiseDisplacement" {
		t.Fatalf("FD file: %v rows, %v", fd.NumRows(), err)
	}
	p, err := ReadParticipants(fixtures.Shared(t, "painter-bochum", "bochum-sample", "bochum_sample.csv"), "ID", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Value("4", "mean_QST_pain_sensitivity"); err != nil {
		t.Error(err)
	}
}

type pandasReading struct {
	File    string
	Error   string
	Rows    int
	Columns []struct {
		Kind    string
		Hex     string
		Missing []bool
	}
}

// TestLivePandas compares every CSV/TSV under ../shared/data with pandas.read_csv. Skipped unless
// PAINMARK_PYTHON names Debian's python3 (the extended suite sets it).
func TestLivePandas(t *testing.T) {
	py := os.Getenv("PAINMARK_PYTHON")
	if py == "" {
		t.Skip("PAINMARK_PYTHON not set (the extended suite sets it)")
	}
	root := fixtures.Shared(t)
	var files []string
	filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() && (strings.HasSuffix(p, ".csv") || strings.HasSuffix(p, ".tsv")) {
			files = append(files, p)
		}
		return nil
	})
	if len(files) < 100 {
		t.Fatalf("only %d tables found under %s", len(files), root)
	}
	// The quoting cases of TestQuotesAsPandas, and an unclosed quote pandas must refuse as we do.
	for name, content := range quotedTables {
		files = append(files, write(t, name, content))
	}
	files = append(files, write(t, "unclosed.tsv", unclosedQuote))
	out := t.TempDir()
	cmd := exec.Command(py, append([]string{filepath.Join("testdata", "pandas_tables.py"), out}, files...)...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("pandas: %v\n%s", err, msg)
	}
	readings, _ := filepath.Glob(filepath.Join(out, "*.json"))
	if len(readings) != len(files) {
		t.Fatalf("%d readings for %d files", len(readings), len(files))
	}
	compared := 0
	for _, rp := range readings {
		b, _ := os.ReadFile(rp)
		var want pandasReading
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatal(err)
		}
		tb, err := Read(want.File, nil)
		if want.Error != "" {
			if err == nil {
				t.Errorf("%s: pandas refuses it (%s), painmark reads it", want.File, want.Error)
			}
			continue
		}
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if tb.NumRows() != want.Rows || len(tb.Columns) != len(want.Columns) {
			t.Errorf("%s: %d x %d, pandas %d x %d", want.File, tb.NumRows(), len(tb.Columns), want.Rows, len(want.Columns))
			continue
		}
		for j, wc := range want.Columns {
			c := tb.Columns[j]
			numeric := strings.Contains("iuf", wc.Kind)
			if numeric != (c.Kind == Integer || c.Kind == Float) && !(c.Kind == Empty && wc.Kind == "f") {
				t.Errorf("%s column %d %q: kind %v, pandas %s", want.File, j, c.Name, c.Kind, wc.Kind)
				continue
			}
			if wc.Kind == "i" && c.Kind != Integer {
				t.Errorf("%s column %q: pandas reads integers, painmark %v", want.File, c.Name, c.Kind)
			}
			if numeric {
				raw, _ := hex.DecodeString(wc.Hex)
				for i := 0; i < want.Rows; i++ {
					w := math.Float64frombits(binary.LittleEndian.Uint64(raw[8*i:]))
					g := c.Values[i]
					if !(g == w || (math.IsNaN(g) && math.IsNaN(w))) {
						t.Errorf("%s column %q row %d: %v, pandas %v", want.File, c.Name, i, g, w)
						break
					}
				}
			} else {
				for i, m := range wc.Missing {
					if c.Missing[i] != m {
						t.Errorf("%s column %q row %d: missing=%v, pandas %v", want.File, c.Name, i, c.Missing[i], m)
						break
					}
				}
			}
			compared++
		}
	}
	t.Logf("%d tables, %d columns agree with pandas", len(files), compared)
}

func TestReadPhysio(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "sub-01_task-rest_physio.tsv")
	os.WriteFile(p, []byte("0.1\t1.5\t0\n0.2\t1.4\t1\n0.3\t1.2\t0\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "sub-01_task-rest_physio.json"), []byte(`{"SamplingFrequency": 50, "StartTime": -2.5, "Columns": ["cardiac", "respiratory", "trigger"]}`), 0o644)
	ph, err := ReadPhysio(p)
	if err != nil {
		t.Fatal(err)
	}
	if ph.SamplingFrequency != 50 || len(ph.Columns["respiratory"]) != 3 || ph.Columns["cardiac"][2] != 0.3 || ph.Times()[1] != -2.48 {
		t.Errorf("%+v %v", ph, ph.Times())
	}
	os.WriteFile(filepath.Join(dir, "sub-01_task-rest_physio.json"), []byte(`{"SamplingFrequency": 50, "Columns": ["cardiac", "respiratory", "trigger"]}`), 0o644)
	if _, err := ReadPhysio(p); err == nil || !strings.Contains(err.Error(), "StartTime") {
		t.Errorf("missing StartTime: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "sub-01_task-rest_physio.json"), []byte(`{"SamplingFrequency": 50, "StartTime": 0, "Columns": ["cardiac"]}`), 0o644)
	if _, err := ReadPhysio(p); err == nil || !strings.Contains(err.Error(), "3 columns") {
		t.Errorf("column count: %v", err)
	}
}

// A numeric column changed in place after reading (its text dropped) is written from its values;
// a column with the wrong number of cells is refused instead of panicking.
func TestWriteChangedAndShortColumns(t *testing.T) {
	dir := t.TempDir()
	c := NumericColumn("v", []float64{1.5, math.NaN(), 3})
	c.Values[0], c.Raw = 2.25, nil
	path := filepath.Join(dir, "t.tsv")
	if err := Write(path, &Table{Columns: []*Column{TextColumn("id", []string{"a", "b", "c"}), c}}); err != nil {
		t.Fatal(err)
	}
	back, err := Read(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := back.Floats("v")
	if v[0] != 2.25 || !math.IsNaN(v[1]) || v[2] != 3 {
		t.Errorf("read back %v", v)
	}
	if err := Write(path, &Table{Columns: []*Column{TextColumn("id", []string{"a", "b", "c"}), TextColumn("short", []string{"x"})}}); err == nil {
		t.Error("a column with 1 cell for 3 rows accepted")
	}
}

// TestParticipantsNameEveryMissingSubject checks that a lookup of many subjects names every one the
// table lacks (up to ten, then their number and the first ten), not only the first.
func TestParticipantsNameEveryMissingSubject(t *testing.T) {
	path := filepath.Join(t.TempDir(), "participants.tsv")
	os.WriteFile(path, []byte("participant_id\tage\nsub-01\t30\nsub-02\tn/a\n"), 0o644)
	pt, err := ReadParticipants(path, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pt.Values([]string{"sub-01", "sub-07", "sub-08"}, "age"); err == nil || !strings.Contains(err.Error(), "2 subjects: sub-07, sub-08 not in the table") {
		t.Errorf("two missing: %v", err)
	}
	many := []string{"sub-01"}
	for i := 0; i < 26; i++ {
		many = append(many, fmt.Sprintf("sub-%d", 100+i))
	}
	for _, f := range []func() error{
		func() error { _, err := pt.Values(many, "age"); return err },
		func() error { _, err := pt.Labels(many, "age"); return err },
		func() error { _, err := pt.Covariate(many, "age"); return err },
	} {
		if err := f(); err == nil || !strings.Contains(err.Error(), "26 subjects, the first 10: sub-100, sub-101, sub-102, sub-103, sub-104, sub-105, sub-106, sub-107, sub-108, sub-109 not in the table") {
			t.Errorf("26 missing: %v", err)
		}
	}
	if _, err := pt.Values([]string{"sub-01", "sub-02"}, "age"); err == nil || !strings.Contains(err.Error(), `column "age" has no value for 1 subject: sub-02`) {
		t.Errorf("missing cell: %v", err)
	}
}
