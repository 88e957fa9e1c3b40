package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/painmark/painmark/features"
	"github.com/painmark/painmark/pipeline"
	"github.com/painmark/painmark/version"
	"github.com/spf13/cobra"
)

// bidsAppArgs rewrites a BIDS-App call (painmark BIDS_DIR OUTPUT_DIR participant|group ...; the
// BIDS Apps specification) into the bids-app command, and the specification's space-separated
// --participant_label list into one flag per label. Other calls are returned unchanged, so an
// unknown command still exits 2.
func bidsAppArgs(root *cobra.Command, args []string) []string {
	if len(args) < 3 || strings.HasPrefix(args[0], "-") || (args[2] != pipeline.ParticipantLevel && args[2] != pipeline.GroupLevel) {
		return args
	}
	if c, _, err := root.Find(args[:1]); err == nil && c != root {
		return args // a subcommand's own arguments
	}
	out := []string{"bids-app"}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a != "--participant-label" && a != "--participant_label" {
			out = append(out, a)
			continue
		}
		for i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
			i++
			out = append(out, "--participant-label", args[i])
		}
	}
	return out
}

func newBIDSAppCmd() *cobra.Command {
	o := pipeline.DefaultBIDSAppOptions()
	cmd := withHelp(&cobra.Command{
		Use:    "bids-app BIDS_DIR OUTPUT_DIR participant|group",
		Short:  "The BIDS-App entry point: painmark BIDS_DIR OUTPUT_DIR participant|group",
		Hidden: true,
		Args:   exactArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.BIDSDir, o.OutputDir, o.Level = args[0], args[1], args[2]
			if st, err := os.Stat(o.BIDSDir); err != nil || !st.IsDir() {
				return usageError{fmt.Errorf("BIDS_DIR %s: not a folder", o.BIDSDir)}
			}
			if o.Level != pipeline.ParticipantLevel && o.Level != pipeline.GroupLevel {
				return usageError{fmt.Errorf("analysis level %q: participant or group", o.Level)}
			}
			if o.Level == pipeline.GroupLevel && o.Study == "" && o.Target == "" {
				return usageError{fmt.Errorf("the group level needs --target COLUMN (of BIDS_DIR/participants.tsv) or --study FILE")}
			}
			o.CommandLine, o.Version = commandLine(invocation), version.String()
			res, err := pipeline.RunBIDSApp(o)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			if res.Level == pipeline.ParticipantLevel {
				fmt.Fprintf(w, "participant level: %d participants, %d derivative files in %s\n", len(res.Participants), len(res.Files), o.OutputDir)
				return nil
			}
			fmt.Fprintf(w, "group level: %d units (%d computed) of %s; results in %s\n", res.Group.Units, res.Group.Computed, res.StudyFile, strings.TrimSuffix(res.Group.Features, "/features.tsv"))
			return nil
		},
	}, "bids-app")
	f := cmd.Flags()
	f.StringSliceVar(&o.ParticipantLabels, "participant-label", nil, "participants to process at the participant level (labels without sub-; space-separated as the BIDS Apps specification, or repeated)")
	f.StringVar(&o.Fmriprep, "fmriprep", "", "fMRIPrep derivatives folder (default BIDS_DIR/derivatives/fmriprep)")
	f.StringVar(&o.Study, "study", "", "study file whose [extract], [connectivity], [target] (participant level) and steps (group level) replace the defaults (its [inputs] and output are the App's)")
	f.StringVar(&o.Target, "target", "", "group level: the participants.tsv column (or TABLE:COLUMN) the signature predicts")
	choiceVar(f, &o.Combine, "combine", o.Combine, "a person's several runs without --study: mean (one row per person, the default), concat or none", oneOf(features.CombineRules...))
	return cmd
}
