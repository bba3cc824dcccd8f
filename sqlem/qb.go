package sqlem

import (
	"reflect"
	"slices"
	"time"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/query"
)

// QueryBuilder builds one SQL statement on the entity T (or, from
// CreateQueryBuilder, on an entity named at run time, T being any): a
// SELECT by default, an UPDATE, DELETE or INSERT when Update, Delete or
// Insert is called.
//
// Properties are written as paths of the entity's metadata — "title" on
// the root entity, "a.name" on the entity aliased a — and checked when the
// statement is rendered: a name the entity does not have is an error
// naming the entity and the name (matching query.ErrUnknownProperty).
// Identifiers are quoted by the dialect; values are always bound
// parameters, also in raw fragments, whose ? placeholders are rewritten to
// the dialect's (write ?? for a literal question mark).
//
// A QueryBuilder is a value: every method returns a new builder and never
// changes the one it is called on, so a base query can be shared and
// refined. Building never fails; what is wrong is reported by ToSQL and
// by the methods that run the statement.
//
//	qb := sqlem.QB[Book](m, "b").
//		JoinAndSelect("b.author", "a").
//		Where(query.M{"a.name": "Ann", "year": query.M{"$gte": 2000}}).
//		OrderBy("-b.year").Limit(10)
//	books, err := qb.GetResult(ctx) // []*Book, managed by m, with Author loaded
type QueryBuilder[T any] struct{ qbState }

// qbState is what a QueryBuilder holds; it does not depend on T, so the
// rendering code is compiled once.
type qbState struct {
	m      *EntityManager
	entity any // the entity: a reflect.Type, a struct value or pointer, or a name
	alias  string

	op       qbOp
	sel      []selItem
	distinct bool
	joins    []qbJoin
	where    []qbCond
	groupBy  []string
	having   []qbCond
	orderBy  []string
	limit    int
	offset   int
	lock     LockMode
	set      []setItem
	rows     []any
	conflict *conflict
	all      bool
	refresh  bool
	populate []string
	// flushMode overrides the EntityManager's for this query (0: its own).
	flushMode gomikro.FlushMode
	// detached: Iterate yields entities the EntityManager does not manage.
	detached bool
	filters  []em.FindOption // filter options of a select (em.Filter, em.WithoutFilters, ...)
	// cacheTTL > 0: GetResult and GetEntities use the result cache, under
	// cacheKey ("": the statement and its parameters).
	cacheTTL time.Duration
	cacheKey string
}

type qbOp uint8

const (
	opSelect qbOp = iota
	opUpdate
	opDelete
	opInsert
)

func (o qbOp) String() string {
	return [...]string{"select", "update", "delete", "insert"}[o]
}

// selItem is one item of the SELECT list: a property path or aggregate
// (expr), or a raw expression with its arguments; as names its column.
type selItem struct {
	expr string
	raw  bool
	args []any
	as   string
}

// qbJoin is a join along the relation path ("b.author") aliased alias.
type qbJoin struct {
	path, alias string
	left        bool
	sel         bool
	on          query.Filter
}

// qbCond is one condition of WHERE or HAVING; or joins it to the
// conditions before it with OR instead of AND.
type qbCond struct {
	or     bool
	kind   condKind
	filter query.Filter
	sql    string
	args   []any
	path   string // IN sub-query: the property compared; columns: the left one
	right  string // columns: the right property
	op     string // columns: the operator
	sub    Subquery
	not    bool
	expr   query.Expr
	group  []qbCond
}

type condKind uint8

const (
	condFilter condKind = iota
	condRaw
	condIn
	condExists
	condColumns
	condExpr  // expr: a resolved condition on the root entity (the active filters)
	condGroup // group: conditions in parentheses
)

// setItem is one assignment of an UPDATE: a value, or a raw expression.
type setItem struct {
	prop string
	val  any
	raw  bool
	sql  string
	args []any
}

// conflict is the ON CONFLICT part of an upsert.
type conflict struct {
	target []string
	merge  []string // nil with mergeAll: every inserted non-key column
	all    bool
	ignore bool
}

