package query

import (
	"fmt"
	"reflect"
	"slices"
	"sync"
	"unsafe"
)

// Typed filters: conditions built from references to an entity's own
// fields, without code generation. A [Property] carries the entity type E
// and the field's Go type V, so comparing it with a value of another type
// does not compile:
//
//	title := query.Field[Book, string]("title")                          // by name, checked by Resolve
//	year := query.FieldOf(func(b *Book) *int { return &b.Year })          // by selector: cannot be misspelled
//	f := query.All(title.Like("Go%"), year.Gte(2000))                     // query.Typed[Book]
//	// year.Gte("2000") does not compile: cannot use "2000" (untyped string constant) as int value
//
// Typed conditions are ordinary conditions ([Cond]): [Parse] and [Resolve]
// turn them into the same trees as the map filters (query.M{"title":
// {"$like": "Go%"}}), so they work with em.Find, the SQL query builder
// and on MongoDB alike, and they mix with maps and the untyped helpers.
// Resolve checks a typed condition's entity: one written for Book and
// applied to Author is an error, as is a name Book does not have.

// EntityCond is a condition written for the entity whose Go struct type is
// Type, as the typed helpers build it. [Parse] keeps it in the tree;
// [Resolve] fails when it is applied to another entity.
type EntityCond struct {
	Type reflect.Type
	C    Cond
}

func (EntityCond) filter() {}
func (EntityCond) cond()   {}

// String renders `Type:condition`.
func (c EntityCond) String() string { return c.Type.Name() + ":" + condString(c.C) }

// errCond is a typed condition that could not be built (a selector that
// returns no field); Parse reports its error.
type errCond struct{ err error }

func (errCond) filter()          {}
func (errCond) cond()            {}
func (c errCond) String() string { return "error(" + c.err.Error() + ")" }

// unwrapper is implemented by Typed conditions: Parse works on what they
// wrap.
type unwrapper interface{ unwrap() Cond }

// Typed is a condition on entity E, built by the methods of [Property]
// and combined with [All], [Any] and its own methods. It is a [Cond], so
// it goes wherever a filter does.
type Typed[E any] struct{ c Cond }

func (Typed[E]) filter() {}
func (Typed[E]) cond()   {}

// String renders the condition.
func (t Typed[E]) String() string { return condString(t.unwrap()) }

// unwrap returns the condition as an EntityCond on E.
func (t Typed[E]) unwrap() Cond {
	if e, ok := t.c.(errCond); ok {
		return e
	}
	return EntityCond{Type: reflect.TypeFor[E](), C: t.c}
}

// inner returns the condition without its entity wrapper.
func (t Typed[E]) inner() Cond {
	if t.c == nil {
		return AndCond{}
	}
	return t.c
}

// Not negates t.
func (t Typed[E]) Not() Typed[E] { return Typed[E]{NotCond{t.inner()}} }

// And holds when t and all of others hold.
func (t Typed[E]) And(others ...Typed[E]) Typed[E] {
	return All(append([]Typed[E]{t}, others...)...)
}

// Or holds when t or any of others holds.
func (t Typed[E]) Or(others ...Typed[E]) Typed[E] {
	return Any(append([]Typed[E]{t}, others...)...)
}

// All holds when every condition holds; All() holds for every row.
func All[E any](cs ...Typed[E]) Typed[E] {
	out := make(AndCond, len(cs))
	for i, c := range cs {
		out[i] = c.inner()
	}
	return Typed[E]{out}
}

// Any holds when any condition holds; Any() never holds.
func Any[E any](cs ...Typed[E]) Typed[E] {
	out := make(OrCond, len(cs))
	for i, c := range cs {
		out[i] = c.inner()
	}
	return Typed[E]{out}
}

// Property is a typed reference to the property of entity E whose Go type
// is V. Its comparison methods take values of type V only. Build one with
// [Field] (by name) or [FieldOf] (by selector); the zero Property names
// nothing and fails at Resolve.
type Property[E, V any] struct {
	name string
	err  error
}

