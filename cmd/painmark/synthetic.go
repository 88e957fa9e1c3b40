package main

import (
	"fmt"
	"path/filepath"

	"github.com/painmark/painmark/synthetic"
	"github.com/painmark/painmark/target"
	"github.com/spf13/cobra"
)

// newSyntheticCmd is `painmark synthetic`: studies with a known answer (package synthetic names
// each simulator).
func newSyntheticCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "synthetic",
		Short: "Write synthetic studies with a known answer (a corticospinal study, a densely sampled participant, a target-planning participant, a BIDS dataset, a morphometry cohort, a task fMRI study)",
	}
	cmd.AddCommand(newSyntheticCSpsCmd(), newSyntheticParticipantCmd(), newSyntheticTargetCmd(), newSyntheticBIDSCmd(), newSyntheticMorphCmd(), newSyntheticTaskCmd())
	return cmd
}

func newSyntheticParticipantCmd() *cobra.Command {
	o := synthetic.DefaultParticipantOptions()
	var id string
	cmd := withHelp(&cobra.Command{
		Use:   "participant OUT",
		Short: "Write a simulated densely sampled participant (sessions, runs, continuous pain ratings) for painmark decode",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := synthetic.CheckOutputDir(args[0]); err != nil {
				return usageError{err}
			}
			p, err := synthetic.SimulateParticipant(o)
			if err == nil {
				err = p.Write(args[0], id)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote participant %s to %s: %d runs, %d regions, %d planted\n", id, args[0], len(p.Runs), p.Options.Regions, len(p.Planted))
			return nil
		},
	}, "synthetic-participant")
	f := cmd.Flags()
	f.StringVar(&id, "id", "01", "participant label")
	f.Uint64Var(&o.Seed, "seed", o.Seed, "random seed (another seed: another person)")
	f.IntVar(&o.Sessions, "sessions", o.Sessions, "sessions")
	f.IntVar(&o.RunsPerSession, "runs", o.RunsPerSession, "runs per session")
	f.IntVar(&o.Frames, "frames", o.Frames, "frames per run")
	f.Float64Var(&o.TR, "tr", o.TR, "repetition time, seconds")
	f.IntVar(&o.Regions, "regions", o.Regions, "regions")
	f.IntVar(&o.Planted, "planted", o.Planted, "regions carrying the pain")
	f.BoolVar(&o.Motion, "motion", o.Motion, "simulate head motion (framewise displacement in fMRIPrep confounds, an artefact growing with it)")
	f.Float64Var(&o.MotionPain, "motion-pain", o.MotionPain, "0 to 1: how much the motion follows the pain (implies --motion)")
	return cmd
}

func newSyntheticCSpsCmd() *cobra.Command {
	o := synthetic.DefaultOptions()
	var images bool
	var pam50 string
	cmd := withHelp(&cobra.Command{
		Use:   "csps OUT",
		Short: "Write a synthetic corticospinal study with a known answer (for tutorials and checks)",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := synthetic.CheckOutputDir(args[0]); err != nil {
				return usageError{err}
			}
			if images && pam50 == "" {
				return usageError{fmt.Errorf("--images needs --pam50 (the PAM50 template folder)")}
			}
			st, err := synthetic.Generate(o)
			if err == nil {
				err = st.Write(args[0])
			}
			if err == nil && images {
				var im *synthetic.Images
				if im, err = st.WriteStudyImages(args[0], pam50); err == nil {
					fmt.Fprintf(cmd.OutOrStdout(), "wrote brain and cord images of every run (%s)\n", im)
				}
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote a synthetic corticospinal study to %s: %d regions, %d planted edges, %d cohorts, %d runs\n", args[0], len(st.Regions), len(st.Planted), len(st.Cohorts()), st.NumRuns())
			return nil
		},
	}, "synthetic-csps")
	f := cmd.Flags()
	f.Uint64Var(&o.Seed, "seed", o.Seed, "random seed (the same seed writes the same study)")
	f.IntVar(&o.Frames, "frames", o.Frames, "frames per run")
	f.Float64Var(&o.Strength, "strength", o.Strength, "planted coupling at the top of the sensitivity range")
	f.IntVar(&o.Train, "train", o.Train, "training (and retest) subjects")
	f.IntVar(&o.Independent, "independent", o.Independent, "independent cohort subjects")
	f.IntVar(&o.Task, "task", o.Task, "task cohort subjects")
	f.IntVar(&o.Clinical1, "clinical1", o.Clinical1, "first clinical cohort")
	f.IntVar(&o.Clinical2, "clinical2", o.Clinical2, "second clinical cohort")
	f.IntVar(&o.PrePost, "prepost", o.PrePost, "pre/post intervention subjects")
	f.BoolVar(&images, "images", false, "also write each run as brain (MNI) and cord (PAM50) images, for painmark extract --atlas corticospinal")
	f.StringVar(&pam50, "pam50", "", "PAM50 template folder (for --images)")
	return cmd
}