// Subquery is a query builder used inside another one's WHERE
// (WhereIn, WhereExists). Every *QueryBuilder[T] is one.
type Subquery interface {
	subquery(b *builder, parent *scope, one bool) error
}

// CreateQueryBuilder returns a query builder on the entity given by
// entity — a value or pointer of a registered entity struct (Book{}), or
// an entity's name ("Book") — aliased alias (a SQL identifier, not of the
// form t<digits>, which gomikro uses itself). Its entities are returned by
// GetEntities; QB[T] is the typed form.
func (m *EntityManager) CreateQueryBuilder(entity any, alias string) *QueryBuilder[any] {
	return &QueryBuilder[any]{qbState{m: m, entity: entity, alias: alias}}
}

// QB returns a query builder on the entity T aliased alias, whose
// GetResult returns []*T managed by m.
func QB[T any](m *EntityManager, alias string) *QueryBuilder[T] {
	return &QueryBuilder[T]{qbState{m: m, entity: reflect.TypeFor[T](), alias: alias}}
}

// clone returns a copy of qb whose slices share nothing appendable with
// qb's.
func (qb *QueryBuilder[T]) clone() *QueryBuilder[T] {
	c := *qb
	c.sel = slices.Clip(c.sel)
	c.joins = slices.Clip(c.joins)
	c.where = slices.Clip(c.where)
	c.groupBy = slices.Clip(c.groupBy)
	c.having = slices.Clip(c.having)
	c.orderBy = slices.Clip(c.orderBy)
	c.set = slices.Clip(c.set)
	c.rows = slices.Clip(c.rows)
	c.populate = slices.Clip(c.populate)
	c.filters = slices.Clip(c.filters)
	return &c
}

// Select sets the SELECT list, for Scan, Scalar and sub-queries. Each
// item is a property path ("b.title", "year"), an aggregate of one
// (count(*), count(b.id), count(distinct b.year), sum(...), avg(...),
// min(...), max(...)), optionally followed by " as name". Without Select,
// the root entity's columns are selected. GetResult loads whole entities
// and refuses a Select.
func (qb *QueryBuilder[T]) Select(items ...string) *QueryBuilder[T] {
	c := qb.clone()
	c.sel = nil
	for _, it := range items {
		c.sel = append(c.sel, selItem{expr: it})
	}
	return c
}

// AddSelect adds items to the SELECT list (see Select).
func (qb *QueryBuilder[T]) AddSelect(items ...string) *QueryBuilder[T] {
	c := qb.clone()
	for _, it := range items {
		c.sel = append(c.sel, selItem{expr: it})
	}
	return c
}

// SelectRaw adds a raw SQL expression named as (a column name, quoted) to
// the SELECT list; ? placeholders in sql are bound to args.
func (qb *QueryBuilder[T]) SelectRaw(as, sql string, args ...any) *QueryBuilder[T] {
	c := qb.clone()
	c.sel = append(c.sel, selItem{expr: sql, raw: true, args: slices.Clone(args), as: as})
	return c
}

// Distinct makes it SELECT DISTINCT.
func (qb *QueryBuilder[T]) Distinct() *QueryBuilder[T] {
	c := qb.clone()
	c.distinct = true
	return c
}

func (qb *QueryBuilder[T]) join(path, alias string, left, sel bool, on query.Filter) *QueryBuilder[T] {
	c := qb.clone()
	c.joins = append(c.joins, qbJoin{path: path, alias: alias, left: left, sel: sel, on: on})
	return c
}

// Join inner-joins the relation path — "alias.relation" from the root or
// an earlier join ("b.author", "a.books", "b.tags") — as alias, for
// conditions and sorting; the joined entities are not loaded.
func (qb *QueryBuilder[T]) Join(path, alias string) *QueryBuilder[T] {
	return qb.join(path, alias, false, false, nil)
}

// LeftJoin is Join as a LEFT JOIN.
func (qb *QueryBuilder[T]) LeftJoin(path, alias string) *QueryBuilder[T] {
	return qb.join(path, alias, true, false, nil)
}