// Field references the property name of entity E (its Go name, lowerCamel
// form or column name, as in filter maps; a dotted path such as
// "author.name" crosses relations). Resolve checks the name against E's
// metadata and fails naming E and name when E has no such property.
func Field[E, V any](name string) Property[E, V] { return Property[E, V]{name: name} }

// FieldOf references the field of E that sel returns the address of:
//
//	query.FieldOf(func(b *Book) *string { return &b.Title })
//
// E and V are inferred from sel, and the field is found by its address, so
// the reference follows renames and cannot be misspelled. sel is called
// once, on a zero E; it must return the address of one of E's own fields
// (embedded structs included) and nothing else.
func FieldOf[E, V any](sel func(*E) *V) Property[E, V] {
	name, err := selectedField(reflect.TypeFor[E](), reflect.TypeFor[V](), func(p unsafe.Pointer) unsafe.Pointer {
		return unsafe.Pointer(sel((*E)(p)))
	})
	return Property[E, V]{name: name, err: err}
}

// Name returns the property name (the Go field name for FieldOf).
func (p Property[E, V]) Name() string { return p.name }

func (p Property[E, V]) cmp(op Op, v any) Typed[E] {
	if p.err != nil {
		return Typed[E]{errCond{p.err}}
	}
	return Typed[E]{Cmp{Path: p.name, Op: op, Value: v}}
}

// Eq holds when the property equals v.
func (p Property[E, V]) Eq(v V) Typed[E] { return p.cmp(OpEq, v) }

// Ne holds when the property differs from v (on a nullable column, also
// when it is NULL).
func (p Property[E, V]) Ne(v V) Typed[E] { return p.cmp(OpNe, v) }

// Gt holds when the property is greater than v.
func (p Property[E, V]) Gt(v V) Typed[E] { return p.cmp(OpGt, v) }

// Gte holds when the property is greater than or equal to v.
func (p Property[E, V]) Gte(v V) Typed[E] { return p.cmp(OpGte, v) }

// Lt holds when the property is less than v.
func (p Property[E, V]) Lt(v V) Typed[E] { return p.cmp(OpLt, v) }

// Lte holds when the property is less than or equal to v.
func (p Property[E, V]) Lte(v V) Typed[E] { return p.cmp(OpLte, v) }

// In holds when the property is one of vs; In() matches nothing.
func (p Property[E, V]) In(vs ...V) Typed[E] {
	if vs == nil {
		vs = []V{}
	}
	return p.cmp(OpIn, slices.Clone(vs))
}

// Nin holds when the property is none of vs (on a nullable column, also
// when it is NULL); Nin() matches everything.
func (p Property[E, V]) Nin(vs ...V) Typed[E] {
	if vs == nil {
		vs = []V{}
	}
	return p.cmp(OpNin, slices.Clone(vs))
}

// IsNull holds when the property is NULL (a nil pointer, an unset
// reference).
func (p Property[E, V]) IsNull() Typed[E] { return p.cmp(OpEq, nil) }

// NotNull holds when the property is not NULL.
func (p Property[E, V]) NotNull() Typed[E] { return p.cmp(OpNe, nil) }

// Exists holds when the property is set (true) or NULL (false); on a
// relation, when a related row exists.
func (p Property[E, V]) Exists(yes bool) Typed[E] { return p.cmp(OpExists, yes) }

// Like holds when the property matches the LIKE pattern (% and _);
// Resolve refuses it on a property that is not a string column.
func (p Property[E, V]) Like(pattern string) Typed[E] { return p.cmp(OpLike, pattern) }

// ILike is Like ignoring case.
func (p Property[E, V]) ILike(pattern string) Typed[E] { return p.cmp(OpIlike, pattern) }

// Re holds when the property matches the regular expression.
func (p Property[E, V]) Re(pattern string) Typed[E] { return p.cmp(OpRe, pattern) }

