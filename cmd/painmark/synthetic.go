package main

import (
	"fmt"

	"github.com/painmark/painmark/synthetic"
	"github.com/painmark/painmark/target"
	"github.com/spf13/cobra"
)

// newSyntheticCmd is `painmark synthetic`: studies with a known answer.
func newSyntheticCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "synthetic",
		Short: "Write synthetic studies with a known answer (a corticospinal study, a densely sampled participant, a target-planning participant)",
	}
	cmd.AddCommand(newSyntheticCSpsCmd(), newSyntheticParticipantCmd(), newSyntheticTargetCmd())
	return cmd
}

func newSyntheticParticipantCmd() *cobra.Command {
	var o synthetic.ParticipantOptions
	var id string
	cmd := &cobra.Command{
		Use:   "participant OUT",
		Short: "Write a simulated densely sampled participant (sessions, runs, continuous pain ratings) for painmark decode",
		Long: `participant writes one simulated person in the layout painmark decode reads: per session and run
a region time-series table with its JSON sidecar (RepetitionTime), the continuous rating (time,
rating) and the censoring flags; planted_regions.tsv names the regions whose co-fluctuations carry
the pain (another --seed gives another person with other regions). Pain drifts across sessions and
fluctuates over minutes within runs; the brain follows it after a haemodynamic lag.`,
		Example: `  painmark synthetic participant p01/ --sessions 12 --regions 60 --seed 1
  painmark decode train p01/ -o p01-decoder/`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := synthetic.SimulateParticipant(o)
			if err != nil {
				return err
			}
			if err := p.Write(args[0], id); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote participant %s to %s: %d runs, %d regions, %d planted\n", id, args[0], len(p.Runs), p.Options.Regions, len(p.Planted))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&id, "id", "01", "participant label")
	f.Uint64Var(&o.Seed, "seed", 1, "random seed (another seed: another person)")
	f.IntVar(&o.Sessions, "sessions", 24, "sessions")
	f.IntVar(&o.RunsPerSession, "runs", 3, "runs per session")
	f.IntVar(&o.Frames, "frames", 600, "frames per run")
	f.Float64Var(&o.TR, "tr", 1, "repetition time, seconds")
	f.IntVar(&o.Regions, "regions", 268, "regions")
	f.IntVar(&o.Planted, "planted", 6, "regions carrying the pain")
	return cmd
}

func newSyntheticCSpsCmd() *cobra.Command {
	var o synthetic.Options
	cmd := &cobra.Command{
		Use:   "csps OUT",
		Short: "Write a synthetic corticospinal study with a known answer (for tutorials and checks)",
		Long: `synthetic writes a CSps-shaped study whose answer is known: ROI time series over the 139
corticospinal regions (MIST-122, PAG, RVM, GM, C1-C7 dorsal and ventral horns) in which planted,
mostly brain-spinal edges couple more strongly the more pain-sensitive a subject is. Cohorts: train,
retest, independent, task-heat and task-cold (the same subjects), clinical-cLBP and clinical-FM (own
outcome scales), pre and post (active and sham groups). OUT gets regions.tsv (with system tags for
painmark connectome --region-tags), planted_edges.tsv, clinical_participants.tsv and per cohort
roi/sub-*_timeseries.tsv and participants.tsv. The generative model is documented in the package
synthetic.`,
		Example: `  painmark synthetic csps study/ --seed 1
  painmark connectome study/train/roi --kind "partial correlation" --scaling zscore --region-tags study/regions.tsv -o study/train/conn
  painmark signature train study/train/conn/features.tsv --target study/train/participants.tsv:heat_pain_threshold --zscore --flip -o csps.signature.json`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := synthetic.Generate(o)
			if err != nil {
				return err
			}
			if err := st.Write(args[0]); err != nil {
				return err
			}
			n := 0
			for _, c := range []*synthetic.Cohort{st.Train, st.Retest, st.Independent, st.TaskHeat, st.TaskCold, st.Clinical1, st.Clinical2, st.Pre, st.Post} {
				n += len(c.Subjects)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote a synthetic corticospinal study to %s: %d regions, %d planted edges, 9 cohorts, %d runs\n", args[0], len(st.Regions), len(st.Planted), n)
			return nil
		},
	}
	f := cmd.Flags()
	f.Uint64Var(&o.Seed, "seed", 1, "random seed (the same seed writes the same study)")
	f.IntVar(&o.Frames, "frames", 200, "frames per run")
	f.Float64Var(&o.Strength, "strength", 0.6, "planted coupling at the top of the sensitivity range")
	f.IntVar(&o.Train, "train", 54, "training (and retest) subjects")
	f.IntVar(&o.Independent, "independent", 40, "independent cohort subjects")
	f.IntVar(&o.Task, "task", 30, "task cohort subjects")
	f.IntVar(&o.Clinical1, "clinical1", 30, "first clinical cohort")
	f.IntVar(&o.Clinical2, "clinical2", 25, "second clinical cohort")
	f.IntVar(&o.PrePost, "prepost", 40, "pre/post intervention subjects")
	return cmd
}

func newSyntheticTargetCmd() *cobra.Command {
	var seed uint64
	var timepoints int
	var asCIFTI bool
	cmd := &cobra.Command{
		Use:   "target-participant OUT",
		Short: "Write a simulated resting-state participant with planted SCAN, AMN and effector networks for painmark target",
		Long: `target-participant writes one simulated person (3 mm grid): resting-state data in which the
somato-cognitive action network (SCAN), the action-mode network (AMN) and foot, hand and mouth
networks each share a time course; the person's precentral nodes lie 10 mm from the group's.
templates.nii.gz holds the group maps (SCAN, AMN, foot, hand, mouth), precentral.nii.gz the search
space, planted_nodes.tsv the group and person positions; --cifti adds the CIFTI-2 versions.`,
		Example: `  painmark synthetic target-participant sim/ --cifti`,
		Args:    exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if timepoints < 20 {
				return usageError{fmt.Errorf("--timepoints %d: at least 20", timepoints)}
			}
			sim := target.SimulateParticipant(seed, timepoints)
			if err := sim.Write(args[0], asCIFTI); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote a %d-voxel, %d-volume participant with %d planted nodes to %s\n", sim.Data.Len(), timepoints, len(sim.Nodes), args[0])
			return nil
		},
	}
	f := cmd.Flags()
	f.Uint64Var(&seed, "seed", 1, "random seed")
	f.IntVar(&timepoints, "timepoints", 150, "volumes")
	f.BoolVar(&asCIFTI, "cifti", false, "also write the CIFTI-2 files")
	return cmd
}
