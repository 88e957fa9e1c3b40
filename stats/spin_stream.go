package stats

import (
	"fmt"
	"hash/fnv"
	"math/bits"

	"github.com/painmark/painmark/internal/budget"
	"github.com/painmark/painmark/internal/parallel"
)

// StreamedSpinTest is SurrogateTest with the null maps made on demand: nullX(k) and nullY(k)
// return draw k's null maps of x and of y (NaN where a null leaves a brainordinate empty), called
// once each per draw, from several goroutines, so memory does not grow with the maps' size times
// the draws (a dense surface's vertex spins). With keepNull the 2n null correlations are kept
// (NullXY, NullYX); without, they are tallied a block of draws at a time and dropped, so memory
// holds the counts, not the draws. The p-values are the same to the last bit either way, for any
// number of workers.
func StreamedSpinTest(x, y []float64, n int, kind string, nullX, nullY func(k int) []float64, keepNull bool) (*SpinTest, error) {
	return spinTest(x, y, n, kind, spinSource{nullX: nullX, nullY: nullY}, keepNull)
}

// BlockSpinTest is StreamedSpinTest for nulls made a block of draws at a time, in draw order (a
// DrawStream): before the null maps of draws k0 ... k0+m−1 are asked for, prepare(k0, m) is
// called, once per block, from one goroutine, with k0 = 0, m, 2m, ... (m = block, the last block
// shorter), so the null holds one block's draws, not n. block ≤ 0 is the tally's own block
// (4,096 draws). The p-values do not depend on the block size.
func BlockSpinTest(x, y []float64, n, block int, kind string, prepare func(k0, m int) error, nullX, nullY func(k int) []float64, keepNull bool) (*SpinTest, error) {
	return spinTest(x, y, n, kind, spinSource{block: block, prepare: prepare, nullX: nullX, nullY: nullY}, keepNull)
}

// spinSource is where spinTest takes its null maps from.
type spinSource struct {
	block        int                   // draws per block (≤ 0: spinBlock)
	prepare      func(k0, m int) error // nil: nothing to prepare
	nullX, nullY func(k int) []float64 // draw k's null maps
}

// DrawStream makes a spin null's distinct draws a block at a time, in the order the whole null
// would hold them: candidate draw k (0, 1, 2, ...) is computed from its own seed (PCG(seed, k)) in
// parallel batches and accepted in candidate order unless it is the identity or its key (a 64-bit
// FNV-1a hash of its matching) equals an accepted draw's. SpinPermutations, SurfaceSpins and
// VertexSpins are one Next(n) of their streams, so a null made block by block is the same null
// to the last index, whatever the blocks and the number of workers.
//
// The duplicate check keeps the keys of the accepted draws, not the draws: a set of 64-bit hashes
// sized for n draws up front (HashSetBytes(n): 8 bytes a slot, between 1⅓ and 2⅔ slots a draw).
// Two distinct matchings with the same hash (about n²/2⁶⁵ of a chance in all: 3·10⁻⁶ for 10⁷
// draws) would count as one, and the later one be rejected, the same in a kept and a dropped null.
type DrawStream[T any] struct {
	n, batch int
	what     string
	draw     func(k uint64) (T, uint64, bool)
	seen     *hashSet
	accepted int
	next     uint64         // the first candidate not yet computed
	pending  []candidate[T] // candidates computed and not yet looked at, in order
}

type candidate[T any] struct {
	v        T
	key      uint64
	identity bool
}

// newDrawStream makes the stream of n distinct draws (candidates computed batch at a time).
func newDrawStream[T any](n, batch int, what string, draw func(k uint64) (T, uint64, bool)) (*DrawStream[T], error) {
	if n < 0 {
		return nil, fmt.Errorf("%d %s", n, what)
	}
	if err := budget.CheckNeed(what+" (their 64-bit hashes, for the duplicate check)", int64(n), HashSetBytes(n)); err != nil {
		return nil, err
	}
	return &DrawStream[T]{n: n, batch: batch, what: what, draw: draw, seen: newHashSet(n)}, nil
}

// Draws is the number of draws the stream makes in all.
func (s *DrawStream[T]) Draws() int { return s.n }

// Next returns the next m accepted draws (fewer at the stream's end). After 100·n + 1000
// candidates without n distinct draws it gives up, as the whole null would.
func (s *DrawStream[T]) Next(m int) ([]T, error) {
	m = min(m, s.n-s.accepted)
	out := make([]T, 0, max(m, 0))
	for len(out) < m {
		if len(s.pending) == 0 {
			k0 := s.next
			if k0 > uint64(100*s.n+1000) {
				return nil, fmt.Errorf("only %d distinct non-identity %s in %d draws: too few parcels", s.accepted, s.what, k0)
			}
			s.pending = make([]candidate[T], s.batch)
			parallel.For(s.batch, func(b int) {
				d := &s.pending[b]
				d.v, d.key, d.identity = s.draw(k0 + uint64(b))
			})
			s.next += uint64(s.batch)
		}
		d := s.pending[0]
		s.pending[0] = candidate[T]{} // let the draw go
		s.pending = s.pending[1:]
		if d.identity || !s.seen.add(d.key) {
			continue
		}
		out = append(out, d.v)
		s.accepted++
	}
	return out, nil
}

// hashKey is the 64-bit FNV-1a hash of a matching (each index as 4 little-endian bytes), the key
// of the duplicate check.
func hashKey[I int | int32](perm []I) uint64 {
	h := fnv.New64a()
	var buf [4]byte
	for _, j := range perm {
		buf[0], buf[1], buf[2], buf[3] = byte(j), byte(j>>8), byte(j>>16), byte(j>>24)
		h.Write(buf[:])
	}
	return h.Sum64()
}

// hashSet is a set of at most n 64-bit keys: open addressing with linear probing over a table of
// a power of two slots at most ¾ full, made once (no growth), the zero key kept aside.
type hashSet struct {
	slots   []uint64
	mask    uint64
	shift   uint // 64 − log2(len(slots)): a key's home slot is the top bits of key·φ
	hasZero bool
}

// hashSlots is the table size for n keys: the least power of two ≥ 4n/3 (at least 8).
func hashSlots(n int) int64 {
	need := max(int64(n)+int64(n)/3+1, 8)
	if need > 1<<62 {
		return 1 << 62
	}
	return int64(1) << bits.Len64(uint64(need-1))
}

// HashSetBytes is the memory of the duplicate check of n distinct draws: 8 bytes a slot, the
// least power of two of slots ≥ 4n/3 (so 10.7 to 21.3 bytes a draw; 128 MiB for 10,000,000).
func HashSetBytes(n int) int64 { return budget.Bytes(hashSlots(n), 8) }

func newHashSet(n int) *hashSet {
	s := hashSlots(n)
	return &hashSet{slots: make([]uint64, s), mask: uint64(s - 1), shift: uint(64 - bits.TrailingZeros64(uint64(s)))}
}

// add inserts a key and reports whether it was new.
func (h *hashSet) add(key uint64) bool {
	if key == 0 {
		if h.hasZero {
			return false
		}
		h.hasZero = true
		return true
	}
	i := (key * 0x9e3779b97f4a7c15) >> h.shift // Fibonacci hashing: the product's top bits
	for {
		switch h.slots[i] {
		case 0:
			h.slots[i] = key
			return true
		case key:
			return false
		}
		i = (i + 1) & h.mask
	}
}
