package em

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"unsafe"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/internal/rel"
	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/tracking"
)

// UpsertOption configures Upsert and UpsertMany.
type UpsertOption func(*upsertOptions)

type upsertOptions struct {
	conflict []string
	merge    []string
	exclude  []string
	ignore   bool
}

// OnConflict names the properties of the unique key (or the primary key)
// whose conflict turns the insert into an update. Without it the primary
// key is used when every entity has one set, else the entity's only
// unique key; with several, the call fails until OnConflict picks one.
func OnConflict(props ...string) UpsertOption {
	return func(o *upsertOptions) { o.conflict = append(o.conflict, props...) }
}

// MergeFields limits what a conflict updates to the named properties
// (MikroORM's onConflictMergeFields). By default every property the
// entity writes is updated, except the conflict key.
func MergeFields(props ...string) UpsertOption {
	return func(o *upsertOptions) { o.merge = append(o.merge, props...) }
}

// ExcludeFields keeps the named properties of an existing row as they are
// on conflict (MikroORM's onConflictExcludeFields).
func ExcludeFields(props ...string) UpsertOption {
	return func(o *upsertOptions) { o.exclude = append(o.exclude, props...) }
}

// IgnoreConflict keeps an existing row as it is (MikroORM's
// onConflictAction "ignore"): the entity returned holds that row.
func IgnoreConflict() UpsertOption { return func(o *upsertOptions) { o.ignore = true } }

// UpsertBatch is a set of rows of one entity that write the same columns,
// for a backend's Upserter.
type UpsertBatch struct {
	Entity *meta.Entity
	// Columns are the fields every row writes on insert.
	Columns []*meta.Field
	// Defaults are the fields left to the database on insert (a zero
	// generated key, zero fields with a default); a backend that fills
	// them itself (MongoDB) may set them on the objects.
	Defaults []*meta.Field
	// Conflict is the unique key (or primary key) whose conflict makes
	// the row an update.
	Conflict []*meta.Field
	// Update are the fields a conflicting row takes from the new values;
	// empty: the row is kept as it is. The version field, if any, is not
	// among them: a backend increments it on update.
	Update []*meta.Field
	// Rows are the objects.
	Rows []unsafe.Pointer
}

// Upserter is implemented by sessions that write upserts: every batch
// (in as few statements as the backend allows), then the rows of reads
// into sink, atomically where the backend can (inside the session's
// transaction, or in one of its own).
type Upserter interface {
	Upsert(ctx context.Context, batches []*UpsertBatch, reads []*Query, sink Sink) error
}

