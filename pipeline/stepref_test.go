package pipeline

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// An input "@NAME/FILE" names a file of another step's output folder (an ablation model's
// signature): it orders the steps like "@NAME"; a file outside the folder or an unknown step is
// refused when the study is loaded.
func TestStepFileReferences(t *testing.T) {
	dir := t.TempDir()
	study := func(ref string) string {
		return `output = "out"
[[signature_validate]]
name = "validate"
signature = "` + ref + `"
features = "f.tsv"
target = "p.tsv:pain"
[[signature_ablate]]
name = "ablate"
features = "f.tsv"
target = "p.tsv:pain"
`
	}
	for ref, want := range map[string]string{"@ablate/../x.json": "inside the step's output folder", "@ablate/": "inside the step's output folder",
		"@nosuch/a.json": "names no step", "@cohort/a.json": "names no step"} {
		path := filepath.Join(dir, "study.toml")
		os.WriteFile(path, []byte(study(ref)), 0o644)
		if _, err := Load(path); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error saying %q", ref, err, want)
		}
	}
	// A [[signature_lesion]] (declared, and sorted, before [[signature_validate]]) naming a file of
	// a validate step runs after it.
	path := filepath.Join(dir, "study.toml")
	os.WriteFile(path, []byte(study("@ablate/ablation-M5.signature.json")+`[[signature_lesion]]
name = "lesion"
signature = "@validate/x.json"
features = "f.tsv"
target = "p.tsv:pain"
`), 0o644)
	s, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, st := range s.Steps {
		order = append(order, st.Name)
	}
	if strings.Join(order, " ") != "ablate validate lesion" {
		t.Errorf("steps in the order %v, want ablate validate lesion (each after the step it names)", order)
	}
}
