package em

import (
	"context"
	"fmt"
	"reflect"
	"unsafe"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/internal/qlog"
	"github.com/gomikro/gomikro/internal/rel"
	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/tracking"
)

// core is what the global EntityManager and all its forks share.
type core struct {
	reg    *meta.Registry
	driver Driver
	cfg    gomikro.Config
	before []BeforeFlushSubscriber
	on     []OnFlushSubscriber
	after  []AfterFlushSubscriber
	tx     txSubscribers
	// layouts are the entity types' change-tracking layouts, built once
	// and shared by every fork.
	layouts tracking.Layouts
	// hooks is the union of the registered entities' lifecycle hooks and
	// colls reports whether any of them has a collection: a flush skips
	// the passes over the unit of work that could find nothing to do.
	hooks meta.Hooks
	colls bool
	// types holds what auto flush needs to know of each entity type.
	types map[*meta.Entity]*typeInfo
	// filters are the registered filters (Config.Filters and the
	// built-in soft-delete filter).
	filters []*filterDef
	// replicas are the read replicas (nil: none); cache is the result
	// cache.
	replicas *replicas
	cache    cacheState
}

// EntityManager is a unit of work: it tracks the entities it loaded or was
// given to persist, one object per row, and writes their changes in one
// transaction on Flush. It is not safe for concurrent use: fork one per
// request or goroutine. An operation that overlaps another goroutine's
// fails with gomikro.ErrConcurrentUse (Clear, Contains and Len, which
// return no error, are not checked).
type EntityManager struct {
	c      *core
	t      *tracking.Tracker
	global bool
	// primary: m reads the primary, not the replicas (it wrote, or was
	// asked to); primaryOnce: so does the query running now. (Here, they
	// take no room of their own.)
	primary, primaryOnce bool
	tx                   Tx
	txStack              []Tx   // enclosing transactions of Begin
	txNested             []bool // per Begin: a savepoint of the enclosing one
	flushing             bool
	// inDoubt is the error of a flush or commit whose outcome is unknown;
	// flushes are refused until Clear.
	inDoubt error
	ld      *rel.Loaders
	g       guard
	// flushMode is m's own flush mode (0: the ORM's).
	flushMode gomikro.FlushMode
	// pending is a bit set of the entity types (by typeInfo.ord) with new
	// or removed entities not flushed yet (nil: none marked so far); it
	// uses pendBuf when one word holds every type.
	pending []uint64
	pendBuf [1]uint64
	// fs is what this EntityManager changed of the filters (nil: none).
	fs *filterState
	// soft are removed entities with a soft-delete field, whose removal
	// the next flush writes as an update.
	soft []*tracking.Entry
	// stats counts the statements m sends (QueryCount); cc, when m has
	// one (a fork), is the context that carries them (see counted).
	stats *qlog.Stats
	cc    *qlog.Counting
	// lastType is the *T of the entity type entity found last, and
	// lastEntity its metadata.
	lastType   reflect.Type
	lastEntity *meta.Entity
	// lastMarked is the entity type markNew marked last: its marks stand
	// until flushedAll clears them.
	lastMarked *meta.Entity
}

// Manager is implemented by *EntityManager and by the backends'
// EntityManagers, which embed one; the typed functions of this package
// (Find, FindOne, ...) take any of them.
type Manager interface {
	manager() *EntityManager
}

func (m *EntityManager) manager() *EntityManager { return m }

