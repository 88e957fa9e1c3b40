package main

import (
	"fmt"

	"github.com/painmark/painmark/synthetic"
	"github.com/spf13/cobra"
)

// newSyntheticCmd is `painmark synthetic`: a corticospinal study with a known answer.
func newSyntheticCmd() *cobra.Command {
	var o synthetic.Options
	cmd := &cobra.Command{
		Use:   "synthetic OUT",
		Short: "Write a synthetic corticospinal study with a known answer (for tutorials and checks)",
		Long: `synthetic writes a CSps-shaped study whose answer is known: ROI time series over the 139
corticospinal regions (MIST-122, PAG, RVM, GM, C1-C7 dorsal and ventral horns) in which planted,
mostly brain-spinal edges couple more strongly the more pain-sensitive a subject is. Cohorts: train,
retest, independent, task-heat and task-cold (the same subjects), clinical-cLBP and clinical-FM (own
outcome scales), pre and post (active and sham groups). OUT gets regions.tsv (with system tags for
painmark connectome --region-tags), planted_edges.tsv, clinical_participants.tsv and per cohort
roi/sub-*_timeseries.tsv and participants.tsv. The generative model is documented in the package
synthetic.`,
		Example: `  painmark synthetic study/ --seed 1
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
