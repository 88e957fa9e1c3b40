package learn

import (
	"fmt"
	"math"
	"sort"
	"strconv"

	"github.com/painmark/painmark/internal/nprand"
	"github.com/painmark/painmark/internal/parallel"
)

// RandomForest is scikit-learn's RandomForestRegressor (squared-error criterion, best splitter,
// depth-first growth), the CSps study's nonlinear baseline. It follows scikit-learn 1.2.1 step by
// step so that the same Seed (random_state) grows the same trees: features are held in single
// precision (scikit-learn converts X to float32), every tree draws its seed from
// RandomState(Seed).randint(2^31−1), its bootstrap sample from RandomState(tree seed).randint(0, n,
// n) (as sample weights, the counts), and the order in which a node tries its features from the
// splitter's rand_r generator seeded by a fresh RandomState(tree seed); ties between equally good
// splits therefore fall the same way.
type RandomForest struct {
	Trees int // n_estimators; 0 means 100
	Tree  DecisionTree
	// NoBootstrap grows every tree on all samples (bootstrap=False).
	NoBootstrap bool
	Seed        uint32 // random_state
}

// DecisionTree is scikit-learn's DecisionTreeRegressor with the squared-error criterion and the
// best splitter, grown depth first; also the per-tree settings of RandomForest.
type DecisionTree struct {
	MaxDepth        int // 0: unlimited
	MinSamplesSplit int // 0 means 2
	MinSamplesLeaf  int // 0 means 1
	// MaxFeatures is the number of features a node tries, as scikit-learn's max_features: ""
	// or "1.0" (all, the regression default), "sqrt", "log2", an integer count ("30") or a
	// fraction of the features ("0.33").
	MaxFeatures string
	Seed        uint32 // random_state (DecisionTreeRegressor alone; a forest seeds its trees)
}

// TreeNode is one node of a fitted tree. Samples with x[Feature] <= Threshold go Left. Leaves
// have Left = Right = -1. Value is the node's weighted mean target; Impurity its weighted
// variance of the target (the squared-error criterion).
type TreeNode struct {
	Feature         int
	Threshold       float64
	Left, Right     int
	Value           float64
	Impurity        float64
	Samples         int     // distinct training samples in the node
	WeightedSamples float64 // their total weight (bootstrap counts)
}

// RegressionTree is a fitted DecisionTree; Nodes[0] is the root and nodes are numbered in the
// order scikit-learn's depth-first builder adds them (tree_.children_left etc.).
type RegressionTree struct {
	Nodes    []TreeNode
	Features int
}

// ForestModel is a fitted RandomForest.
type ForestModel struct {
	Trees []RegressionTree
	// Importances is feature_importances_: each tree's normalised total decrease of weighted
	// impurity per feature, averaged over the trees that split at all and normalised again.
	Importances []float64
}

// randRMax is scikit-learn's RAND_R_MAX (tree/_utils.pxd).
const randRMax = 0x7FFFFFFF

// Fit grows the forest; trees are grown in parallel and do not depend on the number of workers.
func (f RandomForest) Fit(x Matrix, y []float64) (*ForestModel, error) {
	data, params, err := f.Tree.prepare(x, y)
	if err != nil {
		return nil, err
	}
	nTrees := f.Trees
	if nTrees == 0 {
		nTrees = 100
	}
	if nTrees < 0 {
		return nil, fmt.Errorf("random forest: %d trees", nTrees)
	}
	// BaseForest.fit: each tree's random_state, drawn in order from the forest's RandomState.
	rs := nprand.New(f.Seed)
	seeds := make([]uint32, nTrees)
	for t := range seeds {
		seeds[t] = uint32(rs.Randint(0, math.MaxInt32))
	}
	model := &ForestModel{Trees: make([]RegressionTree, nTrees)}
	parallel.For(nTrees, func(t int) {
		var weight []float64
		if !f.NoBootstrap {
			// _generate_sample_indices: randint(0, n, n) from RandomState(tree seed), as counts.
			draw := nprand.New(seeds[t])
			weight = make([]float64, x.Rows)
			for i := 0; i < x.Rows; i++ {
				weight[draw.Randint(0, int64(x.Rows))]++
			}
		}
		model.Trees[t] = data.grow(params, weight, seeds[t])
	})
	model.Importances = forestImportances(model.Trees, x.Cols)
	return model, nil
}