// JoinAndSelect inner-joins the relation path as alias and loads the
// joined entities with the results, into the identity map: references
// point to them, and a joined collection (1:m, m:n) is populated with the
// joined rows — only those the query matched, so filter the joined alias
// with care — when the alias it is joined from is selected too.
func (qb *QueryBuilder[T]) JoinAndSelect(path, alias string) *QueryBuilder[T] {
	return qb.join(path, alias, false, true, nil)
}

// LeftJoinAndSelect is JoinAndSelect as a LEFT JOIN: results without a
// related row are kept, with an empty collection or unset reference.
func (qb *QueryBuilder[T]) LeftJoinAndSelect(path, alias string) *QueryBuilder[T] {
	return qb.join(path, alias, true, true, nil)
}

// JoinOn is Join with extra conditions on the joined entity in the ON
// clause (keys relative to the joined entity: query.M{"year": 2000}).
func (qb *QueryBuilder[T]) JoinOn(path, alias string, on query.Filter) *QueryBuilder[T] {
	return qb.join(path, alias, false, false, on)
}

// LeftJoinOn is LeftJoin with extra conditions on the joined entity in the
// ON clause, so that rows that do not satisfy them leave the result's
// side empty instead of dropping it.
func (qb *QueryBuilder[T]) LeftJoinOn(path, alias string, on query.Filter) *QueryBuilder[T] {
	return qb.join(path, alias, true, false, on)
}

// LeftJoinAndSelectOn is LeftJoinAndSelect with extra conditions on the
// joined entity in the ON clause.
func (qb *QueryBuilder[T]) LeftJoinAndSelectOn(path, alias string, on query.Filter) *QueryBuilder[T] {
	return qb.join(path, alias, true, true, on)
}

func (qb *QueryBuilder[T]) addWhere(x qbCond) *QueryBuilder[T] {
	c := qb.clone()
	c.where = append(c.where, x)
	return c
}

// Where adds a condition in gomikro's filter language (query.M, the
// helpers, typed conditions), ANDed with the conditions before it. Keys
// are properties of the root entity, relation paths of it (rendered as
// sub-queries, as in em.Find), or start with a join's alias to reach the
// joined row itself: query.M{"a.name": "Ann"}.
func (qb *QueryBuilder[T]) Where(f query.Filter) *QueryBuilder[T] {
	return qb.addWhere(qbCond{kind: condFilter, filter: f})
}

// OrWhere adds a condition ORed with all the conditions before it:
// (before) OR f.
func (qb *QueryBuilder[T]) OrWhere(f query.Filter) *QueryBuilder[T] {
	return qb.addWhere(qbCond{or: true, kind: condFilter, filter: f})
}

// WhereRaw adds a raw SQL condition; its ? placeholders are bound to args
// (?? is a literal question mark). Identifiers in it are the caller's.
func (qb *QueryBuilder[T]) WhereRaw(sql string, args ...any) *QueryBuilder[T] {
	return qb.addWhere(qbCond{kind: condRaw, sql: sql, args: slices.Clone(args)})
}

// WhereColumns compares two properties, as for a correlated sub-query:
// sub.WhereColumns("b2.author", "=", "a.id"). op is one of = <> < <= > >=.
func (qb *QueryBuilder[T]) WhereColumns(left, op, right string) *QueryBuilder[T] {
	return qb.addWhere(qbCond{kind: condColumns, path: left, op: op, right: right})
}

// WhereIn holds when the property path is among the values the
// sub-query selects (its one Select item, or its primary key).
func (qb *QueryBuilder[T]) WhereIn(path string, sub Subquery) *QueryBuilder[T] {
	return qb.addWhere(qbCond{kind: condIn, path: path, sub: sub})
}

// WhereNotIn holds when the property path is none of the values the
// sub-query selects.
func (qb *QueryBuilder[T]) WhereNotIn(path string, sub Subquery) *QueryBuilder[T] {
	return qb.addWhere(qbCond{kind: condIn, path: path, sub: sub, not: true})
}

