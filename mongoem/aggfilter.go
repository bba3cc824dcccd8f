package mongoem

import (
	"context"
	"fmt"
	"reflect"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/meta"
)

// filteredPipeline returns pipeline with a first $match stage holding the
// active filters of core on e (see gomikro.Filter), or pipeline itself
// when none applies.
func (r runner) filteredPipeline(ctx context.Context, core *em.EntityManager, e *meta.Entity, pipeline any) (any, error) {
	fx, err := core.FilterExpr(e)
	if err != nil || fx == nil {
		return pipeline, err
	}
	match, err := r.filter(ctx, e, fx)
	if err != nil {
		return nil, err
	}
	rv := reflect.ValueOf(pipeline)
	if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array || rv.Type() == reflect.TypeFor[bson.D]() {
		return nil, fmt.Errorf("gomikro: aggregate %s: the pipeline must be a list of stages (bson.A, mongoem.Pipeline) for the active filters to be prepended, not %T", e.Name, pipeline)
	}
	out := make(bson.A, 0, rv.Len()+1)
	out = append(out, bson.D{{Key: "$match", Value: match}})
	for i := range rv.Len() {
		out = append(out, rv.Index(i).Interface())
	}
	return out, nil
}
