package main

import (
	"fmt"
	"log/slog"
	"strings"

	"github.com/painmark/painmark/confounds"
	"github.com/painmark/painmark/learn"
	"github.com/painmark/painmark/nulls"
	"github.com/painmark/painmark/stats"
	"github.com/spf13/pflag"
)

// choiceValue is a string flag that takes one of a set of words (or a form the library's check
// accepts, as --cv kfold:K): pflag refuses any other value while parsing, so a misspelt choice is
// a usage error (exit 2) naming the choices before any input is read.
type choiceValue struct {
	p     *string
	def   string
	check func(string) error
}

func (v *choiceValue) String() string { return *v.p }
func (v *choiceValue) Type() string   { return "string" }
func (v *choiceValue) Set(s string) error {
	if err := v.check(s); err != nil && s != v.def { // the default ("" for unset) always reads
		return err
	}
	*v.p = s
	return nil
}

// choiceVar defines a string flag, as pflag's StringVar, whose values check accepts.
func choiceVar(f *pflag.FlagSet, p *string, name, value, usage string, check func(string) error) {
	*p = value
	f.Var(&choiceValue{p, value, check}, name, usage)
}

// oneOf accepts exactly these words (the library's names of the choices), naming them when it
// refuses one.
func oneOf[T ~string](words ...T) func(string) error {
	return func(s string) error {
		names := make([]string, len(words))
		for i, w := range words {
			if string(w) == s {
				return nil
			}
			names[i] = string(w)
		}
		return fmt.Errorf("one of %s", strings.Join(names, ", "))
	}
}

// eachOf accepts a comma-separated list whose every item check accepts.
func eachOf(check func(string) error) func(string) error {
	return func(s string) error {
		for _, item := range strings.Split(s, ",") {
			if err := check(item); err != nil {
				return fmt.Errorf("%q: %w", item, err)
			}
		}
		return nil
	}
}

// nullModel accepts a registered null model (nulls.Lookup) or one of extra.
func nullModel(extra ...string) func(string) error {
	return func(s string) error {
		if _, err := nulls.Lookup(s); err != nil && oneOf(extra...)(s) != nil {
			return fmt.Errorf("one of %s", strings.Join(append(nulls.Names(), extra...), ", "))
		}
		return nil
	}
}

// confoundPreset accepts the confound presets of confounds.PresetFor ("none" too when none is true).
func confoundPreset(none bool) func(string) error {
	return func(s string) error {
		if s == "none" && none {
			return nil
		}
		_, err := confounds.PresetFor(s, "")
		return err
	}
}

// The checks of the enum flags several commands share, by the library's names.
var (
	// expansion: the confound expansions of motion, wm_csf and global_signal.
	expansion       = oneOf("basic", "derivatives", "power2", "full")
	permConvention  = oneOf(stats.PermSklearn, stats.PermAbs, stats.PermNoPlusOne, stats.PermStrict, stats.PermAbsStrict)
	scoring         = func(s string) error { return learn.CheckScoring(learn.Scoring(s)) }
	solver          = func(s string) error { return learn.CheckSolver(learn.Solver(s)) }
	permutationMode = func(s string) error { return learn.CheckPermutationMode(learn.PermutationMode(s)) }
	// logLevelName: a level slog reads (any case, with an offset such as info+2).
	logLevelName = func(s string) error {
		var l slog.Level
		if l.UnmarshalText([]byte(s)) != nil {
			return fmt.Errorf("one of debug, info, warn, error")
		}
		return nil
	}
)
