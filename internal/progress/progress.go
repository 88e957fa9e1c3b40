// Package progress shows progress bars on a terminal and stays quiet otherwise: when stderr is a
// file or a pipe (a Slurm log, CI), a bar would fill the log with control characters, so only a
// log line at the end is written.
package progress

import (
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// Bar reports progress over a known number of steps.
type Bar struct {
	bar   *progressbar.ProgressBar
	desc  string
	total int
	start time.Time
}

// Enabled reports whether bars are drawn (stderr is a terminal and not disabled).
var Enabled = term.IsTerminal(int(os.Stderr.Fd()))

// New starts a bar of total steps.
func New(total int, desc string) *Bar {
	b := &Bar{desc: desc, total: total, start: time.Now()}
	if Enabled {
		showing.Add(1)
		b.bar = progressbar.NewOptions(total,
			progressbar.OptionSetWriter(os.Stderr),
			progressbar.OptionSetDescription(desc),
			progressbar.OptionShowCount(),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionClearOnFinish(),
		)
	}
	return b
}

// Set moves the bar to done steps.
func (b *Bar) Set(done int) {
	if b.bar != nil {
		b.bar.Set(done)
	}
}

// Finish closes the bar and logs the elapsed time.
func (b *Bar) Finish() {
	if b.bar != nil {
		b.bar.Finish()
		b.bar = nil
		showing.Add(-1)
	}
	slog.Info(b.desc+" done", "steps", b.total, "elapsed", time.Since(b.start).Round(time.Millisecond).String())
}

// Reporter is a progress callback for a library loop (the Progress field of an options type:
// func(done, total int)) drawing a bar named desc with ETA on a terminal, created at the first
// call (when the loop knows its total) and closed when done reaches total; a loop run again
// (another stage with the same callback) starts a new bar. Off a terminal Func is nil: nothing is
// drawn or logged. Finish closes a bar left open (a loop that failed).
type Reporter struct {
	desc string
	bar  *Bar
}

// NewReporter returns a Reporter for loops described by desc (e.g. "learn permute: folds").
func NewReporter(desc string) *Reporter { return &Reporter{desc: desc} }

// Func is the callback to put in a library options type: nil (the loops stay silent, at no cost)
// when bars are not drawn.
func (r *Reporter) Func() func(done, total int) {
	if !Enabled {
		return nil
	}
	return func(done, total int) {
		if r.bar == nil {
			r.bar = New(total, r.desc)
		}
		r.bar.Set(done)
		if done >= total {
			r.bar.Finish()
			r.bar = nil
		}
	}
}

// Finish closes a bar left open.
func (r *Reporter) Finish() {
	if r.bar != nil {
		r.bar.Finish()
		r.bar = nil
	}
}

// Stages is a stage-progress factory for a library workflow's options (a Progress field of type
// func(stage string) func(done, total int)): each stage gets a bar named prefix + ": " + stage on
// a terminal; nil off a terminal.
func Stages(prefix string) func(stage string) func(done, total int) {
	if !Enabled {
		return nil
	}
	return func(stage string) func(done, total int) { return NewReporter(prefix + ": " + stage).Func() }
}

// showing counts the bars on the terminal now; gate lets one loop at a time start its bar.
var (
	showing atomic.Int32
	gate    sync.Mutex
)

// Auto turns on the bars of library loops that take no Progress option (Loop); painmark's command
// sets it on a terminal, so a Go program calling the library draws nothing unless it asks.
var Auto atomic.Bool

// Loop is the progress callback of a long library loop (grid search folds, spins, surrogates, DCC
// edges, decoding folds, study units) named desc: a bar with ETA while Auto is on, bars are drawn
// and no other bar is showing (an inner loop of an outer one with a bar, or of several running in
// parallel, stays silent); nil otherwise, at no cost. Pass it to parallel.ForProgress, or call it
// with (done, total) after each step of a sequential loop.
func Loop(desc string) func(done, total int) {
	if !Enabled || !Auto.Load() || showing.Load() > 0 {
		return nil
	}
	var mu sync.Mutex
	var bar *Bar
	silent := false
	return func(done, total int) {
		mu.Lock()
		defer mu.Unlock()
		if silent {
			return
		}
		if bar == nil {
			gate.Lock()
			if showing.Load() == 0 { // else another loop started its bar first
				bar = New(total, desc)
			}
			gate.Unlock()
			if bar == nil {
				silent = true
				return
			}
		}
		bar.Set(done)
		if done >= total {
			bar.Finish()
			silent = true
		}
	}
}
