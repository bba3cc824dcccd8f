package gomikro

import (
	"log/slog"
	"strconv"
	"time"

	"github.com/gomikro/gomikro/meta"
)

// Config opens an ORM. Only DSN and Entities are required.
type Config struct {
	// DSN is the backend's connection string.
	DSN string
	// Entities are the entity structs (values or pointers to them).
	Entities []any
	// Naming chooses table and column names; nil means meta.SnakeCase.
	Naming meta.NamingStrategy
	// Logger, when set, receives every statement at Debug level with its
	// parameters, duration and rows affected.
	Logger *slog.Logger
	// SlowQuery, when positive, logs the statements that take this long
	// or longer at Warn level (with slow=true), so a handler at Warn
	// level shows only them (and failures). It needs Logger.
	SlowQuery time.Duration
	// MaskParams hides statement parameters in the log.
	MaskParams bool
	// AllowGlobalContext lets the global EntityManager (ORM.EM()) persist
	// and query. Off by default: fork one per request or unit of work.
	AllowGlobalContext bool
	// Subscribers receive flush events; each must implement at least one
	// of em.BeforeFlushSubscriber, em.OnFlushSubscriber and
	// em.AfterFlushSubscriber.
	Subscribers []any
	// Filters are the named global filters (see Filter); the built-in
	// SoftDeleteFilter needs no entry.
	Filters []Filter
	// MaxConns caps the connection pool (0: the driver's default).
	MaxConns int
	// ConnectTimeout bounds Open's first connection (0: 10 seconds).
	ConnectTimeout time.Duration
	// FlushMode says when queries flush pending changes first (0:
	// FlushAuto); forks and single queries can override it.
	FlushMode FlushMode
	// ResultCache stores the results of the finds and counts asked to be
	// cached (em.Cache, em.CacheAs); nil means an in-memory store of
	// DefaultCacheSize results, made on first use.
	ResultCache CacheStore
	// Replicas are connection strings (DSNs, URIs) of read replicas of
	// the database of DSN, of the same backend. Reads outside a
	// transaction go to them, in turn, until the EntityManager writes
	// (see em.EntityManager.UsePrimary); writes always go to DSN.
	Replicas []string
	// KeyBlockSize (MongoDB only: SQL databases generate keys themselves)
	// is the smallest block of generated integer keys the ORM reserves
	// from the counters collection at a time, per collection, for all its
	// EntityManagers: a flush takes its keys from the block and reserves
	// a new one (of at least its number of new documents) only when the
	// block runs out. 0 means mongoem.DefaultKeyBlockSize (100); 1
	// reserves the keys of each insert batch on its own. Keys left in a
	// block when the process exits are never used (a gap).
	KeyBlockSize int
}

// FlushMode says when an EntityManager writes its pending changes without
// being asked to, as MikroORM's flush modes do. The zero value means
// "inherit": FlushAuto in Config, the ORM's mode for a fork, the
// EntityManager's mode for one query.
type FlushMode uint8

// Flush modes.
const (
	// FlushAuto (the default) flushes before a query (Find, FindOne,
	// Count, a query builder's select, an aggregation) that touches an
	// entity type with pending changes: new, changed or removed entities
	// of the queried type or of the types its filter and Populate reach.
	// Nothing is checked, written or sent when nothing is pending.
	FlushAuto FlushMode = iota + 1
	// FlushCommit flushes only on Flush and on commit (Transactional,
	// Commit): queries do not see pending changes.
	FlushCommit
	// FlushAlways flushes before every query.
	FlushAlways
)

// String returns AUTO, COMMIT or ALWAYS ("" for the zero value).
func (f FlushMode) String() string {
	switch f {
	case 0:
		return ""
	case FlushAuto:
		return "AUTO"
	case FlushCommit:
		return "COMMIT"
	case FlushAlways:
		return "ALWAYS"
	}
	return "FlushMode(" + strconv.Itoa(int(f)) + ")"
}