// Fit grows one tree on all samples with unit weights.
func (d DecisionTree) Fit(x Matrix, y []float64) (*RegressionTree, error) {
	data, params, err := d.prepare(x, y)
	if err != nil {
		return nil, err
	}
	t := data.grow(params, nil, d.Seed)
	return &t, nil
}

// prepare checks the data and settings, holds the features as the splitter reads them, and
// presorts them when that pays.
func (d DecisionTree) prepare(x Matrix, y []float64) (*treeData, treeParams, error) {
	data, err := newTreeData(x, y)
	if err != nil {
		return nil, treeParams{}, err
	}
	params, err := d.resolve(x.Cols)
	if err != nil {
		return nil, treeParams{}, err
	}
	if presortPays(x.Rows, x.Cols, params.maxFeatures) {
		data.presort()
	}
	return data, params, nil
}

// Predict is the mean of the trees' predictions (RandomForestRegressor.predict).
func (m *ForestModel) Predict(x Matrix) []float64 {
	out := make([]float64, x.Rows)
	row := make([]float32, x.Cols)
	for i := range out {
		toFloat32(row, x.Data[i*x.Cols:(i+1)*x.Cols])
		s := 0.0
		for t := range m.Trees {
			s += m.Trees[t].predictRow(row)
		}
		out[i] = s / float64(len(m.Trees))
	}
	return out
}

// Predict returns the leaf value of every row of x.
func (t *RegressionTree) Predict(x Matrix) []float64 {
	out := make([]float64, x.Rows)
	row := make([]float32, x.Cols)
	for i := range out {
		toFloat32(row, x.Data[i*x.Cols:(i+1)*x.Cols])
		out[i] = t.predictRow(row)
	}
	return out
}

// predictRow walks from the root, comparing the single-precision feature with the threshold as
// scikit-learn's apply does.
func (t *RegressionTree) predictRow(row []float32) float64 {
	n := &t.Nodes[0]
	for n.Left >= 0 {
		if float64(row[n.Feature]) <= n.Threshold {
			n = &t.Nodes[n.Left]
		} else {
			n = &t.Nodes[n.Right]
		}
	}
	return n.Value
}

// Importances is the tree's feature_importances_ (normalised to sum 1 when the tree splits).
func (t *RegressionTree) Importances() []float64 {
	imp := make([]float64, t.Features)
	for _, n := range t.Nodes {
		if n.Left < 0 {
			continue
		}
		l, r := t.Nodes[n.Left], t.Nodes[n.Right]
		imp[n.Feature] += n.WeightedSamples*n.Impurity - l.WeightedSamples*l.Impurity - r.WeightedSamples*r.Impurity
	}
	sum := 0.0
	for j := range imp {
		imp[j] /= t.Nodes[0].WeightedSamples
	}
	for _, v := range imp {
		sum += v
	}
	if sum > 0 {
		for j := range imp {
			imp[j] /= sum
		}
	}
	return imp
}

// forestImportances averages the importances of the trees with more than one node and normalises
// the mean (BaseForest.feature_importances_).
func forestImportances(trees []RegressionTree, p int) []float64 {
	mean := make([]float64, p)
	used := 0
	for t := range trees {
		if len(trees[t].Nodes) <= 1 {
			continue
		}
		used++
		for j, v := range trees[t].Importances() {
			mean[j] += v
		}
	}
	if used == 0 {
		return mean
	}
	sum := 0.0
	for j := range mean {
		mean[j] /= float64(used)
		sum += mean[j]
	}
	for j := range mean {
		mean[j] /= sum
	}
	return mean
}

func toFloat32(dst []float32, src []float64) {
	for j, v := range src {
		dst[j] = float32(v)
	}
}

