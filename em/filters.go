package em

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"time"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/tracking"
)

// filterDef is a registered filter: one of Config.Filters, or the
// built-in soft-delete filter.
type filterDef struct {
	gomikro.Filter
	only map[*meta.Entity]bool // nil: every entity
	soft bool
}

// filterState is what an EntityManager changed of the filters: filters
// switched on or off, and parameters.
type filterState struct {
	enabled map[string]bool
	params  map[string]gomikro.FilterParams
}

func (s *filterState) clone() *filterState {
	if s == nil {
		return nil
	}
	c := &filterState{enabled: maps.Clone(s.enabled), params: make(map[string]gomikro.FilterParams, len(s.params))}
	for k, v := range s.params {
		c.params[k] = maps.Clone(v)
	}
	return c
}

// queryFilters are the filter options of one query.
type queryFilters struct {
	on     map[string]gomikro.FilterParams
	off    []string
	allOff bool
}

// newFilters validates Config.Filters and registers them, with the
// soft-delete filter when an entity has a soft-delete field.
func newFilters(reg *meta.Registry, cfg gomikro.Config) ([]*filterDef, error) {
	var out []*filterDef
	for _, e := range reg.Entities() {
		if e.SoftDelete != nil {
			out = append(out, &filterDef{Filter: gomikro.Filter{Name: gomikro.SoftDeleteFilter, Default: true}, soft: true})
			break
		}
	}
	seen := map[string]bool{gomikro.SoftDeleteFilter: true}
	for i, f := range cfg.Filters {
		switch {
		case f.Name == "":
			return nil, fmt.Errorf("gomikro: Config.Filters[%d] has no Name", i)
		case seen[f.Name]:
			return nil, fmt.Errorf("gomikro: Config.Filters[%d]: the name %q is taken (%q is the built-in soft-delete filter)", i, f.Name, gomikro.SoftDeleteFilter)
		case f.Cond == nil:
			return nil, fmt.Errorf("gomikro: filter %q has no Cond", f.Name)
		}
		seen[f.Name] = true
		d := &filterDef{Filter: f}
		for _, v := range f.Entities {
			t := reflect.TypeOf(v)
			if t != nil && t.Kind() == reflect.Pointer {
				t = t.Elem()
			}
			e, ok := reg.Of(t)
			if !ok || t != e.Type {
				return nil, fmt.Errorf("gomikro: filter %q: %v is not a registered entity", f.Name, t)
			}
			if d.only == nil {
				d.only = map[*meta.Entity]bool{}
			}
			d.only[e] = true
		}
		out = append(out, d)
	}
	return out, nil
}

// filterDef returns the filter called name.
func (m *EntityManager) filterDef(name string) (*filterDef, error) {
	for _, d := range m.c.filters {
		if d.Name == name {
			return d, nil
		}
	}
	if name == gomikro.SoftDeleteFilter {
		return nil, fmt.Errorf("gomikro: filter %q: no registered entity has a softDelete field", name)
	}
	return nil, fmt.Errorf("gomikro: unknown filter %q (register it in Config.Filters)", name)
}

// EnableFilter turns the filter called name on for every query of this
// EntityManager (and of forks made from it afterwards), with params
// (which replace the parameters set before, when not nil).
func (m *EntityManager) EnableFilter(name string, params gomikro.FilterParams) error {
	if _, err := m.filterDef(name); err != nil {
		return err
	}
	m.setFilter(name, true)
	if params != nil {
		m.fs.params[name] = maps.Clone(params)
	}
	return nil
}

// DisableFilter turns the filter called name off for every query of this
// EntityManager (and of forks made from it afterwards); a query may still
// enable it with the Filter option.
func (m *EntityManager) DisableFilter(name string) error {
	if _, err := m.filterDef(name); err != nil {
		return err
	}
	m.setFilter(name, false)
	return nil
}

// SetFilterParams sets the parameters of the filter called name for the
// queries of this EntityManager, without switching it on or off.
func (m *EntityManager) SetFilterParams(name string, params gomikro.FilterParams) error {
	if _, err := m.filterDef(name); err != nil {
		return err
	}
	m.ensureFilterState()
	m.fs.params[name] = maps.Clone(params)
	return nil
}

func (m *EntityManager) ensureFilterState() {
	if m.fs == nil {
		m.fs = &filterState{enabled: map[string]bool{}, params: map[string]gomikro.FilterParams{}}
	}
}

func (m *EntityManager) setFilter(name string, on bool) {
	m.ensureFilterState()
	m.fs.enabled[name] = on
}

// Filter enables the filter called name for one query, with params
// (added to those of the EntityManager, replacing the same names).
func Filter(name string, params gomikro.FilterParams) FindOption {
	return func(o *findOptions) {
		qf := o.queryFilters()
		if qf.on == nil {
			qf.on = map[string]gomikro.FilterParams{}
		}
		qf.on[name] = params
	}
}

// WithoutFilters disables the named filters for one query; with no names,
// every filter.
func WithoutFilters(names ...string) FindOption {
	return func(o *findOptions) {
		qf := o.queryFilters()
		if len(names) == 0 {
			qf.allOff = true
		}
		qf.off = append(qf.off, names...)
	}
}

// WithDeleted includes soft-deleted rows in one query: it disables the
// filter gomikro.SoftDeleteFilter.
func WithDeleted() FindOption { return WithoutFilters(gomikro.SoftDeleteFilter) }

func (o *findOptions) queryFilters() *queryFilters {
	if o.filters == nil {
		o.filters = &queryFilters{}
	}
	return o.filters
}

