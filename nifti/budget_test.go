package nifti

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
)

// A 250 KB .nii.gz whose header claims 800x800x800x2 int16 is refused by Open, before any data are
// decompressed (issue 21: extract grew to 2 GB for 30 s before failing).
func TestGzipHeaderClaimingMoreThanTheFileHolds(t *testing.T) {
	hdr := NewHeader([]int{800, 800, 800, 2}, Int16)
	hdr.VoxOffset = 352
	b, err := hdr.Encode()
	if err != nil {
		t.Fatal(err)
	}
	var raw bytes.Buffer
	raw.Write(b)
	raw.Write(make([]byte, int(hdr.VoxOffset)-len(b)))
	rng := rand.New(rand.NewPCG(1, 2))
	noise := make([]byte, 250<<10) // incompressible, so the file is about 250 KB
	for i := range noise {
		noise[i] = byte(rng.UintN(256))
	}
	raw.Write(noise)
	path := writeTemp(t, "liar.nii.gz", gz(t, raw.Bytes()))
	_, err = Open(path, nil)
	if err == nil || !strings.Contains(err.Error(), "corrupt header") {
		t.Fatalf("Open: %v", err)
	}
	// A valid gzipped image still opens.
	small := NewHeader([]int{4, 4, 4, 2}, Int16)
	small.VoxOffset = 352
	sb, _ := small.Encode()
	var ok bytes.Buffer
	ok.Write(sb)
	ok.Write(make([]byte, int(small.VoxOffset)-len(sb)+4*4*4*2*2))
	if err := readEverything(writeTemp(t, "ok.nii.gz", gz(t, ok.Bytes())), nil); err != nil {
		t.Fatal(err)
	}
}
