package em

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/internal/rel"
	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/tracking"
)

// cacheOpt is the result cache request of one find or count.
type cacheOpt struct {
	key string // "": derived from the query
	ttl time.Duration
}

// Cache caches the rows of one find (Find, FindOne, FindAll) or the
// number of one Count for ttl in the ORM's result cache
// (Config.ResultCache), under a key made of the entity type and the
// query as sent: its filter (with the active filters and their
// parameters), order, limit and offset. Another query with the same key,
// in any fork, is answered from the cache without a statement, as long as
// the entry lives and no committed flush wrote to an entity type the
// query reads (see ClearCache for writes the ORM does not see).
//
// The cache holds the rows, not objects: a hit hydrates them into the
// EntityManager as a query does, so an entity managed already keeps its
// object and its unflushed changes (unless Refresh). Only the query
// itself is cached: Populate runs as usual. Inside a transaction, and
// with a lock option, the cache is neither read nor written.
func Cache(ttl time.Duration) FindOption {
	return func(o *findOptions) { o.cache = &cacheOpt{ttl: ttl} }
}

// CacheAs is Cache under a key of the caller's, which ClearCacheKey
// drops. Two different queries must not share a key.
func CacheAs(key string, ttl time.Duration) FindOption {
	return func(o *findOptions) { o.cache = &cacheOpt{key: key, ttl: ttl} }
}

// cacheState is the result cache of one ORM, shared by every fork.
type cacheState struct {
	once  sync.Once
	store gomikro.CacheStore
	// used turns on the invalidation of flushes at the first cached
	// query: until then a flush costs nothing more.
	used atomic.Bool
	// gen counts the invalidations: a result read while one happened is
	// not stored.
	gen atomic.Uint64
	// txWrote holds, per transaction, the types written in it, whose
	// results go once more at its commit.
	mu      sync.Mutex
	txWrote map[Tx][]string
}

func (c *core) cacheStore() gomikro.CacheStore {
	c.cache.once.Do(func() {
		c.cache.store = c.cfg.ResultCache
		if c.cache.store == nil {
			c.cache.store = gomikro.NewMemoryCache(0)
		}
	})
	return c.cache.store
}

// cachedRows is a cached find: detached rows, whose references hold raw
// keys.
type cachedRows struct {
	e    *meta.Entity
	rows []unsafe.Pointer
}

// cachedCount is a cached count.
type cachedCount struct {
	e *meta.Entity
	n int64
}

func checkCache(e *meta.Entity, c *cacheOpt) error {
	if c.ttl <= 0 {
		return &gomikro.ValidationError{Msg: fmt.Sprintf("%s: Cache(%v): the time to live must be positive", e.Name, c.ttl)}
	}
	if e.Virtual {
		return &gomikro.ValidationError{Msg: fmt.Sprintf("%s: Cache: a virtual entity's results are not cached (they are not managed)", e.Name)}
	}
	return nil
}

// cacheKey returns the key of a query of kind (find, count).
func cacheKey(kind string, e *meta.Entity, c *cacheOpt, expr query.Expr, order []Order, limit, offset int) string {
	if c.key != "" {
		return c.key
	}
	var b strings.Builder
	b.WriteString("gomikro:")
	b.WriteString(kind)
	b.WriteByte(':')
	b.WriteString(e.Name)
	b.WriteString(":where=")
	if expr != nil {
		b.WriteString(expr.String())
	}
	for i, o := range order {
		if i == 0 {
			b.WriteString(":order=")
		} else {
			b.WriteByte(',')
		}
		if o.Desc {
			b.WriteByte('-')
		}
		b.WriteString(o.Field.Name)
	}
	if limit > 0 || offset > 0 {
		b.WriteString(":limit=")
		b.WriteString(strconv.Itoa(limit))
		b.WriteString(":offset=")
		b.WriteString(strconv.Itoa(offset))
	}
	return b.String()
}

