package main

import (
	"fmt"
	"path/filepath"

	"github.com/painmark/painmark/target"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// addSourceFlags adds the flags naming a resting-state run (target.Source).
func addSourceFlags(f *pflag.FlagSet, s *target.Source) {
	f.StringVar(&s.Bold, "bold", "", "resting-state 4D NIfTI")
	f.StringVar(&s.Mask, "mask", "", "brain mask of --bold (default: every voxel that varies)")
	f.StringVar(&s.Dtseries, "dtseries", "", "resting-state CIFTI-2 dtseries")
	f.StringSliceVar(&s.Surfaces, "surfaces", nil, "left,right GIFTI surfaces (midthickness) giving the dtseries' vertices mm coordinates")
}

// loadSource reads the run; a missing or doubled run is a usage error.
func loadSource(s target.Source) (*target.Dataset, error) {
	if (s.Bold == "") == (s.Dtseries == "") || len(s.Surfaces) > 2 {
		return nil, usageError{fmt.Errorf("give --bold (with --mask) or --dtseries (with --surfaces left,right)")}
	}
	return target.Load(s)
}

// addSeedFlags adds the flags of a coordinate or mask seed.
func addSeedFlags(f *pflag.FlagSet, s *target.SeedSpec, what string) {
	f.Float64SliceVar(&s.MM, "seed-mm", nil, "seed coordinate x,y,z (mm)"+what)
	f.Float64Var(&s.Radius, "radius", target.DefaultSeedRadius, "seed sphere radius (mm)")
	f.StringVar(&s.Mask, "seed-mask", "", "seed mask (e.g. a lesion) on the data's grid"+what)
}

func checkSeedMM(mm []float64) error {
	if len(mm) != 0 && len(mm) != 3 {
		return usageError{fmt.Errorf("--seed-mm needs x,y,z")}
	}
	return nil
}

func newTargetCmd() *cobra.Command {
	var src target.Source
	var scalp, ratings, toTemplate, atlasMaps, out, reportFlag string
	var atlasPeople []string
	o := target.DefaultPlanOptions()
	cmd := withHelp(&cobra.Command{
		Use:   "target",
		Short: "Plan stimulation targets from a person's resting-state fMRI or a population atlas (networks, search space, ranked sites)",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if scalp != "" {
				if o.Tolerability, err = target.ReadTolerability(scalp, ratings, o.TolerabilityWeight); err != nil {
					return err
				}
			}
			if toTemplate != "" {
				a, err := target.ReadAffine(toTemplate)
				if err != nil {
					return err
				}
				o.ToTemplate = &a
			}
			var res *target.PlanResult
			if atlasMaps != "" {
				var pm *target.ProbabilityMaps
				if pm, err = target.ReadProbabilityMaps(atlasMaps, o.Names, src.Surfaces); err == nil {
					if err = pm.ReadPeople(atlasPeople); err == nil {
						res, err = target.PlanAtlas(pm, o)
					}
				}
			} else if d, errLoad := loadSource(src); errLoad != nil {
				return errLoad
			} else {
				res, err = target.Plan(d, o)
			}
			if err != nil {
				return err
			}
			if err := res.WriteFiles(out); err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			res.Print(w)
			doc := newCommandReport("Stimulation targets", src.Bold, src.Mask, src.Dtseries, atlasMaps, o.Templates, o.SearchSpace, o.Seed.Mask, scalp, ratings)
			res.AddReport(doc)
			return writeReport(w, doc, reportPath(reportFlag, filepath.Join(out, "targets.json")))
		},
	}, "target")
	f := cmd.Flags()
	addSourceFlags(f, &src)
	f.StringVar(&o.Templates, "templates", "", "group network templates (4D NIfTI or label image on the data's grid; CIFTI dscalar or dlabel)")
	f.StringVar(&atlasMaps, "atlas-maps", "", "population network probability maps instead of a run (4D NIfTI or CIFTI dscalar, one map per network; --surfaces for its vertices)")
	f.StringSliceVar(&atlasPeople, "atlas-people", nil, "the people's network label images behind --atlas-maps (1..K in its order): the hit probability is then exact")
	f.Float64Var(&o.HitRadius, "hit-radius", o.HitRadius, "radius (mm) of the --atlas-maps targets' hit probability")
	f.StringSliceVar(&o.Names, "names", nil, "the templates' (or atlas maps') network names (4D NIfTI volumes or label values 1..K)")
	f.StringVar(&o.Network, "network", "", "the network to target")
	f.StringSliceVar(&o.Avoid, "avoid", nil, "networks whose brainordinates targets keep away from")
	f.Float64Var(&o.AvoidMargin, "avoid-margin", o.AvoidMargin, "distance (mm) to keep from the avoided networks")
	addSeedFlags(f, &o.Seed, " instead of templates")
	f.StringVar(&o.SearchSpace, "search-space", "", "where targets may lie (NIfTI mask on the data's grid, or a CIFTI file whose first map is > 0 there)")
	f.Float64Var(&o.MinScore, "min-score", o.MinScore, "the lowest score a targetable brainordinate may have (similarity, or z)")
	f.IntVar(&o.MinSize, "min-size", o.MinSize, "the smallest cluster (brainordinates)")
	f.IntVar(&o.MaxTargets, "max-targets", o.MaxTargets, "ranked targets to keep")
	f.BoolVar(&o.Peak, "peak", o.Peak, "aim at each cluster's peak instead of its score-weighted centroid")
	f.Float64Var(&o.Neighbour, "neighbour", o.Neighbour, "distance (mm) joining brainordinates into one cluster (default: 1.01 x the voxel diagonal)")
	f.StringVar(&scalp, "scalp", "", "scalp positions table (name, x, y, z) for tolerability weighting")
	f.StringVar(&ratings, "ratings", "", "Meteyard & Holmes TMS-SMART table (HomLocation, Pain, Annoyance)")
	f.Float64Var(&o.TolerabilityWeight, "tolerability-weight", o.TolerabilityWeight, "weight of the scalp site's pain rating: score x (1 − weight·pain/10)")
	f.StringVar(&toTemplate, "to-template", "", "a 4x4 affine (16 numbers, row by row) from the data's mm to a template's mm, for template coordinates")
	f.StringVarP(&out, "out", "o", "", "output folder")
	addReportFlag(cmd, &reportFlag)
	cmd.AddCommand(newTargetVariabilityCmd())
	cmd.PreRunE = func(cmd *cobra.Command, args []string) error {
		if err := checkSeedMM(o.Seed.MM); err != nil {
			return err
		}
		if err := requireFlags(cmd, "out", "search-space"); err != nil {
			return err
		}
		switch {
		case (o.Templates != "" || atlasMaps != "") && o.Network == "":
			return usageError{fmt.Errorf("--templates and --atlas-maps need --network")}
		case len(atlasPeople) > 0 && atlasMaps == "":
			return usageError{fmt.Errorf("--atlas-people goes with --atlas-maps")}
		case atlasMaps != "" && (src.Bold != "" || src.Dtseries != "" || o.Templates != "" || o.Seed.IsSet()):
			return usageError{fmt.Errorf("--atlas-maps plans without a run: drop --bold/--dtseries, --templates and the seed")}
		case atlasMaps == "" && o.Templates == "" && len(o.Seed.MM) != 3 && o.Seed.Mask == "":
			return usageError{fmt.Errorf("give --templates with --network, or --seed-mm / --seed-mask")}
		case (scalp == "") != (ratings == ""):
			return usageError{fmt.Errorf("--scalp and --ratings go together")}
		}
		return nil
	}
	return cmd
}
