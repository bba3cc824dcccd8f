// Package rel holds the non-generic state behind ref.Ref[T] and
// ref.Collection[T]. The generic types in package ref are thin typed faces
// over these structs (each is laid out as a zero-size marker followed by
// the state at offset 0), so the core can read and write relations through
// a plain pointer cast, without reflection or interface calls on the hot
// path.
package rel

import (
	"context"
	"reflect"
	"unsafe"
)

// Loader is what an EntityManager provides to references and collections
// it hydrates or manages, so that Load can run without the caller passing
// the EntityManager.
type Loader interface {
	// LoadRef initializes the entity r points to (or loads it by r.ID).
	LoadRef(ctx context.Context, r *Ref, target reflect.Type) error
	// Initialized reports whether the managed object p holds loaded data
	// (false for references that carry only their primary key).
	Initialized(target reflect.Type, p unsafe.Pointer) bool
	// LoadCollection loads the items of c from the database.
	LoadCollection(ctx context.Context, c *Collection) error
}

// Loaders points to the Loader of one EntityManager. References and
// collections hold a *Loaders, one word instead of an interface's two:
// every managed entity carries one per relation.
type Loaders struct{ Loader }

// Ref is the state of a ref.Ref[T].
type Ref struct {
	// Ptr is the referenced object (*T), or nil.
	Ptr unsafe.Pointer
	// ID is a primary key known without an object (ref.FromID), used
	// while Ptr is nil.
	ID any
	// L loads the reference; nil for references the user built.
	L *Loaders
}

// Pending is the ID of an inverse 1:1 reference of a loaded entity whose
// other side has not been looked up yet: Load asks the database for the
// row whose owning reference points back to Owner.
type Pending struct {
	Owner unsafe.Pointer
	// Field is the inverse *meta.Field.
	Field any
}

// IsPending reports whether r is an inverse reference not looked up yet.
func (r *Ref) IsPending() bool {
	_, ok := r.ID.(*Pending)
	return ok
}

// Collection is the state of a ref.Collection[T].
type Collection struct {
	// Items are the *T objects in the collection.
	Items []unsafe.Pointer
	// Snapshot is Items as last loaded or flushed; nil with Tracked false
	// means the collection was never loaded.
	Snapshot []unsafe.Pointer
	// Owner is the entity the collection belongs to.
	Owner unsafe.Pointer
	// Field is the owner's *meta.Field describing the relation.
	Field any
	// L loads the collection; nil until the owner is managed.
	L *Loaders
	// Initialized is true once the items are known: loaded, or the owner
	// is new.
	Initialized bool
	// Tracked is true once Snapshot holds the last known database state.
	Tracked bool
}

// TargetOf reports whether t is a ref.Ref[T] or ref.Collection[T] and
// returns T. Both are laid out as struct{ _ [0]*T; state }, the zero-size
// marker carrying T for reflection.
func TargetOf(t reflect.Type) (target reflect.Type, isCollection, ok bool) {
	if t.Kind() != reflect.Struct || t.NumField() != 2 {
		return nil, false, false
	}
	m, s := t.Field(0), t.Field(1)
	if m.Type.Kind() != reflect.Array || m.Type.Len() != 0 || m.Type.Elem().Kind() != reflect.Pointer || s.Offset != 0 {
		return nil, false, false
	}
	switch s.Type {
	case refType:
		return m.Type.Elem().Elem(), false, true
	case collType:
		return m.Type.Elem().Elem(), true, true
	}
	return nil, false, false
}

var (
	refType  = reflect.TypeFor[Ref]()
	collType = reflect.TypeFor[Collection]()
)

// RefAt returns the Ref state of the ref.Ref[T] field at p.
func RefAt(p unsafe.Pointer) *Ref { return (*Ref)(p) }

// CollectionAt returns the Collection state of the ref.Collection[T] field at p.
func CollectionAt(p unsafe.Pointer) *Collection { return (*Collection)(p) }