// treeParams are DecisionTree's settings with scikit-learn's defaults filled in.
type treeParams struct {
	maxDepth, minSplit, minLeaf, maxFeatures int
}

func (d DecisionTree) resolve(p int) (treeParams, error) {
	tp := treeParams{maxDepth: d.MaxDepth, minSplit: d.MinSamplesSplit, minLeaf: d.MinSamplesLeaf}
	if tp.maxDepth == 0 {
		tp.maxDepth = math.MaxInt32
	}
	if tp.minSplit == 0 {
		tp.minSplit = 2
	}
	if tp.minLeaf == 0 {
		tp.minLeaf = 1
	}
	if tp.maxDepth < 0 || tp.minSplit < 2 || tp.minLeaf < 1 {
		return tp, fmt.Errorf("decision tree: max depth %d, min samples split %d, min samples leaf %d (need >= 1, >= 2, >= 1)", d.MaxDepth, d.MinSamplesSplit, d.MinSamplesLeaf)
	}
	if tp.minSplit < 2*tp.minLeaf {
		tp.minSplit = 2 * tp.minLeaf
	}
	switch mf := d.MaxFeatures; mf {
	case "", "1.0":
		tp.maxFeatures = p
	case "sqrt":
		tp.maxFeatures = int(math.Sqrt(float64(p)))
	case "log2":
		tp.maxFeatures = int(math.Log2(float64(p)))
	default:
		if n, err := strconv.Atoi(mf); err == nil {
			tp.maxFeatures = n
		} else if v, err := strconv.ParseFloat(mf, 64); err == nil && v > 0 && v <= 1 {
			tp.maxFeatures = int(v * float64(p))
		} else {
			return tp, fmt.Errorf("max features %q: give sqrt, log2, a count or a fraction in (0, 1]", mf)
		}
	}
	if tp.maxFeatures < 1 {
		tp.maxFeatures = 1
	}
	if tp.maxFeatures > p {
		return tp, fmt.Errorf("max features %q is more than the %d features", d.MaxFeatures, p)
	}
	return tp, nil
}

// treeData holds the training data in the form the splitter reads: features column by column in
// single precision (a node gathers one feature of its samples at a time).
type treeData struct {
	n, p    int
	columns []float32 // p x n
	y       []float64
	// order holds, per feature whose n values are all distinct, the samples in ascending order of
	// that feature (p x n; nil when the lists would not pay, see presortPays); distinct marks
	// those features.
	order    []int32
	distinct []bool
}

// presortPays says whether a tree should keep every feature's samples in sorted order from node
// to node (partitioning the sorted lists at each split, no sorting) rather than sort the features
// it tries at each node as scikit-learn does: when a node tries most features (max_features near
// all, the regression default) and the lists fit in 256 MB per tree.
func presortPays(n, p, maxFeatures int) bool {
	return maxFeatures*8 >= p && int64(n)*int64(p)*4 <= 256<<20
}

// presort fills order and distinct. Features with tied values are left out: within ties the
// order of scikit-learn's introsort decides the order of summation, so those features are sorted
// at each node with that introsort.
func (d *treeData) presort() {
	d.order = make([]int32, d.n*d.p)
	d.distinct = make([]bool, d.p)
	parallel.For(d.p, func(j int) {
		col := d.columns[j*d.n : (j+1)*d.n]
		o := d.order[j*d.n : (j+1)*d.n]
		for i := range o {
			o[i] = int32(i)
		}
		sort.Slice(o, func(a, b int) bool { return col[o[a]] < col[o[b]] })
		d.distinct[j] = true
		for i := 1; i < len(o); i++ {
			if col[o[i]] == col[o[i-1]] {
				d.distinct[j] = false
				break
			}
		}
	})
}

