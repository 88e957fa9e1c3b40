package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/painmark/painmark/atlas"
	"github.com/painmark/painmark/internal/parallel"
	"github.com/painmark/painmark/target"
	"github.com/painmark/painmark/version"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Exit codes: 0 success, 1 the work failed, 2 painmark was called wrongly (usage), 70 an internal
// error (a panic: a bug in painmark; EX_SOFTWARE of sysexits.h).
const (
	exitFailure  = 1
	exitUsage    = 2
	exitSoftware = 70
)

// usageError marks errors in how painmark was called (exit code 2), as opposed to failures of the
// work itself (exit code 1).
type usageError struct{ error }

// libraryUsage are the library's errors that say a choice on the command line names nothing (an
// unknown atlas or network): usage errors wherever they arise.
var libraryUsage = []error{atlas.ErrUnknown, target.ErrUnknownNetwork}

// exitCode is the exit code of err: every error returned before a command's work starts (flags,
// arguments, required flags, PreRunE checks), every usageError and every libraryUsage error is a
// usage error.
func exitCode(err error, started bool) int {
	var ue usageError
	if !started || errors.As(err, &ue) {
		return exitUsage
	}
	for _, u := range libraryUsage {
		if errors.Is(err, u) {
			return exitUsage
		}
	}
	return exitFailure
}

// trackStart wraps the RunE of every command so that *started tells whether the work began: cobra
// returns its own usage errors (arguments, required flags) before that.
func trackStart(c *cobra.Command, started *bool) {
	if run := c.RunE; run != nil {
		c.RunE = func(cmd *cobra.Command, args []string) error {
			*started = true
			return run(cmd, args)
		}
	}
	for _, s := range c.Commands() {
		trackStart(s, started)
	}
}

// requireSubcommands makes every command that groups subcommands refuse a missing or unknown
// subcommand with a usage error naming the choices or suggesting one (cobra prints the help and
// exits 0 otherwise). A command that also runs itself (morph) keeps its own arguments.
func requireSubcommands(c *cobra.Command) {
	switch {
	case c.HasSubCommands() && c.Run == nil && c.RunE == nil:
		c.Args = func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError{fmt.Errorf("%q needs a command: one of %s", cmd.CommandPath(), strings.Join(subcommandNames(cmd), ", "))}
			}
			return usageError{unknownCommand(cmd, args[0])}
		}
		c.RunE = func(cmd *cobra.Command, args []string) error { return nil } // Args always refuses
		if !strings.Contains(c.Use, " ") {
			c.Use += " COMMAND"
		}
	case c.HasSubCommands() && c.Args != nil:
		own := c.Args
		c.Args = func(cmd *cobra.Command, args []string) error {
			if err := own(cmd, args); err != nil && len(args) > 0 {
				return usageError{unknownCommand(cmd, args[0])}
			}
			return own(cmd, args)
		}
	}
	for _, s := range c.Commands() {
		requireSubcommands(s)
	}
}

func subcommandNames(c *cobra.Command) []string {
	var names []string
	for _, s := range c.Commands() {
		if s.IsAvailableCommand() {
			names = append(names, s.Name())
		}
	}
	return names
}

// unknownCommand says that name is no subcommand of c, with cobra's suggestions or else the choices.
func unknownCommand(c *cobra.Command, name string) error {
	if c.SuggestionsMinimumDistance <= 0 {
		c.SuggestionsMinimumDistance = 2 // cobra's default, set only on its own path
	}
	if s := c.SuggestionsFor(name); len(s) > 0 {
		return fmt.Errorf("unknown command %q for %q; did you mean %s?", name, c.CommandPath(), quoteOr(s))
	}
	return fmt.Errorf("unknown command %q for %q (commands: %s)", name, c.CommandPath(), strings.Join(subcommandNames(c), ", "))
}

// flagError is the usage error of a flag that pflag refused, suggesting the closest flag names of
// cmd for an unknown one (cobra's SuggestionsFor, applied to the flag names).
func flagError(cmd *cobra.Command, err error) error {
	name, ok := strings.CutPrefix(err.Error(), "unknown flag: --")
	if !ok {
		return usageError{err}
	}
	probe := &cobra.Command{SuggestionsMinimumDistance: 2}
	add := func(f *pflag.Flag) {
		if !f.Hidden {
			probe.AddCommand(&cobra.Command{Use: f.Name, Run: func(*cobra.Command, []string) {}})
		}
	}
	cmd.Flags().VisitAll(add)
	cmd.InheritedFlags().VisitAll(add)
	s := probe.SuggestionsFor(name)
	if len(s) == 0 {
		return usageError{err}
	}
	for i := range s {
		s[i] = "--" + s[i]
	}
	return usageError{fmt.Errorf("%w; did you mean %s?", err, quoteOr(s))}
}

// quoteOr joins names as `"a"`, `"a" or "b"`, `"a", "b" or "c"`.
func quoteOr(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

// reportPanic turns a panic into exit code 70 with a short report on w: what panicked and where
// (in a worker goroutine too: parallel carries its panics to the caller), the version and the
// command line (the whole stack with PAINMARK_TRACEBACK=1).
func reportPanic(w io.Writer, v any, args []string) int {
	site, stack := parallel.PanicSite(), debug.Stack()
	if p, ok := v.(*parallel.Panic); ok {
		v, site, stack = p.Value, p.Site+" (in a worker goroutine)", p.Stack
	}
	fmt.Fprintf(w, "painmark: internal error (a bug in painmark, not in your data or command line): %v\n", v)
	if site != "" {
		fmt.Fprintf(w, "  at %s\n", site)
	}
	fmt.Fprintf(w, "  %s\n  command: %s\n", version.String(), commandLine(args))
	if os.Getenv("PAINMARK_TRACEBACK") != "" {
		w.Write(stack)
	} else {
		fmt.Fprintln(w, "  (PAINMARK_TRACEBACK=1 prints the whole stack; please report this message)")
	}
	return exitSoftware
}

// requireFlags is the usage error naming exactly the flags of cmd left empty among names (nil if
// none is), as "-o/--out is required" or "--x and --y are required".
func requireFlags(cmd *cobra.Command, names ...string) error {
	var missing []string
	for _, n := range names {
		f := cmd.Flags().Lookup(n)
		if f.Value.String() != "" && f.Value.String() != "[]" {
			continue
		}
		if f.Shorthand != "" {
			missing = append(missing, "-"+f.Shorthand+"/--"+n)
		} else {
			missing = append(missing, "--"+n)
		}
	}
	switch len(missing) {
	case 0:
		return nil
	case 1:
		return usageError{fmt.Errorf("%s is required", missing[0])}
	}
	return usageError{fmt.Errorf("%s and %s are required", strings.Join(missing[:len(missing)-1], ", "), missing[len(missing)-1])}
}

// helpCommand is `painmark help [COMMAND...]`: the help of a command, and a usage error with
// suggestions for an unknown one (cobra's prints "Unknown help topic" and exits 0).
func helpCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "help [COMMAND...]",
		Short: "Help about any command",
		RunE: func(c *cobra.Command, args []string) error {
			cmd, rest, err := c.Root().Find(args)
			if err != nil {
				return usageError{err}
			}
			if len(rest) > 0 {
				return usageError{unknownCommand(cmd, rest[0])}
			}
			return cmd.Help()
		},
	}
}
