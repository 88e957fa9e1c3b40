package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/painmark/painmark/internal/atomicfile"
	"github.com/painmark/painmark/report"
	"github.com/spf13/cobra"
)

func newReportCmd() *cobra.Command {
	var figures string
	cmd := &cobra.Command{
		Use:   "report PATH...",
		Short: "Rebuild HTML reports from their JSON (a results folder or *.report.json files), and export figures",
		Long: `report rebuilds each report page from the JSON written beside it (every workflow writes
<name>.report.html and <name>.report.json): give results folders (every *.report.json in them and
their subfolders) or the JSON files. The page is rendered again by this painmark version, after
checking that every figure is plain SVG. --figures DIR also writes each figure as an SVG file
(<report>-<number>-<title>.svg) for slides and papers.`,
		Example: `  painmark report sim-targets/ --figures figures/`,
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var files []string
			for _, a := range args {
				st, err := os.Stat(a)
				if err != nil {
					return err
				}
				if !st.IsDir() {
					files = append(files, a)
					continue
				}
				err = filepath.WalkDir(a, func(p string, d os.DirEntry, err error) error {
					if err == nil && !d.IsDir() && strings.HasSuffix(p, ".report.json") {
						files = append(files, p)
					}
					return err
				})
				if err != nil {
					return err
				}
			}
			if len(files) == 0 {
				return fmt.Errorf("no *.report.json in %s", strings.Join(args, ", "))
			}
			if figures != "" {
				if err := os.MkdirAll(figures, 0o755); err != nil {
					return err
				}
			}
			w := cmd.OutOrStdout()
			slug := regexp.MustCompile(`[^A-Za-z0-9]+`)
			for _, f := range files {
				d, err := report.Read(f)
				if err != nil {
					return err
				}
				page := strings.TrimSuffix(f, ".json") + ".html"
				if err := atomicfile.WriteFile(page, d.HTML()); err != nil {
					return err
				}
				titles, svgs := d.Figures()
				fmt.Fprintf(w, "%s: %d figures -> %s\n", f, len(titles), page)
				if figures == "" {
					continue
				}
				base := strings.TrimSuffix(filepath.Base(f), ".report.json")
				for k, svg := range svgs {
					name := strings.Trim(slug.ReplaceAllString(strings.ToLower(titles[k]), "-"), "-")
					if len(name) > 60 {
						name = name[:60]
					}
					path := filepath.Join(figures, fmt.Sprintf("%s-%02d-%s.svg", base, k+1, name))
					if err := atomicfile.WriteFile(path, []byte(`<?xml version="1.0" encoding="UTF-8"?>`+"\n"+svg+"\n")); err != nil {
						return err
					}
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&figures, "figures", "", "also write every figure as an SVG file in this folder")
	return cmd
}