func newTreeData(x Matrix, y []float64) (*treeData, error) {
	if x.Rows != len(y) {
		return nil, fmt.Errorf("%d samples but %d targets", x.Rows, len(y))
	}
	if x.Rows < 1 || x.Cols < 1 {
		return nil, fmt.Errorf("a tree needs samples and features (%d x %d)", x.Rows, x.Cols)
	}
	d := &treeData{n: x.Rows, p: x.Cols, columns: make([]float32, x.Rows*x.Cols), y: y}
	for i := 0; i < x.Rows; i++ {
		for j, v := range x.Data[i*x.Cols : (i+1)*x.Cols] {
			if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > math.MaxFloat32 {
				return nil, fmt.Errorf("feature %d of sample %d is %g: trees need finite single-precision values", j, i, v)
			}
			d.columns[j*x.Rows+i] = float32(v)
		}
	}
	for i, v := range y {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("target of sample %d is %g", i, v)
		}
	}
	return d, nil
}

// featureThreshold is scikit-learn's FEATURE_THRESHOLD: values closer than this are one value.
const featureThreshold float32 = 1e-7

// splitRecord is scikit-learn's SplitRecord.
type splitRecord struct {
	feature                     int
	pos                         int
	threshold                   float64
	improvement                 float64
	impurityLeft, impurityRight float64
}

// treeGrower is scikit-learn's BestSplitter with the MSE criterion for one tree: the sample and
// feature index arrays it permutes in place from node to node, and the criterion's running sums.
type treeGrower struct {
	*treeData
	treeParams
	wt, wy  []float64 // each sample's weight (bootstrap count, or 1) and weight x target
	samples []int32
	// scan is the order the criterion reads positions start..end in: samples, or the presorted
	// list of the feature being scanned.
	scan     []int32
	features []int
	constant []int
	xf       []float32
	// sorted[j*n+start : j*n+end] holds the node's samples in ascending order of feature j, for the
	// distinct features when the data are presorted (nil otherwise); goesLeft and spill serve the
	// stable partition of those lists at a split.
	sorted           []int32
	goesLeft         []bool
	spill            []int32
	randState        uint32
	weightedNSamples float64

	// criterion state (RegressionCriterion / MSE)
	start, end, pos      int
	sumTotal, sqSumTotal float64
	wNode, wLeft, wRight float64
	sumLeft, sumRight    float64
}

// grow builds one tree with DepthFirstTreeBuilder's order and stopping rules.
func (d *treeData) grow(tp treeParams, weight []float64, seed uint32) RegressionTree {
	g := &treeGrower{treeData: d, treeParams: tp}
	// Splitter: rand_r state = RandomState(seed).randint(0, RAND_R_MAX); samples with nonzero weight.
	g.randState = uint32(nprand.New(seed).Randint(0, randRMax))
	g.wt, g.wy = make([]float64, d.n), make([]float64, d.n)
	for i := 0; i < d.n; i++ {
		g.wt[i] = 1
		if weight != nil {
			g.wt[i] = weight[i]
		}
		g.wy[i] = g.wt[i] * d.y[i]
		if g.wt[i] != 0 {
			g.samples = append(g.samples, int32(i))
		}
		g.weightedNSamples += g.wt[i]
	}
	g.scan = g.samples
	g.features = make([]int, d.p)
	for j := range g.features {
		g.features[j] = j
	}
	g.constant = make([]int, d.p)
	g.xf = make([]float32, d.n)
	if d.order != nil {
		// Each presorted list restricted to the samples this tree uses (nonzero bootstrap weight).
		g.sorted = make([]int32, d.n*d.p)
		g.goesLeft = make([]bool, d.n)
		g.spill = make([]int32, d.n)
		for j := 0; j < d.p; j++ {
			if !d.distinct[j] {
				continue
			}
			dst := g.sorted[j*d.n : j*d.n : (j+1)*d.n]
			for _, i := range d.order[j*d.n : (j+1)*d.n] {
				if weight == nil || weight[i] != 0 {
					dst = append(dst, i)
				}
			}
		}
	}

	type record struct {
		start, end, depth, parent int
		isLeft                    bool
		impurity                  float64
		nConstant                 int
	}
	tree := RegressionTree{Features: d.p}
	stack := []record{{start: 0, end: len(g.samples), parent: -1, impurity: math.Inf(1)}}
	first := true
	const epsilon = 2.220446049250313e-16 // np.finfo(float).eps
	for len(stack) > 0 {
		rec := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		nNode := rec.end - rec.start
		g.nodeReset(rec.start, rec.end)
		isLeaf := rec.depth >= tp.maxDepth || nNode < tp.minSplit || nNode < 2*tp.minLeaf
		impurity := rec.impurity
		if first {
			impurity = g.nodeImpurity()
			first = false
		}
		isLeaf = isLeaf || impurity <= epsilon
		split := splitRecord{pos: rec.end}
		nConstant := rec.nConstant
		if !isLeaf {
			split = g.nodeSplit(impurity, &nConstant)
			isLeaf = split.pos >= rec.end || split.improvement+epsilon < 0
		}
		id := len(tree.Nodes)
		node := TreeNode{Left: -1, Right: -1, Impurity: impurity, Samples: nNode, WeightedSamples: g.wNode, Value: g.sumTotal / g.wNode}
		if !isLeaf {
			node.Feature, node.Threshold = split.feature, split.threshold
		}
		tree.Nodes = append(tree.Nodes, node)
		if rec.parent >= 0 {
			if rec.isLeft {
				tree.Nodes[rec.parent].Left = id
			} else {
				tree.Nodes[rec.parent].Right = id
			}
		}
		if !isLeaf {
			stack = append(stack,
				record{start: split.pos, end: rec.end, depth: rec.depth + 1, parent: id, impurity: split.impurityRight, nConstant: nConstant},
				record{start: rec.start, end: split.pos, depth: rec.depth + 1, parent: id, isLeft: true, impurity: split.impurityLeft, nConstant: nConstant})
		}
	}
	return tree
}

