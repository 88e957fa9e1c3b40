package budget

import (
	"math"
	"strings"
	"testing"
)

func TestParseSize(t *testing.T) {
	for s, want := range map[string]int64{"1000": 1000, "512MiB": 512 << 20, "8GiB": 8 << 30, "2G": 2 << 30, "1.5 GB": 1500000000, "64tb": 64e12} {
		got, err := ParseSize(s)
		if err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"", "-1", "0", "nan", "lots", "1e30GiB"} {
		if _, err := ParseSize(s); err == nil {
			t.Errorf("ParseSize(%q) accepted", s)
		}
	}
}

func TestCheck(t *testing.T) {
	t.Setenv(EnvVar, "")
	if err := Check("permutations", 10000, 1000); err != nil {
		t.Fatal(err)
	}
	err := Check("permutations (--n)", 2000000000, 16)
	if err == nil || !strings.Contains(err.Error(), "permutations (--n)") || !strings.Contains(err.Error(), EnvVar) {
		t.Fatalf("2e9 x 16 bytes: %v", err)
	}
	if Bytes(math.MaxInt64/2, 3) != math.MaxInt64 || Bytes(-1, 1) != math.MaxInt64 {
		t.Error("overflow not caught")
	}
	t.Setenv(EnvVar, "1MiB")
	if err := Check("values", 1<<20, 8); err == nil {
		t.Error("8 MiB passed a 1 MiB budget")
	}
	t.Setenv(EnvVar, "64GiB")
	if err := Check("permutations", 2000000000, 16); err != nil {
		t.Errorf("raised budget: %v", err)
	}
	t.Setenv(EnvVar, "plenty")
	if err := Check("values", 1, 1); err == nil || !strings.Contains(err.Error(), EnvVar) {
		t.Errorf("bad %s: %v", EnvVar, err)
	}
}
