package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/painmark/painmark/report"
	"github.com/spf13/cobra"
)

// Every workflow command writes an HTML report beside its result (report package): --report
// names it, "none" skips it, and by default it is the result's path with .report.html (its JSON
// of numbers with .report.json, so the command's own result file is never overwritten).

func addReportFlag(cmd *cobra.Command, p *string) {
	cmd.Flags().StringVar(p, "report", "", `HTML report (default: the output's name with .report.html; "none" for no report)`)
}

// reportPath resolves --report against the command's output path.
func reportPath(flag, out string) string {
	switch flag {
	case "none":
		return ""
	case "":
		return strings.TrimSuffix(out, filepath.Ext(out)) + ".report.html"
	}
	return flag
}

// newCommandReport starts a report of this command line, recording the input files (TABLE:COLUMN
// arguments by their table; folders are named without a checksum).
func newCommandReport(title string, inputs ...string) *report.Document {
	d := report.New(title, commandLine(invocation))
	d.AddInputs(inputs...)
	return d
}

// writeReport writes the report (if path is set) and says where.
func writeReport(w io.Writer, d *report.Document, path string) error {
	if path == "" {
		return nil
	}
	if err := d.Write(path); err != nil {
		return err
	}
	fmt.Fprintf(w, "report: %s\n", path)
	return nil
}