// Upsert inserts entity, or updates the row with the same unique key (or
// primary key; see OnConflict), and returns the managed entity holding
// the row as the database has it after the statement: generated key and
// defaults included. When another object with that primary key is
// managed already, that object takes the row and is returned (one object
// per row); entity itself also receives the row's values. A later change
// to the returned entity is flushed as an UPDATE.
//
// Hooks: BeforeUpsert and AfterUpsert (methods func(ctx context.Context)
// error of the entity, as MikroORM's beforeUpsert/afterUpsert events);
// the create and update hooks do not run, as Upsert does not know which
// of the two the database does. Flush subscribers are not called.
// Entities it references must have their keys (be flushed) already.
func Upsert[T any](ctx context.Context, m Manager, entity *T, opts ...UpsertOption) (*T, error) {
	out, err := UpsertMany[T](ctx, m, []*T{entity}, opts...)
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// UpsertMany is Upsert for many entities, batched: one statement per
// group of rows writing the same columns (split at the backend's
// parameter limit), then the rows read back.
func UpsertMany[T any](ctx context.Context, m Manager, entities []*T, opts ...UpsertOption) ([]*T, error) {
	mm, e, err := typed[T](ctx, m.manager(), "Upsert")
	if err != nil {
		return nil, err
	}
	entered, err := mm.enter("Upsert")
	if err != nil {
		return nil, err
	}
	defer mm.leave(entered)
	if e.Virtual {
		return nil, readOnly(e, "Upsert")
	}
	if len(entities) == 0 {
		return []*T{}, nil
	}
	objs := make([]unsafe.Pointer, len(entities))
	for i, x := range entities {
		if x == nil {
			return nil, &gomikro.ValidationError{Msg: fmt.Sprintf("Upsert %s: entity #%d is nil", e.Name, i+1)}
		}
		objs[i] = unsafe.Pointer(x)
	}
	mm.t.SetTyped(e, typedOps[T]{})
	out, err := mm.upsert(ctx, e, objs, opts)
	if err != nil {
		return nil, err
	}
	return typedObjects[T](out), nil
}

func (m *EntityManager) upsert(ctx context.Context, e *meta.Entity, objs []unsafe.Pointer, opts []UpsertOption) ([]unsafe.Pointer, error) {
	var o upsertOptions
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	up, ok := m.Session().(Upserter)
	if !ok {
		return nil, fmt.Errorf("gomikro: Upsert %s: the backend cannot upsert", e.Name)
	}
	if m.inDoubt != nil {
		return nil, fmt.Errorf("gomikro: Upsert refused: an earlier flush may or may not have committed; call Clear first: %w", m.inDoubt)
	}
	for i, p := range objs {
		if en, ok := m.t.Entry(e, p); ok && (en.State == tracking.StateNew || en.State == tracking.StateRemoved) {
			return nil, &gomikro.ValidationError{Msg: fmt.Sprintf("Upsert %s: entity #%d is persisted or removed in this EntityManager and not flushed yet; flush it instead", e.Name, i+1)}
		}
	}
	if e.Inheritance != nil {
		for _, p := range objs {
			setDiscriminator(e, p)
		}
	}
	hctx := WithContext(ctx, m)
	if e.Hooks.Has(meta.HookBeforeUpsert) {
		for _, p := range objs {
			if err := m.user(func() error {
				return e.Interface(p).(interface{ BeforeUpsert(context.Context) error }).BeforeUpsert(hctx)
			}); err != nil {
				return nil, fmt.Errorf("gomikro: %s.BeforeUpsert: %w", e.Name, err)
			}
		}
	}
	conflict, err := conflictKey(e, o.conflict, objs)
	if err != nil {
		return nil, err
	}
	merge, err := mergeFields(e, &o, conflict)
	if err != nil {
		return nil, err
	}
	// One row per conflict key: a statement cannot insert and update the
	// same row.
	index := make(map[string]int, len(objs))
	for i, p := range objs {
		k := keyString(conflict, p)
		if j, dup := index[k]; dup {
			return nil, &gomikro.ValidationError{Msg: fmt.Sprintf("UpsertMany %s: entities #%d and #%d have the same %s", e.Name, j+1, i+1, fieldNames(e, conflict))}
		}
		index[k] = i
	}
	batches, err := upsertBatches(e, objs, conflict, merge, o.merge != nil)
	if err != nil {
		return nil, err
	}
	reads, err := m.upsertReads(e, conflict, objs)
	if err != nil {
		return nil, err
	}
	s := &upsertSink{h: m.hydrator(true), e: e, conflict: conflict, index: index, objs: objs, out: make([]unsafe.Pointer, len(objs))}
	if err := up.Upsert(ctx, batches, reads, s); err != nil {
		// The backend's error names the entity (and the row where known).
		m.t.IndexPending()
		return nil, err
	}
	if m.c.replicas != nil || m.c.cache.used.Load() {
		if err := Wrote(ctx, m, e); err != nil {
			return nil, err
		}
	}
	for i, p := range s.out {
		if p == nil {
			return nil, fmt.Errorf("gomikro: upsert %s: the row of entity #%d (%s) was not found after the upsert "+
				"(on MySQL/MariaDB a conflict on another unique key updates that row instead)", e.Name, i+1, fieldNames(e, conflict))
		}
	}
	if e.Hooks.Has(meta.HookAfterUpsert) {
		for _, p := range s.out {
			if err := m.user(func() error {
				return e.Interface(p).(interface{ AfterUpsert(context.Context) error }).AfterUpsert(hctx)
			}); err != nil {
				return nil, fmt.Errorf("gomikro: %s.AfterUpsert: %w", e.Name, err)
			}
		}
	}
	return s.out, nil
}

// property resolves an option's property name to a column field.
func property(e *meta.Entity, opt, name string) (*meta.Field, error) {
	f, ok := e.Field(name)
	if !ok {
		return nil, fmt.Errorf("gomikro: Upsert %s: %s(%q): %w: %s has no property %q", e.Name, opt, name, query.ErrUnknownProperty, e.Name, name)
	}
	if f.Column == "" {
		return nil, &gomikro.ValidationError{Msg: fmt.Sprintf("Upsert %s: %s(%q): %s has no column", e.Name, opt, name, f)}
	}
	return f, nil
}

// uniqueKeys lists the unique keys of e (the primary key aside).
func uniqueKeys(e *meta.Entity) [][]*meta.Field {
	var out [][]*meta.Field
	named := map[string]int{}
	for _, f := range e.Columns {
		if !f.Unique {
			continue
		}
		if f.UniqueName == "" {
			out = append(out, []*meta.Field{f})
			continue
		}
		if i, ok := named[f.UniqueName]; ok {
			out[i] = append(out[i], f)
			continue
		}
		named[f.UniqueName] = len(out)
		out = append(out, []*meta.Field{f})
	}
	return out
}

func sameFields(a, b []*meta.Field) bool {
	if len(a) != len(b) {
		return false
	}
	for _, f := range a {
		if !slices.Contains(b, f) {
			return false
		}
	}
	return true
}

func fieldNames(e *meta.Entity, fs []*meta.Field) string {
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = f.Name
	}
	return e.Name + "." + strings.Join(names, "+")
}

