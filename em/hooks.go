package em

import (
	"context"
	"unsafe"

	"github.com/gomikro/gomikro/meta"
)

// Lifecycle hooks are methods an entity's pointer type may define, each
// func(ctx context.Context) error; meta finds them when the ORM opens:
//
//	BeforeCreate, AfterCreate, BeforeUpdate, AfterUpdate,
//	BeforeDelete, AfterDelete, OnLoad, BeforeUpsert, AfterUpsert
//
// Before* hooks run inside Flush before the statements are planned, so
// their changes are written by the same flush; BeforeUpsert and
// AfterUpsert run around Upsert and UpsertMany instead (see Upsert). The
// ctx they receive carries the EntityManager (FromContext). A hook must
// not call Flush.

// ChangeKind says what a flush does to an entity.
type ChangeKind uint8

// Change kinds.
const (
	Created ChangeKind = iota + 1
	Updated
	Deleted
)

// ChangeSet is one entity written by a flush.
type ChangeSet struct {
	Kind ChangeKind
	// Entity is the object (a pointer to the entity struct).
	Entity any
	// Meta describes its type.
	Meta *meta.Entity
	// Changed lists the Go names of the fields an update writes.
	Changed []string
}

// FlushEvent is passed to flush subscribers.
type FlushEvent struct {
	// EM is the EntityManager being flushed.
	EM *EntityManager
	// ChangeSets are the entities the flush writes (empty in BeforeFlush).
	ChangeSets []ChangeSet
}

// BeforeFlushSubscriber is called at the start of every Flush, before
// change sets are computed: changes it makes are flushed.
type BeforeFlushSubscriber interface {
	BeforeFlush(ctx context.Context, ev *FlushEvent) error
}

// OnFlushSubscriber is called once the change sets are known, before any
// statement runs; an error aborts the flush.
type OnFlushSubscriber interface {
	OnFlush(ctx context.Context, ev *FlushEvent) error
}

// AfterFlushSubscriber is called after the flush committed.
type AfterFlushSubscriber interface {
	AfterFlush(ctx context.Context, ev *FlushEvent) error
}

type (
	beforeCreate interface{ BeforeCreate(context.Context) error }
	afterCreate  interface{ AfterCreate(context.Context) error }
	beforeUpdate interface{ BeforeUpdate(context.Context) error }
	afterUpdate  interface{ AfterUpdate(context.Context) error }
	beforeDelete interface{ BeforeDelete(context.Context) error }
	afterDelete  interface{ AfterDelete(context.Context) error }
)

// callHook runs hook h of the entity at p, if it has it.
func callHook(ctx context.Context, e *meta.Entity, p unsafe.Pointer, h meta.Hooks) error {
	if !e.Hooks.Has(h) {
		return nil
	}
	v := e.Interface(p)
	switch h {
	case meta.HookBeforeCreate:
		return v.(beforeCreate).BeforeCreate(ctx)
	case meta.HookAfterCreate:
		return v.(afterCreate).AfterCreate(ctx)
	case meta.HookBeforeUpdate:
		return v.(beforeUpdate).BeforeUpdate(ctx)
	case meta.HookAfterUpdate:
		return v.(afterUpdate).AfterUpdate(ctx)
	case meta.HookBeforeDelete:
		return v.(beforeDelete).BeforeDelete(ctx)
	case meta.HookAfterDelete:
		return v.(afterDelete).AfterDelete(ctx)
	}
	return nil
}
