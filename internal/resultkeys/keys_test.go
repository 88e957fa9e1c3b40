// Package resultkeys holds the test that every result JSON painmark writes uses snake_case keys.
package resultkeys

import (
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/painmark/painmark/decode"
	"github.com/painmark/painmark/genes"
	"github.com/painmark/painmark/learn"
	"github.com/painmark/painmark/morph"
	"github.com/painmark/painmark/nulls"
	"github.com/painmark/painmark/pattern"
	"github.com/painmark/painmark/pipeline"
	"github.com/painmark/painmark/signature"
	"github.com/painmark/painmark/target"
)

// results are the types painmark writes as result JSON files (each value's type is walked with
// every type it holds; a type with its own MarshalJSON is left to it). The first-level GLM's
// first_level.json is written from an unexported summary of package glm, walked by its own test
// when there is one. BIDS sidecars and dataset descriptions (extract.Sidecar, confounds'
// sidecar, pipeline.RelmatSidecar, study.DatasetDescription) are left out: BIDS names their keys
// in CamelCase.
var results = []any{
	signature.Signature{}, signature.Validation{}, signature.ComparisonResult{}, signature.ChangeResult{}, signature.ForcedChoiceResult{},
	signature.AblationAnalysis{}, signature.LesionAnalysis{},
	learn.CVResult{}, learn.SearchReport{}, learn.PermutationReport{}, learn.SavedModel{}, learn.BootstrapReport{},
	decode.Model{}, decode.TrainSummary{}, decode.EvaluateSummary{}, decode.CurveSummary{}, decode.TrainSizeResult{},
	genes.Analysis{}, morph.PCAResult{}, nulls.TestResult{}, pattern.Signature{},
	target.State{}, target.SearchStatus{}, target.PlanSummary{}, target.LesionNetworkSummary{},
	pipeline.ModelResult{}, pipeline.ValidationResult{}, pipeline.SearchChoice{}, pipeline.RunResult{},
}

var snake = regexp.MustCompile(`^[a-z0-9]+(_[a-z0-9]+)*$`)

// TestResultKeysSnakeCase walks the JSON keys of every result type: each is snake_case.
func TestResultKeysSnakeCase(t *testing.T) {
	seen := map[reflect.Type]bool{}
	var walk func(ty reflect.Type, path string)
	marshaler := reflect.TypeOf((*interface{ MarshalJSON() ([]byte, error) })(nil)).Elem()
	walk = func(ty reflect.Type, path string) {
		if ty.Implements(marshaler) || reflect.PointerTo(ty).Implements(marshaler) {
			return // its own encoding
		}
		for ty.Kind() == reflect.Pointer || ty.Kind() == reflect.Slice || ty.Kind() == reflect.Array || ty.Kind() == reflect.Map {
			ty = ty.Elem()
		}
		if ty.Kind() != reflect.Struct || seen[ty] {
			return
		}
		seen[ty] = true
		if ty.Implements(marshaler) || reflect.PointerTo(ty).Implements(marshaler) {
			return
		}
		for i := 0; i < ty.NumField(); i++ {
			f := ty.Field(i)
			tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || tag == "-" {
				continue
			}
			if f.Anonymous && tag == "" {
				walk(f.Type, path)
				continue
			}
			key := tag
			if key == "" {
				key = f.Name
			}
			if !snake.MatchString(key) {
				t.Errorf("%s.%s (%s): key %q is not snake_case", path, f.Name, ty, key)
			}
			walk(f.Type, path+"."+key)
		}
	}
	for _, r := range results {
		walk(reflect.TypeOf(r), reflect.TypeOf(r).String())
	}
}
