package sqlem

import (
	"slices"
	"sync"

	"github.com/gomikro/gomikro/meta"
)

// insertCache keeps the rendered text of one-row INSERTs, which a unit of
// work per request sends over and over: rendering and quoting them again
// cost more than the rest of the statement's client-side work. Only the
// text is cached; parameters are read from the object on every flush.
type insertCache struct {
	m sync.Map // *meta.Entity -> []cachedInsert (never modified once stored)
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
	v, ok := c.m.Load(e)
	if !ok {
		return "", nil, false
	}
	for _, ci := range v.([]cachedInsert) {
		if slices.Equal(ci.cols, cols) && slices.Equal(ci.ret, ret) {
			return ci.sql, ci.gets, true
		}
	}
	return "", nil, false
}

// put remembers sql and the getters of cols, unless it is known already. Concurrent puts may
// drop one another's entry; the next flush renders it again.
func (c *insertCache) put(e *meta.Entity, cols, ret []*meta.Field, sql string, gets []getter) {
	if _, _, ok := c.get(e, cols, ret); ok {
		return
	}
	var old []cachedInsert
	if v, ok := c.m.Load(e); ok {
		old = v.([]cachedInsert)
	}
	if len(old) >= maxCachedInserts {
		return
	}
	next := make([]cachedInsert, len(old), len(old)+1)
	copy(next, old)
	next = append(next, cachedInsert{cols: slices.Clone(cols), ret: slices.Clone(ret), sql: sql, gets: gets})
	c.m.Store(e, next)
}
