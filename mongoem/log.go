package mongoem

import (
	"context"
	"log/slog"
	"sort"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/gomikro/gomikro/internal/qlog"
)

// queryLogger logs operations in the query log, as the SQL backends log
// statements; a nil one logs nothing.
type queryLogger struct{ *qlog.Logger }

func newQueryLogger(l *slog.Logger, mask bool, slow time.Duration) *queryLogger {
	q := qlog.New(l, mask)
	if q == nil {
		return nil
	}
	q.Slow = slow
	return &queryLogger{q}
}

// log records one operation: op ("find", "insertMany", ...) on coll, with
// its filter or a summary (hidden when params are masked), the documents
// it returned or affected (-1: unknown) and its error.
func (q *queryLogger) log(ctx context.Context, op, coll string, detail any, start time.Time, n int64, err error) {
	if st := qlog.StatsOf(ctx); st != nil {
		shape := ""
		if st.Watching() {
			shape = op + " " + coll + " " + shapeOf(detail)
		}
		st.Note(shape)
	}
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

// shapeOf renders a filter or pipeline with its values replaced by "?":
// the same statement with other values has the same shape.
func shapeOf(v any) string {
	var b strings.Builder
	writeShape(&b, v)
	return b.String()
}

func writeShape(b *strings.Builder, v any) {
	switch v := v.(type) {
	case bson.D:
		b.WriteByte('{')
		for i, e := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(e.Key)
			b.WriteByte(':')
			writeShape(b, e.Value)
		}
		b.WriteByte('}')
	case bson.M:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(k)
			b.WriteByte(':')
			writeShape(b, v[k])
		}
		b.WriteByte('}')
	case bson.A:
		// A list of values ($in) is one shape whatever its length; a list
		// of documents ($and, $or, a pipeline) keeps its structure.
		b.WriteByte('[')
		for i, x := range v {
			if _, doc := x.(bson.D); !doc {
				if _, m := x.(bson.M); !m {
					b.WriteByte('?')
					break
				}
			}
			if i > 0 {
				b.WriteByte(',')
			}
			writeShape(b, x)
		}
		b.WriteByte(']')
	case []bson.D:
		writeShape(b, bson.A(anySlice(v)))
	case nil:
	default:
		b.WriteByte('?')
	}
}

func anySlice(ds []bson.D) []any {
	out := make([]any, len(ds))
	for i, d := range ds {
		out[i] = d
	}
	return out
}
