package table

import "testing"

func TestParseColumnRef(t *testing.T) {
	for _, c := range []struct{ in, path, col string }{
		{"participants.tsv:pain", "participants.tsv", "pain"},
		{"C:/data/p.tsv:heat", "C:/data/p.tsv", "heat"},
		{"a:b:c", "a:b", "c"},
	} {
		r, err := ParseColumnRef(c.in, "--target")
		if err != nil || r.Path != c.path || r.Column != c.col || r.String() != c.in {
			t.Errorf("%q: got %+v, %v", c.in, r, err)
		}
	}
	for _, bad := range []string{"", "p.tsv", ":pain", "p.tsv:"} {
		if _, err := ParseColumnRef(bad, "--target"); err == nil {
			t.Errorf("%q: accepted", bad)
		}
	}
}
