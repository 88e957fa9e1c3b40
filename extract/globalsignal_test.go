package extract

import (
	"math"
	"strings"
	"testing"

	"github.com/painmark/painmark/atlas"
	"github.com/painmark/painmark/nifti"
)

// The global-signal column (RunOptions.GlobalSignal) is the mean of every voxel the atlas labels,
// after the atlas's own regions; the corticospinal set (which has GM) and surface atlases refuse it.
func TestGlobalSignalColumn(t *testing.T) {
	p, li, tbl := writeSynthetic(t, false)
	set := (&atlas.RegionSet{Name: "synthetic", Parts: []atlas.Part{{Space: "data", Labels: li, Table: tbl}}}).WithGlobalSignal()
	out, err := ExtractRun(RunSpec{Images: map[string]string{"data": p}, Set: set})
	if err != nil {
		t.Fatal(err)
	}
	if out.Series.Cols != 4 || out.Names[3] != atlas.GlobalSignalName {
		t.Fatalf("%d columns %v", out.Series.Cols, out.Names)
	}
	img, err := nifti.Load(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	data := img.Data
	n := len(li.Labels)
	for tt := 0; tt < out.Series.Rows; tt++ {
		var sum float64
		var cnt int
		for v, l := range li.Labels {
			if l != 0 {
				sum, cnt = sum+data[tt*n+v], cnt+1
			}
		}
		if got := out.Series.Data[tt*4+3]; math.Abs(got-sum/float64(cnt)) > 1e-9 {
			t.Errorf("frame %d: GlobSig %v, mean of the labelled voxels %v", tt, got, sum/float64(cnt))
		}
	}
	for _, o := range []RunOptions{{Atlas: CorticospinalAtlas, GlobalSignal: true}, {Atlas: "parcels.dlabel.nii", GlobalSignal: true}} {
		o.Missing = MissingError
		if err := o.Check(); err == nil || !strings.Contains(err.Error(), "global signal") {
			t.Errorf("%s with the global signal: %v", o.Atlas, err)
		}
	}
}
