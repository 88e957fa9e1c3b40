// Command spin times painmark's spatial permutation ("spin") nulls: 10,000 Váša rotations of the
// DK-68 parcellation (the reference rotate_parcellation code takes about 310 s for these on this
// kind of machine in Octave, ../shared/data/DATA.md; target at least 50x faster), 1,000 of HCP-MMP
// 360 (about 0.8-1.0 s each in the reference), and perm_sphere_p with 10,000 permutations (7-24 s
// in the reference). Run from the repository root:
//
//	go run ./bench/spin [-repeats 3]
package main

import (
	"flag"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/painmark/painmark/atlas"
	"github.com/painmark/painmark/nulls"
	"github.com/painmark/painmark/stats"
	"github.com/painmark/painmark/table"
)

func main() {
	repeats := flag.Int("repeats", 3, "runs of each task (the median is reported)")
	shared := flag.String("shared", "../shared/data", "the shared data folder")
	pairs := flag.Int("pairs", 1000, "pairs of independent smooth random maps for the false-positive rates (0: skip)")
	spins := flag.Int("spins", 1000, "spins per method (and Moran surrogates per map) for the false-positive rates")
	lengths := flag.String("lengths", "20,40", "smoothness of the random maps: kernel lengths in mm on the 100 mm sphere")
	volPairs := flag.Int("volume-pairs", 1000, "pairs of independent smooth random volumes for the volumetric nulls' false-positive rates (0: skip)")
	volSide := flag.Int("volume-side", 10, "voxels per side of the random volumes' grid (4 mm voxels)")
	volDraws := flag.Int("volume-draws", 100, "surrogates (and shuffles) per map for the volumetric nulls")
	fwhms := flag.String("fwhms", "8,12", "smoothness of the random volumes: Gaussian FWHM in mm")
	volModels := flag.String("volume-nulls", "variogram,variogram-sampled,moran,shuffle,parametric", "the volumetric null models tested")
	volumeOnly := flag.Bool("volume-only", false, "run only the volumetric nulls' false-positive rates")
	settings := flag.Float64("variogram-settings", 0, "also the variogram null's false-positive rate under other BrainSMASH settings at this FWHM (mm; 0: skip)")
	settingPairs := flag.Int("settings-pairs", 200, "pairs of random volumes for -variogram-settings")
	field := flag.String("volume-field", "stationary", "the random volumes: stationary (noise beyond the grid too) or box (noise on the grid only: rougher at the edges)")
	flag.Parse()
	if *volPairs > 0 {
		calibrateVolumes(*volSide, *volPairs, *volDraws, *fwhms, *volModels, *field)
	}
	if *settings > 0 {
		variogramSettings(*volSide, *settingPairs, *volDraws, *settings, *field)
	}
	if *volumeOnly {
		return
	}
	dk := readCSVCoords(*shared + "/enigma/derived/dk68_fsa5_sphere_centroids.csv")
	hcp := readTxtCoords(*shared + "/atlases/hcp-mmp/sphere_HCP.txt")
	median := func(f func()) float64 {
		var ts []float64
		for i := 0; i < *repeats; i++ {
			start := time.Now()
			f()
			ts = append(ts, time.Since(start).Seconds())
		}
		sort.Float64s(ts)
		return ts[len(ts)/2]
	}
	var perms [][]int
	secs := median(func() {
		var err error
		perms, err = stats.SpinPermutations(dk[:34], dk[34:], 10000, 1, stats.SpinVasa)
		must(err)
	})
	fmt.Printf("%-52s %8.2f s  reference ~310 s (Octave, DATA.md): %.0fx\n", "painmark 10,000 Váša spins of DK-68 (median)", secs, 310/secs)
	secs = median(func() {
		_, err := stats.SpinPermutations(hcp[:180], hcp[180:], 1000, 1, stats.SpinVasa)
		must(err)
	})
	fmt.Printf("%-52s %8.2f s  reference ~0.8-1.0 s per spin: ~%.0fx\n", "painmark 1,000 Váša spins of HCP-MMP 360 (median)", secs, 900/secs)
	x, y := make([]float64, 68), make([]float64, 68)
	for i := range x {
		x[i], y[i] = dk[i][0], dk[i][1]+float64(i%7)
	}
	secs = median(func() {
		_, err := stats.PermSphereP(x, y, perms, "spearman")
		must(err)
	})
	fmt.Printf("%-52s %8.3f s  reference ~24 s (Spearman)\n", "painmark perm_sphere_p, 10,000 permutations", secs)
	if *pairs > 0 {
		surface := readDKSurface(*shared)
		calibrate(map[string][][3]float64{"DK-68": dk, "HCP-MMP 360": hcp}, surface, *pairs, *spins, *lengths)
	}
}

