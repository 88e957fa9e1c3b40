// Command painmark is the command-line front of painmark, a toolkit for pain neuroimaging
// biomarkers. Each subcommand parses flags and calls the library; no analysis lives here.
package main

import (
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/spf13/cobra"
)

// usageError marks errors in how painmark was called (exit code 2), as opposed to failures of the
// work itself (exit code 1).
type usageError struct{ error }

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	root := newRoot()
	root.SetArgs(args)
	if err := root.Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "painmark:", err)
		var ue usageError
		if errors.As(err, &ue) {
			return 2
		}
		return 1
	}
	return 0
}

func newRoot() *cobra.Command {
	var logLevel, logFormat string
	root := &cobra.Command{
		Use:           "painmark",
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
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(newVersionCmd(), newInspectCmd(), newAtlasCmd(), newConfoundsCmd(), newExtractCmd(), newConnectomeCmd(), newLearnCmd(), newSignatureCmd(), newDecodeCmd(), newMorphCmd(), newSpinCmd(), newGenesCmd(), newStimoptCmd(), newSeedmapCmd(), newTargetCmd(), newLesionnetCmd(), newReportCmd(), newIndexCmd(), newRunCmd(), newRunTaskCmd(), newStatusCmd(), newSyntheticCmd(), newDemoCmd())
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