// randInt is scikit-learn's rand_int(low, high): an xorshift draw (our_rand_r) modulo the range.
func (g *treeGrower) randInt(low, high int) int {
	s := g.randState
	if s == 0 {
		s = 1
	}
	s ^= s << 13
	s ^= s >> 17
	s ^= s << 5
	g.randState = s
	return low + int(s&randRMax)%(high-low)
}

// nodeReset is Criterion.init on samples[start:end]: the node's weighted sums, in sample order.
func (g *treeGrower) nodeReset(start, end int) {
	g.start, g.end = start, end
	g.sumTotal, g.sqSumTotal, g.wNode = 0, 0, 0
	for _, i := range g.samples[start:end] {
		g.sumTotal += g.wy[i]
		g.sqSumTotal += g.wy[i] * g.y[i]
		g.wNode += g.wt[i]
	}
	g.reset()
}

func (g *treeGrower) reset() {
	g.pos = g.start
	g.sumLeft, g.sumRight = 0, g.sumTotal
	g.wLeft, g.wRight = 0, g.wNode
}

// update moves the split position to newPos, summing from whichever end is nearer as
// scikit-learn does (the sums, and so the ties, come out the same).
func (g *treeGrower) update(newPos int) {
	if newPos-g.pos <= g.end-newPos {
		for _, i := range g.scan[g.pos:newPos] {
			g.sumLeft += g.wy[i]
			g.wLeft += g.wt[i]
		}
	} else {
		// reverse_reset, then remove the samples from the end down to newPos
		g.sumRight, g.sumLeft = 0, g.sumTotal
		g.wLeft, g.wRight = g.wNode, 0
		for p := g.end - 1; p >= newPos; p-- {
			i := g.scan[p]
			g.sumLeft -= g.wy[i]
			g.wLeft -= g.wt[i]
		}
	}
	g.wRight = g.wNode - g.wLeft
	g.sumRight = g.sumTotal - g.sumLeft
	g.pos = newPos
}

func (g *treeGrower) nodeImpurity() float64 {
	m := g.sumTotal / g.wNode
	return g.sqSumTotal/g.wNode - m*m
}

func (g *treeGrower) proxyImprovement() float64 {
	return g.sumLeft*g.sumLeft/g.wLeft + g.sumRight*g.sumRight/g.wRight
}

