package sqlem

import (
	"slices"

	"github.com/gomikro/gomikro/em"
)

// FilterOptions sets the filter options of a select: em.Filter,
// em.WithoutFilters and em.WithDeleted, as for em.Find. A select (with
// Count, Scan and Scalar) is filtered on its root entity by the
// EntityManager's active filters (see gomikro.Filter); joined entities and
// sub-queries are not, nor are updates and deletes.
func (qb *QueryBuilder[T]) FilterOptions(opts ...em.FindOption) *QueryBuilder[T] {
	c := qb.clone()
	c.filters = append(c.filters, opts...)
	return c
}

// filtered returns s with the active filters of core on its root entity
// ANDed to its WHERE (s itself when none applies).
func (s *qbState) filtered(core *em.EntityManager) (*qbState, error) {
	if s.op != opSelect {
		return s, nil
	}
	e, err := s.rootEntity()
	if err != nil {
		return nil, err
	}
	fx, err := core.FilterExpr(e, s.filters...)
	if err != nil || fx == nil {
		return s, err
	}
	c := *s
	c.where = []qbCond{{kind: condExpr, expr: fx}}
	if len(s.where) > 0 {
		c.where = append(c.where, qbCond{kind: condGroup, group: slices.Clip(s.where)})
	}
	return &c, nil
}
