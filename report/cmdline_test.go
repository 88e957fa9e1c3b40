package report

import "testing"

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
