package stats

// StreamedSpinTest is SurrogateTest with the null maps made on demand: nullX(k) and nullY(k)
// return draw k's null maps of x and of y (NaN where a null leaves a brainordinate empty), called
// once each per draw, from several goroutines, so memory does not grow with the maps' size times
// the draws (a dense surface's vertex spins). With keepNull the 2n null correlations are kept
// (NullXY, NullYX); without, they are tallied a block of draws at a time and dropped, so memory
// holds the counts, not the draws. The p-values are the same to the last bit either way, for any
// number of workers.
func StreamedSpinTest(x, y []float64, n int, kind string, nullX, nullY func(k int) []float64, keepNull bool) (*SpinTest, error) {
	return spinTest(x, y, n, kind, nullX, nullY, keepNull)
}
