package pipeline

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/features"
	"github.com/painmark/painmark/study"
)

// TestRegionTagsLikeConnectome: [connectivity] region_tags records the regions' system tags in
// the cohort table's connectome.json, as painmark connectome --region-tags does (byte for byte);
// a changed tags table rebuilds the cohort table only (the per-run units keep their keys), and a
// region without a tag is an error naming the table and the region.
func TestRegionTagsLikeConnectome(t *testing.T) {
	dir := t.TempDir()
	writeCohort(t, dir, "roi", "participants.tsv", 4, 9)
	tags := filepath.Join(dir, "regions.tsv")
	write := func(spinal string) {
		rows := "name\tsystem\n"
		for _, r := range []string{"R0", "R1", "R2", "R3", "R4", "R5", "R6", "R7"} {
			sys := "brain"
			if strings.Contains(spinal, r) {
				sys = "spinal"
			}
			rows += r + "\t" + sys + "\n"
		}
		os.WriteFile(tags, []byte(rows), 0o644)
	}
	write("R6,R7")
	st := filepath.Join(dir, "study.toml")
	os.WriteFile(st, []byte("output = \"out\"\n[inputs]\ntimeseries = \"roi\"\n[connectivity]\nregion_tags = \"regions.tsv\"\n"), 0o644)
	s, err := Load(st)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Run(RunOptions{Version: "test"}); err != nil {
		t.Fatal(err)
	}
	files, err := study.TimeSeriesFiles(filepath.Join(dir, "roi"))
	if err != nil {
		t.Fatal(err)
	}
	series, err := features.ReadSeries(files, nil, features.BIDSNames)
	if err != nil {
		t.Fatal(err)
	}
	if err := series.TagRegions(tags); err != nil {
		t.Fatal(err)
	}
	o := features.DefaultConnectomeOptions()
	o.Matrices = false
	want, err := features.Connectomes(series, o)
	if err != nil {
		t.Fatal(err)
	}
	got, err := features.Read(s.Output, nil)
	if err != nil {
		t.Fatal(err)
	}
	g, w := got.Definition.Regions, want.Table.Definition.Regions
	if len(g) != 8 || len(w) != 8 || g[6].System != "spinal" || g[0].System != "brain" {
		t.Fatalf("study regions %+v, painmark connectome's %+v", g, w)
	}
	for i := range g {
		if g[i] != w[i] {
			t.Errorf("region %d: study %+v, painmark connectome %+v", i, g[i], w[i])
		}
	}
	write("R5,R6,R7")
	res, err := s.Run(RunOptions{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Computed != 1 {
		t.Errorf("new tags rebuilt %d units, want 1 (the cohort table)", res.Computed)
	}
	if got, _ = features.Read(s.Output, nil); got == nil || got.Definition.Regions[5].System != "spinal" {
		t.Errorf("the new tags are not in the published table")
	}
	os.WriteFile(tags, []byte("name\tsystem\nR0\tbrain\n"), 0o644)
	if _, err := s.Run(RunOptions{Version: "test"}); err == nil || !strings.Contains(err.Error(), `"R1"`) || !strings.Contains(err.Error(), "regions.tsv") {
		t.Errorf("a region without a tag: %v", err)
	}
}
