package atomicfile

import "encoding/json"

// WriteJSON writes v as indented JSON (two spaces, a final newline), atomically: the one way
// painmark writes its result JSON files, so the CLI and library workflows write the same bytes.
func WriteJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return WriteFile(path, append(b, '\n'))
}