// cacheTypes returns the names of the entity types a query of e with
// expr reads: e and those its filter reaches through relations.
func cacheTypes(e *meta.Entity, expr query.Expr) []string {
	var out []string
	add := func(t *meta.Entity) {
		if t.Inheritance != nil { // one table: a write of any type of the hierarchy
			t = t.Inheritance.Root
			if !slices.Contains(out, t.Name) {
				out = append(out, t.Name)
			}
			for _, d := range t.Descendants() {
				if !slices.Contains(out, d.Name) {
					out = append(out, d.Name)
				}
			}
			return
		}
		if !slices.Contains(out, t.Name) {
			out = append(out, t.Name)
		}
	}
	add(e)
	var walk func(x query.Expr)
	walk = func(x query.Expr) {
		switch x := x.(type) {
		case query.RelExpr:
			add(x.Field.Rel.Target)
			walk(x.E)
		case query.AndExpr:
			for _, y := range x {
				walk(y)
			}
		case query.OrExpr:
			for _, y := range x {
				walk(y)
			}
		case query.NotExpr:
			walk(x.E)
		}
	}
	walk(expr)
	return out
}

// cachedRun is run for a find with Cache: the rows come from the cache,
// or from the database and into the cache; either way they are merged
// into the identity map as run merges them.
func (m *EntityManager) cachedRun(ctx context.Context, e *meta.Entity, o *findOptions, expr query.Expr, order []Order) ([]unsafe.Pointer, error) {
	if err := checkCache(e, o.cache); err != nil {
		return nil, err
	}
	if e.Polymorphic() {
		return nil, &gomikro.ValidationError{Msg: fmt.Sprintf("%s: Cache: the rows of an entity with subtypes load as their own types, which the cache does not keep; cache a count, or a find of a type without subtypes", e.Name)}
	}
	if m.tx != nil || o.lock != nil || o.refresh { // a refresh asks the database
		c := *o
		c.cache = nil
		return m.run(ctx, e, &c, expr, order)
	}
	ctx = m.counted(ctx)
	key := cacheKey("find", e, o.cache, expr, order, o.limit, o.offset)
	cr, err := m.cachedRows(ctx, "find", e, key, o.cache.ttl, func() []string { return cacheTypes(e, expr) },
		func(h *hydrator, rec *recorder) error {
			q := &Query{Entity: e, Where: expr, OrderBy: order, Limit: o.limit, Offset: o.offset}
			if err := m.readSession().Find(ctx, q, rec); err != nil {
				return fmt.Errorf("gomikro: find %s: %w", e.Name, err)
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	h := m.hydrator(o.refresh)
	h.unique = true
	for _, src := range cr.rows {
		obj := h.Alloc(e)
		copyRow(e, obj, src, h)
		if _, err := h.Row(e, obj); err != nil {
			m.t.IndexPending()
			return nil, err
		}
	}
	if err := h.finish(ctx); err != nil {
		return nil, err
	}
	if len(o.populate) > 0 {
		if err := m.populate(ctx, e, h.out, o.populate, o.refresh, o.filters); err != nil {
			return nil, err
		}
	}
	return h.out, nil
}

// cachedRows gets the rows cached under key, or on a miss runs load into
// a recorder of detached rows and caches them for ttl as depending on
// the types names gives, unless a write ran meanwhile (the generation
// moved). what names the operation in errors ("find", "query").
func (m *EntityManager) cachedRows(ctx context.Context, what string, e *meta.Entity, key string, ttl time.Duration,
	names func() []string, load func(h *hydrator, rec *recorder) error) (*cachedRows, error) {
	cs := &m.c.cache
	cs.used.Store(true)
	store := m.c.cacheStore()
	v, _, err := store.Get(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("gomikro: %s %s: result cache: %w", what, e.Name, err)
	}
	if cr, ok := v.(*cachedRows); ok && cr.e == e {
		return cr, nil
	}
	gen := cs.gen.Load()
	h := m.hydrator(false)
	h.detached = true
	rec := &recorder{h: h}
	if err := load(h, rec); err != nil {
		return nil, err
	}
	cr := &cachedRows{e: e, rows: rec.rows}
	if cs.gen.Load() == gen {
		if err := store.Set(ctx, key, cr, ttl, names()); err != nil {
			return nil, fmt.Errorf("gomikro: %s %s: result cache: %w", what, e.Name, err)
		}
	}
	return cr, nil
}

// cachedCount is Count with Cache.
func (m *EntityManager) cachedCount(ctx context.Context, e *meta.Entity, o *findOptions, expr query.Expr) (int64, error) {
	if err := checkCache(e, o.cache); err != nil {
		return 0, err
	}
	ctx = m.counted(ctx)
	if m.tx != nil {
		return m.tx.Count(ctx, &Query{Entity: e, Where: expr})
	}
	cs := &m.c.cache
	cs.used.Store(true)
	store := m.c.cacheStore()
	key := cacheKey("count", e, o.cache, expr, nil, 0, 0)
	v, ok, err := store.Get(ctx, key)
	if err != nil {
		return 0, fmt.Errorf("gomikro: count %s: result cache: %w", e.Name, err)
	}
	if c, ok2 := v.(*cachedCount); ok && ok2 && c.e == e {
		return c.n, nil
	}
	gen := cs.gen.Load()
	n, err := m.reader(o).Count(ctx, &Query{Entity: e, Where: expr})
	if err != nil {
		return 0, err
	}
	if cs.gen.Load() == gen {
		if err := store.Set(ctx, key, &cachedCount{e: e, n: n}, o.cache.ttl, cacheTypes(e, expr)); err != nil {
			return 0, fmt.Errorf("gomikro: count %s: result cache: %w", e.Name, err)
		}
	}
	return n, nil
}

// reader is readSession for one query's options.
func (m *EntityManager) reader(o *findOptions) Session {
	if o.primary {
		return m.Session()
	}
	return m.readSession()
}

// recorder keeps the detached rows of a find for the cache.
type recorder struct {
	h    *hydrator
	rows []unsafe.Pointer
}

func (r *recorder) Alloc(e *meta.Entity) unsafe.Pointer { return r.h.Alloc(e) }

func (r *recorder) Ref(target *meta.Entity, pk unsafe.Pointer) unsafe.Pointer {
	return r.h.Ref(target, pk)
}

func (r *recorder) Row(e *meta.Entity, obj unsafe.Pointer) (unsafe.Pointer, error) {
	p := r.h.detachedRow(e, obj)
	r.h.loaded = r.h.loaded[:0]
	r.rows = append(r.rows, p)
	return p, nil
}

func (r *recorder) Link(any, unsafe.Pointer) {}

// copyRow copies the cached row src into the new object dst: its values
// deeply (the cache keeps its own), its references' raw keys as
// references of h.
func copyRow(e *meta.Entity, dst, src unsafe.Pointer, h *hydrator) {
	rv := reflect.NewAt(e.Type, dst).Elem()
	rv.Set(reflect.NewAt(e.Type, src).Elem())
	for _, i := range mutableFields(e) {
		fv := rv.Field(i)
		fv.Set(deepCopy(fv))
	}
	for _, f := range e.Columns {
		if f.Storage != meta.StoreRef {
			continue
		}
		r := rel.RefAt(f.Ptr(dst))
		if r.ID == nil {
			continue
		}
		t := f.Rel.Target
		pk := reflect.New(t.PK[0].GoType)
		pk.Elem().Set(reflect.ValueOf(r.ID))
		r.Ptr, r.ID = h.Ref(t, pk.UnsafePointer()), nil
	}
}

var mutables sync.Map // *meta.Entity -> []int

// mutableFields returns the indexes of the exported top-level fields of
// e that are not relations and can share memory (slices, maps,
// pointers, interfaces, or structs holding them).
func mutableFields(e *meta.Entity) []int {
	if v, ok := mutables.Load(e); ok {
		return v.([]int)
	}
	rels := map[uintptr]bool{}
	for _, f := range e.Relations {
		rels[f.Offset] = true
	}
	var out []int
	for i := range e.Type.NumField() {
		sf := e.Type.Field(i)
		if !sf.IsExported() || rels[sf.Offset] {
			continue
		}
		if shares(sf.Type, 0) {
			out = append(out, i)
		}
	}
	mutables.Store(e, out)
	return out
}

// shares reports whether values of t can share memory with their copies.
func shares(t reflect.Type, depth int) bool {
	if depth > 8 {
		return true
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Map, reflect.Pointer, reflect.Interface:
		return t != reflect.TypeFor[*time.Location]()
	case reflect.Array:
		return shares(t.Elem(), depth+1)
	case reflect.Struct:
		for i := range t.NumField() {
			if f := t.Field(i); f.IsExported() && shares(f.Type, depth+1) {
				return true
			}
		}
	}
	return false
}

// deepCopy returns a copy of v sharing no memory with it (but for
// unexported fields of structs).
func deepCopy(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		c := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		if !shares(v.Type().Elem(), 0) {
			reflect.Copy(c, v)
			return c
		}
		for i := range v.Len() {
			c.Index(i).Set(deepCopy(v.Index(i)))
		}
		return c
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		c := reflect.MakeMapWithSize(v.Type(), v.Len())
		it := v.MapRange()
		for it.Next() {
			c.SetMapIndex(it.Key(), deepCopy(it.Value()))
		}
		return c
	case reflect.Pointer:
		if v.IsNil() || v.Type() == reflect.TypeFor[*time.Location]() {
			return v
		}
		c := reflect.New(v.Type().Elem())
		c.Elem().Set(deepCopy(v.Elem()))
		return c
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		c := reflect.New(v.Type()).Elem()
		c.Set(deepCopy(v.Elem()))
		return c
	case reflect.Struct:
		if !shares(v.Type(), 0) {
			return v
		}
		c := reflect.New(v.Type()).Elem()
		c.Set(v)
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				c.Field(i).Set(deepCopy(v.Field(i)))
			}
		}
		return c
	case reflect.Array:
		c := reflect.New(v.Type()).Elem()
		for i := range v.Len() {
			c.Index(i).Set(deepCopy(v.Index(i)))
		}
		return c
	}
	return v
}

