package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/painmark/painmark/decode"
	"github.com/painmark/painmark/extract"
	"github.com/painmark/painmark/internal/atomicfile"
	"github.com/painmark/painmark/stats"
	"github.com/spf13/cobra"
)

func newDecodeStreamCmd() *cobra.Command {
	o, eo := decode.DefaultStreamOptions(), extract.DefaultRunOptions()
	var out string
	cmd := withHelp(&cobra.Command{
		Use:   "stream MODEL INPUT",
		Short: "Apply a decoder in real time: one prediction per TR as parcel rows (stdin, a named pipe, a growing file) or volumes (a growing .nii) arrive",
		Args:  exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			volumes := strings.HasSuffix(args[1], ".nii")
			if !(o.TR > 0) && !volumes {
				return usageError{fmt.Errorf("--tr is required (the repetition time in seconds)")}
			}
			m, err := decode.ReadModel(args[0])
			if err != nil {
				return err
			}
			var on *extract.Online
			if volumes { // a 4D image being written: reduced by the atlas as volumes arrive
				spec, err := eo.Spec()
				if err != nil {
					return err
				}
				if on, err = extract.OpenOnline(args[1], spec.Set, spec.Labels, max(o.Follow, 10*time.Second)); err != nil {
					return err
				}
			}
			var in io.Reader = cmd.InOrStdin()
			if args[1] != "-" && !volumes {
				f, err := os.Open(args[1])
				if err != nil {
					return err
				}
				defer f.Close()
				in = f
			}
			var w io.Writer = cmd.OutOrStdout()
			commit := func() error { return nil }
			if out != "-" {
				f, err := atomicfile.Create(out)
				if err != nil {
					return err
				}
				defer f.Abort()
				w, commit = f, f.Commit
			}
			var sum *decode.StreamSummary
			if volumes {
				sum, err = decode.StreamVolumes(m, on, w, o)
			} else {
				sum, err = decode.StreamRows(m, in, w, o)
			}
			if err != nil {
				return err
			}
			if err := commit(); err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "%d frames, %d predictions -> %s (median latency %.3f ms per TR)\n", sum.Frames, sum.Predicted, out, stats.Median(sum.LatencyMS))
			return nil
		},
	}, "decode-stream")
	f := cmd.Flags()
	f.Float64Var(&o.TR, "tr", 0, "repetition time in seconds (required)")
	f.IntVar(&o.Warmup, "warmup", o.Warmup, "usable frames before the first prediction (the running z-score needs some)")
	f.DurationVar(&o.Follow, "follow", o.Follow, "at the end of INPUT, wait this long for more rows (a file being written), e.g. 5s")
	f.StringVar(&eo.Atlas, "atlas", eo.Atlas, "INPUT a growing 4D .nii: the label atlas reducing each volume to the decoder's regions (built-in name or label image)")
	f.StringVar(&eo.AtlasTable, "atlas-table", "", "region table of a label image")
	f.StringVarP(&out, "out", "o", "-", "predictions TSV (frame, time, prediction, latency_ms); - for standard output, line by line")
	return cmd
}
