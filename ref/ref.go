package ref

import (
	"context"
	"errors"
	"reflect"
	"unsafe"

	"github.com/gomikro/gomikro/internal/rel"
	"github.com/gomikro/gomikro/meta"
)

// ErrDetached is returned by Load on a reference or collection that no
// EntityManager manages: persist or load its owner first.
var ErrDetached = errors.New("gomikro: reference is not managed by an EntityManager")

// Ref is an m:1 or 1:1 reference to an entity of type T. The zero Ref
// references nothing (a NULL foreign key).
type Ref[T any] struct {
	_ [0]*T
	r rel.Ref
}

// To returns a reference to the object p (nil gives the zero Ref).
func To[T any](p *T) Ref[T] {
	return Ref[T]{r: rel.Ref{Ptr: unsafe.Pointer(p)}}
}

// FromID returns a reference to the entity of type T with primary key id,
// without loading it. Flushing writes id as the foreign key.
func FromID[T any](id any) Ref[T] {
	return Ref[T]{r: rel.Ref{ID: id}}
}

// Get returns the referenced object, or nil when the reference is empty
// or holds only an id. The object may be an unloaded reference: check
// IsLoaded, or use Load.
func (r Ref[T]) Get() *T { return (*T)(r.r.Ptr) }

// Set points the reference to p (nil empties it).
func (r *Ref[T]) Set(p *T) { r.r = rel.Ref{Ptr: unsafe.Pointer(p), L: r.r.L} }

// IsNil reports whether the reference is empty. The inverse side of a 1:1
// is not known to be empty until it is loaded or populated.
func (r Ref[T]) IsNil() bool { return r.r.Ptr == nil && r.r.ID == nil }

// ID returns the primary key of the referenced entity: the id it was built
// from, or the key of the object it points to (nil when empty).
func (r Ref[T]) ID() any {
	if r.r.Ptr != nil {
		id, _ := meta.PKOf((*T)(r.r.Ptr))
		return id
	}
	if r.r.IsPending() {
		return nil
	}
	return r.r.ID
}

// IsLoaded reports whether the referenced object holds loaded data. A new
// object the user set, and an object already loaded by its
// EntityManager, are loaded; a reference holding only a key is not.
func (r Ref[T]) IsLoaded() bool {
	if r.r.Ptr == nil {
		return false
	}
	if r.r.L == nil {
		return true
	}
	return r.r.L.Initialized(reflect.TypeFor[T](), r.r.Ptr)
}

// Load returns the referenced object, loading it through the
// EntityManager that manages the reference when it is not loaded yet.
// It returns nil and no error for an empty reference.
func (r *Ref[T]) Load(ctx context.Context) (*T, error) {
	if r.IsNil() {
		return nil, nil
	}
	if r.IsLoaded() {
		return (*T)(r.r.Ptr), nil
	}
	if r.r.L == nil {
		return nil, ErrDetached
	}
	if err := r.r.L.LoadRef(ctx, &r.r, reflect.TypeFor[T]()); err != nil {
		return nil, err
	}
	return (*T)(r.r.Ptr), nil
}