// wrote records a committed write of plan: m reads the primary from now
// on, and the cached results of the types the plan wrote are dropped
// (again at the commit of m's transaction, if it runs in one).
func (m *EntityManager) wrote(ctx context.Context, p *tracking.Plan) error {
	m.primary = true
	if !m.c.cache.used.Load() {
		return nil
	}
	var types []string
	add := func(e *meta.Entity) {
		if !slices.Contains(types, e.Name) {
			types = append(types, e.Name)
		}
	}
	for _, b := range p.Inserts {
		add(b.Entity)
	}
	for _, b := range p.Fixups {
		add(b.Entity)
	}
	for _, b := range p.Updates {
		add(b.Entity)
	}
	for _, b := range p.Deletes {
		add(b.Entity)
		// Rows of other types may go or change with them (ON DELETE).
		for _, x := range m.c.reg.Entities() {
			for _, f := range x.Relations {
				if f.Rel.Target == b.Entity {
					add(x)
				}
			}
		}
	}
	for _, bs := range [][]*tracking.PivotBatch{p.PivotInserts, p.PivotDeletes} {
		for _, b := range bs {
			add(b.Pivot.Owner)
			add(b.Pivot.Target)
		}
	}
	return m.invalidate(ctx, types)
}

// invalidate drops the cached results of types now, and once more at
// the commit of m's transaction.
func (m *EntityManager) invalidate(ctx context.Context, types []string) error {
	if len(types) == 0 {
		return nil
	}
	if m.tx != nil {
		m.c.cache.addTx(m.tx, types)
	}
	m.c.cache.gen.Add(1)
	if err := m.c.cacheStore().Invalidate(ctx, types...); err != nil {
		return fmt.Errorf("gomikro: the write is committed, but the result cache could not drop the results of %s: %w", strings.Join(types, ", "), err)
	}
	return nil
}

