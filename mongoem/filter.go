package mongoem

import (
	"context"
	sqldriver "database/sql/driver"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/query"
)

// MaxRelationKeys bounds the keys a relation condition may resolve to.
// MongoDB has no join: a condition through a relation ("author.name",
// {"tags": {"name": "go"}}) is answered by a first query on the related
// collection whose matching keys then go into an $in of the main query.
// A condition matching more related documents than this is an error
// rather than a huge $in list; filter on the owning side instead, or
// use Aggregate with $lookup.
var MaxRelationKeys = 100_000

// never is a filter no document matches.
var never = bson.D{{Key: idField, Value: bson.D{{Key: "$in", Value: bson.A{}}}}}

// filter translates a resolved filter on e into a MongoDB filter.
func (r runner) filter(ctx context.Context, e *meta.Entity, x query.Expr) (bson.D, error) {
	if x == nil {
		return bson.D{}, nil
	}
	return r.expr(ctx, e, x)
}

func (r runner) expr(ctx context.Context, e *meta.Entity, x query.Expr) (bson.D, error) {
	switch x := x.(type) {
	case nil:
		return bson.D{}, nil
	case query.FieldCmp:
		return r.cmp(x)
	case query.AndExpr:
		if len(x) == 0 {
			return bson.D{}, nil
		}
		parts, err := r.exprs(ctx, e, x)
		if err != nil {
			return nil, err
		}
		if len(parts) == 1 {
			return parts[0].(bson.D), nil
		}
		return bson.D{{Key: "$and", Value: parts}}, nil
	case query.OrExpr:
		if len(x) == 0 {
			return never, nil
		}
		parts, err := r.exprs(ctx, e, x)
		if err != nil {
			return nil, err
		}
		return bson.D{{Key: "$or", Value: parts}}, nil
	case query.NotExpr:
		inner, err := r.expr(ctx, e, x.E)
		if err != nil {
			return nil, err
		}
		return bson.D{{Key: "$nor", Value: bson.A{inner}}}, nil
	case query.RelExpr:
		return r.relation(ctx, x)
	}
	return nil, fmt.Errorf("gomikro: %s: unsupported filter node %T", e.Name, x)
}

func (r runner) exprs(ctx context.Context, e *meta.Entity, xs []query.Expr) (bson.A, error) {
	out := make(bson.A, len(xs))
	for i, x := range xs {
		d, err := r.expr(ctx, e, x)
		if err != nil {
			return nil, err
		}
		out[i] = d
	}
	return out, nil
}

// cmp translates a comparison of one field.
func (r runner) cmp(c query.FieldCmp) (bson.D, error) {
	f := c.Field
	path := r.d.info[f.Entity].path[f]
	op := func(name string, v any) bson.D { return bson.D{{Key: path, Value: bson.D{{Key: name, Value: v}}}} }
	switch c.Op {
	case query.OpExists:
		if yes, _ := c.Value.(bool); yes {
			return op("$ne", nil), nil
		}
		return bson.D{{Key: path, Value: nil}}, nil
	case query.OpIn, query.OpNin:
		rv := reflect.ValueOf(c.Value)
		list := bson.A{}
		if rv.IsValid() && (rv.Kind() == reflect.Slice || rv.Kind() == reflect.Array) {
			list = make(bson.A, rv.Len())
			for i := range rv.Len() {
				v, err := r.d.queryValue(f, rv.Index(i).Interface())
				if err != nil {
					return nil, err
				}
				list[i] = v
			}
		}
		if c.Op == query.OpIn {
			return op("$in", list), nil
		}
		return op("$nin", list), nil
	case query.OpLike, query.OpIlike, query.OpRe:
		s, ok := c.Value.(string)
		if !ok {
			return nil, fmt.Errorf("gomikro: %s %s: want a string pattern, got %T", f, c.Op, c.Value)
		}
		opts := ""
		switch c.Op {
		case query.OpLike:
			s, opts = likeToRegex(s), "s"
		case query.OpIlike:
			s, opts = likeToRegex(s), "si"
		}
		re := bson.D{{Key: "$regex", Value: s}}
		if opts != "" {
			re = append(re, bson.E{Key: "$options", Value: opts})
		}
		return bson.D{{Key: path, Value: re}}, nil
	}
	v, err := r.d.queryValue(f, c.Value)
	if err != nil {
		return nil, err
	}
	switch c.Op {
	case query.OpEq:
		if v == nil {
			return bson.D{{Key: path, Value: nil}}, nil
		}
		return op("$eq", v), nil
	case query.OpNe:
		return op("$ne", v), nil
	case query.OpGt:
		return op("$gt", v), nil
	case query.OpGte:
		return op("$gte", v), nil
	case query.OpLt:
		return op("$lt", v), nil
	case query.OpLte:
		return op("$lte", v), nil
	}
	return nil, fmt.Errorf("gomikro: %s: unsupported operator %s", f, c.Op)
}

