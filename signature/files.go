package signature

import (
	"encoding/json"

	"github.com/painmark/painmark/internal/atomicfile"
)

// writeJSON writes a workflow's result as indented JSON with a final newline, atomically (an
// interrupted run leaves no half-written result under the final name).
func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(path, append(b, '\n'))
}