// conflictKey resolves the conflict target of an upsert.
func conflictKey(e *meta.Entity, names []string, objs []unsafe.Pointer) ([]*meta.Field, error) {
	uniques := uniqueKeys(e)
	if len(names) > 0 {
		var fs []*meta.Field
		for _, n := range names {
			f, err := property(e, "OnConflict", n)
			if err != nil {
				return nil, err
			}
			if !slices.Contains(fs, f) {
				fs = append(fs, f)
			}
		}
		if !sameFields(fs, e.PK) && !slices.ContainsFunc(uniques, func(u []*meta.Field) bool { return sameFields(fs, u) }) {
			return nil, &gomikro.ValidationError{Msg: fmt.Sprintf("Upsert %s: OnConflict: %s is not the primary key or a unique key "+
				"(mark it orm:\"unique\", or name the properties of one)", e.Name, fieldNames(e, fs))}
		}
		return fs, nil
	}
	withPK := 0
	for _, p := range objs {
		if _, ok := tracking.KeyOf(e, p); ok && !pkZero(e, p) {
			withPK++
		}
	}
	switch {
	case withPK == len(objs):
		return e.PK, nil
	case withPK > 0:
		return nil, &gomikro.ValidationError{Msg: fmt.Sprintf("Upsert %s: some entities have a primary key and some do not; "+
			"name the conflict target with em.OnConflict", e.Name)}
	case len(uniques) == 1:
		return uniques[0], nil
	case len(uniques) == 0:
		return nil, &gomikro.ValidationError{Msg: fmt.Sprintf("Upsert %s: the entities have no primary key set and %s has no unique key to match rows by", e.Name, e.Name)}
	}
	var names2 []string
	for _, u := range uniques {
		names2 = append(names2, fieldNames(e, u))
	}
	return nil, &gomikro.ValidationError{Msg: fmt.Sprintf("Upsert %s: ambiguous conflict target: %s has the unique keys %s; choose one with em.OnConflict",
		e.Name, e.Name, strings.Join(names2, ", "))}
}

// pkZero reports whether a primary-key field of the object at p is zero.
func pkZero(e *meta.Entity, p unsafe.Pointer) bool {
	for _, f := range e.PK {
		if f.Storage == meta.StoreRef {
			if r := rel.RefAt(f.Ptr(p)); r.Ptr == nil && r.ID == nil {
				return true
			}
			continue
		}
		if f.Value(p).IsZero() {
			return true
		}
	}
	return false
}