// WhereExists holds when the sub-query returns a row; it may refer to the
// outer query's aliases (WhereColumns).
func (qb *QueryBuilder[T]) WhereExists(sub Subquery) *QueryBuilder[T] {
	return qb.addWhere(qbCond{kind: condExists, sub: sub})
}

// WhereNotExists holds when the sub-query returns no row.
func (qb *QueryBuilder[T]) WhereNotExists(sub Subquery) *QueryBuilder[T] {
	return qb.addWhere(qbCond{kind: condExists, sub: sub, not: true})
}

// GroupBy sets the GROUP BY properties ("b.year", "a.id").
func (qb *QueryBuilder[T]) GroupBy(paths ...string) *QueryBuilder[T] {
	c := qb.clone()
	c.groupBy = append(c.groupBy, paths...)
	return c
}

// Having adds a HAVING condition in the filter language, on grouped
// properties.
func (qb *QueryBuilder[T]) Having(f query.Filter) *QueryBuilder[T] {
	c := qb.clone()
	c.having = append(c.having, qbCond{kind: condFilter, filter: f})
	return c
}

// HavingRaw adds a raw HAVING condition, such as "COUNT(*) > ?", with
// bound arguments.
func (qb *QueryBuilder[T]) HavingRaw(sql string, args ...any) *QueryBuilder[T] {
	c := qb.clone()
	c.having = append(c.having, qbCond{kind: condRaw, sql: sql, args: slices.Clone(args)})
	return c
}

// OrderBy adds sort keys: property paths or aggregates as in Select, or
// the name of a Select item; a leading "-" or a trailing " desc" sorts
// descending ("-b.year", "a.name asc", "count(*) desc").
func (qb *QueryBuilder[T]) OrderBy(items ...string) *QueryBuilder[T] {
	c := qb.clone()
	c.orderBy = append(c.orderBy, items...)
	return c
}

// Limit caps the results: entities for GetResult and Iterate, also
// with joined collections (the page is chosen among the root entities
// by a sub-query, so their collections stay whole), and rows for Scan.
func (qb *QueryBuilder[T]) Limit(n int) *QueryBuilder[T] {
	c := qb.clone()
	c.limit = n
	return c
}

// Offset skips the first n results, counted as Limit counts them.
func (qb *QueryBuilder[T]) Offset(n int) *QueryBuilder[T] {
	c := qb.clone()
	c.offset = n
	return c
}

// SetLock takes a pessimistic lock on the selected rows (inside a
// transaction), in the dialect's syntax: LockForUpdate, LockForShare,
// LockForUpdateSkipLocked, LockForUpdateNoWait.
func (qb *QueryBuilder[T]) SetLock(mode LockMode) *QueryBuilder[T] {
	c := qb.clone()
	c.lock = mode
	return c
}

// ForUpdate is SetLock(LockForUpdate).
func (qb *QueryBuilder[T]) ForUpdate() *QueryBuilder[T] { return qb.SetLock(LockForUpdate) }

// Refresh makes the loaded rows overwrite the entities already in the
// identity map (dropping their unflushed changes).
func (qb *QueryBuilder[T]) Refresh() *QueryBuilder[T] {
	c := qb.clone()
	c.refresh = true
	return c
}

// FlushMode sets the flush mode of this query, overriding the
// EntityManager's: under gomikro.FlushAuto a select flushes first when
// the root entity or a joined one has pending changes (tables reached
// only by raw fragments or sub-queries are not looked at: flush, or use
// gomikro.FlushAlways, when they matter).
func (qb *QueryBuilder[T]) FlushMode(mode gomikro.FlushMode) *QueryBuilder[T] {
	c := qb.clone()
	c.flushMode = mode
	return c
}

// Detached makes Iterate yield detached entities, as em.Stream does:
// plain objects outside the identity map, so that a stream of any length
// runs in bounded memory. Their references hold the related keys, or the
// entities of JoinAndSelect (detached too). GetResult refuses it.
func (qb *QueryBuilder[T]) Detached() *QueryBuilder[T] {
	c := qb.clone()
	c.detached = true
	return c
}