// committed is called when the transaction t of m (or of a transaction
// fork of m) committed: for real, or as a savepoint (or a transaction
// joined to m's). The types written in t are dropped from the cache once
// more when they are committed for good (another fork may have cached
// the rows from before the commit); a savepoint's pass to m's
// transaction.
func (m *EntityManager) committed(ctx context.Context, t Tx, real bool) error {
	types := m.c.cache.takeTx(t)
	if len(types) == 0 {
		return nil
	}
	if !real && m.tx != nil {
		m.c.cache.addTx(m.tx, types)
		return nil
	}
	m.c.cache.gen.Add(1)
	if err := m.c.cacheStore().Invalidate(ctx, types...); err != nil {
		return fmt.Errorf("gomikro: the transaction is committed, but the result cache could not drop the results of %s: %w", strings.Join(types, ", "), err)
	}
	return nil
}

// addTx records that transaction t wrote types.
func (c *cacheState) addTx(t Tx, types []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.txWrote == nil {
		c.txWrote = map[Tx][]string{}
	}
	w := c.txWrote[t]
	for _, x := range types {
		if !slices.Contains(w, x) {
			w = append(w, x)
		}
	}
	c.txWrote[t] = w
}

// takeTx returns and forgets the types transaction t wrote.
func (c *cacheState) takeTx(t Tx) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	w := c.txWrote[t]
	delete(c.txWrote, t)
	return w
}