// mergeFields resolves the fields a conflict updates (nil: every written
// one), checking the options' names.
func mergeFields(e *meta.Entity, o *upsertOptions, conflict []*meta.Field) ([]*meta.Field, error) {
	if o.ignore && (o.merge != nil || o.exclude != nil) {
		return nil, &gomikro.ValidationError{Msg: fmt.Sprintf("Upsert %s: IgnoreConflict keeps the existing row: it cannot be combined with MergeFields or ExcludeFields", e.Name)}
	}
	var merge, exclude []*meta.Field
	for _, n := range o.merge {
		f, err := property(e, "MergeFields", n)
		if err != nil {
			return nil, err
		}
		if slices.Contains(conflict, f) || f.PK || f == e.Version {
			return nil, &gomikro.ValidationError{Msg: fmt.Sprintf("Upsert %s: MergeFields(%q): %s is part of the conflict key, the primary key or the version, which an update keeps", e.Name, n, f)}
		}
		merge = append(merge, f)
	}
	for _, n := range o.exclude {
		f, err := property(e, "ExcludeFields", n)
		if err != nil {
			return nil, err
		}
		exclude = append(exclude, f)
	}
	if o.merge != nil {
		return slices.DeleteFunc(merge, func(f *meta.Field) bool { return slices.Contains(exclude, f) }), nil
	}
	if o.ignore {
		return []*meta.Field{}, nil
	}
	var out []*meta.Field
	for _, f := range e.Columns {
		if !f.PK && f != e.Version && !slices.Contains(conflict, f) && !slices.Contains(exclude, f) {
			out = append(out, f)
		}
	}
	return out, nil
}

// upsertBatches groups the objects by the columns they write.
func upsertBatches(e *meta.Entity, objs []unsafe.Pointer, conflict, merge []*meta.Field, explicit bool) ([]*UpsertBatch, error) {
	var out []*UpsertBatch
	for i, p := range objs {
		var cols, defs []*meta.Field
		for _, f := range e.Columns {
			if slices.Contains(conflict, f) {
				if f.Generated && f.Value(p).IsZero() {
					return nil, &gomikro.ValidationError{Msg: fmt.Sprintf("Upsert %s: entity #%d has no value for the conflict key %s", e.Name, i+1, f)}
				}
				cols = append(cols, f)
				continue
			}
			switch {
			case f == e.Version:
				if f.IntAt(p) == 0 {
					f.SetIntAt(p, 1)
				}
			case f.Generated && f.Value(p).IsZero():
				defs = append(defs, f)
				continue
			case f.Default != nil && f.Storage != meta.StoreRef && f.Value(p).IsZero() && !(explicit && slices.Contains(merge, f)):
				defs = append(defs, f)
				continue
			case f.Storage == meta.StoreRef:
				r := rel.RefAt(f.Ptr(p))
				if r.Ptr != nil {
					if _, ok := tracking.KeyOf(f.Rel.Target, r.Ptr); !ok || pkZero(f.Rel.Target, r.Ptr) {
						return nil, &gomikro.ValidationError{Msg: fmt.Sprintf("Upsert %s: entity #%d: %s references a %s without a primary key; flush it first", e.Name, i+1, f, f.Rel.Target.Name)}
					}
				} else if r.ID == nil && !f.Nullable {
					return nil, &gomikro.ConstraintError{Kind: gomikro.ErrNotNullViolation, Entity: e.Name, Field: f.Name,
						Err: fmt.Errorf("%s is required (the reference is empty and the column is NOT NULL)", f)}
				}
			}
			cols = append(cols, f)
		}
		j := slices.IndexFunc(out, func(b *UpsertBatch) bool { return slices.Equal(b.Columns, cols) && slices.Equal(b.Defaults, defs) })
		if j < 0 {
			update := make([]*meta.Field, 0, len(merge))
			for _, f := range merge {
				// A field left to its default on insert keeps the row's
				// value on update, unless named in MergeFields.
				if slices.Contains(cols, f) {
					update = append(update, f)
				}
			}
			out = append(out, &UpsertBatch{Entity: e, Columns: cols, Defaults: defs, Conflict: conflict, Update: update})
			j = len(out) - 1
		}
		out[j].Rows = append(out[j].Rows, p)
	}
	return out, nil
}

