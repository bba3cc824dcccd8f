package mongoem

import (
	"context"
	"log/slog"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/gomikro/gomikro/internal/qlog"
)

// queryLogger logs operations in the query log, as the SQL backends log
// statements; a nil one logs nothing.
type queryLogger struct{ *qlog.Logger }

func newQueryLogger(l *slog.Logger, mask bool) *queryLogger {
	q := qlog.New(l, mask)
	if q == nil {
		return nil
	}
	return &queryLogger{q}
}

// log records one operation: op ("find", "insertMany", ...) on coll, with
// its filter or a summary (hidden when params are masked), the documents
// it returned or affected (-1: unknown) and its error.
func (q *queryLogger) log(ctx context.Context, op, coll string, detail any, start time.Time, n int64, err error) {
	if q == nil {
		return
	}
	attrs := []slog.Attr{slog.String("op", op), slog.String("collection", coll)}
	if detail != nil && !q.Mask {
		if b, jerr := bson.MarshalExtJSON(bson.D{{Key: "d", Value: detail}}, false, false); jerr == nil {
			attrs = append(attrs, slog.String("args", string(b)))
		}
	}
	q.LogParams(ctx, start, n, err, []any{detail}, attrs...)
}
