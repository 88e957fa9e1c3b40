package target

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// Tolerability weights targets by how the scalp site above them is tolerated: the mean pain and
// annoyance ratings per scalp site of Meteyard & Holmes (2018, TMS-SMART: 0-10 ratings of single
// pulses at 24 homologous 10-10 sites), the site nearest the target among the given scalp
// positions, and Weighted = mean score x (1 − Weight·pain/10).
type Tolerability struct {
	Ratings map[string][2]float64 // site (homologous pair, e.g. "C3.4", "FZ", "TPJ") -> mean pain, annoyance
	Sites   []ScalpSite
	Weight  float64
}

// ScalpSite is a named scalp position (mm, in the data's space).
type ScalpSite struct {
	Name string
	MM   [3]float64
}

// ReadMeteyardHolmes reads the TMS-SMART trial table (tab-separated, quoted; columns HomLocation,
// Pain, Annoyance) into mean ratings per homologous site.
func ReadMeteyardHolmes(path string) (map[string][2]float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = '\t'
	r.LazyQuotes = true
	r.FieldsPerRecord = -1 // R writes row names: a data row may have one field more than the header
	head, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.Trim(h, `"`)] = i
	}
	for _, c := range []string{"HomLocation", "Pain", "Annoyance"} {
		if _, ok := col[c]; !ok {
			return nil, fmt.Errorf("%s: no %s column (a TMS-SMART table has HomLocation, Pain, Annoyance)", path, c)
		}
	}
	sum := map[string][3]float64{}
	for line := 2; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: line %d: %w", path, line, err)
		}
		off := len(rec) - len(head)
		if off != 0 && off != 1 {
			return nil, fmt.Errorf("%s: line %d has %d fields, the header %d", path, line, len(rec), len(head))
		}
		site := strings.Trim(rec[col["HomLocation"]+off], `"`)
		p, err1 := strconv.ParseFloat(strings.Trim(rec[col["Pain"]+off], `"`), 64)
		a, err2 := strconv.ParseFloat(strings.Trim(rec[col["Annoyance"]+off], `"`), 64)
		if err1 != nil || err2 != nil || site == "" {
			continue // missing ratings ("NA") are left out of the means
		}
		s := sum[site]
		sum[site] = [3]float64{s[0] + p, s[1] + a, s[2] + 1}
	}
	if len(sum) == 0 {
		return nil, fmt.Errorf("%s: no rated trial", path)
	}
	out := map[string][2]float64{}
	for k, s := range sum {
		out[k] = [2]float64{s[0] / s[2], s[1] / s[2]}
	}
	return out, nil
}

// HomologousSite names the TMS-SMART site of a 10-10 electrode: C3 and C4 are "C3.4", Cz is "CZ",
// Fp1/Fp2/Fpz "FP", AF3/AF4/AFz "AF", O1/O2 "O1.2"; other names (TPJ, V5, Inion, ...) are kept.
func HomologousSite(name string) string {
	n := strings.ToUpper(strings.TrimSpace(name))
	if strings.HasPrefix(n, "FP") {
		return "FP"
	}
	if strings.HasPrefix(n, "AF") && !strings.HasPrefix(n, "AFZ") {
		return "AF"
	}
	i := len(n)
	for i > 0 && n[i-1] >= '0' && n[i-1] <= '9' {
		i--
	}
	letters, digits := n[:i], n[i:]
	if digits == "" {
		if strings.HasSuffix(n, "Z") && len(n) <= 3 { // midline: Cz, Fz, Pz, Oz
			return n
		}
		return strings.TrimSpace(name)
	}
	d, _ := strconv.Atoi(digits)
	odd := d
	if d%2 == 0 {
		odd = d - 1
	}
	return fmt.Sprintf("%s%d.%d", letters, odd, odd+1)
}

func (tol *Tolerability) apply(t *Target) {
	best, bestD := -1, math.Inf(1)
	for k, s := range tol.Sites {
		d := Distance(s.MM, t.MM)
		if d < bestD {
			best, bestD = k, d
		}
	}
	if best < 0 {
		return
	}
	site := tol.Sites[best].Name
	r, ok := tol.rating(site)
	t.ScalpSite, t.ScalpDist = site, bestD
	if !ok {
		return
	}
	t.Pain, t.Annoyance = Number(r[0]), Number(r[1])
	t.Weighted = t.MeanScore * (1 - tol.Weight*r[0]/10)
}

// rating finds a site's ratings: by its own name (TPJ, V5, Inion), else by its homologous pair
// (C3 -> C3.4, Cz -> CZ), case ignored.
func (tol *Tolerability) rating(site string) ([2]float64, bool) {
	for _, name := range []string{site, HomologousSite(site)} {
		for k, r := range tol.Ratings {
			if strings.EqualFold(k, name) {
				return r, true
			}
		}
	}
	return [2]float64{}, false
}