// upsertReads builds the finds that read the upserted rows back by their
// conflict key.
func (m *EntityManager) upsertReads(e *meta.Entity, conflict []*meta.Field, objs []unsafe.Pointer) ([]*Query, error) {
	var out []*Query
	if len(conflict) == 1 {
		f := conflict[0]
		keys := make([]any, len(objs))
		for i, p := range objs {
			keys[i] = filterValue(f, p)
		}
		per := len(keys)
		if kb, ok := m.Session().(KeyBatcher); ok {
			if n := kb.KeyBatch(f, keys); n > 0 && n < per {
				per = n
			}
		}
		for chunk := range slices.Chunk(keys, max(1, per)) {
			x, err := query.Resolve(e, query.In(f.Name, chunk...))
			if err != nil {
				return nil, err
			}
			out = append(out, &Query{Entity: e, Where: x, Fields: lazyReads(e, true)})
		}
		return out, nil
	}
	for chunk := range slices.Chunk(objs, 200) {
		or := make([]query.Filter, len(chunk))
		for i, p := range chunk {
			and := make([]query.Filter, len(conflict))
			for j, f := range conflict {
				and[j] = query.Eq(f.Name, filterValue(f, p))
			}
			or[i] = query.And(and...)
		}
		x, err := query.Resolve(e, query.Or(or...))
		if err != nil {
			return nil, err
		}
		out = append(out, &Query{Entity: e, Where: x, Fields: lazyReads(e, true)})
	}
	return out, nil
}

// filterValue is the value of field f of the object at p in a filter: a
// reference's target key.
func filterValue(f *meta.Field, p unsafe.Pointer) any {
	if f.Storage == meta.StoreRef {
		r := rel.RefAt(f.Ptr(p))
		if r.Ptr != nil {
			return f.Rel.Target.PK[0].Value(r.Ptr).Interface()
		}
		return r.ID
	}
	return f.Value(p).Interface()
}

// keyString identifies the values of fields fs of the object at p.
func keyString(fs []*meta.Field, p unsafe.Pointer) string {
	var b strings.Builder
	for _, f := range fs {
		if k, ok := tracking.FieldKey(f, f.Ptr(p)); ok {
			b.WriteString(k.String())
		} else {
			fmt.Fprintf(&b, "%v", filterValue(f, p))
		}
		b.WriteByte(0)
	}
	return b.String()
}

// upsertSink matches the rows read back to the upserted objects and puts
// them in the identity map.
type upsertSink struct {
	h        *hydrator
	e        *meta.Entity
	conflict []*meta.Field
	index    map[string]int
	objs     []unsafe.Pointer
	out      []unsafe.Pointer
	fold     map[string]int
}

// folded returns the index by lower-cased key, built on first use.
func (s *upsertSink) folded() map[string]int {
	if s.fold == nil {
		s.fold = make(map[string]int, len(s.index))
		for k, i := range s.index {
			s.fold[strings.ToLower(k)] = i
		}
	}
	return s.fold
}

func (s *upsertSink) Alloc(e *meta.Entity) unsafe.Pointer { return reflect.New(e.Type).UnsafePointer() }

func (s *upsertSink) Ref(target *meta.Entity, pk unsafe.Pointer) unsafe.Pointer {
	return s.h.Ref(target, pk)
}

func (s *upsertSink) Link(any, unsafe.Pointer) {}

func (s *upsertSink) Row(e *meta.Entity, row unsafe.Pointer) (unsafe.Pointer, error) {
	i, ok := s.index[keyString(s.conflict, row)]
	if !ok {
		// A case-insensitive collation (MySQL's default) matches a key
		// that differs in case from the one given.
		i, ok = s.folded()[strings.ToLower(keyString(s.conflict, row))]
	}
	if !ok {
		return nil, fmt.Errorf("gomikro: upsert %s: a row read back matches no entity", e.Name)
	}
	in := s.objs[i]
	k, ok := tracking.KeyOf(e, row)
	if !ok {
		return nil, fmt.Errorf("gomikro: %s row without a primary key", e.Name)
	}
	m := s.h.m
	if en, found := m.t.Lookup(e, k); found {
		copyColumns(e, en.Obj, row)
		m.attach(e, en.Obj, false)
		if err := m.t.Loaded(en); err != nil {
			return nil, err
		}
		if in != en.Obj {
			copyColumns(e, in, row)
		}
		s.out[i] = en.Obj
		return en.Obj, nil
	}
	copyColumns(e, in, row)
	if _, err := m.t.AddLoaded(e, in, k, false); err != nil {
		return nil, err
	}
	m.attach(e, in, false)
	s.out[i] = in
	return in, nil
}

// copyColumns copies the column fields of the row src into dst, keeping
// dst's collections, inverse references and fields without a column.
func copyColumns(e *meta.Entity, dst, src unsafe.Pointer) {
	for _, f := range e.Columns {
		f.Value(dst).Set(f.Value(src))
	}
}
