package target

import "fmt"

// SeedMapOptions say which seed to map and how much to smooth the maps.
type SeedMapOptions struct {
	Seed SeedSpec
	// Smooth is the FWHM (mm) of a Gaussian smoothing of the maps on the grid, as nilearn's
	// smooth_img (0: none).
	Smooth float64
}

// DefaultSeedMapOptions are a 6 mm sphere (once its centre is given) and no smoothing.
func DefaultSeedMapOptions() SeedMapOptions {
	return SeedMapOptions{Seed: SeedSpec{Radius: DefaultSeedRadius}}
}

// SeedMapResult is a seed's connectivity map: Pearson r and Fisher z at every brainordinate.
type SeedMapResult struct {
	Dataset *Dataset
	Seed    Seed
	R, Z    []float64
}

// SeedMap correlates a seed's mean time series with every brainordinate of a resting-state run
// (streamed, never forming a brainordinate x brainordinate matrix), optionally smoothed.
func SeedMap(d *Dataset, o SeedMapOptions) (*SeedMapResult, error) {
	seed, err := o.Seed.Resolve(d)
	if err != nil {
		return nil, err
	}
	res := &SeedMapResult{Dataset: d, Seed: seed}
	if res.R, res.Z, err = SeedCorrelation(d, SeedSeries(d, seed)); err != nil {
		return nil, err
	}
	if o.Smooth > 0 {
		if res.R, err = Smooth(d, res.R, o.Smooth); err != nil {
			return nil, err
		}
		if res.Z, err = Smooth(d, res.Z, o.Smooth); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// WriteFiles writes r and z as a 4D NIfTI (two volumes) or a CIFTI dscalar (two maps) to path.
func (r *SeedMapResult) WriteFiles(path string) error {
	return WriteMaps(r.Dataset, path, []string{"r", "z"}, [][]float64{r.R, r.Z})
}

// String summarises the map.
func (r *SeedMapResult) String() string {
	return fmt.Sprintf("seed of %d brainordinates, %d time points: r and z of %d brainordinates", len(r.Seed.Members), r.Dataset.Timepoints, r.Dataset.Len())
}
