package report

import (
	"math"
	"strings"
	"testing"
)

// The embedded templates are MNI's and PAM50's: the template's brain fills the MNI box around the
// origin, and the horns of the cervical cord lie below the brain in level order, dorsal horns
// behind ventral ones; MIST-122 and brainstem regions are found by name.
func TestAnatomyTemplatesAndPlaces(t *testing.T) {
	tpl, cord, err := loadAnatomy()
	if err != nil {
		t.Fatal(err)
	}
	if tpl.at(0, 0, 0, 0) == 0 || tpl.at(0, 40, 0, 30) == 0 || tpl.at(0, 0, 0, 95) != 0 || tpl.at(0, 85, 0, 0) != 0 {
		t.Errorf("template: inside %d %d, outside %d %d", tpl.at(0, 0, 0, 0), tpl.at(0, 40, 0, 30), tpl.at(0, 0, 0, 95), tpl.at(0, 85, 0, 0))
	}
	if cord.shape[2] < 100 {
		t.Errorf("cord grid %v", cord.shape)
	}
	prevZ := math.Inf(1)
	for _, level := range []string{"C1", "C3", "C5", "C7"} {
		d, okD := SpinalHorn(level + "_dorsal")
		v, okV := SpinalHorn(level + "_ventral")
		if !okD || !okV || d[1] >= v[1] || d[2] >= prevZ || d[2] > -66 || math.Abs(d[0]) > 2 {
			t.Errorf("%s: dorsal %v (%v), ventral %v (%v)", level, d, okD, v, okV)
		}
		prevZ = d[2]
	}
	if _, ok := SpinalHorn("C9_dorsal"); ok {
		t.Error("C9 placed")
	}
	nodes, idx := RegionNodes([]string{"CER6_p", "PAG", "nowhere", "C5_ventral"}, nil, []float64{1, 2, 3, 4})
	if len(nodes) != 3 || idx[2] != 3 || nodes[1].MM != [3]float64{0, -32, -10} || nodes[2].Group != "spinal cord" || nodes[0].Value != 1 {
		t.Errorf("nodes %+v %v", nodes, idx)
	}
	fig, err := BrainNodes("n", "v", nodes, []Edge{{0, 2, 1}})
	if err != nil || !strings.Contains(fig.String(), "PAM50") || checkSVG(fig.String()) != nil {
		t.Errorf("brain nodes with a cord node: %v %v", err, checkSVG(fig.String()))
	}
}
