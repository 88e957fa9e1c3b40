// Package legacyjson reads result files written before painmark's JSON keys were snake_case:
// a type's UnmarshalJSON renames the old keys of its object to the new ones, then decodes.
package legacyjson

import (
	"bytes"
	"encoding/json"
)

// Rename returns the JSON object b with each key of old (the key an older painmark wrote) present
// renamed to its new key, unless the new key is present too. b that is not an object (null) is
// returned as it is.
func Rename(b []byte, old map[string]string) ([]byte, error) {
	if t := bytes.TrimSpace(b); len(t) == 0 || t[0] != '{' {
		return b, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	renamed := false
	for from, to := range old {
		v, ok := m[from]
		if _, has := m[to]; !ok || has {
			continue
		}
		m[to] = v
		delete(m, from)
		renamed = true
	}
	if !renamed {
		return b, nil
	}
	return json.Marshal(m)
}
