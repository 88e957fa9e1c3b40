package report

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/version"
)

func TestCommandLine(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"painmark", "connectome", "--kind", "partial correlation", "ts/", "-o", "out/f.tsv"}, `painmark connectome --kind 'partial correlation' ts/ -o out/f.tsv`},
		{[]string{"painmark", "spin", "maps.tsv", "--x", "a:b", "--label", "it's $HOME;*"}, `painmark spin maps.tsv --x a:b --label 'it'\''s $HOME;*'`},
		{[]string{"painmark", "learn", "search", "--grid", "alpha=0.1,1", "--name", ""}, `painmark learn search --grid alpha=0.1,1 --name ''`},
	} {
		if got := CommandLine(c.args); got != c.want {
			t.Errorf("CommandLine(%q) = %s, want %s", c.args, got, c.want)
		}
	}
}

// TestHeaderSoftwareOnce checks that the header names the software once ("painmark 0.1.0-dev
// (go...)", not "painmark painmark ...").
func TestHeaderSoftwareOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.html")
	if err := New("t", CommandLine([]string{"painmark", "version"})).Write(path); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if !strings.Contains(string(b), "<td>"+version.String()+"</td>") || strings.Contains(string(b), "painmark painmark") {
		t.Errorf("software row: %s", b)
	}
}
