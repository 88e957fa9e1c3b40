// Package kdtree is a static k-d tree of 3-D points for nearest-neighbour queries (the role of
// scipy's cKDTree in the spin tests: vertex-level rotations of a sphere mesh, nearest electrode
// positions).
//
// Why not gonum's spatial/kdtree (measured by go run ./bench/gonumcheck, 10,242 points, 200,000
// queries): gonum returns the nearest point, not its index, and leaves ties unspecified (its
// pivots are random medians), so on a grid's equidistant neighbours 73% of its answers differ from
// the smallest-index rule that makes spins reproducible here (0% for this tree, which matches a
// linear scan); its queries also took 1.5x as long (185 vs 120 ms on a sphere mesh).
package kdtree

import (
	"math"
	"sort"
)

// Tree is a balanced k-d tree over a fixed set of points; queries are safe from many goroutines.
type Tree struct {
	points [][3]float64
	// nodes holds point indices in tree order: the median of nodes[lo:hi] sits at (lo+hi)/2 and
	// splits on axis depth%3.
	nodes []int
}

// New builds the tree over points (which it keeps, not copies).
func New(points [][3]float64) *Tree {
	t := &Tree{points: points, nodes: make([]int, len(points))}
	for i := range t.nodes {
		t.nodes[i] = i
	}
	t.build(0, len(points), 0)
	return t
}

func (t *Tree) build(lo, hi, depth int) {
	if hi-lo <= 1 {
		return
	}
	axis := depth % 3
	seg := t.nodes[lo:hi]
	// A full sort per level keeps the code short; building is O(n log² n), done once per mesh.
	sort.Slice(seg, func(a, b int) bool {
		pa, pb := t.points[seg[a]][axis], t.points[seg[b]][axis]
		if pa != pb {
			return pa < pb
		}
		return seg[a] < seg[b]
	})
	mid := (lo + hi) / 2
	t.build(lo, mid, depth+1)
	t.build(mid+1, hi, depth+1)
}

// Nearest returns the index of the point nearest q (Euclidean) and its squared distance; among
// points at the same distance, the smallest index (cKDTree's choice is unspecified; this one is
// reproducible). It returns -1 on an empty tree.
func (t *Tree) Nearest(q [3]float64) (int, float64) {
	best, bestD := -1, math.Inf(1)
	t.search(q, 0, len(t.nodes), 0, &best, &bestD)
	return best, bestD
}

func (t *Tree) search(q [3]float64, lo, hi, depth int, best *int, bestD *float64) {
	if lo >= hi {
		return
	}
	mid := (lo + hi) / 2
	i := t.nodes[mid]
	p := t.points[i]
	dx, dy, dz := p[0]-q[0], p[1]-q[1], p[2]-q[2]
	if d := dx*dx + dy*dy + dz*dz; d < *bestD || (d == *bestD && i < *best) {
		*best, *bestD = i, d
	}
	axis := depth % 3
	diff := q[axis] - p[axis]
	near, far := [2]int{lo, mid}, [2]int{mid + 1, hi}
	if diff > 0 {
		near, far = far, near
	}
	t.search(q, near[0], near[1], depth+1, best, bestD)
	if diff*diff <= *bestD {
		t.search(q, far[0], far[1], depth+1, best, bestD)
	}
}
