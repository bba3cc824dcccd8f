package gomikro

import (
	"log/slog"
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
}
