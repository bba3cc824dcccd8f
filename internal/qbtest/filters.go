package qbtest

import (
	"errors"
	"strings"
	"time"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/sqlem"
)

// QMemo is a tenant's memo, soft-deleted.
type QMemo struct {
	ID        int64      `orm:"pk"`
	Tenant    string     `orm:"length=10"`
	Title     string     `orm:"length=50"`
	DeletedAt *time.Time `orm:"softDelete"`
}

// globalFilters: a select of the query builder (GetResult, Count, Scan,
// ToSQL) is filtered on its root entity by the active filters, ANDed with
// its own conditions (an OR among them included); FilterOptions switches
// them per query; a missing parameter is an error; updates and deletes
// are not filtered.
func globalFilters(e *env) {
	tenant := gomikro.Filter{
		Name:   "tenant",
		Params: []string{"tenant"},
		Cond: func(_ *meta.Entity, p gomikro.FilterParams) (query.Filter, error) {
			return query.Eq("tenant", p["tenant"]), nil
		},
	}
	orm := e.open(gomikro.Config{Entities: []any{QMemo{}}, Filters: []gomikro.Filter{tenant}})
	m := orm.EM().Fork()
	memos := []*QMemo{{Tenant: "a", Title: "a1"}, {Tenant: "a", Title: "a2"}, {Tenant: "a", Title: "a3"}, {Tenant: "b", Title: "b1"}}
	for _, x := range memos {
		e.must(m.Persist(x))
	}
	e.must(m.Flush(e.ctx))
	e.must(m.Remove(memos[1]))
	e.must(m.Flush(e.ctx))

	titles := func(what string, q *sqlem.QueryBuilder[QMemo], want ...string) {
		e.t.Helper()
		res, err := q.GetResult(e.ctx)
		if err != nil {
			e.t.Fatalf("%s: %v", what, err)
		}
		var got []string
		for _, r := range res {
			got = append(got, r.Title)
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			e.t.Fatalf("%s: %v, want %v", what, got, want)
		}
	}
	f := orm.EM().Fork()
	base := sqlem.QB[QMemo](f, "m").OrderBy("m.title")
	before := f.QueryCount()
	titles("soft delete", base, "a1", "a3", "b1")
	if _, err := f.Execute(e.ctx, "UPDATE q_memo SET title = title WHERE 1 = 0"); err != nil {
		e.t.Fatal(err)
	}
	if got := f.QueryCount() - before; got != 2 {
		e.t.Fatalf("QueryCount after a query builder select and an Execute: %d, want 2", got)
	}
	titles("WithDeleted", base.FilterOptions(em.WithDeleted()), "a1", "a2", "a3", "b1")
	// The filter is ANDed with the whole WHERE: (a2 OR b1) leaves b1.
	titles("filter AND (x OR y)", base.Where(query.Eq("title", "a2")).OrWhere(query.Eq("title", "b1")), "b1")
	e.must(f.EnableFilter("tenant", gomikro.FilterParams{"tenant": "a"}))
	titles("tenant a", base, "a1", "a3")
	titles("tenant b for the query", base.FilterOptions(em.Filter("tenant", gomikro.FilterParams{"tenant": "b"})), "b1")
	titles("WithoutFilters()", base.FilterOptions(em.WithoutFilters()), "a1", "a2", "a3", "b1")
	if n, err := base.Count(e.ctx); err != nil || n != 2 {
		e.t.Fatalf("Count: %d, %v", n, err)
	}
	if rows, err := sqlem.Scan[struct{ Title string }](e.ctx, base.Select("m.title")); err != nil || len(rows) != 2 {
		e.t.Fatalf("Scan: %v, %v", rows, err)
	}
	sql, args, err := sqlem.QB[QMemo](orm.EM(), "m").FilterOptions(em.Filter("tenant", gomikro.FilterParams{"tenant": "z"})).ToSQL()
	if err != nil || !strings.Contains(sql, "deleted_at") || !strings.Contains(sql, "tenant") || len(args) != 1 || args[0] != "z" {
		e.t.Fatalf("ToSQL: %s %v %v", sql, args, err)
	}
	// An update is not filtered: it reaches the soft-deleted row.
	n, err := sqlem.QB[QMemo](f, "m").Update(map[string]any{"title": "A2"}).Where(query.Eq("title", "a2")).Execute(e.ctx)
	if err != nil || n != 1 {
		e.t.Fatalf("update of a soft-deleted row: %d, %v", n, err)
	}
	x := orm.EM().Fork()
	e.must(x.EnableFilter("tenant", nil))
	if _, err := sqlem.QB[QMemo](x, "m").GetResult(e.ctx); !errors.Is(err, gomikro.ErrFilterParam) {
		e.t.Fatalf("missing parameter: %v", err)
	}
	if _, err := sqlem.QB[QMemo](x, "m").FilterOptions(em.WithoutFilters("nope")).Count(e.ctx); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		e.t.Fatalf("unknown filter: %v", err)
	}
}
