package learn

import (
	"sort"
	"strconv"
	"strings"
)

// FormatParams writes named parameters (hyperparameters, as a signature stores them) for a reader:
// "name=value" pairs in name order, values as %g ("alpha=0.005 k=25 l1_ratio=0.999", the form of
// ParamValues.String); "none" when empty.
func FormatParams(m map[string]float64) string {
	if len(m) == 0 {
		return "none"
	}
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = n + "=" + strconv.FormatFloat(m[n], 'g', -1, 64)
	}
	return strings.Join(parts, " ")
}
