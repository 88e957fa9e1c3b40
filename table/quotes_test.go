package table

import (
	"strings"
	"testing"
)

// quotedTables hold quoted fields as pandas reads them (TestLivePandas reads them with pandas too):
// a quoted field holding the delimiter, a doubled quote and a newline; a quote inside an unquoted
// field is data.
var quotedTables = map[string]string{
	"ok.tsv": "a\tb\n\"x\ty\"\t1\n\"say \"\"hi\"\"\"\t2\n\"two\nlines\"\t3\n5\"\t4\n",
	"ok.csv": "a,b\n\"x,y\",1\n\"say \"\"hi\"\"\",2\n\"two\nlines\",3\n5\",4\n",
}

// unclosedQuote is a table whose one unclosed quote would swallow the rows after it.
const unclosedQuote = "a\tb\n1\t\"x\n2\ty\n3\tz\n"

// Issue 21: one unclosed '"' no longer swallows the rest of the table (inspect reported 11 of 54
// rows): it is an error naming the line; quotes read as pandas reads them otherwise.
func TestQuotesAsPandas(t *testing.T) {
	var b strings.Builder
	b.WriteString("subject\tnote\tx\n")
	for i := 0; i < 54; i++ {
		note := "ok"
		if i == 10 {
			note = `"unclosed`
		}
		b.WriteString("s" + string(rune('a'+i%26)) + "\t" + note + "\t1\n")
	}
	if _, err := Read(write(t, "bad.tsv", b.String()), nil); err == nil || !strings.Contains(err.Error(), "line 12") {
		t.Errorf("unclosed quote: %v", err)
	}
	if _, err := Read(write(t, "after.csv", "a,b\n\"x\"y,1\n"), nil); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("text after a closing quote: %v", err)
	}
	// As pandas: a quoted field holding the delimiter, a doubled quote and a newline; a quote
	// inside an unquoted field is data (in a TSV and in a CSV).
	for name, content := range quotedTables {
		tb, err := Read(write(t, name, content), nil)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got := strings.Join(tb.Columns[0].Raw, "|")
		want := strings.Join([]string{"x" + map[bool]string{true: "\t", false: ","}[strings.HasSuffix(name, ".tsv")] + "y", `say "hi"`, "two\nlines", `5"`}, "|")
		if got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
}

// Issue 21: ±Inf ("inf", or beyond float64's range) is refused where numbers are used, as NaN is.
func TestInfRefused(t *testing.T) {
	tb, err := Read(write(t, "inf.tsv", "id\tx\ty\na\t1\t2\nb\tinf\t1e999\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tb.Floats("x"); err == nil || !strings.Contains(err.Error(), `"inf"`) || !strings.Contains(err.Error(), "row 2") {
		t.Errorf("Floats: %v", err)
	}
	if _, err := tb.Matrix([]int{2}, false); err == nil || !strings.Contains(err.Error(), `"y"`) {
		t.Errorf("Matrix: %v", err)
	}
}

func TestUnclosedQuoteRefused(t *testing.T) {
	if _, err := Read(write(t, "unclosed.tsv", unclosedQuote), nil); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("unclosed quote: %v", err)
	}
}