func newSyntheticTargetCmd() *cobra.Command {
	var seed uint64
	var timepoints, population int
	var asCIFTI bool
	cmd := withHelp(&cobra.Command{
		Use:   "target-participant OUT",
		Short: "Write a simulated resting-state participant with planted SCAN, AMN and effector networks for painmark target",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if timepoints < 20 {
				return usageError{fmt.Errorf("--timepoints %d: at least 20", timepoints)}
			}
			if err := synthetic.CheckOutputDir(args[0]); err != nil {
				return usageError{err}
			}
			sim := target.SimulateParticipant(seed, timepoints)
			if err := sim.Write(args[0], asCIFTI); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote a %d-voxel, %d-volume participant with %d planted nodes to %s\n", sim.Data.Len(), timepoints, len(sim.Nodes), args[0])
			if population > 0 {
				return target.SimulatePopulation(seed, population).Write(filepath.Join(args[0], "population"))
			}
			return nil
		},
	}, "synthetic-target-participant")
	f := cmd.Flags()
	f.Uint64Var(&seed, "seed", 1, "random seed")
	f.IntVar(&timepoints, "timepoints", 150, "volumes")
	f.BoolVar(&asCIFTI, "cifti", false, "also write the CIFTI-2 files")
	f.IntVar(&population, "population", 0, "also write a cohort of this many people's network maps and their probability maps to OUT/population")
	return cmd
}

func newSyntheticBIDSCmd() *cobra.Command {
	o := synthetic.DefaultBIDSOptions()
	cmd := withHelp(&cobra.Command{
		Use:   "bids OUT",
		Short: "Write a BIDS resting-state dataset with fMRIPrep-style derivatives whose connectivity scales with participants.tsv's pain",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := synthetic.CheckOutputDir(args[0]); err != nil {
				return usageError{err}
			}
			st, err := synthetic.WriteBIDS(args[0], o)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote a BIDS dataset to %s: %d participants x %d runs, fMRIPrep-style derivatives in derivatives/fmriprep, MIST-122 parcels %v planted\n", args[0], len(st.Participants), st.Options.Runs, st.Planted)
			return nil
		},
	}, "synthetic-bids")
	f := cmd.Flags()
	f.Uint64Var(&o.Seed, "seed", o.Seed, "random seed (the same seed writes the same dataset)")
	f.IntVar(&o.Subjects, "subjects", o.Subjects, "participants")
	f.IntVar(&o.Runs, "runs", o.Runs, "resting-state runs per participant")
	f.IntVar(&o.Frames, "frames", o.Frames, "volumes per run")
	f.Float64Var(&o.Strength, "strength", o.Strength, "planted coupling at the top of the pain range")
	return cmd
}

func newSyntheticMorphCmd() *cobra.Command {
	o := synthetic.DefaultMorphOptions()
	cmd := withHelp(&cobra.Command{
		Use:   "morph OUT",
		Short: "Write a simulated case-control morphometry cohort (five FreeSurfer measures, ENIGMA tables) for painmark morph",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := synthetic.CheckOutputDir(args[0]); err != nil {
				return usageError{err}
			}
			c, err := synthetic.SimulateMorph(o)
			if err == nil {
				err = c.Write(args[0])
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %d subjects (%d cases) x %d regions x %d features to %s; %d affected regions\n", len(c.Subjects), o.Cases, len(c.Regions), len(c.Values), args[0], len(c.Affected))
			return nil
		},
	}, "synthetic-morph")
	f := cmd.Flags()
	f.IntVar(&o.Controls, "controls", o.Controls, "controls")
	f.IntVar(&o.Cases, "cases", o.Cases, "cases")
	f.IntVar(&o.Affected, "affected", o.Affected, "regions where the cases differ")
	f.Float64Var(&o.Effect, "effect", o.Effect, "case effect in between-subject SDs")
	f.Uint64Var(&o.Seed, "seed", o.Seed, "random seed")
	return cmd
}
