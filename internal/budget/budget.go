// Package budget holds painmark's memory budget: every count or size taken from a flag, a header or
// a file is checked against the memory it implies before anything is allocated, so a typo such as
// `--n 2000000000` or a lying header is refused at once with a clear message instead of growing
// until the operating system kills the process.
//
// The budget is Default unless the environment variable PAINMARK_MEMORY_LIMIT gives another
// (a byte count, or a number with a unit: 512MiB, 8GiB, 2G, 64TB).
package budget

import (
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
)

// EnvVar names the environment variable that overrides the budget.
const EnvVar = "PAINMARK_MEMORY_LIMIT"

// Default is the memory budget of one allocation when PAINMARK_MEMORY_LIMIT is unset: 8 GiB.
const Default int64 = 8 << 30

// Limit returns the budget in bytes: PAINMARK_MEMORY_LIMIT if set, Default otherwise.
func Limit() (int64, error) {
	s := strings.TrimSpace(os.Getenv(EnvVar))
	if s == "" {
		return Default, nil
	}
	n, err := ParseSize(s)
	if err != nil {
		return 0, fmt.Errorf("%s=%q: %w", EnvVar, s, err)
	}
	return n, nil
}

var units = []struct {
	suffix string
	mult   float64
}{
	{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30}, {"tib", 1 << 40},
	{"kb", 1e3}, {"mb", 1e6}, {"gb", 1e9}, {"tb", 1e12},
	{"k", 1 << 10}, {"m", 1 << 20}, {"g", 1 << 30}, {"t", 1 << 40}, {"b", 1},
}

// ParseSize reads a positive memory size: a byte count or a number followed by a unit (B, KB, MB,
// GB, TB in powers of 1000; KiB, MiB, GiB, TiB and the single letters K, M, G, T in powers of 1024).
func ParseSize(s string) (int64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	mult := 1.0
	for _, u := range units {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(v) || v <= 0 || v*mult >= math.MaxInt64 {
		return 0, fmt.Errorf("expected a positive memory size such as 8GiB or 512MiB, found %q", s)
	}
	return int64(v * mult), nil
}

// Bytes is count x each computed without overflow (math.MaxInt64 when it would overflow, or when
// either is negative).
func Bytes(count, each int64) int64 {
	if count < 0 || each < 0 {
		return math.MaxInt64
	}
	if count == 0 || each == 0 {
		return 0
	}
	if count > math.MaxInt64/each {
		return math.MaxInt64
	}
	return count * each
}

// Check refuses count items of `each` bytes when together they exceed the budget. what names the
// items as the user gave them (for example "permutations (--n)" or "candidates in state.json").
func Check(what string, count, each int64) error {
	return CheckNeed(what, count, Bytes(count, each))
}

// CheckNeed refuses count items that need `need` bytes in all (not count times a size: e.g. a
// streamed run's block and tally) when that exceeds the budget, with Check's message.
func CheckNeed(what string, count, need int64) error {
	limit, err := Limit()
	if err != nil {
		return err
	}
	if need <= limit {
		return nil
	}
	return fmt.Errorf("%d %s would need about %s of memory, more than the budget of %s (set %s to raise it)",
		count, what, Format(need), Format(limit), EnvVar)
}

// Format writes a byte count for people (KiB, MiB, GiB, TiB with 3 significant digits).
func Format(n int64) string {
	if n == math.MaxInt64 {
		return "more than 8 EiB"
	}
	v := float64(n)
	for _, u := range []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB"} {
		if v < 1024 || u == "PiB" {
			if u == "B" {
				return fmt.Sprintf("%d B", n)
			}
			return fmt.Sprintf("%.3g %s", v, u)
		}
		v /= 1024
	}
	return ""
}
