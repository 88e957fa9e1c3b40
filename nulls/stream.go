package nulls

import (
	"fmt"
	"runtime"

	"github.com/painmark/painmark/internal/budget"
	"github.com/painmark/painmark/stats"
)

// Streamed nulls (TestOptions.DropNull, painmark spin --save-null=false): every model but the
// parametric one makes its draws a block at a time, in draw order, and the test tallies each
// block's null correlations and drops them, so a run holds one block of draws, the tally and, for
// the spin models that reject duplicate draws, a 64-bit hash of each accepted draw
// (stats.DrawStream) — not the n draws. The draws are the ones the kept null holds, to the last
// index: reorderings come from the same candidate sequence (candidate k from PCG(seed, k)),
// accepted in the same order, and surrogate k of a map comes from its own PCG(seed, k) stream,
// so the p-values are the same to the last bit whatever the block size and the workers.

// streamer is a model whose null can be made a block of draws at a time.
type streamer interface {
	Model
	// stream prepares n draws over the space, made when next asks for them.
	stream(s *Space, n int, seed uint64) (drawStream, error)
	// streamBytes is what a stream of n draws over the space holds: perDraw bytes for each draw
	// of the block being tallied, fixed bytes whatever the block (the duplicate check's hashes).
	streamBytes(s *Space, n int) (perDraw, fixed int64)
}

// drawStream is a null made a block at a time.
type drawStream interface {
	// next makes draws k0 ... k0+m−1 (called once per block, in order).
	next(k0, m int) error
	// maps gives draw k's null map of x (k in the block last made), safe for concurrent use;
	// stream is the map's surrogate stream (0 for x, 1 for y; reorderings ignore it).
	maps(x []float64, stream uint64) (func(k int) []float64, error)
}

// streamBlock is the most draws a streamed null makes at a time (the tally's block): fewer when
// a block of large draws (a dense surface's vertex spins) would exceed streamBlockBytes. Tests
// change it to cross more block boundaries; the p-values do not depend on it.
var streamBlock = 4096

// streamBlockBytes bounds one block's draws.
const streamBlockBytes = 256 << 20

// streamPlan is the block size of a streamed null of n draws and the memory the run holds: the
// block's draws and its 2 null correlations per draw, the null maps the workers are making
// (2 per worker), and the stream's fixed part.
func streamPlan(st streamer, s *Space, n int) (block int, need int64) {
	perDraw, fixed := st.streamBytes(s, n)
	perDraw += 16
	block = streamBlock
	if perDraw*int64(block) > streamBlockBytes {
		block = max(64, int(streamBlockBytes/perDraw))
	}
	block = min(block, max(n, 1))
	need = budget.Bytes(int64(block), perDraw)
	need += budget.Bytes(int64(2*runtime.GOMAXPROCS(0)), int64(16*len(s.Regions)+64))
	if need += fixed; need < fixed { // overflow
		need = fixed
	}
	return block, need
}

// CheckStreamBudget refuses a dropped null (TestOptions.DropNull) of n draws of the model over
// the space when what it holds (one block of draws, the tally and, for the spin models, the
// duplicate check's hashes: 10.7 to 21.3 bytes a draw) exceeds the memory budget
// (internal/budget); a kept null is checked by Draw (about 24 bytes per region and draw). The
// parametric model holds no null.
func CheckStreamBudget(model Model, space *Space, n int) error {
	st, ok := model.(streamer)
	if !ok || n <= 0 {
		return nil
	}
	_, need := streamPlan(st, space, n)
	return budget.CheckNeed("null draws tallied and dropped", int64(n), need)
}

// streamedTest is Test's null tallied a block at a time and dropped.
func streamedTest(st streamer, space *Space, x, y []float64, opts TestOptions) (*stats.SpinTest, error) {
	n := opts.Draws
	block, need := streamPlan(st, space, n)
	if err := budget.CheckNeed("null draws tallied and dropped", int64(n), need); err != nil {
		return nil, err
	}
	ds, err := st.stream(space, n, opts.Seed)
	if err != nil {
		return nil, err
	}
	nullX, err := ds.maps(x, 0)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", opts.XName, err)
	}
	nullY, err := ds.maps(y, 1)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", opts.YName, err)
	}
	next := ds.next
	if blockHook != nil {
		next = func(k0, m int) error { blockHook(); return ds.next(k0, m) }
	}
	return stats.BlockSpinTest(x, y, n, block, opts.Kind, next, nullX, nullY, false)
}

// blockHook, when a test sets it, is called before each block of a streamed null is made (from
// one goroutine, the workers idle): the memory test measures the live heap there.
var blockHook func()

// reorderStream is a reordering null made a block at a time: perms holds the block's reorderings
// (draws base ... base+len(perms)−1).
type reorderStream[T int | int32] struct {
	size  int // the map's length
	what  string
	block func(m int) ([][]T, error) // the next m reorderings
	perms [][]T
	base  int
}

func (r *reorderStream[T]) next(k0, m int) error {
	p, err := r.block(m)
	if err != nil {
		return err
	}
	if len(p) != m {
		return fmt.Errorf("%d of %d null draws made", k0+len(p), k0+m)
	}
	for k, perm := range p {
		if len(perm) != r.size {
			return fmt.Errorf("null draw %d reorders %d %s, the map has %d", k0+k, len(perm), r.what, r.size)
		}
	}
	r.perms, r.base = p, k0
	return nil
}