func (g *treeGrower) childrenImpurity() (left, right float64) {
	sqLeft := 0.0
	for _, i := range g.samples[g.start:g.pos] {
		sqLeft += g.wy[i] * g.y[i]
	}
	ml, mr := g.sumLeft/g.wLeft, g.sumRight/g.wRight
	return sqLeft/g.wLeft - ml*ml, (g.sqSumTotal-sqLeft)/g.wRight - mr*mr
}

func (g *treeGrower) impurityImprovement(parent, left, right float64) float64 {
	return g.wNode / g.weightedNSamples * (parent - g.wRight/g.wNode*right - g.wLeft/g.wNode*left)
}

// nodeSplit is BestSplitter.node_split: features drawn without replacement (Fisher-Yates on the
// shared features array, known-constant features skipped), each sorted and scanned for the split
// with the best proxy improvement; then the node's samples are partitioned.
func (g *treeGrower) nodeSplit(impurity float64, nConstantFeatures *int) splitRecord {
	start, end := g.start, g.end
	features, xf := g.features, g.xf
	best := splitRecord{pos: end, improvement: math.Inf(-1), impurityLeft: math.Inf(1), impurityRight: math.Inf(1)}
	bestProxy := math.Inf(-1)
	fi := g.p
	nVisited, nFound, nDrawn := 0, 0, 0
	nKnown := *nConstantFeatures
	nTotal := nKnown
	maxDepth := 2 * int(math.Log(float64(end-start))/math.Log(2))
	pending := -1 // the presorted feature whose order samples should hold, if any
	for fi > nTotal && (nVisited < g.maxFeatures || nVisited <= nFound+nDrawn) {
		nVisited++
		fj := g.randInt(nDrawn, fi-nFound)
		if fj < nKnown {
			features[nDrawn], features[fj] = features[fj], features[nDrawn]
			nDrawn++
			continue
		}
		fj += nFound
		feature := features[fj]
		col := g.columns[feature*g.n : (feature+1)*g.n]
		if g.sorted != nil && g.distinct[feature] {
			// Distinct values have one ascending order, the one scikit-learn's sort leaves in
			// samples; the list stands for samples until a tied feature or the split needs them.
			g.scan = g.sorted[feature*g.n : (feature+1)*g.n]
			pending = feature
			for p, i := range g.scan[start:end] {
				xf[start+p] = col[i]
			}
		} else {
			g.materialize(&pending)
			for p := start; p < end; p++ {
				xf[p] = col[g.samples[p]]
			}
			introsort(xf[start:end], g.samples[start:end], maxDepth)
		}
		if xf[end-1] <= xf[start]+featureThreshold {
			features[fj], features[nTotal] = features[nTotal], features[fj]
			nFound++
			nTotal++
			continue
		}
		fi--
		features[fi], features[fj] = features[fj], features[fi]
		g.reset()
		p := start
		for p < end {
			for p+1 < end && xf[p+1] <= xf[p]+featureThreshold {
				p++
			}
			p++
			if p >= end {
				continue
			}
			if p-start < g.minLeaf || end-p < g.minLeaf {
				continue
			}
			g.update(p)
			if proxy := g.proxyImprovement(); proxy > bestProxy {
				bestProxy = proxy
				threshold := float64(xf[p-1])/2 + float64(xf[p])/2
				if threshold == float64(xf[p]) || math.IsInf(threshold, 0) {
					threshold = float64(xf[p-1])
				}
				best.feature, best.pos, best.threshold = feature, p, threshold
			}
		}
	}
	g.materialize(&pending)
	if best.pos < end {
		col := g.columns[best.feature*g.n : (best.feature+1)*g.n]
		partitionEnd := end
		for p := start; p < partitionEnd; {
			if float64(col[g.samples[p]]) <= best.threshold {
				p++
			} else {
				partitionEnd--
				g.samples[p], g.samples[partitionEnd] = g.samples[partitionEnd], g.samples[p]
			}
		}
		g.reset()
		g.update(best.pos)
		best.impurityLeft, best.impurityRight = g.childrenImpurity()
		best.improvement = g.impurityImprovement(impurity, best.impurityLeft, best.impurityRight)
		if g.sorted != nil {
			g.partitionSorted(best.pos, features[nTotal:])
		}
	}
	// Known constant features keep their order for the siblings and children; newly found ones
	// are recorded after them.
	copy(features[:nKnown], g.constant[:nKnown])
	copy(g.constant[nKnown:nKnown+nFound], features[nKnown:nKnown+nFound])
	*nConstantFeatures = nTotal
	return best
}

