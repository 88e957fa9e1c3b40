package main

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// listsChoices matches flag help that lists choices: "a, b or c", "a or b", "a, b, c", "a,b,c",
// "one of", "a|b" (a word may carry a parenthesised gloss: "robust (RobustScaler), standard or
// none", "auto (...), no (...), yes").
var listsChoices = regexp.MustCompile(`one of|\w\|\w|\w+,\w+,\w+|\b[\w.:-]+(?: \((?:[^()]|\([^()]*\))*\))?(?:, [\w.:-]+(?: \((?:[^()]|\([^()]*\))*\))?)*,? or [\w.:-]+\b|\b[\w-]+, [\w-]+, [\w-]+|\b[\w.:-]+(?: \((?:[^()]|\([^()]*\))*\))?, [\w.:-]+(?: \((?:[^()]|\([^()]*\))*\))?, [\w.:-]+\b`)

// freeValues are the string flags whose help reads like a list of choices but whose value is
// free (a file, a column, a name), each with what it takes; every other such flag must be a
// choiceVar.
var freeValues = map[string]string{
	"painmark connectome --region-tags":              "a table",
	"painmark decode stream --atlas":                 "a built-in atlas or a label image (atlas.ErrUnknown names the built-in ones)",
	"painmark decode stream --out":                   "a file or -",
	"painmark genes --coords":                        "a table",
	"painmark morph --coords":                        "a table",
	"painmark spin --coords":                         "a table",
	"painmark learn population --groups":             "TABLE:COLUMN",
	"painmark signature import-weights --connectome": "a file",
	"painmark target --scalp":                        "a table",
	"painmark target --search-space":                 "a file",
	"painmark target --templates":                    "a file",
	"painmark genes enrich --background":             "a file or TABLE:COLUMN",
	"painmark extract --atlas":                       "a built-in atlas, a label image or surface labels",
	"painmark learn bootstrap --target":              "TABLE:COLUMN or COLUMN",
	"painmark learn cv --target":                     "TABLE:COLUMN or COLUMN",
	"painmark learn fit --target":                    "TABLE:COLUMN or COLUMN",
	"painmark learn permute --target":                "TABLE:COLUMN or COLUMN",
	"painmark learn search --target":                 "TABLE:COLUMN or COLUMN",
	"painmark learn population --target":             "TABLE:COLUMN or COLUMN",
	"painmark signature ablate --target":             "TABLE:COLUMN or COLUMN",
	"painmark signature train --target":              "TABLE:COLUMN or COLUMN",
	"painmark signature compare --target":            "TABLE:COLUMN or COLUMN",
	"painmark signature lesion --target":             "TABLE:COLUMN or COLUMN",
	"painmark signature validate --target":           "TABLE:COLUMN or COLUMN",
	"painmark pattern apply --signature":             "a file",
	"painmark locate --networks":                     "a file",
	"painmark locate --out":                          "a file",
	"painmark seedmap --out":                         "a file",
	"painmark signature nodes --image":               "a file",
	"painmark target --atlas-maps":                   "a file",
	"painmark genes --region-column":                 "a column",
	"painmark target --ratings":                      "a table",
	"painmark learn population --out":                "a folder",
	"painmark morph pca --region-column":             "a column",
}

// TestUsageErrorsNameTheChoiceEveryFlag walks the command tree: every flag taking one of a set of words (a
// choiceVar) accepts its default and refuses a misspelt value with a usage error (exit 2) that names the choices, before
// any input is read and without writing anything; and a string flag whose help lists choices but
// is not a choiceVar (nor a listed free value) fails the test, so a new enum flag is noticed.
func TestUsageErrorsNameTheChoiceEveryFlag(t *testing.T) {
	t.Chdir(t.TempDir())
	n, matched := 0, map[string]bool{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.LocalFlags().VisitAll(func(f *pflag.Flag) {
			name := c.CommandPath() + " --" + f.Name
			v, ok := f.Value.(*choiceValue)
			if !ok {
				if f.Value.Type() == "string" && listsChoices.MatchString(f.Usage) {
					matched[name] = true
				}
				if matched[name] && freeValues[name] == "" {
					t.Errorf("%s: its help lists choices (%q) but it is not a choiceVar", name, f.Usage)
				}
				return
			}
			n++
			if f.DefValue != "" && v.check(f.DefValue) != nil {
				t.Errorf("%s: refuses its own default %q: %v", name, f.DefValue, v.check(f.DefValue))
			}
			want := v.check("bogus-choice").Error()
			if !strings.Contains(want, ", ") && !strings.Contains(want, " or ") {
				t.Errorf("%s: the refusal %q does not name the choices", name, want)
			}
			args := append(strings.Fields(strings.TrimPrefix(c.CommandPath(), "painmark")), "--"+f.Name, "bogus-choice")
			if _, errOut, code := runCLI(t, args...); code != exitUsage || !strings.Contains(errOut, want) || !strings.Contains(errOut, `for "--`+f.Name+`" flag`) {
				t.Errorf("painmark %s: exit %d, %q", strings.Join(args, " "), code, errOut)
			}
		})
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(newRoot())
	for name := range freeValues {
		if !matched[name] {
			t.Errorf("freeValues lists %s, which is no string flag whose help lists choices", name)
		}
	}
	if entries, _ := os.ReadDir("."); len(entries) != 0 {
		t.Errorf("refused commands wrote %s", entries[0].Name())
	}
	if n < 60 {
		t.Errorf("%d choice flags: fewer than the 60 the tree had", n)
	}
	t.Logf("%d choice flags refused", n)
}
