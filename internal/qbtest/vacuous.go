package qbtest

import (
	"errors"
	"strings"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/sqlem"
)

// vacuousConditions checks that an UPDATE or DELETE whose condition holds
// for every row once simplified (an empty $nin, NOT of an empty $or, a
// NULL test of a NOT NULL column, ...) is refused like one without a
// condition unless All() asks for it, and that conditions that only look
// alike run.
func vacuousConditions(e *env) {
	m := e.fork()
	none := []int64{}
	vacuous := []struct {
		name string
		qb   func(*sqlem.QueryBuilder[QBook]) *sqlem.QueryBuilder[QBook]
	}{
		{"EmptyNin", func(q *sqlem.QueryBuilder[QBook]) *sqlem.QueryBuilder[QBook] { return q.Where(query.Nin("id", none)) }},
		{"EmptyNinMap", func(q *sqlem.QueryBuilder[QBook]) *sqlem.QueryBuilder[QBook] {
			return q.Where(query.M{"id": query.M{"$nin": []any{}}})
		}},
		{"NotEmptyOr", func(q *sqlem.QueryBuilder[QBook]) *sqlem.QueryBuilder[QBook] { return q.Where(query.Not(query.Or())) }},
		{"NotNotEmpty", func(q *sqlem.QueryBuilder[QBook]) *sqlem.QueryBuilder[QBook] {
			return q.Where(query.Not(query.Not(query.M{})))
		}},
		{"NotEmptyIn", func(q *sqlem.QueryBuilder[QBook]) *sqlem.QueryBuilder[QBook] {
			return q.Where(query.Not(query.In("id", none)))
		}},
		{"NotOrMap", func(q *sqlem.QueryBuilder[QBook]) *sqlem.QueryBuilder[QBook] {
			return q.Where(query.M{"$not": query.M{"$or": []any{}}})
		}},
		{"OrWithEmptyNin", func(q *sqlem.QueryBuilder[QBook]) *sqlem.QueryBuilder[QBook] {
			return q.Where(query.Or(query.Eq("title", "x"), query.Nin("id", none)))
		}},
		{"AndOfVacuous", func(q *sqlem.QueryBuilder[QBook]) *sqlem.QueryBuilder[QBook] {
			return q.Where(query.And(query.Nin("id", none), query.M{}, query.Not(query.Or())))
		}},
		{"OrWhereVacuous", func(q *sqlem.QueryBuilder[QBook]) *sqlem.QueryBuilder[QBook] {
			return q.Where(query.Eq("title", "x")).OrWhere(query.Nin("year", []int{}))
		}},
		{"IsNotNullOfNotNull", func(q *sqlem.QueryBuilder[QBook]) *sqlem.QueryBuilder[QBook] { return q.Where(query.Ne("id", nil)) }},
		{"NotIsNullOfNotNull", func(q *sqlem.QueryBuilder[QBook]) *sqlem.QueryBuilder[QBook] {
			return q.Where(query.Not(query.IsNull("title")))
		}},
		{"RequiredRefExists", func(q *sqlem.QueryBuilder[QBook]) *sqlem.QueryBuilder[QBook] {
			return q.Where(query.M{"author": query.M{}})
		}},
		{"RequiredRefVacuous", func(q *sqlem.QueryBuilder[QBook]) *sqlem.QueryBuilder[QBook] {
			return q.Where(query.M{"author.name": query.M{"$nin": []string{}}})
		}},
		{"AliasGroup", func(q *sqlem.QueryBuilder[QBook]) *sqlem.QueryBuilder[QBook] {
			return q.Where(query.M{"b": query.M{"id": query.M{"$nin": none}}})
		}},
		{"Typed", func(q *sqlem.QueryBuilder[QBook]) *sqlem.QueryBuilder[QBook] {
			return q.Where(query.Field[QBook, int64]("id").Nin())
		}},
		{"TypedNotNot", func(q *sqlem.QueryBuilder[QBook]) *sqlem.QueryBuilder[QBook] {
			return q.Where(query.Field[QBook, int64]("id").In().Not())
		}},
		{"ColumnEqualsItself", func(q *sqlem.QueryBuilder[QBook]) *sqlem.QueryBuilder[QBook] {
			return q.WhereColumns("b.id", "=", "b.id")
		}},
	}
	for _, c := range vacuous {
		for _, q := range []*sqlem.QueryBuilder[QBook]{
			c.qb(sqlem.QB[QBook](m, "b").Delete()),
			c.qb(sqlem.QB[QBook](m, "b").Set("price", 1.0)),
			c.qb(sqlem.QB[QBook](m, "b").Update(map[string]any{"price": 1.0, "year": 1})),
		} {
			sql, _, err := q.ToSQL()
			var ve *gomikro.ValidationError
			if !errors.As(err, &ve) || !strings.Contains(err.Error(), "every row") {
				e.t.Errorf("%s: rendered %q, %v; want a refusal", c.name, sql, err)
			}
			if n, err := q.Execute(e.ctx); err == nil {
				e.t.Errorf("%s: changed %d rows", c.name, n)
			}
		}
		// All() means it.
		if _, _, err := c.qb(sqlem.QB[QBook](m, "b").Set("price", 1.0)).All().ToSQL(); err != nil {
			e.t.Errorf("%s with All(): %v", c.name, err)
		}
	}
	if n, err := sqlem.QB[QBook](e.fork(), "b").Count(e.ctx); err != nil || n != 5 {
		e.t.Fatalf("%d books (%v) after the refused statements, want 5", n, err)
	}

	// Conditions that only look vacuous run.
	runs := []struct {
		name string
		f    query.Filter
		want int64
	}{
		{"EmptyIn", query.In("id", none), 0},
		{"NotEmptyNin", query.Not(query.Nin("id", none)), 0},
		{"NinOfOne", query.Nin("title", []string{"SQL"}), 4},
		{"OrOfEmptyIn", query.Or(query.In("id", none), query.Eq("title", "SQL")), 1},
		{"IsNullOfNullable", query.IsNull("meta"), 5},
		{"NotNotEq", query.Not(query.Not(query.Eq("year", 2000))), 2},
	}
	for i, r := range runs {
		// A new price each time: MySQL counts changed rows only.
		n, err := sqlem.QB[QBook](m, "b").Set("price", float64(100+i)).Where(r.f).Execute(e.ctx)
		if err != nil || n != r.want {
			e.t.Errorf("%s: %d rows, %v; want %d", r.name, n, err, r.want)
		}
	}
	n, err := sqlem.QB[QBook](m, "b").Delete().Where(query.Not(query.Nin("id", none))).Execute(e.ctx)
	if err != nil || n != 0 {
		e.t.Errorf("delete matching nothing: %d rows, %v", n, err)
	}
	// Vacuous with All(): every row, as asked.
	n, err = sqlem.QB[QBook](m, "b").Set("price", 3.0).Where(query.Nin("id", none)).All().Execute(e.ctx)
	if err != nil || n != 5 {
		e.t.Errorf("vacuous update with All(): %d rows, %v; want 5", n, err)
	}
}