// likeToRegex turns a LIKE pattern (% and _) into an anchored regular
// expression.
func likeToRegex(p string) string {
	var b strings.Builder
	b.WriteByte('^')
	for _, ch := range p {
		switch ch {
		case '%':
			b.WriteString(".*")
		case '_':
			b.WriteByte('.')
		default:
			b.WriteString(regexp.QuoteMeta(string(ch)))
		}
	}
	b.WriteByte('$')
	return b.String()
}

// queryValue converts a filter value for field f to its stored BSON form.
func (d *driver) queryValue(f *meta.Field, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	if f.Storage == meta.StoreRef {
		return d.encodeKey(f.Rel.Target.PK[0], v)
	}
	if f.PK && d.isObjectIDKey(f) || f.Storage == meta.StoreText {
		return d.encodeKey(f, v)
	}
	rv := reflect.ValueOf(v)
	if rv.Type() == f.GoType {
		return d.encodeGo(f, rv)
	}
	if val, ok := v.(sqldriver.Valuer); ok {
		return valuerToBSON(f, val)
	}
	if f.Storage == meta.StoreJSON {
		return jsonToBSON(f, rv)
	}
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil, nil
		}
		rv = rv.Elem()
	}
	x, err := plainValue(rv)
	if err != nil {
		return nil, fmt.Errorf("gomikro: %s: %w", f, err)
	}
	return x, nil
}

// relation translates a condition through a relation: a first query on
// the related collection finds the keys that link to the matching
// documents, then the condition becomes an $in on them.
func (r runner) relation(ctx context.Context, x query.RelExpr) (bson.D, error) {
	f := x.Field
	t := f.Rel.Target
	owner := r.d.info[f.Entity]
	switch {
	case f.Storage == meta.StoreRef:
		ids, err := r.collect(ctx, t, x.E, idField)
		if err != nil {
			return nil, err
		}
		return bson.D{{Key: owner.path[f], Value: bson.D{{Key: "$in", Value: ids}}}}, nil
	case f.Rel.Kind == meta.ManyToMany && f.Rel.Owner:
		ids, err := r.collect(ctx, t, x.E, idField)
		if err != nil {
			return nil, err
		}
		return bson.D{{Key: owner.path[f], Value: bson.D{{Key: "$in", Value: ids}}}}, nil
	case f.Rel.MappedBy != nil:
		// 1:m, inverse 1:1, inverse m:n: the target holds the link.
		back := r.d.info[t].path[f.Rel.MappedBy]
		keys, err := r.collect(ctx, t, x.E, back)
		if err != nil {
			return nil, err
		}
		return bson.D{{Key: idField, Value: bson.D{{Key: "$in", Value: keys}}}}, nil
	}
	return nil, fmt.Errorf("gomikro: %s: a condition through this relation needs a join, which MongoDB does not have", f)
}

// collect returns the distinct values at path (array elements spread) of
// the documents of e matching x.
func (r runner) collect(ctx context.Context, e *meta.Entity, x query.Expr, path string) (bson.A, error) {
	filter, err := r.filter(ctx, e, x)
	if err != nil {
		return nil, err
	}
	if path != idField {
		filter = append(filter, bson.E{Key: path, Value: bson.D{{Key: "$ne", Value: nil}}})
	}
	in := r.d.info[e]
	opts := options.Find().SetProjection(bson.D{{Key: path, Value: 1}})
	start := time.Now()
	cur, err := r.d.db.Collection(in.coll).Find(r.ctx(ctx), filter, opts)
	if err != nil {
		r.d.log.log(ctx, "find", in.coll, filter, start, -1, err)
		return nil, err
	}
	defer cur.Close(context.WithoutCancel(ctx))
	seen := map[string]bool{}
	out := bson.A{}
	parts := strings.Split(path, ".")
	var n int64
	for cur.Next(ctx) {
		n++
		rv, err := cur.Current.LookupErr(parts...)
		if err != nil {
			continue
		}
		vals := []bson.RawValue{rv}
		if rv.Type == bson.TypeArray {
			if vals, err = arrayValues(rv); err != nil {
				return nil, err
			}
		}
		for _, v := range vals {
			if isNull(v) {
				continue
			}
			k := keyString(v)
			if seen[k] {
				continue
			}
			seen[k] = true
			out = append(out, v)
			if len(out) > MaxRelationKeys {
				err := fmt.Errorf("gomikro: a condition on %s matches more than %d documents (MaxRelationKeys); MongoDB has no join, so such a condition is resolved to a list of keys: narrow it, or use Aggregate", e.Name, MaxRelationKeys)
				r.d.log.log(ctx, "find", in.coll, filter, start, n, err)
				return nil, err
			}
		}
	}
	err = cur.Err()
	r.d.log.log(ctx, "find", in.coll, filter, start, n, err)
	return out, err
}