// FilterExpr returns the condition the active filters add to a query on
// e, given the query's options (only the filter options count), or nil
// when none applies. Backends call it for queries they build themselves
// (the SQL query builder).
func (m *EntityManager) FilterExpr(e *meta.Entity, opts ...FindOption) (query.Expr, error) {
	if len(m.c.filters) == 0 {
		return discExpr(e), nil
	}
	var o findOptions
	for _, opt := range opts {
		opt(&o)
	}
	if err := m.checkQueryFilters(o.filters); err != nil {
		return nil, err
	}
	fx, err := m.filterExpr(e, o.filters)
	if err != nil {
		return nil, err
	}
	return andExpr(discExpr(e), fx), nil
}

// checkQueryFilters refuses a query option naming an unknown filter.
func (m *EntityManager) checkQueryFilters(qf *queryFilters) error {
	if qf == nil {
		return nil
	}
	for name := range qf.on {
		if _, err := m.filterDef(name); err != nil {
			return err
		}
	}
	for _, name := range qf.off {
		if _, err := m.filterDef(name); err != nil {
			return err
		}
	}
	return nil
}

// filterExpr returns the conditions of the filters active for a query on
// e, ANDed, or nil.
func (m *EntityManager) filterExpr(e *meta.Entity, qf *queryFilters) (query.Expr, error) {
	var out query.AndExpr
	for _, d := range m.c.filters {
		if d.only != nil && !d.only[e] || d.soft && e.SoftDelete == nil {
			continue
		}
		active := d.Default
		if m.fs != nil {
			if v, ok := m.fs.enabled[d.Name]; ok {
				active = v
			}
		}
		var qp gomikro.FilterParams
		if qf != nil {
			if qf.allOff || slices.Contains(qf.off, d.Name) {
				active = false
			} else if p, ok := qf.on[d.Name]; ok {
				active, qp = true, p
			}
		}
		if !active {
			continue
		}
		if d.soft {
			out = append(out, query.FieldCmp{Field: e.SoftDelete, Op: query.OpEq, Value: nil})
			continue
		}
		var params gomikro.FilterParams
		if m.fs != nil {
			params = m.fs.params[d.Name]
		}
		if len(qp) > 0 {
			params = maps.Clone(params)
			if params == nil {
				params = gomikro.FilterParams{}
			}
			maps.Copy(params, qp)
		}
		cond, err := d.Cond(e, params)
		if cond == nil && err == nil {
			continue // the filter does not apply to e
		}
		for _, p := range d.Params {
			if _, ok := params[p]; !ok {
				return nil, fmt.Errorf("%w: filter %q (on %s) needs the parameter %q: set it with EntityManager.SetFilterParams or EnableFilter, or per query with em.Filter",
					gomikro.ErrFilterParam, d.Name, e.Name, p)
			}
		}
		if err != nil {
			return nil, fmt.Errorf("gomikro: filter %q on %s: %w", d.Name, e.Name, err)
		}
		x, err := query.Resolve(e, cond)
		if err != nil {
			return nil, fmt.Errorf("gomikro: filter %q on %s: %w", d.Name, e.Name, err)
		}
		if x != nil {
			out = append(out, x)
		}
	}
	switch len(out) {
	case 0:
		return nil, nil
	case 1:
		return out[0], nil
	}
	return out, nil
}

// resolveWhere resolves where against e and adds the active filters.
func (m *EntityManager) resolveWhere(e *meta.Entity, where query.Filter, qf *queryFilters) (query.Expr, error) {
	x, err := query.Resolve(e, where)
	if err == nil && e.Inheritance != nil {
		x = andExpr(discExpr(e), x)
	}
	if err != nil || len(m.c.filters) == 0 {
		return x, err
	}
	if err := m.checkQueryFilters(qf); err != nil {
		return nil, err
	}
	fx, err := m.filterExpr(e, qf)
	if err != nil {
		return nil, err
	}
	return andExpr(fx, x), nil
}

// andExpr joins two expressions, either of which may be nil.
func andExpr(a, b query.Expr) query.Expr {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	}
	return query.AndExpr{a, b}
}

// withFilters adds the active filters of a query on e to x.
func (m *EntityManager) withFilters(e *meta.Entity, x query.Expr, qf *queryFilters) (query.Expr, error) {
	if e.Inheritance != nil {
		x = andExpr(discExpr(e), x)
	}
	if len(m.c.filters) == 0 {
		return x, nil
	}
	fx, err := m.filterExpr(e, qf)
	if err != nil {
		return nil, err
	}
	return andExpr(fx, x), nil
}

// softRemoved is an entity whose removal a flush writes as setting its
// soft-delete field.
type softRemoved struct {
	en  *tracking.Entry
	old *time.Time
}

// softDeletes turns the removed entities with a soft-delete field into
// updates of that field (set to now), and returns how to undo it.
func (m *EntityManager) softDeletes() []softRemoved {
	if len(m.soft) == 0 {
		return nil
	}
	var out []softRemoved
	now := time.Now().UTC().Truncate(time.Millisecond) // what every backend stores
	for _, en := range m.soft {
		if en.State != tracking.StateRemoved {
			continue // persisted again, or detached
		}
		p := (**time.Time)(en.E.SoftDelete.Ptr(en.Obj))
		out = append(out, softRemoved{en: en, old: *p})
		if *p == nil {
			t := now
			*p = &t
		}
		en.State = tracking.StateManaged
	}
	m.soft = m.soft[:0]
	return out
}

// undoSoftDeletes restores what softDeletes changed, after a failed flush.
func (m *EntityManager) undoSoftDeletes(s []softRemoved) {
	for _, r := range s {
		*(**time.Time)(r.en.E.SoftDelete.Ptr(r.en.Obj)) = r.old
		r.en.State = tracking.StateRemoved
		m.soft = append(m.soft, r.en)
	}
}