// New returns the global EntityManager of a backend. Backends call it from
// their Open; applications get it from the ORM.
func New(reg *meta.Registry, d Driver, cfg gomikro.Config) (*EntityManager, error) {
	if err := checkFlushMode(cfg.FlushMode); err != nil {
		return nil, fmt.Errorf("gomikro: Config.FlushMode: %w", err)
	}
	c := &core{reg: reg, driver: d, cfg: cfg, types: buildTypeInfo(reg)}
	for _, e := range reg.Entities() {
		c.hooks |= e.Hooks
		c.colls = c.colls || len(e.Collections) > 0
	}
	for i, s := range cfg.Subscribers {
		ok := false
		if b, is := s.(BeforeFlushSubscriber); is {
			c.before, ok = append(c.before, b), true
		}
		if o, is := s.(OnFlushSubscriber); is {
			c.on, ok = append(c.on, o), true
		}
		if a, is := s.(AfterFlushSubscriber); is {
			c.after, ok = append(c.after, a), true
		}
		if c.tx.add(s) {
			ok = true
		}
		if !ok {
			return nil, fmt.Errorf("gomikro: Config.Subscribers[%d] (%T) implements none of BeforeFlush, OnFlush, AfterFlush "+
				"and the transaction events (BeforeTransactionStart, ...)", i, s)
		}
	}
	fs, err := newFilters(reg, cfg)
	if err != nil {
		return nil, err
	}
	c.filters = fs
	m := &EntityManager{c: c, t: tracking.NewTracker(&c.layouts), global: true, stats: &qlog.Stats{}}
	m.ld = &rel.Loaders{Loader: &loader{m: m}}
	return m, nil
}

// Registry returns the metadata of the registered entities.
func (m *EntityManager) Registry() *meta.Registry { return m.c.reg }

// Driver returns the backend driver.
func (m *EntityManager) Driver() Driver { return m.c.driver }

// Config returns the configuration the ORM was opened with.
func (m *EntityManager) Config() gomikro.Config { return m.c.cfg }

// Fork returns a new EntityManager with an empty identity map, sharing the
// connection pool and configuration. Fork one per request. The fork
// inherits m's flush mode unless an option sets its own
// (ForkFlushMode), and m's filter settings.
func (m *EntityManager) Fork(opts ...ForkOption) *EntityManager {
	return m.ForkIn(new(ForkSpace), opts...)
}

// ForkSpace is the memory of a fork: its EntityManager, tracker, loaders
// and statistics. A backend whose EntityManager wraps the core one puts a
// ForkSpace inside its own and forks with ForkIn, so that a fork is one
// allocation.
type ForkSpace struct {
	m   EntityManager
	t   tracking.Tracker
	l   loader
	lds rel.Loaders
	st  qlog.Stats
	cc  qlog.Counting
}

// ForkIn is Fork with the new EntityManager in s, which must be zero, not
// used for another fork, and must not move (allocate it on the heap, for
// instance as a field of the backend's EntityManager).
func (m *EntityManager) ForkIn(s *ForkSpace, opts ...ForkOption) *EntityManager {
	f := &s.m
	tracking.InitTracker(&s.t, &m.c.layouts)
	f.c, f.t, f.flushMode = m.c, &s.t, m.flushMode
	f.fs, f.stats, f.cc = m.fs.clone(), &s.st, &s.cc
	s.l.m = f
	s.lds.Loader = &s.l
	f.ld = &s.lds
	for _, o := range opts {
		o(f)
	}
	return f
}

// IsGlobal reports whether m is the ORM's global EntityManager.
func (m *EntityManager) IsGlobal() bool { return m.global }

// Session returns where m's statements run: its transaction, or the pool.
func (m *EntityManager) Session() Session {
	if m.tx != nil {
		return m.tx
	}
	return m.c.driver
}