// calibrate prints the false-positive rate at alpha = 0.05 of each null model of package nulls
// (the very code painmark spin, genes and morph run; and the parametric test) over pairs of
// independent spatially smooth random maps: no peer measures this; a calibrated null stays within
// 0.03-0.07. DK-68 is also tested with the vertex-level nulls (Baum, Cornblath) on the fsaverage5
// spheres. Rotation nulls are drawn once per parcellation with seed 7; surrogate nulls are drawn
// per pair with seed 0 (pair k's surrogates from nulls.StreamSeed(0, k, hemi) = 2k + hemi).
func calibrate(sets map[string][][3]float64, surface *stats.SphereParcellation, pairs, spins int, lengths string) {
	fmt.Printf("\nfalse-positive rate at alpha = 0.05, %d pairs of independent smooth random maps, %d spins per method (two-sided spin p, x spun)\n", pairs, spins)
	for _, name := range []string{"DK-68", "HCP-MMP 360"} {
		c := sets[name]
		space := nulls.SphereSpace(c[:len(c)/2], c[len(c)/2:])
		drawn := map[string]nulls.Null{}
		for _, m := range nulls.Names() {
			if m == "alexander-bloch" { // dense surface maps only (on parcels it is nearest)
				continue
			}
			model, err := nulls.Lookup(m)
			must(err)
			sp := space
			switch model.Needs() {
			case nulls.NeedsSurface:
				if name != "DK-68" {
					continue
				}
				sp = &nulls.Space{Regions: space.Regions, Surface: surface}
			case nulls.NeedsNothing:
				if m != "parametric" {
					continue
				}
			}
			start := time.Now()
			// Variogram matching costs O(N²) per surrogate: HCP-MMP is tested with fewer.
			n, seed := spins, uint64(7)
			if surrogate(m) {
				seed = 0
				if len(c) > 200 && strings.HasPrefix(m, "variogram") {
					n = min(spins, 500)
				}
			}
			null, err := model.Draw(sp, n, seed)
			must(err)
			drawn[m] = null
			if model.Needs() == nulls.NeedsNothing {
				continue
			}
			if !surrogate(m) {
				fmt.Printf("  %-12s %-16s %d spins in %.2f s\n", name, m, spins, time.Since(start).Seconds())
			}
		}
		for _, ls := range strings.Split(lengths, ",") {
			length, err := strconv.ParseFloat(ls, 64)
			must(err)
			maps, err := stats.SmoothRandomMaps(space.Left, space.Right, length, 2*pairs, 11)
			must(err)
			for _, m := range nulls.Names() {
				null, ok := drawn[m]
				if !ok {
					continue
				}
				mm := maps
				if len(c) > 200 && strings.HasPrefix(m, "variogram") {
					mm = maps[:min(len(maps), 2*variogramPairs)]
				}
				start := time.Now()
				r, err := nulls.FalsePositiveRate(mm, null, 0.05)
				must(err)
				label := r.Method
				if surrogate(m) {
					label += fmt.Sprintf(" (%d pairs, %d surr., %.0f s)", r.Pairs, null.Draws(), time.Since(start).Seconds())
				}
				fmt.Printf("  %-12s length %3.0f mm  %-52s %.3f\n", name, length, label, r.Rate)
			}
		}
	}
}

// variogramPairs is how many map pairs of HCP-MMP 360 the variogram-matching surrogates are
// tested on (all of them for DK-68).
const variogramPairs = 200

// surrogate says whether a null model draws map-specific surrogates (Moran, variogram).
func surrogate(name string) bool {
	return name == "moran" || name == "moran-pair" || strings.HasPrefix(name, "variogram")
}

// readDKSurface reads ENIGMA's fsaverage5 spheres and aparc annotations with the parcels in the
// centroid table's order (the order of the random maps).
func readDKSurface(shared string) *stats.SphereParcellation {
	tb, err := table.Read(shared+"/enigma/derived/dk68_fsa5_sphere_centroids.csv", nil)
	must(err)
	reg, err := tb.Column("region")
	must(err)
	p, err := atlas.ReadSphereParcellation(atlas.SphereParcellationFiles{
		SphereLeft: shared + "/enigma/surfaces/fsa5_sphere_lh.gii", SphereRight: shared + "/enigma/surfaces/fsa5_sphere_rh.gii",
		AnnotLeft: shared + "/enigma/annot/fsa5_lh_aparc.annot", AnnotRight: shared + "/enigma/annot/fsa5_rh_aparc.annot"}, reg.Raw)
	must(err)
	return p
}

func readCSVCoords(path string) [][3]float64 {
	tb, err := table.Read(path, nil)
	must(err)
	var cols [3][]float64
	for k, c := range []string{"x", "y", "z"} {
		cols[k], err = tb.Floats(c)
		must(err)
	}
	out := make([][3]float64, len(cols[0]))
	for i := range out {
		out[i] = [3]float64{cols[0][i], cols[1][i], cols[2][i]}
	}
	return out
}

func readTxtCoords(path string) [][3]float64 {
	b, err := os.ReadFile(path)
	must(err)
	var out [][3]float64
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		f := strings.Fields(line)
		var v [3]float64
		for k := 0; k < 3; k++ {
			v[k], err = strconv.ParseFloat(f[k], 64)
			must(err)
		}
		out = append(out, v)
	}
	return out
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "spin:", err)
		os.Exit(1)
	}
}
