package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/connectome"
	"github.com/painmark/painmark/features"
	"github.com/painmark/painmark/signature"
	"github.com/painmark/painmark/study"
)

// TestConnectomeBlocks: painmark connectome --blocks writes the ablation model M3's block table
// (7,841 columns brain_e…/spinal_e… on the 139 regions) byte for byte as signature.BlockTable does
// from the same series; without region tags it is refused, naming a region.
func TestConnectomeBlocks(t *testing.T) {
	dir := t.TempDir()
	if _, stderr, code := runCLI(t, "synthetic", "csps", dir, "--train", "4", "--independent", "1", "--task", "1", "--clinical1", "1",
		"--clinical2", "1", "--prepost", "1", "--frames", "60"); code != 0 {
		t.Fatalf("synthetic: exit %d: %s", code, stderr)
	}
	roi, tags, out := filepath.Join(dir, "train", "roi"), filepath.Join(dir, "regions.tsv"), filepath.Join(dir, "blocks")
	args := []string{"connectome", roi, "--kind", "partial correlation", "--scaling", "zscore", "--blocks", "-o", out}
	if _, stderr, code := runCLI(t, args...); code == 0 || !strings.Contains(stderr, "no system tag") {
		t.Errorf("--blocks without --region-tags: exit %d, %s", code, stderr)
	}
	if _, stderr, code := runCLI(t, append(args, "--region-tags", tags)...); code != 0 {
		t.Fatalf("connectome --blocks: exit %d: %s", code, stderr)
	}
	files, err := study.TimeSeriesFiles(roi)
	if err != nil {
		t.Fatal(err)
	}
	s, err := features.ReadSeries(files, nil, features.BIDSNames)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.TagRegions(tags); err != nil {
		t.Fatal(err)
	}
	bt, err := signature.BlockTable(s, connectome.Measure{Kind: connectome.PartialCorrelation, Estimator: connectome.LedoitWolfEstimator, Scaling: connectome.ZScoreSeries})
	if err != nil {
		t.Fatal(err)
	}
	lib := t.TempDir()
	if err := bt.Write(lib); err != nil {
		t.Fatal(err)
	}
	if bt.NumFeatures() != 7841 || bt.Columns[7750] != "spinal_e00000" {
		t.Errorf("block table %d columns, column 7751 %s", bt.NumFeatures(), bt.Columns[7750])
	}
	for _, f := range []string{features.TSVName, features.NPYName} {
		a, errA := os.ReadFile(filepath.Join(out, f))
		b, errB := os.ReadFile(filepath.Join(lib, f))
		if errA != nil || errB != nil || !bytes.Equal(a, b) {
			t.Errorf("%s: the CLI's block table differs from signature.BlockTable's (%v, %v)", f, errA, errB)
		}
	}
}
