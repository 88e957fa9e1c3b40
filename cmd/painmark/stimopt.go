package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/painmark/painmark/report"
	"github.com/painmark/painmark/target"
	"github.com/spf13/cobra"
)

func newStimoptCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "stimopt",
		Short: "Bayesian search for stimulation parameters, session by session (init, suggest, record, status)",
		Long: `stimopt searches stimulation parameters (contact, frequency, amplitude, pulse width, site, ...)
for the best outcome (pain relief) by Bayesian optimization: a Gaussian process with a Matérn 5/2
kernel is fitted to the trials so far, and the next setting maximises the expected improvement
(or the upper confidence bound). The first 2·parameters + 1 settings are random. Everything lives in
one state file that the clinic keeps between sessions: 'init' creates it from a search space,
'suggest' proposes the next setting, 'record' adds its outcome, 'status' shows the trials, the best
setting and the model's predictions.

The space is a JSON list of parameters: {"name", "type": "continuous"|"integer"|"categorical",
"min", "max", "log": true for a log scale, "choices": [...] for categorical}.`,
		Example: `  painmark stimopt init space.json -o state.json --seed 1
  painmark stimopt suggest state.json
  painmark stimopt record state.json --outcome 3.5            # the pending suggestion's outcome
  painmark stimopt record state.json --setting contact=C1,frequency=60,amplitude=2.5 --outcome 4
  painmark stimopt status state.json`,
	}
	cmd.AddCommand(newStimoptInitCmd(), newStimoptSuggestCmd(), newStimoptRecordCmd(), newStimoptStatusCmd())
	return cmd
}

func newStimoptInitCmd() *cobra.Command {
	var out, acquisition string
	var seed uint64
	var minimize, force bool
	var initial int
	cmd := &cobra.Command{
		Use:   "init SPACE",
		Short: "Create a search state from a parameter space",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			b, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			var params []target.Parameter
			dec := json.NewDecoder(strings.NewReader(string(b)))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&params); err != nil {
				var wrapped struct {
					Parameters []target.Parameter `json:"parameters"`
				}
				if err2 := json.Unmarshal(b, &wrapped); err2 != nil || wrapped.Parameters == nil {
					return fmt.Errorf("%s: a JSON list of parameters (or {\"parameters\": [...]}): %w", args[0], err)
				}
				params = wrapped.Parameters
			}
			st, err := target.NewState(params, acquisition, seed)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			st.Minimize = minimize
			if initial > 0 {
				st.InitialTrials = initial
			}
			if _, err := os.Stat(out); err == nil && !force {
				return fmt.Errorf("%s exists: a state holds a patient's trials; give --force to replace it", out)
			}
			if err := st.Save(out); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "search of %d parameters (%s, %d random settings first) -> %s\n", len(params), acquisition, st.InitialTrials, out)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&out, "out", "o", "stimopt.json", "the state file to create")
	f.StringVar(&acquisition, "acquisition", "ei", "ei (expected improvement) or ucb (upper confidence bound)")
	f.Uint64Var(&seed, "seed", 1, "random seed")
	f.BoolVar(&minimize, "minimize", false, "lower outcomes are better (e.g. pain ratings instead of relief)")
	f.IntVar(&initial, "initial", 0, "random settings before the model is used (default 2·parameters + 1)")
	f.BoolVar(&force, "force", false, "replace an existing state file")
	return cmd
}

func printSetting(w io.Writer, params []target.Parameter, setting map[string]any) {
	for _, p := range params {
		v := setting[p.Name]
		if f, ok := v.(float64); ok {
			fmt.Fprintf(w, "  %-16s %s\n", p.Name, strconv.FormatFloat(f, 'g', 6, 64))
		} else {
			fmt.Fprintf(w, "  %-16s %v\n", p.Name, v)
		}
	}
}

// settingValues are a setting's values in the parameters' order, numbers to 4 significant digits.
func settingValues(names []string, setting map[string]any) []string {
	vals := make([]string, len(names))
	for k, n := range names {
		vals[k] = fmt.Sprint(setting[n])
		if f, ok := setting[n].(float64); ok {
			vals[k] = strconv.FormatFloat(f, 'g', 4, 64)
		}
	}
	return vals
}

func newStimoptSuggestCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "suggest STATE",
		Short: "Propose the next setting (kept as pending in the state)",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := target.LoadState(args[0])
			if err != nil {
				return err
			}
			sug, err := st.Suggest()
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			st.Pending = sug
			st.History = append(st.History, *sug)
			if err := st.Save(args[0]); err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "trial %d: %s\n", len(st.Trials)+1, sug.Reason)
			printSetting(w, st.Parameters, sug.Params)
			if !math.IsNaN(float64(sug.Mean)) {
				fmt.Fprintf(w, "predicted outcome %.3f ± %.3f (model SD)\n", float64(sug.Mean), float64(sug.SD))
			}
			return nil
		},
	}
	return cmd
}