// Ref is implemented by ref.Ref[T]: a reference to a T.
type Ref[T any] interface{ Get() *T }

// Items is implemented by *ref.Collection[T]: a collection of T.
type Items[T any] interface{ Items() []*T }

// Related holds when the entity the reference sel selects satisfies c:
//
//	query.Related(func(b *Book) *ref.Ref[Author] { return &b.Author },
//		query.Field[Author, string]("name").Eq("Ann"))
//
// c must be a condition on the reference's target type: anything else
// does not compile.
func Related[E, T any, R Ref[T]](sel func(*E) *R, c Typed[T]) Typed[E] {
	return relatedBy[E, R](sel, c.unwrap())
}

// Some holds when an item of the collection sel selects satisfies c (all
// of c on the same item):
//
//	query.Some(func(a *Author) *ref.Collection[Book] { return &a.Books },
//		query.Field[Book, int]("year").Gt(2000))
func Some[E, T, C any, PC interface {
	*C
	Items[T]
}](sel func(*E) *C, c Typed[T]) Typed[E] {
	return relatedBy[E, C](sel, c.unwrap())
}

func relatedBy[E, R any](sel func(*E) *R, c Cond) Typed[E] {
	name, err := selectedField(reflect.TypeFor[E](), reflect.TypeFor[R](), func(p unsafe.Pointer) unsafe.Pointer {
		return unsafe.Pointer(sel((*E)(p)))
	})
	if err != nil {
		return Typed[E]{errCond{err}}
	}
	if e, ok := c.(errCond); ok {
		return Typed[E]{e}
	}
	return Typed[E]{RelCond{Path: name, C: c}}
}

// selectorKey caches the field a selector picked.
type selectorKey struct {
	entity, value reflect.Type
	offset        uintptr
}

var selectorNames sync.Map // selectorKey → string

// selectedField calls sel on a zero entity of type et and names the
// field of type vt whose address it returned.
func selectedField(et, vt reflect.Type, sel func(unsafe.Pointer) unsafe.Pointer) (name string, err error) {
	if et.Kind() != reflect.Struct {
		return "", fmt.Errorf("query: FieldOf: %s is not an entity struct", et)
	}
	base := reflect.New(et)
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("query: FieldOf on %s: the selector panicked on a zero %s (%v); it must only return the address of a field", et.Name(), et.Name(), r)
		}
	}()
	p := sel(base.UnsafePointer())
	start := uintptr(base.UnsafePointer())
	addr := uintptr(p)
	if p == nil || addr < start || addr >= start+et.Size() {
		return "", fmt.Errorf("query: FieldOf on %s: the selector must return the address of one of %s's fields", et.Name(), et.Name())
	}
	key := selectorKey{et, vt, addr - start}
	if n, ok := selectorNames.Load(key); ok {
		return n.(string), nil
	}
	name, ok := fieldAt(et, vt, addr-start)
	if !ok {
		return "", fmt.Errorf("query: FieldOf on %s: no field of type %s at the selected address", et.Name(), vt)
	}
	selectorNames.Store(key, name)
	return name, nil
}

// fieldAt finds the field of type vt at offset in struct t, looking into
// embedded structs, and returns its name: a dotted path for a field of a
// struct-typed field (an embeddable's "Address.City").
func fieldAt(t reflect.Type, vt reflect.Type, offset uintptr) (string, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if offset < f.Offset || offset >= f.Offset+f.Type.Size() && !(f.Type.Size() == 0 && offset == f.Offset) {
			continue
		}
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			if n, ok := fieldAt(f.Type, vt, offset-f.Offset); ok {
				return n, true
			}
			continue
		}
		if f.Offset == offset && f.Type == vt {
			return f.Name, true
		}
		if f.IsExported() && f.Type.Kind() == reflect.Struct {
			// A field of an embeddable: its dotted path.
			if n, ok := fieldAt(f.Type, vt, offset-f.Offset); ok {
				return f.Name + "." + n, true
			}
		}
	}
	return "", false
}
