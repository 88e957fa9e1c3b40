package pattern

import (
	"fmt"

	"github.com/painmark/painmark/learn"
	"github.com/painmark/painmark/signature"
	"github.com/painmark/painmark/version"
)

// ResponseSignature is the identity signature of pattern responses: one feature, the response,
// with weight 1 and no intercept or scaler, so that the cohort workflows of package signature
// (Validate, CompareCohorts, Change, ForcedChoice) score a cohort by its pattern responses as they
// score one by a connectivity signature's predictions. It is never written: the voxel-pattern
// signature file is the signature of record.
func (r *Responses) ResponseSignature() *signature.Signature {
	return &signature.Signature{Format: signature.Format, Version: signature.FormatVersion, Name: r.Signature,
		Features:     signature.FeatureDefinition{Kind: "pattern response", Estimator: r.Options.Metric, NumFeatures: 1},
		FeatureNames: []string{"response"}, Selected: []int{0}, Weights: []float64{1},
		Target:     signature.TargetDefinition{Description: "pattern response (" + r.Options.Metric + ")", Standardization: "none"},
		Provenance: signature.Provenance{Source: "pattern responses of " + r.Signature, SoftwareVersion: version.Version}}
}

// Cohort returns a condition's responses as a cohort of one feature (the response; a subject's
// several responses averaged, as Application), with the outcome of every subject from target, a
// TABLE:COLUMN reference to a participants table ("" for none; its flag named what in errors).
func (r *Responses) Cohort(condition, target, what string) (signature.Cohort, error) {
	a, err := r.Application(condition)
	if err != nil {
		return signature.Cohort{}, err
	}
	c := signature.Cohort{Name: condition, Subjects: a.Subjects, Columns: []string{"response"},
		X: learn.Matrix{Rows: len(a.Subjects), Cols: 1, Data: append([]float64(nil), a.Predictions...)}}
	if target == "" {
		return c, nil
	}
	col, err := signature.ReadParticipantsColumn(target, what)
	if err != nil {
		return c, err
	}
	if c.Y, err = col.Table.Values(c.Subjects, col.Column); err != nil {
		return c, fmt.Errorf("%s: %w", target, err)
	}
	c.Target = col.Column
	return c, nil
}

// ReadCohorts reads a responses table (ReadResponses) as the signature and cohorts of package
// signature's workflows: the identity ResponseSignature and one cohort per condition named, with
// outcomes from target (TABLE:COLUMN of a participants table; "" for none).
func ReadCohorts(path string, conditions []string, target string) (*signature.Signature, []signature.Cohort, error) {
	r, err := ReadResponses(path)
	if err != nil {
		return nil, nil, err
	}
	cohorts := make([]signature.Cohort, len(conditions))
	for i, c := range conditions {
		if cohorts[i], err = r.Cohort(c, target, "--target"); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	return r.ResponseSignature(), cohorts, nil
}