func newStimoptRecordCmd() *cobra.Command {
	var outcome float64
	var setting, note string
	cmd := &cobra.Command{
		Use:   "record STATE --outcome Y",
		Short: "Record the outcome of the pending suggestion (or of --setting)",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !cmd.Flags().Changed("outcome") {
				return usageError{fmt.Errorf("--outcome is required")}
			}
			st, err := target.LoadState(args[0])
			if err != nil {
				return err
			}
			var params map[string]any
			switch {
			case setting != "":
				if params, err = target.ParseSetting(setting); err != nil {
					return usageError{err}
				}
			case st.Pending != nil:
				params = st.Pending.Params
			default:
				return usageError{fmt.Errorf("%s has no pending suggestion: run 'stimopt suggest' or give --setting", args[0])}
			}
			if err := st.Record(params, outcome, note); err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			if err := st.Save(args[0]); err != nil {
				return err
			}
			best := st.Best()
			fmt.Fprintf(cmd.OutOrStdout(), "trial %d recorded (outcome %g); best so far %g\n", len(st.Trials), outcome, best.Outcome)
			return nil
		},
	}
	f := cmd.Flags()
	f.Float64Var(&outcome, "outcome", math.NaN(), "the outcome (e.g. pain relief, 0-10)")
	f.StringVar(&setting, "setting", "", "the setting tested, name=value,... (default: the pending suggestion)")
	f.StringVar(&note, "note", "", "a note kept with the trial")
	return cmd
}

func newStimoptStatusCmd() *cobra.Command {
	var jsonOut, reportFlag string
	cmd := &cobra.Command{
		Use:   "status STATE",
		Short: "Show the trials, the best setting and the model's prediction there",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := target.LoadState(args[0])
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			dir := "maximised"
			if st.Minimize {
				dir = "minimised"
			}
			fmt.Fprintf(w, "%d parameters, %d trials, outcome %s, acquisition %s\n", len(st.Parameters), len(st.Trials), dir, st.Acquisition)
			names := make([]string, len(st.Parameters))
			for i, p := range st.Parameters {
				names[i] = p.Name
			}
			fmt.Fprintf(w, "  %-5s %-40s %s\n", "trial", strings.Join(names, ", "), "outcome")
			for i, t := range st.Trials {
				vals := settingValues(names, t.Params)
				fmt.Fprintf(w, "  %-5d %-40s %g\n", i+1, strings.Join(vals, ", "), t.Outcome)
			}
			result := map[string]any{"trials": len(st.Trials)}
			if best := st.Best(); best != nil {
				fmt.Fprintf(w, "best outcome %g at:\n", best.Outcome)
				printSetting(w, st.Parameters, best.Params)
				result["best"] = best
				if gp, err := st.Model(); err == nil {
					// The model's view of the tried settings: with noisy outcomes the best
					// observed trial may be luck; the best predicted one is the safer choice.
					bestTrial, bestMean, bestSD := -1, 0.0, 0.0
					for i, t := range st.Trials {
						m, sd, err := st.Predict(gp, t.Params)
						if err != nil {
							return err
						}
						if bestTrial < 0 || (!st.Minimize && m > bestMean) || (st.Minimize && m < bestMean) {
							bestTrial, bestMean, bestSD = i, m, sd
						}
					}
					fmt.Fprintf(w, "the model's best tried setting: trial %d, predicted %.3f ± %.3f\n", bestTrial+1, bestMean, bestSD)
					result["model_best_trial"], result["model_best_mean"], result["model_best_sd"] = bestTrial+1, bestMean, bestSD
				}
			}
			if jsonOut != "" {
				if err := writeJSON(jsonOut, result); err != nil {
					return err
				}
			}
			if reportFlag == "" || reportFlag == "none" || len(st.Trials) == 0 {
				return nil
			}
			doc := newCommandReport("Stimulation search", args[0])
			doc.Seed = &st.Seed
			doc.Numbers["results"] = result
			trialNo, outcome, best := make([]float64, len(st.Trials)), make([]float64, len(st.Trials)), make([]float64, len(st.Trials))
			var rows [][]string
			for i, t := range st.Trials {
				trialNo[i], outcome[i] = float64(i+1), t.Outcome
				best[i] = t.Outcome
				if i > 0 && ((!st.Minimize && best[i-1] > best[i]) || (st.Minimize && best[i-1] < best[i])) {
					best[i] = best[i-1]
				}
				vals := settingValues(names, t.Params)
				rows = append(rows, append(append([]string{strconv.Itoa(i + 1)}, vals...), strconv.FormatFloat(t.Outcome, 'g', 4, 64)))
			}
			sec := doc.Section("Trials")
			sec.Figure(report.Lines("Outcome by trial", "trial", "outcome", trialNo, []string{"outcome", "best so far"}, [][]float64{outcome, best}),
				fmt.Sprintf("The first %d trials are random (initial design); then each setting maximises the %s of a Matérn 5/2 Gaussian process fitted to the trials before it.", st.InitialTrials, map[string]string{"ei": "expected improvement", "ucb": "upper confidence bound"}[st.Acquisition]))
			sec.Table("Every trial, in order.", append(append([]string{"trial"}, names...), "outcome"), rows)
			return writeReport(w, doc, reportFlag)
		},
	}
	cmd.Flags().StringVar(&jsonOut, "json", "", "also write the summary as JSON")
	cmd.Flags().StringVar(&reportFlag, "report", "", "write an HTML report of the search (trials and outcomes) to this file")
	return cmd
}