// materialize copies the pending presorted feature's order into samples (what scikit-learn's sort
// left there) and makes the criterion read samples again.
func (g *treeGrower) materialize(pending *int) {
	if *pending >= 0 {
		j := *pending
		copy(g.samples[g.start:g.end], g.sorted[j*g.n+g.start:j*g.n+g.end])
		*pending = -1
	}
	g.scan = g.samples
}

// partitionSorted splits the presorted lists of the node's non-constant distinct features at a
// split (samples[start:pos] go left), keeping each side in ascending order, so that each child's
// segment again holds its samples sorted. Constant features are never sorted again below.
func (g *treeGrower) partitionSorted(pos int, live []int) {
	for _, i := range g.samples[g.start:pos] {
		g.goesLeft[i] = true
	}
	for _, j := range live {
		if !g.distinct[j] {
			continue
		}
		list := g.sorted[j*g.n+g.start : j*g.n+g.end]
		l, r := 0, 0
		for _, i := range list {
			if g.goesLeft[i] {
				list[l] = i
				l++
			} else {
				g.spill[r] = i
				r++
			}
		}
		copy(list[l:], g.spill[:r])
	}
	for _, i := range g.samples[g.start:pos] {
		g.goesLeft[i] = false
	}
}

// introsort sorts xf ascending, carrying samples along, with scikit-learn's introsort (median of
// three pivots, three-way partitions, heapsort past maxDepth = 2·floor(log2 n) levels). It is not stable; the same
// algorithm leaves tied samples in the same order, and so sums them in the same order.
func introsort(xf []float32, samples []int32, maxDepth int) {
	for len(xf) > 1 {
		if maxDepth <= 0 {
			heapsort(xf, samples)
			return
		}
		maxDepth--
		pivot := median3(xf)
		i, l, r := 0, 0, len(xf)
		for i < r {
			switch {
			case xf[i] < pivot:
				xf[i], xf[l] = xf[l], xf[i]
				samples[i], samples[l] = samples[l], samples[i]
				i++
				l++
			case xf[i] > pivot:
				r--
				xf[i], xf[r] = xf[r], xf[i]
				samples[i], samples[r] = samples[r], samples[i]
			default:
				i++
			}
		}
		introsort(xf[:l], samples[:l], maxDepth)
		xf, samples = xf[r:], samples[r:]
	}
}

// median3 is the median of the first, middle and last values (Bentley & McIlroy 1993).
func median3(xf []float32) float32 {
	a, b, c := xf[0], xf[len(xf)/2], xf[len(xf)-1]
	switch {
	case a < b:
		if b < c {
			return b
		} else if a < c {
			return c
		}
		return a
	case b < c:
		if a < c {
			return a
		}
		return c
	default:
		return b
	}
}

func heapsort(xf []float32, samples []int32) {
	n := len(xf)
	for start := (n - 2) / 2; ; start-- {
		siftDown(xf, samples, start, n)
		if start == 0 {
			break
		}
	}
	for end := n - 1; end > 0; end-- {
		xf[0], xf[end] = xf[end], xf[0]
		samples[0], samples[end] = samples[end], samples[0]
		siftDown(xf, samples, 0, end)
	}
}

func siftDown(xf []float32, samples []int32, start, end int) {
	root := start
	for {
		child := 2*root + 1
		maxInd := root
		if child < end && xf[maxInd] < xf[child] {
			maxInd = child
		}
		if child+1 < end && xf[maxInd] < xf[child+1] {
			maxInd = child + 1
		}
		if maxInd == root {
			return
		}
		xf[root], xf[maxInd] = xf[maxInd], xf[root]
		samples[root], samples[maxInd] = samples[maxInd], samples[root]
		root = maxInd
	}
}
