package morph

import (
	"os"
	"testing"
)

func requirePython(t *testing.T) {
	t.Helper()
	if os.Getenv("PAINMARK_PYTHON") == "" {
		t.Skip("PAINMARK_PYTHON not set (the extended suite sets it)")
	}
}
