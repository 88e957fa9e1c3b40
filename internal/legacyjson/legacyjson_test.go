package legacyjson

import "testing"

func TestRename(t *testing.T) {
	got, err := Rename([]byte(`{"L1Ratio": 0.5, "alpha": 1, "MaxIter": 3, "max_iter": 4}`), map[string]string{"L1Ratio": "l1_ratio", "MaxIter": "max_iter"})
	if err != nil || string(got) != `{"MaxIter":3,"alpha":1,"l1_ratio":0.5,"max_iter":4}` {
		t.Errorf("%s %v", got, err)
	}
	if got, _ := Rename([]byte(`null`), map[string]string{"a": "b"}); string(got) != "null" {
		t.Errorf("null: %s", got)
	}
	if _, err := Rename([]byte(`{"a":`), nil); err == nil {
		t.Error("a truncated object accepted")
	}
}
