package pipeline

import "testing"

// TestDefaultStudy: the defaults of a study file are the library's (the same values Load gives a
// real study), so the reference page shows what a study gets.
func TestDefaultStudy(t *testing.T) {
	s, err := DefaultStudy()
	if err != nil {
		t.Fatal(err)
	}
	if s.Extract.Atlas == "" || s.Connectivity.Kind == "" || s.Model.Scaler == "" || s.Executor.Type != "local" || s.Inputs.IDs == "" {
		t.Errorf("defaults not filled: %+v", s)
	}
}
