package report

import "strings"

// CommandLine joins a command's arguments (the program first) into one line that a POSIX shell
// re-runs as given: an argument with spaces, quotes or other shell metacharacters (or an empty one)
// is single-quoted, with embedded single quotes closed, escaped and reopened; plain arguments
// (letters, digits and -_./:=,+@%) stay as they are. Report headers record the command this way.
func CommandLine(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = shellWord(a)
	}
	return strings.Join(q, " ")
}

func shellWord(s string) string {
	plain := s != ""
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=,+@%", r)) {
			plain = false
			break
		}
	}
	if plain {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
