// Package benchkit runs benchmark contestants as child processes, so that each one's peak memory
// (max RSS) is its own, and summarises repeated runs by their median.
package benchkit

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"syscall"

	"github.com/painmark/painmark/stats"
)

// Run is one measured run: the seconds the contestant reports for its own work, its peak RSS in
// MiB, and the JSON it printed.
type Run struct {
	Seconds float64
	PeakMiB float64
	Output  map[string]json.RawMessage
}

// Measure runs cmd, which must print one JSON object with a "seconds" field on stdout.
func Measure(cmd *exec.Cmd) (Run, error) {
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return Run{}, fmt.Errorf("%s: %w", cmd.Path, err)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(out, &fields); err != nil {
		return Run{}, fmt.Errorf("%s: output is not JSON: %w: %.200s", cmd.Path, err, out)
	}
	var secs float64
	if err := json.Unmarshal(fields["seconds"], &secs); err != nil {
		return Run{}, fmt.Errorf("%s: no seconds in output", cmd.Path)
	}
	peak := float64(cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss) / 1024
	return Run{Seconds: secs, PeakMiB: peak, Output: fields}, nil
}

// Repeat measures a contestant n times and returns the medians of time and peak memory, with the
// output of the last run.
func Repeat(n int, makeCmd func() *exec.Cmd) (secs, peak float64, last Run, err error) {
	var ts, ps []float64
	for i := 0; i < n; i++ {
		r, err := Measure(makeCmd())
		if err != nil {
			return 0, 0, Run{}, err
		}
		ts = append(ts, r.Seconds)
		ps = append(ps, r.PeakMiB)
		last = r
	}
	return stats.Median(ts), stats.Median(ps), last, nil
}