// runSpecial is run for a find with Cache or FromPrimary.
func (m *EntityManager) runSpecial(ctx context.Context, e *meta.Entity, o *findOptions, expr query.Expr, order []Order) ([]unsafe.Pointer, error) {
	if o.primary && !m.primaryOnce {
		m.primaryOnce = true
		defer func() { m.primaryOnce = false }()
	}
	if o.cache != nil {
		return m.cachedRun(ctx, e, o, expr, order)
	}
	return m.run(ctx, e, o, expr, order)
}

// countSpecial is Count with Cache or FromPrimary.
func (m *EntityManager) countSpecial(ctx context.Context, e *meta.Entity, o *findOptions, expr query.Expr) (int64, error) {
	if o.cache != nil {
		return m.cachedCount(ctx, e, o, expr)
	}
	return m.reader(o).Count(m.counted(ctx), &Query{Entity: e, Where: expr})
}

// ClearCache drops the cached results (Cache, CacheAs) that depend on
// the given entity types (values, pointers or reflect.Types of
// registered entities); with none, every cached result. Writes that the
// ORM does not see (raw SQL, other programs) need it.
func (m *EntityManager) ClearCache(ctx context.Context, entities ...any) error {
	types := make([]string, 0, len(entities))
	for _, v := range entities {
		t, ok := v.(reflect.Type)
		if !ok {
			t = reflect.TypeOf(v)
		}
		for t != nil && t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		e, ok := m.c.reg.Of(t)
		if t == nil || !ok {
			return &gomikro.ValidationError{Msg: fmt.Sprintf("ClearCache: %v is not a registered entity", t)}
		}
		types = append(types, e.Name)
	}
	m.c.cache.gen.Add(1)
	if err := m.c.cacheStore().Invalidate(ctx, types...); err != nil {
		return fmt.Errorf("gomikro: result cache: %w", err)
	}
	return nil
}

// ClearCacheKey drops the cached results stored under keys (CacheAs).
func (m *EntityManager) ClearCacheKey(ctx context.Context, keys ...string) error {
	if err := m.c.cacheStore().Delete(ctx, keys...); err != nil {
		return fmt.Errorf("gomikro: result cache: %w", err)
	}
	return nil
}

// Wrote tells the core that a backend's own statement of m (a query
// builder's INSERT, UPDATE or DELETE; raw SQL) wrote rows of the given
// entity types (none: unknown types): m reads the primary from now on,
// and the cached results of those types are dropped. Backends call it
// after the write succeeded; applications do not need it.
func Wrote(ctx context.Context, m Manager, types ...*meta.Entity) error {
	mm := m.manager()
	mm.primary = true
	if len(types) == 0 || !mm.c.cache.used.Load() {
		return nil
	}
	names := make([]string, 0, len(types))
	for _, e := range types {
		names = append(names, e.Name)
	}
	return mm.invalidate(ctx, names)
}

// CachedLoad answers a backend's own query of rows of e (the SQL query
// builder's select) from the result cache, as Cache does for a find:
// on a miss, load runs the query into rec, a sink that records detached
// rows (load must not populate), and the rows are cached under key for
// ttl as depending on types; either way they are merged into sink as a
// query's rows are, and the managed objects returned in order. The caller
// runs Populate after it, and does not call it inside a transaction or
// with a lock.
func CachedLoad(ctx context.Context, sink *RowSink, e *meta.Entity, key string, ttl time.Duration, types []*meta.Entity,
	load func(rec *RowSink) error) ([]unsafe.Pointer, error) {
	m := sink.m
	if err := checkCache(e, &cacheOpt{ttl: ttl}); err != nil {
		return nil, err
	}
	names := func() []string {
		names := make([]string, 0, len(types))
		for _, t := range types {
			if !slices.Contains(names, t.Name) {
				names = append(names, t.Name)
			}
		}
		return names
	}
	cr, err := m.cachedRows(ctx, "query", e, key, ttl, names, func(h *hydrator, rec *recorder) error {
		return load(&RowSink{m: m, h: h, rec: rec})
	})
	if err != nil {
		return nil, err
	}
	h := sink.h
	out := make([]unsafe.Pointer, 0, len(cr.rows))
	for _, src := range cr.rows {
		obj := h.Alloc(e)
		copyRow(e, obj, src, h)
		p, err := h.Row(e, obj)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	h.out = h.out[:0]
	if err := sink.Finish(ctx); err != nil {
		return nil, err
	}
	return out, nil
}
