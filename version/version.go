// Package version holds painmark's version, recorded in every output sidecar.
package version

import (
	"fmt"
	"runtime"
)

// Version is painmark's release; builds may override it with
// -ldflags "-X github.com/painmark/painmark/version.Version=...".
var Version = "0.1.0-dev"

// String is the one-line description printed by `painmark version`.
func String() string {
	return fmt.Sprintf("painmark %s (%s, %s/%s)", Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
