package genes

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"sort"
	"strings"

	"github.com/painmark/painmark/internal/parallel"
	"github.com/painmark/painmark/stats"
	"github.com/painmark/painmark/table"
)

// GeneSet is a named list of genes (a cell class, a pathway, a pain-gene list).
type GeneSet struct {
	Name        string
	Description string // a GMT line's second field (a GO term's name)
	Genes       []string
}

// ReadGMT reads gene sets in the GMT format (one set per line: name, description, genes, tab
// separated).
func ReadGMT(path string) ([]GeneSet, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []GeneSet
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<16), 1<<24)
	line := 0
	for sc.Scan() {
		line++
		fields := strings.Split(strings.TrimRight(sc.Text(), "\r\n"), "\t")
		if len(fields) == 1 && strings.TrimSpace(fields[0]) == "" {
			continue
		}
		if len(fields) < 3 {
			return nil, fmt.Errorf("%s line %d: a GMT line needs a name, a description and genes", path, line)
		}
		if strings.TrimSpace(fields[0]) == "" {
			return nil, fmt.Errorf("%s line %d: a gene set without a name", path, line)
		}
		gs := GeneSet{Name: fields[0], Description: fields[1]}
		for _, g := range fields[2:] {
			if g = strings.TrimSpace(g); g != "" {
				gs.Genes = append(gs.Genes, g)
			}
		}
		out = append(out, gs)
	}
	return out, sc.Err()
}

// ReadGeneClasses reads gene sets from a table of gene and class columns (e.g. Seidlitz et al.'s
// celltypes_PSP.csv: gene, class), one set per class in order of first appearance.
func ReadGeneClasses(path, geneColumn, classColumn string) ([]GeneSet, error) {
	tb, err := table.Read(path, nil)
	if err != nil {
		return nil, err
	}
	g, err := tb.Column(geneColumn)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	c, err := tb.Column(classColumn)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	index := map[string]int{}
	var out []GeneSet
	for i, name := range c.Raw {
		k, ok := index[name]
		if !ok {
			k = len(out)
			index[name] = k
			out = append(out, GeneSet{Name: name})
		}
		out[k].Genes = append(out[k].Genes, g.Raw[i])
	}
	return out, nil
}

// Enrichment is a gene set's over-representation among the hits.
type Enrichment struct {
	Set                   string
	SetInBackground, Hits int // the set's genes in the background, and among the hits
	HitsTotal, Background int
	OddsRatio, P, Q       float64
	CI                    [2]float64
}

// OverRepresentation tests every set for over-representation among hits (e.g. the PLS+ genes at
// a Z threshold) against the analysed background (every gene in the analysis), by the one-sided
// Fisher exact test (scipy's fisher_exact, alternative "greater"), with Benjamini-Hochberg q across
// the sets. Genes outside the background are ignored; hits must be in it.
func OverRepresentation(hits, background []string, sets []GeneSet) ([]Enrichment, error) {
	bg := map[string]bool{}
	for _, g := range background {
		bg[g] = true
	}
	hit := map[string]bool{}
	for _, g := range hits {
		if !bg[g] {
			return nil, fmt.Errorf("hit %q is not in the background", g)
		}
		hit[g] = true
	}
	out := make([]Enrichment, len(sets))
	p := make([]float64, len(sets))
	for i, s := range sets {
		in := map[string]bool{}
		for _, g := range s.Genes {
			if bg[g] {
				in[g] = true
			}
		}
		var a int
		for g := range in {
			if hit[g] {
				a++
			}
		}
		b := len(hit) - a        // hits outside the set
		c := len(in) - a         // set genes not hit
		d := len(bg) - a - b - c // the rest
		f, err := stats.FisherExact(a, b, c, d, "greater")
		if err != nil {
			return nil, fmt.Errorf("set %s: %w", s.Name, err)
		}
		out[i] = Enrichment{Set: s.Name, SetInBackground: len(in), Hits: a, HitsTotal: len(hit), Background: len(bg), OddsRatio: f.OddsRatio, P: f.P, CI: f.CI}
		p[i] = f.P
	}
	q, err := stats.FDR(p)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Q = q[i]
	}
	return out, nil
}

// RankEnrichment is the rank-based test of Morgan et al. (2019): the median rank, in a ranked gene
// list (best first), of a set's genes found in the list, against the median ranks of random gene
// sets of the same size drawn from the list; p = the share of random sets whose median rank is at
// most the observed one (#≤/n, NUMERICS.md). The random sets of set i come from PCG(seed, i).
func RankEnrichment(ranked []string, sets []GeneSet, permutations int, seed uint64) ([]float64, []float64, error) {
	pos := map[string]int{}
	for i, g := range ranked {
		pos[g] = i + 1
	}
	medians, ps := make([]float64, len(sets)), make([]float64, len(sets))
	errs := make([]error, len(sets))
	parallel.For(len(sets), func(i int) {
		var ranks []float64
		for _, g := range sets[i].Genes {
			if r, ok := pos[g]; ok {
				ranks = append(ranks, float64(r))
			}
		}
		if len(ranks) == 0 {
			errs[i] = fmt.Errorf("set %s: none of its genes is in the ranked list", sets[i].Name)
			return
		}
		sort.Float64s(ranks)
		obs := stats.Median(ranks)
		medians[i] = obs
		le := 0
		null := make([]float64, len(ranks))
		// Partial Fisher-Yates on a working array: each random set is the first len(ranks)
		// entries after that many swaps (uniform whatever state the array is left in).
		idx := make([]int, len(ranked))
		for j := range idx {
			idx[j] = j
		}
		rng := rand.New(rand.NewPCG(seed, uint64(i)))
		for k := 0; k < permutations; k++ {
			for j := range null {
				r := j + rng.IntN(len(idx)-j)
				idx[j], idx[r] = idx[r], idx[j]
				null[j] = float64(idx[j] + 1)
			}
			if stats.Median(null) <= obs {
				le++
			}
		}
		ps[i] = float64(le) / float64(permutations)
	})
	for _, err := range errs {
		if err != nil {
			return nil, nil, err
		}
	}
	return medians, ps, nil
}
