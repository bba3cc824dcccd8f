package mongoem

import (
	"context"
	"log/slog"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// queryLogger logs operations on a slog.Logger under the message
// "gomikro query", as the SQL backends log statements; a nil one logs
// nothing.
type queryLogger struct {
	l    *slog.Logger
	mask bool
}

func newQueryLogger(l *slog.Logger, mask bool) *queryLogger {
	if l == nil {
		return nil
	}
	return &queryLogger{l: l, mask: mask}
}

// log records one operation: op ("find", "insertMany", ...) on coll, with
// its filter or a summary (hidden when params are masked), the documents
// it returned or affected (-1: unknown) and its error.
func (q *queryLogger) log(ctx context.Context, op, coll string, detail any, start time.Time, n int64, err error) {
	if q == nil {
		return
	}
	attrs := []slog.Attr{slog.String("op", op), slog.String("collection", coll), slog.Duration("duration", time.Since(start))}
	if detail != nil && !q.mask {
		if b, jerr := bson.MarshalExtJSON(bson.D{{Key: "d", Value: detail}}, false, false); jerr == nil {
			attrs = append(attrs, slog.String("args", string(b)))
		}
	}
	if n >= 0 {
		attrs = append(attrs, slog.Int64("rows", n))
	}
	level := slog.LevelDebug
	if err != nil {
		level = slog.LevelWarn
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	q.l.LogAttrs(ctx, level, "gomikro query", attrs...)
}
