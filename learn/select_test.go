package learn

import (
	"fmt"
	"math"
	"math/rand"
	"sort"
	"testing"
)

// topK keeps exactly the last k of the stable ascending sort (featureRanking), ties and NaN
// included, for every k.
func TestTopKEqualsStableSort(t *testing.T) {
	rng := rand.New(rand.NewSource(9))
	scores := make([]float64, 60)
	for j := range scores {
		scores[j] = float64(rng.Intn(12)) // many ties
	}
	scores[3], scores[17] = math.NaN(), math.NaN()
	ranking := featureRanking(scores)
	for k := 0; k <= len(scores)+1; k++ {
		want := append([]int(nil), ranking[len(scores)-min(k, len(scores)):]...)
		sort.Ints(want)
		if got := topK(scores, k); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("k=%d: topK %v, stable sort %v", k, got, want)
		}
	}
}