// Populate loads relations of the results after the query, as the
// Populate option of em.Find does (one query per relation and level).
func (qb *QueryBuilder[T]) Populate(paths ...string) *QueryBuilder[T] {
	c := qb.clone()
	c.populate = append(c.populate, paths...)
	return c
}

// Update makes the statement an UPDATE of the rows matching the
// conditions, setting each property of values (property name → value;
// references take a key, an entity pointer or a ref.Ref). Entities in
// the identity map are not changed. Without a condition, Execute refuses
// to run unless All is called.
func (qb *QueryBuilder[T]) Update(values map[string]any) *QueryBuilder[T] {
	c := qb.clone()
	c.op = opUpdate
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		c.set = append(c.set, setItem{prop: k, val: values[k]})
	}
	return c
}

// Set makes the statement an UPDATE (see Update) and sets prop to v.
func (qb *QueryBuilder[T]) Set(prop string, v any) *QueryBuilder[T] {
	c := qb.clone()
	c.op = opUpdate
	c.set = append(c.set, setItem{prop: prop, val: v})
	return c
}

// SetRaw makes the statement an UPDATE and sets prop to a raw SQL
// expression with bound arguments: SetRaw("price", "price * ?", 1.1).
func (qb *QueryBuilder[T]) SetRaw(prop, sql string, args ...any) *QueryBuilder[T] {
	c := qb.clone()
	c.op = opUpdate
	c.set = append(c.set, setItem{prop: prop, raw: true, sql: sql, args: slices.Clone(args)})
	return c
}

// Delete makes the statement a DELETE of the rows matching the
// conditions. Entities in the identity map are not changed. Without a
// condition, Execute refuses to run unless All is called. The table of a
// DELETE is not aliased (single-table DELETE has no alias on MySQL):
// raw fragments name it by its table name; everything else is rendered
// accordingly.
func (qb *QueryBuilder[T]) Delete() *QueryBuilder[T] {
	c := qb.clone()
	c.op = opDelete
	return c
}

// All allows an UPDATE or DELETE without conditions (or whose conditions
// are empty) to run on every row.
func (qb *QueryBuilder[T]) All() *QueryBuilder[T] {
	c := qb.clone()
	c.all = true
	return c
}

// Insert makes the statement an INSERT of rows: entity pointers (*T, all
// columns but a zero generated key and zero columns with a default) or
// maps of property name → value. Every row must give the same columns.
// The entities are not managed by the insert; persist them and Flush for
// that.
func (qb *QueryBuilder[T]) Insert(rows ...any) *QueryBuilder[T] {
	c := qb.clone()
	c.op = opInsert
	c.rows = append(c.rows, rows...)
	return c
}

// OnConflict makes an Insert an upsert on a conflict of the unique key
// made of the properties given (MySQL uses whichever unique key
// conflicts); follow it with Merge or Ignore. The dialect must implement
// Upserter.
func (qb *QueryBuilder[T]) OnConflict(props ...string) *QueryBuilder[T] {
	c := qb.clone()
	c.conflict = &conflict{target: slices.Clone(props), all: true}
	return c
}

// Merge updates the conflicting row with the inserted values of props,
// or of every inserted column outside the conflict key when none are
// given.
func (qb *QueryBuilder[T]) Merge(props ...string) *QueryBuilder[T] {
	c := qb.clone()
	cf := conflict{all: len(props) == 0, merge: slices.Clone(props)}
	if qb.conflict != nil {
		cf.target = qb.conflict.target
	}
	c.conflict = &cf
	return c
}

// Ignore keeps the conflicting row as it is.
func (qb *QueryBuilder[T]) Ignore() *QueryBuilder[T] {
	c := qb.clone()
	cf := conflict{ignore: true}
	if qb.conflict != nil {
		cf.target = qb.conflict.target
	}
	c.conflict = &cf
	return c
}
