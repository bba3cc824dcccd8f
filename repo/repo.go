package repo

import (
	"context"

	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/query"
)

// Repository is the typed access to entities of type T through one
// EntityManager. It holds no state of its own: it is cheap to create per
// request, and the zero value is not usable.
type Repository[T any] struct {
	m em.Manager
}

// Of returns the repository of T on m (an *em.EntityManager or a
// backend's EntityManager).
func Of[T any](m em.Manager) Repository[T] { return Repository[T]{m: m} }

// Manager returns the EntityManager the repository works on.
func (r Repository[T]) Manager() em.Manager { return r.m }

// Find returns the entities matching where (nil: all).
func (r Repository[T]) Find(ctx context.Context, where query.Filter, opts ...em.FindOption) ([]*T, error) {
	return em.Find[T](ctx, r.m, where, opts...)
}

// FindAll returns every entity.
func (r Repository[T]) FindAll(ctx context.Context, opts ...em.FindOption) ([]*T, error) {
	return em.FindAll[T](ctx, r.m, opts...)
}

// FindOne returns the first match, or nil without an error; by primary
// key it answers from the identity map when it can (see em.FindOne).
func (r Repository[T]) FindOne(ctx context.Context, where query.Filter, opts ...em.FindOption) (*T, error) {
	return em.FindOne[T](ctx, r.m, where, opts...)
}

// FindOneOrFail returns the first match, or an error matching
// gomikro.ErrNotFound.
func (r Repository[T]) FindOneOrFail(ctx context.Context, where query.Filter, opts ...em.FindOption) (*T, error) {
	return em.FindOneOrFail[T](ctx, r.m, where, opts...)
}

// FindAndCount returns a page of matches and the total count.
func (r Repository[T]) FindAndCount(ctx context.Context, where query.Filter, opts ...em.FindOption) ([]*T, int64, error) {
	return em.FindAndCount[T](ctx, r.m, where, opts...)
}

// Count counts the matches; of opts, em.WithFlushMode and the filter
// options apply.
func (r Repository[T]) Count(ctx context.Context, where query.Filter, opts ...em.FindOption) (int64, error) {
	return em.Count[T](ctx, r.m, where, opts...)
}

// FindByCursor returns a page by cursor pagination (see em.FindByCursor).
func (r Repository[T]) FindByCursor(ctx context.Context, where query.Filter, c em.CursorOptions, opts ...em.FindOption) (*em.Page[T], error) {
	return em.FindByCursor[T](ctx, r.m, where, c, opts...)
}

// GetReference returns the managed object with key id without a query.
func (r Repository[T]) GetReference(id any) (*T, error) {
	return em.GetReference[T](r.m, id)
}

// Create builds and persists a new entity from a T, *T or map.
func (r Repository[T]) Create(data any) (*T, error) {
	return em.Create[T](r.m, data)
}

// Persist marks entities for insertion at the next flush.
func (r Repository[T]) Persist(entities ...*T) error {
	return r.core().Persist(anys(entities)...)
}

// Remove marks entities for deletion at the next flush.
func (r Repository[T]) Remove(entities ...*T) error {
	return r.core().Remove(anys(entities)...)
}

// Assign sets an entity's properties from a map (see em.EntityManager.Assign).
func (r Repository[T]) Assign(entity *T, data map[string]any) error {
	return r.core().Assign(entity, data)
}

// Flush writes the EntityManager's pending changes (of every type).
func (r Repository[T]) Flush(ctx context.Context) error {
	return r.core().Flush(ctx)
}

// Upsert inserts entity or updates the row with the same unique key and
// returns the managed entity holding the row; see em.Upsert.
func (r Repository[T]) Upsert(ctx context.Context, entity *T, opts ...em.UpsertOption) (*T, error) {
	return em.Upsert[T](ctx, r.m, entity, opts...)
}

// UpsertMany is Upsert for many entities, batched; see em.UpsertMany.
func (r Repository[T]) UpsertMany(ctx context.Context, entities []*T, opts ...em.UpsertOption) ([]*T, error) {
	return em.UpsertMany[T](ctx, r.m, entities, opts...)
}

func (r Repository[T]) core() *em.EntityManager { return em.Core(r.m) }

func anys[T any](xs []*T) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}
