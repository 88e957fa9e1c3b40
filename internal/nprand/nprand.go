// Package nprand reproduces the parts of numpy's legacy RandomState that scikit-learn's splitters
// draw from (random_state=int): the MT19937 generator with numpy's integer seeding, and
// RandomState.shuffle of a 1-D array (Fisher-Yates from the end with numpy's masked rejection
// sampling of bounded integers). Same seed, same permutation as numpy 1.24.
package nprand

// RandomState is numpy.random.RandomState(seed) for an integer seed.
type RandomState struct {
	mt  [624]uint32
	pos int
}

// New seeds the generator as numpy's legacy seeding does for an integer seed (init_genrand).
func New(seed uint32) *RandomState {
	r := &RandomState{pos: 624}
	r.mt[0] = seed
	for i := 1; i < 624; i++ {
		prev := r.mt[i-1]
		r.mt[i] = 1812433253*(prev^(prev>>30)) + uint32(i)
	}
	return r
}

// Uint32 is MT19937's next tempered output (genrand_int32).
func (r *RandomState) Uint32() uint32 {
	if r.pos >= 624 {
		const upper, lower = 0x80000000, 0x7fffffff
		for i := 0; i < 624; i++ {
			y := (r.mt[i] & upper) | (r.mt[(i+1)%624] & lower)
			v := r.mt[(i+397)%624] ^ (y >> 1)
			if y&1 != 0 {
				v ^= 0x9908b0df
			}
			r.mt[i] = v
		}
		r.pos = 0
	}
	y := r.mt[r.pos]
	r.pos++
	y ^= y >> 11
	y ^= (y << 7) & 0x9d2c5680
	y ^= (y << 15) & 0xefc60000
	y ^= y >> 18
	return y
}

// Uint64 is numpy's next_uint64 for MT19937: two 32-bit outputs, the first in the high half.
func (r *RandomState) Uint64() uint64 {
	hi := uint64(r.Uint32())
	return hi<<32 | uint64(r.Uint32())
}

// Interval is numpy's legacy random_interval(max): a uniform integer in [0, max] by masked
// rejection sampling (32-bit draws while max fits in 32 bits).
func (r *RandomState) Interval(max uint64) uint64 {
	if max == 0 {
		return 0
	}
	mask := max
	mask |= mask >> 1
	mask |= mask >> 2
	mask |= mask >> 4
	mask |= mask >> 8
	mask |= mask >> 16
	mask |= mask >> 32
	if max <= 0xffffffff {
		for {
			if v := uint64(r.Uint32()) & mask; v <= max {
				return v
			}
		}
	}
	for {
		if v := r.Uint64() & mask; v <= max {
			return v
		}
	}
}

// Shuffle permutes v in place as RandomState.shuffle does for a 1-D array.
func (r *RandomState) Shuffle(v []int) {
	for i := len(v) - 1; i > 0; i-- {
		j := int(r.Interval(uint64(i)))
		v[i], v[j] = v[j], v[i]
	}
}

// Randint is RandomState.randint(low, high) for the default integer type: a uniform integer in
// [low, high). It panics unless low < high (a programming error, as numpy raises).
func (r *RandomState) Randint(low, high int64) int64 {
	if low >= high {
		panic("nprand: Randint needs low < high")
	}
	return low + int64(r.Interval(uint64(high-low-1)))
}