// use resolves the EntityManager an operation runs on, the one guard
// every operation passes: a fork runs on itself; the global EntityManager
// runs on the fork of the same ORM that ctx carries (its request scope),
// else on itself when Config.AllowGlobalContext is set, else it refuses.
// Operations that take no context (Persist, Remove, Create, GetReference,
// Assign) pass noContext: the global EntityManager cannot find a request's
// fork for them and refuses them unless the config allows it.
func (m *EntityManager) use(ctx context.Context, op string) (*EntityManager, error) {
	if !m.global {
		return m, nil
	}
	if f := m.forkOf(ctx); f != nil {
		return f, nil
	}
	if m.c.cfg.AllowGlobalContext {
		return m, nil
	}
	if ctx == noContext {
		return nil, &gomikro.ValidationError{Msg: op + " on the global EntityManager: it takes no context, so it cannot find the request's fork, " +
			"and the global identity map would be shared by every request. Use the fork itself: in a handler behind the ORM's Middleware, " +
			"m, err := sqlem.FromContext(ctx) (mongoem.FromContext); elsewhere orm.EM().Fork(); or set Config.AllowGlobalContext"}
	}
	return nil, &gomikro.ValidationError{Msg: op + " on the global EntityManager: its identity map would be shared by every request. " +
		"Use a fork: in a handler behind the ORM's Middleware, m, err := sqlem.FromContext(ctx) (mongoem.FromContext); " +
		"elsewhere orm.EM().Fork(); or set Config.AllowGlobalContext"}
}

// noContext is the context of the operations that take none.
var noContext context.Context = noCtx{context.Background()}

type noCtx struct{ context.Context }

// Resolve returns the EntityManager an operation op on m with ctx runs on,
// after the guard every operation passes: m itself when it is a fork; for
// the global EntityManager, the fork of the same ORM that ctx carries,
// else the global one when Config.AllowGlobalContext is set, else an
// error. Backends call it first in their own operations (raw statements,
// query builders, aggregations).
func Resolve(ctx context.Context, m Manager, op string) (*EntityManager, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	return m.manager().use(ctx, op)
}

// entity returns the metadata and object pointer of v, which must be a
// non-nil pointer to a registered entity.
func (m *EntityManager) entity(v any) (*meta.Entity, unsafe.Pointer, error) {
	rv := reflect.ValueOf(v)
	if t := reflect.TypeOf(v); t != nil && t == m.lastType {
		// The type of the call before (objects come in runs of a type).
		if p := rv.UnsafePointer(); p != nil {
			return m.lastEntity, p, nil
		}
	}
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return nil, nil, &gomikro.ValidationError{Msg: fmt.Sprintf("expected a non-nil pointer to an entity, got %T", v)}
	}
	e, ok := m.c.reg.Of(rv.Type().Elem())
	if !ok || rv.Type().Elem() != e.Type {
		return nil, nil, &gomikro.ValidationError{Msg: fmt.Sprintf("%s is not a registered entity (add it to Config.Entities)", rv.Type().Elem())}
	}
	if !m.global {
		// (The global EntityManager may be read from many goroutines.)
		m.lastType, m.lastEntity = rv.Type(), e
	}
	return e, rv.UnsafePointer(), nil
}

// Persist marks new entities for insertion at the next Flush. Persisting a
// managed entity is a no-op; persisting a removed one cancels the removal.
// Related new objects reachable through references and collections are
// persisted with it at flush time.
func (m *EntityManager) Persist(entities ...any) error {
	return m.each("Persist", entities, func(mm *EntityManager, e *meta.Entity, p unsafe.Pointer) error {
		_, err := mm.persist(e, p)
		return err
	})
}

// each runs op for every entity argument of a Persist-like call.
func (m *EntityManager) each(op string, entities []any, fn func(*EntityManager, *meta.Entity, unsafe.Pointer) error) error {
	mm, err := m.use(noContext, op)
	if err != nil {
		return err
	}
	entered, err := mm.enter(op)
	if err != nil {
		return err
	}
	defer mm.leave(entered)
	for _, v := range entities {
		e, p, err := mm.entity(v)
		if err != nil {
			return err
		}
		if err := fn(mm, e, p); err != nil {
			return err
		}
	}
	return nil
}

func (m *EntityManager) persist(e *meta.Entity, p unsafe.Pointer) (*tracking.Entry, error) {
	if e.Virtual {
		return nil, readOnly(e, "Persist")
	}
	// One look-up (and one read of the key) finds a tracked object or
	// tracks it as new.
	en, added, err := m.t.Persist(e, p)
	if err != nil {
		return nil, err
	}
	if !added {
		if en.State == tracking.StateRemoved {
			en.State = tracking.StateManaged
		}
		return en, nil
	}
	if e.Inheritance != nil {
		setDiscriminator(e, p)
	}
	m.attach(e, p, true)
	m.markNew(e)
	return en, nil
}

