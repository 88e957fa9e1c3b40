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

// InputName names inputs as a reader would: stems, and connectome's features.tsv by its folders.
func TestInputName(t *testing.T) {
	for in, want := range map[string]string{
		"/data/train/conn/features.tsv": "train/conn", "train/conn": "train/conn", "conn/features.tsv": "conn",
		"/maps/sub-01_thickness.dscalar.nii": "sub-01_thickness", "x.nii.gz": "x", "cohortA.tsv": "cohortA",
		"heat_pain_threshold": "heat_pain_threshold", "Bochum 2020": "Bochum 2020", "r.v2": "r.v2", "": "",
	} {
		if got := InputName(in); got != want {
			t.Errorf("InputName(%q) = %q, want %q", in, got, want)
		}
	}
}