func (r *reorderStream[T]) maps(x []float64, _ uint64) (func(k int) []float64, error) {
	if len(x) != r.size {
		return nil, fmt.Errorf("a map of %d values over %d %s", len(x), r.size, r.what)
	}
	return func(k int) []float64 { return reorder(x, r.perms[k-r.base]) }, nil
}

// onDemandStream is a null whose draw k's map is made from k alone: nothing to prepare.
type onDemandStream func(x []float64, stream uint64) (func(k int) []float64, error)

func (onDemandStream) next(int, int) error { return nil }
func (f onDemandStream) maps(x []float64, stream uint64) (func(k int) []float64, error) {
	return f(x, stream)
}

// The rotation models stream stats.NewSpinStream's permutations (in the regions' order).
func (m rotation) stream(s *Space, n int, seed uint64) (drawStream, error) {
	if err := m.check(s); err != nil {
		return nil, err
	}
	st, err := stats.NewSpinStream(s.Left, s.Right, n, seed, m.method)
	if err != nil {
		return nil, err
	}
	return &reorderStream[int]{size: len(s.Regions), what: "regions", block: func(m int) ([][]int, error) {
		p, err := st.Next(m)
		return byRegion(p, s.Order), err
	}}, nil
}

// A block's spin holds its permutation twice (in the sphere's and in the regions' order).
func (rotation) streamBytes(s *Space, n int) (int64, int64) {
	return int64(16*len(s.Regions) + 64), stats.HashSetBytes(n)
}

// The vertex-level parcel models stream stats.NewSurfaceSpinStream's spins.
func (m surface) stream(s *Space, n int, seed uint64) (drawStream, error) {
	if err := m.check(s); err != nil {
		return nil, err
	}
	st, err := stats.NewSurfaceSpinStream(*s.Surface, n, seed)
	if err != nil {
		return nil, err
	}
	var spins []stats.SurfaceSpin
	var base int
	return blockStream{
		nextFn: func(k0, m int) (err error) {
			spins, err = st.Next(m)
			base = k0
			return err
		},
		mapsFn: func(x []float64, _ uint64) (func(k int) []float64, error) {
			if len(x) != s.Surface.Parcels {
				return nil, fmt.Errorf("a map of %d values over %d parcels", len(x), s.Surface.Parcels)
			}
			return func(k int) []float64 { return m.rebuild(spins[k-base], x) }, nil
		},
	}, nil
}

// A block's surface spin lists, for each parcel, the parcels its rotated vertices come from
// (a slice header and a few counts of 16 bytes each).
func (surface) streamBytes(s *Space, n int) (int64, int64) {
	return int64(96*len(s.Regions) + 64), stats.HashSetBytes(n)
}

// blockStream is a drawStream of two functions.
type blockStream struct {
	nextFn func(k0, m int) error
	mapsFn func(x []float64, stream uint64) (func(k int) []float64, error)
}

func (b blockStream) next(k0, m int) error { return b.nextFn(k0, m) }
func (b blockStream) maps(x []float64, stream uint64) (func(k int) []float64, error) {
	return b.mapsFn(x, stream)
}

// The dense surface spin streams stats.NewVertexSpinStream's matchings.
func (m alexanderBloch) stream(s *Space, n int, seed uint64) (drawStream, error) {
	if !s.Dense {
		return nil, fmt.Errorf("the alexander-bloch null spins the vertices of a dense surface map (a dscalar with --spheres); parcels take vasa, hungarian, nearest, baum or cornblath")
	}
	st, err := stats.NewVertexSpinStream(s.Left, s.Right, n, seed)
	if err != nil {
		return nil, err
	}
	return &reorderStream[int32]{size: len(s.Regions), what: "vertices", block: st.Next}, nil
}

func (alexanderBloch) streamBytes(s *Space, n int) (int64, int64) {
	return int64(4*len(s.Regions) + 64), stats.HashSetBytes(n)
}

// The shuffle makes draw k's permutation from (seed, k+1) when the map is asked for.
func (shuffle) stream(s *Space, n int, seed uint64) (drawStream, error) {
	size := len(s.Regions)
	return onDemandStream(func(x []float64, _ uint64) (func(k int) []float64, error) {
		if len(x) != size {
			return nil, fmt.Errorf("a map of %d values over %d regions", len(x), size)
		}
		return func(k int) []float64 { return reorder(x, stats.Permutation(seed, uint64(k+1), size)) }, nil
	}), nil
}

func (shuffle) streamBytes(*Space, int) (int64, int64) { return 0, 0 }

// The surrogate models make surrogate k of a map from its own stream when it is asked for.
func (m moran) stream(s *Space, n int, seed uint64) (drawStream, error) {
	return surrogates(m, s, n, seed)
}
func (m variogram) stream(s *Space, n int, seed uint64) (drawStream, error) {
	return surrogates(m, s, n, seed)
}
func (m variogramSampled) stream(s *Space, n int, seed uint64) (drawStream, error) {
	return surrogates(m, s, n, seed)
}
func (moran) streamBytes(*Space, int) (int64, int64)            { return 0, 0 }
func (variogram) streamBytes(*Space, int) (int64, int64)        { return 0, 0 }
func (variogramSampled) streamBytes(*Space, int) (int64, int64) { return 0, 0 }

// surrogates is a surrogate model's draws (its Draw prepares the geometry and makes no map).
func surrogates(m Model, s *Space, n int, seed uint64) (drawStream, error) {
	null, err := m.Draw(s, n, seed)
	if err != nil {
		return nil, err
	}
	h, ok := null.(hemispheres)
	if !ok {
		return nil, fmt.Errorf("the %s null is not made of surrogates", m.Name())
	}
	return onDemandStream(h.onDemand), nil
}