// attach points the references and collections of obj to m's loader; the
// collections of a new entity start loaded.
func (m *EntityManager) attach(e *meta.Entity, obj unsafe.Pointer, isNew bool) {
	for _, f := range e.Relations {
		if f.Rel.Collection {
			c := rel.CollectionAt(f.Ptr(obj))
			c.Owner, c.Field, c.L = obj, f, m.ld
			if isNew {
				c.Initialized = true
			}
			continue
		}
		r := rel.RefAt(f.Ptr(obj))
		r.L = m.ld
		if f.Storage == meta.StoreNone && !isNew && r.Ptr == nil && r.ID == nil {
			// Inverse 1:1: the other side is found on Load or Populate.
			r.ID = &rel.Pending{Owner: obj, Field: f}
		}
	}
}

// Remove marks managed entities for deletion at the next Flush. Removing
// a new entity that was never flushed just forgets it. Relations marked
// cascade=remove take their loaded related entities along.
func (m *EntityManager) Remove(entities ...any) error {
	return m.each("Remove", entities, (*EntityManager).remove)
}

func (m *EntityManager) remove(e *meta.Entity, p unsafe.Pointer) error {
	if e.Virtual {
		return readOnly(e, "Remove")
	}
	en, ok := m.t.Entry(e, p)
	if !ok {
		return &gomikro.ValidationError{Msg: fmt.Sprintf("cannot remove a %s this EntityManager does not manage; load it or use GetReference first", e.Name)}
	}
	switch en.State {
	case tracking.StateRemoved:
		return nil
	case tracking.StateNew:
		m.t.Detach(en)
	case tracking.StateRef:
		if e.SoftDelete != nil {
			return &gomikro.ValidationError{Msg: fmt.Sprintf("cannot soft-delete a %s reference that is not loaded: load it first (its %s is set by the flush)", e.Name, e.SoftDelete.Name)}
		}
		en.State = tracking.StateRemoved
		m.markRemoved(e)
	default:
		en.State = tracking.StateRemoved
		m.markRemoved(e)
		if e.SoftDelete != nil {
			m.soft = append(m.soft, en)
		}
	}
	for _, f := range e.Relations {
		if f.Rel.Cascade&meta.CascadeRemove == 0 {
			continue
		}
		if f.Rel.Collection {
			for _, item := range rel.CollectionAt(f.Ptr(p)).Items {
				if _, ok := m.t.Entry(f.Rel.Target, item); ok {
					if err := m.remove(f.Rel.Target, item); err != nil {
						return err
					}
				}
			}
			continue
		}
		if r := rel.RefAt(f.Ptr(p)); r.Ptr != nil {
			if _, ok := m.t.Entry(f.Rel.Target, r.Ptr); ok {
				if err := m.remove(f.Rel.Target, r.Ptr); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// Contains reports whether entity is managed by m (and not removed).
func (m *EntityManager) Contains(entity any) bool {
	e, p, err := m.entity(entity)
	if err != nil {
		return false
	}
	en, ok := m.t.Entry(e, p)
	return ok && en.State != tracking.StateRemoved
}

// Clear detaches every entity: the identity map starts empty and pending
// changes are dropped. After a flush whose outcome is unknown
// (gomikro.ErrCommitUnknown), Clear is what lets the EntityManager flush
// again.
func (m *EntityManager) Clear() {
	m.t.Clear()
	m.flushedAll()
	m.inDoubt = nil
	m.soft = nil
}

// Len returns the number of objects in the identity map.
func (m *EntityManager) Len() int { return m.t.Len() }

// Core returns the core EntityManager behind m.
func Core(m Manager) *EntityManager { return m.manager() }
