// Package morph is the morphometric-similarity workflow of Martins et al. 2022 (after Seidlitz et
// al. 2018 and Morgan et al. 2019): per subject, each morphometric feature (grey-matter volume,
// surface area, cortical thickness, mean and Gaussian curvature) z-scored across regions, the
// morphometric similarity (MS) matrix as the Pearson correlation between regions' feature vectors,
// regional MS as each row's mean without the diagonal, and global MS as their mean.
package morph

import (
	"fmt"
	"math"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/painmark/painmark/freesurfer"
	"github.com/painmark/painmark/internal/linalg"
	"github.com/painmark/painmark/table"
)

// Table is a morphometry table: subjects x regions x features.
type Table struct {
	Subjects, Regions, Features []string
	Data                        []float64 // index (s·regions + r)·features + f
}

// At is subject s's feature f in region r.
func (t *Table) At(s, r, f int) float64 {
	return t.Data[(s*len(t.Regions)+r)*len(t.Features)+f]
}

// FreeSurferFeatures are the five features of Seidlitz et al.'s MS networks, as the aparc.stats
// columns that hold them.
var FreeSurferFeatures = []string{"GrayVol", "SurfArea", "ThickAvg", "MeanCurv", "GausCurv"}

// FromSubjectsDir builds a table from FreeSurfer recons: for each subject, SUBJECTS_DIR/<subject>/
// stats/lh.<parc>.stats and rh.<parc>.stats; regions are "L_<name>" and "R_<name>" in the files'
// order (the first subject's; every subject must have the same regions).
func FromSubjectsDir(dir string, subjects []string, parc string, features []string) (*Table, error) {
	t := &Table{Subjects: subjects, Features: features}
	for si, s := range subjects {
		var regions []string
		var values [][]float64 // per feature, per region
		for _, h := range []struct{ file, prefix string }{{"lh." + parc + ".stats", "L_"}, {"rh." + parc + ".stats", "R_"}} {
			st, err := freesurfer.ReadStats(filepath.Join(dir, s, "stats", h.file))
			if err != nil {
				return nil, err
			}
			for _, n := range st.Structures() {
				regions = append(regions, h.prefix+n)
			}
			cols := make([][]float64, len(features))
			for k, f := range features {
				if cols[k], err = st.Column(f); err != nil {
					return nil, err
				}
			}
			if values == nil {
				values = cols
			} else {
				for k := range values {
					values[k] = append(values[k], cols[k]...)
				}
			}
		}
		if si == 0 {
			t.Regions = regions
			t.Data = make([]float64, len(subjects)*len(regions)*len(features))
		} else if strings.Join(regions, ",") != strings.Join(t.Regions, ",") {
			return nil, fmt.Errorf("subject %s: its regions differ from subject %s's", s, subjects[0])
		}
		for r := range regions {
			for k := range features {
				t.Data[(si*len(regions)+r)*len(features)+k] = values[k][r]
			}
		}
	}
	return t, nil
}

// enigmaColumn is an ENIGMA-style regional column: hemisphere, region, feature suffix.
var enigmaColumn = regexp.MustCompile(`^([LR])_(.+)_(thickavg|surfavg|grayvol|meancurv|gauscurv)$`)

