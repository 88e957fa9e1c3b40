package main

import (
	"embed"
	"strings"

	"github.com/spf13/cobra"
)

// helpFiles holds the long help of the commands, one text file each (help/NAME.txt), so command
// files stay short and the command reference can be generated from the same texts. A file holds
// the long description, then optionally a line "--- examples ---" and the examples.
//
//go:embed help/*.txt
var helpFiles embed.FS

// withHelp sets cmd's Long and Example from help/NAME.txt (NAME as "signature-ablate"); a missing
// file is a programming error caught by TestHelpFilesUsed.
func withHelp(cmd *cobra.Command, name string) *cobra.Command {
	b, err := helpFiles.ReadFile("help/" + name + ".txt")
	if err != nil {
		panic("painmark: no help/" + name + ".txt")
	}
	long, examples, _ := strings.Cut(string(b), "--- examples ---\n")
	cmd.Long = strings.TrimRight(long, "\n")
	cmd.Example = strings.TrimRight(examples, "\n")
	return cmd
}
