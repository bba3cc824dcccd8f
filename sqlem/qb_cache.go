package sqlem

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unsafe"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
)

// Cache makes GetResult and GetEntities use the ORM's result cache for
// ttl, as em.Cache does for a find: the key is the statement as sent
// (the active filters included) and its parameters; the rows are cached,
// and a hit hydrates them into the EntityManager as a query does. A
// committed write to a type the statement reads (its root, joined and
// sub-query types as far as the builder knows them) drops the entry.
// JoinAndSelect is refused with it; Populate runs as usual. Inside a
// transaction and with a lock the cache is not used.
func (qb *QueryBuilder[T]) Cache(ttl time.Duration) *QueryBuilder[T] {
	return qb.CacheAs("", ttl)
}

// CacheAs is Cache under a key of the caller's (see em.CacheAs).
func (qb *QueryBuilder[T]) CacheAs(key string, ttl time.Duration) *QueryBuilder[T] {
	c := qb.clone()
	c.cacheKey, c.cacheTTL = key, ttl
	if ttl <= 0 {
		c.cacheTTL = -1 // refused when run
	}
	return c
}

// fetch is load through the result cache when the builder asks for it.
func (s *qbState) fetch(ctx context.Context, sink *em.RowSink) ([]unsafe.Pointer, error) {
	if s.cacheTTL == 0 {
		return s.load(ctx, sink)
	}
	core := sink.Manager()
	if core.InTransaction() || s.lock != LockNone {
		return s.load(ctx, sink)
	}
	if err := s.ready(); err != nil {
		return nil, err
	}
	for _, j := range s.joins {
		if j.sel {
			return nil, &gomikro.ValidationError{Msg: fmt.Sprintf("query builder: Cache does not apply with JoinAndSelect(%q): cache the query of the related entities on its own, or use Populate", j.path)}
		}
	}
	fs, err := s.filtered(core)
	if err != nil {
		return nil, err
	}
	b := newBuilder(s.m.drv.d)
	pl, err := fs.selectSQL(b, nil, selEntities)
	if err != nil {
		return nil, err
	}
	key := s.cacheKey
	if key == "" {
		var k strings.Builder
		k.WriteString("gomikro:qb:")
		k.WriteString(b.String())
		for _, a := range b.args {
			fmt.Fprintf(&k, "\x00%T=%v", a, a)
		}
		key = k.String()
	}
	// The flush mode's flush first, as the query would: it may drop the
	// entry.
	if err := core.AutoFlush(ctx, s.flushMode, pl.sc.touched()...); err != nil {
		return nil, err
	}
	plain := *s
	plain.populate = nil
	objs, err := em.CachedLoad(ctx, sink, pl.sc.rootE, key, time.Duration(max(s.cacheTTL, 0)), pl.sc.touched(), func(rec *em.RowSink) error {
		_, err := plain.load(ctx, rec)
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := sink.Populate(ctx, pl.sc.rootE, objs, s.populate); err != nil {
		return nil, err
	}
	return objs, nil
}
