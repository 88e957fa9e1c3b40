// Command painmark is the command-line front of painmark, a toolkit for pain neuroimaging
// biomarkers. Each subcommand parses flags and calls the library; no analysis lives here.
package main

import (
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/painmark/painmark/internal/progress"
	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/version"
	"github.com/spf13/cobra"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

// run runs painmark with args and returns its exit code (usage.go lists them).
func run(args []string) int {
	progress.Auto.Store(true) // the library's long loops draw bars, on a terminal only
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
	root.SetArgs(bidsAppArgs(root, args)) // painmark BIDS_DIR OUTPUT_DIR participant|group
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
		Use:              "painmark",
		Version:          version.Version,
		Short:            "Pain neuroimaging biomarkers: connectivity signatures, decoders, morphometry, targets",
		SilenceUsage:     true,
		SilenceErrors:    true,
		PersistentPreRun: func(cmd *cobra.Command, args []string) { setupLogging(logLevel, logFormat) },
	}
	withHelp(root, "painmark")
	choiceVar(root.PersistentFlags(), &logLevel, "log-level", "info", "log level: debug, info, warn, error", logLevelName)
	choiceVar(root.PersistentFlags(), &logFormat, "log-format", "text", "log format on stderr: text or json", oneOf("text", "json"))
	root.SetVersionTemplate(version.String() + "\n") // the text of painmark version
	root.SetFlagErrorFunc(flagError)
	root.SetHelpCommand(helpCommand())
	root.AddCommand(newVersionCmd(), newInspectCmd(), newAtlasCmd(), newConfoundsCmd(), newExtractCmd(), newConnectomeCmd(), newLearnCmd(), newSignatureCmd(), newDecodeCmd(), newMorphCmd(), newSpinCmd(), newGenesCmd(), newStimoptCmd(), newSeedmapCmd(), newTargetCmd(), newLocateCmd(), newLesionnetCmd(), newReportCmd(), newIndexCmd(), newRunCmd(), newRunTaskCmd(), newStatusCmd(), newSyntheticCmd(), newDemoCmd(), newGLMCmd(), newPatternCmd())
	root.AddCommand(newBIDSAppCmd()) // painmark BIDS_DIR OUTPUT_DIR participant|group (bidsAppArgs)
	requireSubcommands(root)
	return root
}

// setupLogging sets the default logger (--log-level and --log-format were checked when parsed).
func setupLogging(level, format string) {
	var l slog.Level
	l.UnmarshalText([]byte(level))
	if opts := (&slog.HandlerOptions{Level: l}); format == "json" {
		slog.SetDefault(slog.New(slog.NewJSONHandler(os.Stderr, opts)))
	} else {
		slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, opts)))
	}
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
