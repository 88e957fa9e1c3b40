// Package glm is the first-level general linear model of task fMRI, following nilearn 0.10.3's
// nilearn.glm.first_level (hemodynamic_models.py, design_matrix.py, experimental_paradigm.py):
// BIDS events.tsv (onset, duration, trial_type, modulation), frame times with slice_time_ref,
// hemodynamic response models (SPM and Glover canonical HRFs, their time and dispersion
// derivatives, finite impulse response) convolved on nilearn's oversampled grid, drift models
// (discrete cosine with a high-pass cut-off, orthogonalised polynomials) and the design matrix
// with nilearn's column names and order. The code transcribes nilearn's numerics step by step
// (numpy's linspace, searchsorted, rint, np.convolve truncation, scipy's interp1d) so that the
// design matrix equals make_first_level_design_matrix to 1e-10 (TestLiveDesignMatrix).
package glm
