// Package signature holds pain signatures: trained, frozen predictive models of pain from
// connectivity, applied to people they never saw (the RPN of Spisak et al. 2020, the corticospinal
// CSps of Lin et al. 2025). A signature file carries everything needed to apply the model to new
// data and to know where it came from: the regions, the feature definition, the scaler, the
// selected features and their weights, the target definition, the training cohort and its
// cross-validated performance, the software version, and a checksum of all of it.
package signature

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strings"

	"github.com/painmark/painmark/internal/atomicfile"
	"github.com/painmark/painmark/learn"
)

// Format and FormatVersion identify signature files; a reader refuses other formats and newer
// versions instead of guessing.
const (
	Format        = "painmark-signature"
	FormatVersion = 1
)

// Signature is a pain signature: RobustScaler (or none) → a fixed set of selected features → a linear
// model, on connectivity features defined by Features over Regions.
type Signature struct {
	Format      string `json:"format"`
	Version     int    `json:"version"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// Regions are the regions whose connectivity the features describe, in matrix order.
	Regions  []Region          `json:"regions"`
	Features FeatureDefinition `json:"features"`
	// FeatureNames name the features in vector order: the feature table's column names at
	// training time (e00000, e00001, ... for connectivity features: edge k is the region pair
	// connectome.Edges gives). A cohort is applied by these names (Align), never by position;
	// signatures without names (imports, older files) apply by position.
	FeatureNames []string `json:"feature_names,omitempty"`
	// Center and Scale are the RobustScaler's parameters over all features (nil: no scaler).
	Center []float64 `json:"scaler_center,omitempty"`
	Scale  []float64 `json:"scaler_scale,omitempty"`
	// Selected are the positions of the model's features in the feature vector (increasing), and
	// Weights their coefficients on the scaled features.
	Selected  []int     `json:"selected"`
	Weights   []float64 `json:"weights"`
	Intercept float64   `json:"intercept"`
	// Model, when set, is the fitted estimator on the selected, scaled features with its type tag
	// (learn.MarshalPredictor): a signature trained with another estimator than the ElasticNet. It
	// is what Apply predicts with; Weights and Intercept then hold its linear weights where it has
	// them (ridge, linear SVR, PCR-lasso, logistic) and are empty for a nonlinear model (RBF SVR,
	// random forest, Gaussian process).
	Model *learn.StoredPredictor `json:"model,omitempty"`
	// ComBat, when set, is the site harmonisation fitted on all training rows (learn.FitComBat;
	// each cross-validation fold fitted its own on its training rows): a cohort is harmonised with
	// it before the model (Harmonise), so every subject's site must be one of its fitted sites.
	// ComBat cannot harmonise a site it was not fitted on (it has no estimate of that site's
	// effects, as neuroCombatFromTraining), so subjects of other sites are refused.
	ComBat   *learn.ComBat    `json:"combat,omitempty"`
	Target   TargetDefinition `json:"target"`
	Training Training         `json:"training"`
	// Provenance says where the signature came from (an import or a painmark training run).
	Provenance Provenance `json:"provenance"`
	// Checksum is the SHA-256 of the file's JSON with this field empty; Read verifies it.
	Checksum string `json:"checksum"`
}

// Region is one region of a signature, with its tags (system: brain, brainstem, spinal).
type Region struct {
	Name   string `json:"name"`
	System string `json:"system,omitempty"`
	// Network is the region's large-scale network or module (e.g. its MIST module), for figures.
	Network string `json:"network,omitempty"`
}

// FeatureDefinition says how a feature vector is computed from ROI time series, so that applying a
// signature to differently computed features can be refused.
type FeatureDefinition struct {
	Kind      string `json:"kind"`      // e.g. "partial correlation"
	Estimator string `json:"estimator"` // e.g. "ledoit_wolf"
	// Scaling of each series before the covariance: "zscore" (PAINTeR's recipe) or "as_given".
	Scaling string `json:"scaling"`
	// Vectorization names the feature order: nilearn's sym_matrix_to_vec without the diagonal.
	Vectorization string `json:"vectorization"`
	Scrubbing     string `json:"scrubbing,omitempty"` // e.g. "framewise displacement > 0.15 mm"
	NumFeatures   int    `json:"n_features"`
}

// TargetDefinition says what the signature predicts and how the outcome was standardized.
type TargetDefinition struct {
	Description string `json:"description"`
	// Standardization of the outcome: "none", "training" (new cohorts use Mean and SD of the
	// training cohort) or "within_cohort".
	Standardization string  `json:"standardization"`
	Mean            float64 `json:"mean,omitempty"`
	SD              float64 `json:"sd,omitempty"`
	SignFlipped     bool    `json:"sign_flipped,omitempty"`
	OutlierRule     string  `json:"outlier_rule,omitempty"`
}

// Training summarises the training cohort, the hyperparameters and the cross-validated performance.
type Training struct {
	Cohort          string             `json:"cohort,omitempty"`
	N               int                `json:"n,omitempty"`
	Hyperparameters map[string]float64 `json:"hyperparameters,omitempty"`
	CV              map[string]float64 `json:"cv,omitempty"`
	CVScheme        string             `json:"cv_scheme,omitempty"`
	// Subjects are the IDs of the subjects the model was fitted on (when known), so that applying
	// it to them again is recognised as in-sample (Signature.InSample).
	Subjects []string `json:"subjects,omitempty"`
	// PermutationMode is how p_r and p_mae in CV were obtained (refit or predictions), and
	// BootstrapPConvention how the bootstrap table's weight p-values were read (when run).
	PermutationMode      string `json:"permutation_mode,omitempty"`
	BootstrapPConvention string `json:"bootstrap_p_convention,omitempty"`
}

// Provenance records the origin of a signature.
type Provenance struct {
	Source          string `json:"source"`
	SoftwareVersion string `json:"software_version"`
}

// Pipeline returns the signature's linear model as the fitted pipeline that applies it (the same
// arithmetic as learn's predictions at training time, so a saved and reloaded signature predicts
// bit for bit as the model it was made from). A signature holding another model (Model) is
// applied by Fitted.
func (s *Signature) Pipeline() *learn.FittedPipeline {
	f := &learn.FittedPipeline{Selected: s.Selected, Model: &learn.LinearModel{Coef: s.Weights, Intercept: s.Intercept}}
	if s.Center != nil {
		f.Scaling = &learn.Scaling{Center: s.Center, Scale: s.Scale}
	}
	return f
}

// Fitted returns the fitted pipeline the signature applies: its linear model (Pipeline), or the
// stored model (Model) read back.
func (s *Signature) Fitted() (*learn.FittedPipeline, error) {
	f := s.Pipeline()
	if s.Model == nil {
		return f, nil
	}
	p, err := s.Model.Predictor()
	if err != nil {
		return nil, fmt.Errorf("signature %q: %w", s.Name, err)
	}
	f.Model, f.Predictor = nil, p
	return f, nil
}

// RequireWeights refuses, naming the model, a signature whose model has no feature weights
// (lesions, nodal strength, restriction and dynamic responses work on the weights).
func (s *Signature) RequireWeights() error {
	if len(s.Selected) > 0 && len(s.Weights) == 0 && s.Model != nil {
		return fmt.Errorf("signature %q holds a %s model, which has no feature weights", s.Name, s.Model.Type)
	}
	return nil
}

// Apply predicts the outcome of every row of x (subjects x features in the signature's feature
// order). A signature with ComBat is refused: its rows need their sites (apply it to a Cohort with
// Sites, Apply(s, c)).
func (s *Signature) Apply(x learn.Matrix) ([]float64, error) {
	if s.ComBat != nil {
		return nil, fmt.Errorf("signature %q harmonises sites with ComBat (%s): give each subject's site", s.Name, strings.Join(s.ComBat.Sites, ", "))
	}
	return s.predict(x)
}

// predict applies the model to rows x already in the signature's feature space.
func (s *Signature) predict(x learn.Matrix) ([]float64, error) {
	if x.Cols != s.Features.NumFeatures {
		return nil, fmt.Errorf("signature %q takes %d features (%s of %d regions), the data have %d", s.Name, s.Features.NumFeatures, s.Features.Kind, len(s.Regions), x.Cols)
	}
	f, err := s.Fitted()
	if err != nil {
		return nil, err
	}
	return f.Predict(x), nil
}

// Validate checks the signature's internal consistency.
func (s *Signature) Validate() error {
	if s.Format != Format {
		return fmt.Errorf("not a painmark signature (format %q)", s.Format)
	}
	if s.Version < 1 || s.Version > FormatVersion {
		return fmt.Errorf("signature format version %d (this painmark reads 1 to %d)", s.Version, FormatVersion)
	}
	nf := s.Features.NumFeatures
	if nf < 1 {
		return fmt.Errorf("signature %q declares %d features", s.Name, nf)
	}
	if (s.Center != nil || s.Scale != nil) && (len(s.Center) != nf || len(s.Scale) != nf) { // scales without centres too
		return fmt.Errorf("signature %q: scaler has %d centres and %d scales for %d features", s.Name, len(s.Center), len(s.Scale), nf)
	}
	if s.FeatureNames != nil {
		if len(s.FeatureNames) != nf {
			return fmt.Errorf("signature %q names %d features but declares %d", s.Name, len(s.FeatureNames), nf)
		}
		seen := make(map[string]bool, nf)
		for _, n := range s.FeatureNames {
			if n == "" || seen[n] {
				return fmt.Errorf("signature %q: feature name %q is empty or repeated", s.Name, n)
			}
			seen[n] = true
		}
	}
	for j := range s.Scale {
		// A scale of 0 or a non-finite parameter would turn every prediction into ±Inf or NaN.
		if !(s.Scale[j] > 0) || math.IsInf(s.Scale[j], 0) || finite(s.Center[j]) == nil {
			return fmt.Errorf("signature %q: scaler_scale[%d] = %v, scaler_center[%d] = %v (a scale must be positive and finite)", s.Name, j, s.Scale[j], j, s.Center[j])
		}
	}
	for i, w := range s.Weights {
		if finite(w) == nil {
			return fmt.Errorf("signature %q: weights[%d] = %v", s.Name, i, w)
		}
	}
	if finite(s.Intercept) == nil {
		return fmt.Errorf("signature %q: intercept %v", s.Name, s.Intercept)
	}
	if len(s.Selected) != len(s.Weights) && !(s.Model != nil && len(s.Weights) == 0) {
		return fmt.Errorf("signature %q: %d selected features but %d weights", s.Name, len(s.Selected), len(s.Weights))
	}
	if s.Model != nil {
		p, err := s.Model.Predictor()
		if err == nil {
			err = learn.CheckStored(p, len(s.Selected))
		}
		if err != nil {
			return fmt.Errorf("signature %q: %w", s.Name, err)
		}
	}
	if s.ComBat != nil {
		if err := s.ComBat.Check(nf); err != nil {
			return fmt.Errorf("signature %q: %w", s.Name, err)
		}
	}
	for i, j := range s.Selected {
		if j < 0 || j >= nf || (i > 0 && j <= s.Selected[i-1]) {
			return fmt.Errorf("signature %q: selected feature %d (position %d) is out of range or out of order", s.Name, j, i)
		}
	}
	return nil
}

// checksum is the SHA-256 of the signature's JSON with the checksum field empty.
func checksum(s Signature) (string, error) {
	s.Checksum = ""
	return ChecksumJSON(s)
}

// ChecksumJSON is the SHA-256 (hex) of v's compact JSON: the checksum of signature files, taken
// with their checksum field empty (package pattern's voxel-pattern files use it too).
func ChecksumJSON(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// Write validates the signature, stamps its checksum and writes it as indented JSON (atomically:
// an interrupted write leaves no half-written signature under the final name).
func Write(path string, s *Signature) error {
	if err := s.Validate(); err != nil {
		return err
	}
	sum, err := checksum(*s)
	if err != nil {
		return err
	}
	s.Checksum = sum
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(path, append(b, '\n'))
}

// Read reads a signature file and verifies its format, version, consistency and checksum. The
// checksum covers the whole file: a field this version does not know, a repeated key, a key in
// another case or a number spelt otherwise than Write spells it is refused, as an edit would be.
func Read(path string) (*Signature, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var s Signature
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("%s: not a signature file: %w", path, err)
	}
	var kind struct {
		Kind string `json:"kind"`
	}
	if json.Unmarshal(b, &kind) == nil && kind.Kind != "" {
		return nil, fmt.Errorf("%s: a %s signature, not a connectivity signature (apply it with painmark pattern apply; package pattern)", path, kind.Kind)
	}
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	sum, err := checksum(s)
	if err != nil {
		return nil, err
	}
	if sum != s.Checksum {
		return nil, fmt.Errorf("%s: checksum mismatch (the file was changed after it was written): recorded %.12s…, content %.12s…", path, s.Checksum, sum)
	}
	var file bytes.Buffer
	canon, err := json.Marshal(s)
	if err == nil {
		err = json.Compact(&file, b)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if !bytes.Equal(file.Bytes(), canon) {
		return nil, fmt.Errorf("%s: the file holds content its checksum does not cover (an unknown or repeated field, or a value spelt otherwise than painmark writes it): it was changed after it was written", path)
	}
	return &s, nil
}
