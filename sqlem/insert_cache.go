package sqlem

import (
	"maps"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/gomikro/gomikro/meta"
)

// insertCache keeps the rendered text of one-row INSERTs, which a unit of
// work per request sends over and over: rendering and quoting them again
// cost more than the rest of the statement's client-side work. Only the
// text is cached; parameters are read from the object on every flush.
type insertCache struct {
	// m is replaced, never changed, once stored (and so are its lists):
	// a read is one map lookup.
	m  atomic.Pointer[map[*meta.Entity][]cachedInsert]
	mu sync.Mutex // serializes the writers of m
}

// maxCachedInserts bounds the column combinations kept per entity
// (columns left to their database default at insert vary the list).
const maxCachedInserts = 16

type cachedInsert struct {
	cols, ret []*meta.Field
	sql       string
	gets      []getter // of cols
}

// get returns the INSERT of one row into e with columns cols returning
// ret, if rendered before.
func (c *insertCache) get(e *meta.Entity, cols, ret []*meta.Field) (string, []getter, bool) {
	m := c.m.Load()
	if m == nil {
		return "", nil, false
	}
	for _, ci := range (*m)[e] {
		if slices.Equal(ci.cols, cols) && slices.Equal(ci.ret, ret) {
			return ci.sql, ci.gets, true
		}
	}
	return "", nil, false
}

// put remembers sql and the getters of cols, unless it is known already.
func (c *insertCache) put(e *meta.Entity, cols, ret []*meta.Field, sql string, gets []getter) {
	if _, _, ok := c.get(e, cols, ret); ok {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, _, ok := c.get(e, cols, ret); ok {
		return
	}
	var all map[*meta.Entity][]cachedInsert
	if m := c.m.Load(); m != nil {
		all = maps.Clone(*m)
	} else {
		all = make(map[*meta.Entity][]cachedInsert, 1)
	}
	old := all[e]
	if len(old) >= maxCachedInserts {
		return
	}
	next := make([]cachedInsert, len(old), len(old)+1)
	copy(next, old)
	all[e] = append(next, cachedInsert{cols: slices.Clone(cols), ret: slices.Clone(ret), sql: sql, gets: gets})
	c.m.Store(&all)
}
