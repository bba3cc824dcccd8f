package sqlem

import (
	"reflect"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/tracking"
)

// insertCache keeps the rendered text of one-row INSERTs, which a unit of
// work per request sends over and over: rendering and quoting them again
// cost more than the rest of the statement's client-side work. Only the
// text is cached; parameters are read from the object on every flush.
//
// Reads are one atomic load and a map lookup (a sync.Map's Load of an
// interface key cost three times that); writes, a few per entity type in
// the life of the ORM, copy the map.
type insertCache struct {
	m  atomic.Pointer[map[*meta.Entity][]cachedInsert] // never modified once stored
	mu sync.Mutex                                      // serializes put
}

// maxCachedInserts bounds the column combinations kept per entity
// (columns left to their database default at insert vary the list).
const maxCachedInserts = 16

type cachedInsert struct {
	cols, ret []*meta.Field
	sql       string
	gets      []getter // of cols
	// convs are the columns a ParamConverter is applied to (convColumns).
	convs uint64
	// one is how a flush whose only write is this insert runs it
	// (insertOne); oneNone: through the general path.
	one oneMode
}

// oneMode is how a one-row insert reads back what the database chose.
type oneMode uint8

const (
	oneNone      oneMode = iota
	oneExec              // nothing to read back
	oneReturning         // RETURNING the generated int64 key (readOneKey)
	oneID                // the generated key is the driver's insert id
)

// get returns the INSERT of one row into e with columns cols returning
// ret, if rendered before.
func (c *insertCache) get(e *meta.Entity, cols, ret []*meta.Field) (string, []getter, bool) {
	if ci := c.lookup(e, cols, ret); ci != nil {
		return ci.sql, ci.gets, true
	}
	return "", nil, false
}

// lookup returns the cached INSERT of one row into e with columns cols
// returning ret (nil: none).
func (c *insertCache) lookup(e *meta.Entity, cols, ret []*meta.Field) *cachedInsert {
	m := c.m.Load()
	if m == nil {
		return nil
	}
	cis := (*m)[e]
	for i := range cis {
		if ci := &cis[i]; slices.Equal(ci.cols, cols) && slices.Equal(ci.ret, ret) {
			return ci
		}
	}
	return nil
}

// put remembers sql and the getters of cols, unless it is known already;
// one is how a flush of this insert alone may run it.
func (c *insertCache) put(e *meta.Entity, cols, ret []*meta.Field, sql string, gets []getter, one oneMode) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lookup(e, cols, ret) != nil {
		return
	}
	var old map[*meta.Entity][]cachedInsert
	if m := c.m.Load(); m != nil {
		old = *m
	}
	if len(old[e]) >= maxCachedInserts {
		return
	}
	next := make(map[*meta.Entity][]cachedInsert, len(old)+1)
	for k, v := range old {
		next[k] = v
	}
	cis := make([]cachedInsert, len(old[e]), len(old[e])+1)
	copy(cis, old[e])
	next[e] = append(cis, cachedInsert{cols: slices.Clone(cols), ret: slices.Clone(ret), sql: sql, gets: gets, convs: convColumns(cols), one: one})
	c.m.Store(&next)
}

// oneInsertMode is how insertOne runs the insert of b's one row when it
// is all a flush writes, as the general path would run it (oneNone: only
// the general path can).
func oneInsertMode(d Dialect, b *tracking.InsertBatch) oneMode {
	e := b.Entity
	if len(b.Rows) != 1 || len(b.Columns) == 0 || tptLevels(e) != nil {
		return oneNone
	}
	if len(b.Columns) > d.MaxParams() {
		return oneNone
	}
	if len(b.Return) == 0 {
		return oneExec
	}
	if useInsertIDs(d, b) {
		if len(rereadColumns(b)) > 0 || !e.GeneratedPK() || !slices.Contains(b.Return, e.PK[0]) {
			return oneNone
		}
		return oneID
	}
	if len(b.Return) == 1 && b.Return[0] == e.PK[0] && e.GeneratedPK() && e.PK[0].GoType.Kind() == reflect.Int64 && d.Returning() {
		return oneReturning
	}
	return oneNone
}
