package gomikro

import (
	"errors"

	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/query"
)

// SoftDeleteFilter is the name of the built-in filter that hides the rows
// of entities with a soft-delete field (`orm:"softDelete"`) whose field is
// set. It is on by default; em.WithDeleted (or WithoutFilters with this
// name) turns it off for one query.
const SoftDeleteFilter = "softDelete"

// FilterParams are the parameters of a filter, by name.
type FilterParams map[string]any

// Filter is a named global filter (Config.Filters): a condition added to
// every find, count, populate and query-builder select of the entities it
// applies to, such as a tenant condition or "not archived".
//
// A filter is active when Default is set or an EntityManager (or a single
// query) enables it, and not disabled by the EntityManager or the query.
// Its parameters come from the query (em.Filter), else from the
// EntityManager (SetFilterParams); a parameter named in Params that
// neither gives is an error matching ErrFilterParam that names the
// filter, and nothing is sent.
type Filter struct {
	// Name identifies the filter in the options that switch it; unique,
	// and not SoftDeleteFilter.
	Name string
	// Cond returns the condition for entity e given the parameters, in
	// the filter language of package query; nil means the filter does
	// not apply to e (an entity without the tenant field, say).
	Cond func(e *meta.Entity, params FilterParams) (query.Filter, error)
	// Entities, when set, restricts the filter to these entity types
	// (values or pointers of registered structs).
	Entities []any
	// Default turns the filter on without being enabled.
	Default bool
	// Params lists the parameters Cond needs. Cond is called even when
	// one is missing (to learn whether the filter applies to the entity);
	// unless it returns nil, the query then fails with ErrFilterParam.
	Params []string
}

// ErrFilterParam is matched by the error of a query with an active filter
// whose parameter is missing.
var ErrFilterParam = errors.New("gomikro: filter parameter missing")