// FromENIGMA builds a table from ENIGMA-style CSV tables (one per feature, subjects x regional
// columns such as L_bankssts_thickavg; global columns are ignored), joined on the subject column.
// Features are named by their suffix; regions ("L_bankssts") must be the same in every table.
func FromENIGMA(idColumn string, paths ...string) (*Table, error) {
	t := &Table{}
	var perFeature []map[string][]float64 // feature → region → values per subject
	for fi, p := range paths {
		tb, err := table.Read(p, nil)
		if err != nil {
			return nil, err
		}
		ids, err := tb.Column(idColumn)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		if fi == 0 {
			t.Subjects = ids.Raw
		} else if strings.Join(ids.Raw, ",") != strings.Join(t.Subjects, ",") {
			return nil, fmt.Errorf("%s: its subjects differ from %s's (same subjects, same order needed)", p, paths[0])
		}
		var regions []string
		vals := map[string][]float64{}
		feature := ""
		for _, c := range tb.Columns {
			m := enigmaColumn.FindStringSubmatch(c.Name)
			if m == nil {
				continue
			}
			if feature == "" {
				feature = m[3]
			} else if feature != m[3] {
				return nil, fmt.Errorf("%s: mixes features %s and %s", p, feature, m[3])
			}
			region := m[1] + "_" + m[2]
			if vals[region], err = tb.Floats(c.Name); err != nil {
				return nil, fmt.Errorf("%s: %w", p, err)
			}
			regions = append(regions, region)
		}
		if feature == "" {
			return nil, fmt.Errorf("%s: no regional columns like L_bankssts_thickavg", p)
		}
		if fi == 0 {
			t.Regions = regions
		} else if strings.Join(regions, ",") != strings.Join(t.Regions, ",") {
			return nil, fmt.Errorf("%s: its regions differ from %s's", p, paths[0])
		}
		t.Features = append(t.Features, feature)
		perFeature = append(perFeature, vals)
	}
	t.Data = make([]float64, len(t.Subjects)*len(t.Regions)*len(t.Features))
	for s := range t.Subjects {
		for r, reg := range t.Regions {
			for f := range t.Features {
				t.Data[(s*len(t.Regions)+r)*len(t.Features)+f] = perFeature[f][reg][s]
			}
		}
	}
	return t, nil
}

// Similarity is subject s's MS matrix (regions x regions, row-major) over the given features (all
// when nil): each feature z-scored across regions, then the Pearson correlation between every two
// regions' vectors of z-scores. A region whose z-scores are all equal has NaN similarities.
func Similarity(t *Table, s int, features []int) (linalg.Matrix, error) {
	if features == nil {
		for f := range t.Features {
			features = append(features, f)
		}
	}
	nr, nf := len(t.Regions), len(features)
	if nf < 2 {
		return linalg.Matrix{}, fmt.Errorf("morphometric similarity needs at least 2 features, got %d", nf)
	}
	z := make([]float64, nr*nf) // region-major
	for k, f := range features {
		var m, ss float64
		for r := 0; r < nr; r++ {
			m += t.At(s, r, f)
		}
		m /= float64(nr)
		for r := 0; r < nr; r++ {
			d := t.At(s, r, f) - m
			ss += d * d
		}
		sd := math.Sqrt(ss / float64(nr-1))
		if !(sd > 0) {
			return linalg.Matrix{}, fmt.Errorf("subject %s: feature %s is constant across regions", t.Subjects[s], t.Features[f])
		}
		for r := 0; r < nr; r++ {
			z[r*nf+k] = (t.At(s, r, f) - m) / sd
		}
	}
	// Centre and normalise each region's vector, so that the correlation is a dot product.
	for r := 0; r < nr; r++ {
		v := z[r*nf : (r+1)*nf]
		var m float64
		for _, x := range v {
			m += x
		}
		m /= float64(nf)
		var ss float64
		for i := range v {
			v[i] -= m
			ss += v[i] * v[i]
		}
		norm := math.Sqrt(ss)
		for i := range v {
			v[i] /= norm // NaN for a constant vector: its correlations are undefined
		}
	}
	out := linalg.NewMatrix(nr, nr)
	for i := 0; i < nr; i++ {
		for j := 0; j <= i; j++ {
			c := linalg.Dot(z[i*nf:(i+1)*nf], z[j*nf:(j+1)*nf])
			out.Data[i*nr+j], out.Data[j*nr+i] = c, c
		}
	}
	return out, nil
}

// RegionalMS is each region's mean similarity to the other regions (the row mean without the
// diagonal).
func RegionalMS(ms linalg.Matrix) []float64 {
	n := ms.Rows
	out := make([]float64, n)
	for i := 0; i < n; i++ {
		var s float64
		for j := 0; j < n; j++ {
			if j != i {
				s += ms.Data[i*n+j]
			}
		}
		out[i] = s / float64(n-1)
	}
	return out
}

// GlobalMS is the mean of the regional MS values.
func GlobalMS(regional []float64) float64 {
	var s float64
	for _, v := range regional {
		s += v
	}
	return s / float64(len(regional))
}
