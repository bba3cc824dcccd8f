// Package qlog writes the query log of every backend: one slog record per
// statement or operation, with the message "gomikro query", at Debug
// level (Warn when it failed or took Slow or longer), carrying the backend's own attributes (the
// SQL and its parameters, or the MongoDB operation and collection), then
// its duration, the rows or documents it returned or affected, and its
// error.
//
// With Mask set the parameters are not logged, and neither are the values
// that drivers copy into their error messages: see Redact.
package qlog

import (
	"context"
	"log/slog"
	"time"
)

// Message is the message of every query record.
const Message = "gomikro query"

// Logger writes query records; a nil *Logger writes nothing.
type Logger struct {
	l *slog.Logger
	// Mask hides parameter values: backends log how many there are, or
	// nothing, instead, and error messages are redacted.
	Mask bool
	// Slow, when positive, is the duration from which a statement is
	// logged at Warn level, with the attribute slow=true.
	Slow time.Duration
}

// New returns a Logger on l, or nil when l is nil.
func New(l *slog.Logger, mask bool) *Logger {
	if l == nil {
		return nil
	}
	return &Logger{l: l, Mask: mask}
}

// Log records one operation that began at start and returned or
// affected rows rows (negative: unknown), with the backend's attrs.
func (q *Logger) Log(ctx context.Context, start time.Time, rows int64, err error, attrs ...slog.Attr) {
	q.LogParams(ctx, start, rows, err, nil, attrs...)
}

// LogParams is Log for an operation that bound params: when masking,
// their text is redacted from the error's message (see Redact).
func (q *Logger) LogParams(ctx context.Context, start time.Time, rows int64, err error, params []any, attrs ...slog.Attr) {
	if q == nil {
		return
	}
	d := time.Since(start)
	attrs = append(attrs, slog.Duration("duration", d))
	if rows >= 0 {
		attrs = append(attrs, slog.Int64("rows", rows))
	}
	level := slog.LevelDebug
	if q.Slow > 0 && d >= q.Slow {
		level = slog.LevelWarn
		attrs = append(attrs, slog.Bool("slow", true))
	}
	if err != nil {
		level = slog.LevelWarn
		msg := err.Error()
		if q.Mask {
			msg = Redact(msg, params)
		}
		attrs = append(attrs, slog.String("error", msg))
	}
	q.l.LogAttrs(ctx, level, Message, attrs...)
}
