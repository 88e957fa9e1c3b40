package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/painmark/painmark/learn"
	"github.com/painmark/painmark/signature"
	"github.com/painmark/painmark/table"
)

// signature train --combat harmonises the sites inside training and writes the signature the
// library writes (byte for byte); validate and apply harmonise with the stored ComBat and need
// each subject's site among the fitted ones.
func TestSignatureTrainComBat(t *testing.T) {
	feat, parts, _ := bochumFeatureTable(t)
	dir := filepath.Dir(feat)
	sig, lib := filepath.Join(dir, "combat.signature.json"), filepath.Join(dir, "lib.signature.json")
	grid := []string{"--k", "25", "--alpha", "0.005", "--l1-ratio", "0.999"}
	out, stderr, code := runCLI(t, append([]string{"signature", "train", feat, "--target", parts + ":pain", "--combat", parts + ":site", "-o", sig, "--report", "none"}, grid...)...)
	if code != 0 {
		t.Fatalf("train --combat: %d %s %s", code, out, stderr)
	}
	c, tb, err := signature.LoadCohort(feat, parts+":pain", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Sites, err = signature.ReadSites(parts+":site", c); err != nil {
		t.Fatal(err)
	}
	o, m := signature.DefaultTrainOptions(), learn.DefaultModelOptions()
	m.K, m.Alpha, m.L1Ratio = []int{25}, []float64{0.005}, []float64{0.999}
	if err := signature.PrepareTrain(c, tb, m, "", &o); err != nil {
		t.Fatal(err)
	}
	res, err := signature.TrainCohort(c, o)
	if err == nil {
		err = res.WriteFiles(lib)
	}
	if err != nil {
		t.Fatal(err)
	}
	if a, b := readBytes(t, sig), readBytes(t, lib); !bytes.Equal(a, b) || !bytes.Contains(a, []byte(`"combat"`)) {
		t.Errorf("the CLI's signature (%d bytes) differs from the library's (%d bytes), or keeps no ComBat", len(a), len(b))
	}
	if out, stderr, code := runCLI(t, "signature", "validate", sig, feat, "--target", parts+":pain", "--combat", parts+":site", "--permutations", "9", "--bootstraps", "0", "-o", filepath.Join(dir, "v.json"), "--report", "none"); code != 0 || !strings.Contains(out, "35 subjects") {
		t.Errorf("validate --combat: %d %s %s", code, out, stderr)
	}
	if _, stderr, code := runCLI(t, "signature", "validate", sig, feat, "--target", parts+":pain", "-o", filepath.Join(dir, "v2.json"), "--report", "none"); code == 0 || !strings.Contains(stderr, "give each subject's site") {
		t.Errorf("validate without sites: %d %s", code, stderr)
	}
	pt, err := table.Read(parts, nil)
	if err != nil {
		t.Fatal(err)
	}
	site, _ := pt.Column("site")
	site.Raw[0] = "site-new"
	other := filepath.Join(dir, "other.tsv")
	if err := table.Write(other, pt); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := runCLI(t, "signature", "apply", sig, feat, "--combat", other+":site", "-o", filepath.Join(dir, "p.tsv")); code == 0 || !strings.Contains(stderr, "site-new") {
		t.Errorf("apply to a new site: %d %s", code, stderr)
	}
	os.Remove(other)
}
