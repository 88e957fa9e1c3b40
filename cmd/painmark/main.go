// Command painmark is the command-line front of painmark, a toolkit for pain neuroimaging
// biomarkers. Each subcommand parses flags and calls the library; no analysis lives here.
package main

import (
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/version"
	"github.com/spf13/cobra"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

// run runs painmark with args and returns its exit code (usage.go lists them).
func run(args []string) int {
	return execute(newRoot(), args)
}

// execute runs root with args: a usage error exits 2, a failure 1, a panic 70 with a short report.
func execute(root *cobra.Command, args []string) (code int) {
	defer func() {
		if v := recover(); v != nil {
			code = reportPanic(os.Stderr, v, args)
		}
	}()
	invocation = args
	var started bool
	trackStart(root, &started)
	root.SetArgs(args)
	if cmd, err := root.ExecuteC(); err != nil {
		fmt.Fprintln(os.Stderr, "painmark:", err)
		code = exitCode(err, started)
		if code == exitUsage && cmd != nil {
			fmt.Fprintf(os.Stderr, "usage: %s (painmark %s--help for more)\n", cmd.UseLine(), strings.TrimPrefix(cmd.CommandPath()+" ", "painmark "))
		}
		return code
	}
	return 0
}

// invocation holds the arguments painmark runs with, for the command line in report headers.
var invocation []string

// commandLine is painmark's command line with args, quoted so that a shell re-runs it.
func commandLine(args []string) string {
	return report.CommandLine(append([]string{"painmark"}, args...))
}

func newRoot() *cobra.Command {
	var logLevel, logFormat string
	root := &cobra.Command{
		Use:           "painmark",
		Version:       version.Version,
		Short:         "Pain neuroimaging biomarkers: connectivity signatures, decoders, morphometry, targets",
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			return setupLogging(logLevel, logFormat)
		},
	}
	withHelp(root, "painmark")
	root.PersistentFlags().StringVar(&logLevel, "log-level", "info", "log level: debug, info, warn, error")
	root.PersistentFlags().StringVar(&logFormat, "log-format", "text", "log format on stderr: text or json")
	root.SetVersionTemplate(version.String() + "\n") // the text of painmark version
	root.SetFlagErrorFunc(flagError)
	root.SetHelpCommand(helpCommand())
	root.AddCommand(newVersionCmd(), newInspectCmd(), newAtlasCmd(), newConfoundsCmd(), newExtractCmd(), newConnectomeCmd(), newLearnCmd(), newSignatureCmd(), newDecodeCmd(), newMorphCmd(), newSpinCmd(), newGenesCmd(), newStimoptCmd(), newSeedmapCmd(), newTargetCmd(), newLesionnetCmd(), newReportCmd(), newIndexCmd(), newRunCmd(), newRunTaskCmd(), newStatusCmd(), newSyntheticCmd(), newDemoCmd())
	requireSubcommands(root)
	return root
}

func setupLogging(level, format string) error {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return usageError{fmt.Errorf("--log-level %q: use debug, info, warn or error", level)}
	}
	opts := &slog.HandlerOptions{Level: l}
	switch format {
	case "text":
		slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, opts)))
	case "json":
		slog.SetDefault(slog.New(slog.NewJSONHandler(os.Stderr, opts)))
	default:
		return usageError{fmt.Errorf("--log-format %q: use text or json", format)}
	}
	return nil
}

// exactArgs is cobra.ExactArgs returning a usage error.
func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := cobra.ExactArgs(n)(cmd, args); err != nil {
			return usageError{err}
		}
		return nil
	}
}
