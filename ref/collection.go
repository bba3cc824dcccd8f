package ref

import (
	"context"
	"iter"
	"slices"
	"unsafe"

	"github.com/gomikro/gomikro/internal/rel"
)

// Collection is the 1:m or m:n side of a relation: the entities of type T
// related to the owner. Add and Remove are tracked; the next flush writes
// them (foreign keys for 1:m, pivot rows for m:n).
//
// A collection of a loaded entity is not loaded until it is populated or
// Load is called; IsLoaded tells. A collection of a persisted new entity is
// loaded (and empty) from the start, and a new entity persisted with a
// reference to an owner whose collection is loaded joins that collection
// at the next flush.
type Collection[T any] struct {
	_ [0]*T
	c rel.Collection
}

// NewCollection returns a loaded collection holding items, for building new
// entities in one expression.
func NewCollection[T any](items ...*T) Collection[T] {
	var c Collection[T]
	c.c.Initialized = true
	c.Add(items...)
	return c
}

// Items returns a copy of the items.
func (c *Collection[T]) Items() []*T {
	out := make([]*T, len(c.c.Items))
	for i, p := range c.c.Items {
		out[i] = (*T)(p)
	}
	return out
}

// All iterates over the items.
func (c *Collection[T]) All() iter.Seq[*T] {
	return func(yield func(*T) bool) {
		for _, p := range c.c.Items {
			if !yield((*T)(p)) {
				return
			}
		}
	}
}

// Len returns the number of items.
func (c *Collection[T]) Len() int { return len(c.c.Items) }

// Contains reports whether p is in the collection.
func (c *Collection[T]) Contains(p *T) bool {
	return slices.Contains(c.c.Items, unsafe.Pointer(p))
}

// Add appends items not already in the collection.
func (c *Collection[T]) Add(items ...*T) {
	for _, p := range items {
		if p == nil || c.Contains(p) {
			continue
		}
		// Never append in place: the snapshot may share the array.
		c.c.Items = append(c.c.Items[:len(c.c.Items):len(c.c.Items)], unsafe.Pointer(p))
	}
	if c.c.Owner == nil {
		c.c.Initialized = true
	}
}

// Remove takes items out of the collection.
func (c *Collection[T]) Remove(items ...*T) {
	out := make([]unsafe.Pointer, 0, len(c.c.Items))
	for _, p := range c.c.Items {
		if !slices.Contains(items, (*T)(p)) {
			out = append(out, p)
		}
	}
	c.c.Items = out
}

// RemoveAll empties the collection.
func (c *Collection[T]) RemoveAll() { c.c.Items = nil }

// Set replaces the items.
func (c *Collection[T]) Set(items ...*T) {
	c.c.Items = nil
	c.Add(items...)
}

// IsLoaded reports whether the items are known (loaded, or the owner is new).
func (c *Collection[T]) IsLoaded() bool { return c.c.Initialized }

// Load loads the items through the EntityManager that manages the owner,
// unless they are loaded already, and returns them.
func (c *Collection[T]) Load(ctx context.Context) ([]*T, error) {
	if !c.c.Initialized {
		if c.c.L == nil {
			return nil, ErrDetached
		}
		if err := c.c.L.LoadCollection(ctx, &c.c); err != nil {
			return nil, err
		}
	}
	return c.Items(), nil
}
