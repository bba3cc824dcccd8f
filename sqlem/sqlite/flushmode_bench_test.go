package sqlite_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/internal/sqlbench"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/ref"
)

// BenchmarkFindAfterNoChange: a Find of one row on an EntityManager that
// manages 10,000 unchanged books, under FlushAuto (which must find that
// nothing is pending) and FlushCommit (which looks at nothing). "books"
// queries the type of the 10,000 managed entities, so FlushAuto compares
// each of them with its snapshot; "authors" queries another type.
func BenchmarkFindAfterNoChange(b *testing.B) {
	ctx := context.Background()
	env := setupBench(b)
	seed := env.ORM.EM().Fork()
	a, err := em.GetReference[sqlbench.BenchAuthor](seed, env.Author)
	if err != nil {
		b.Fatal(err)
	}
	for i := range 10_000 {
		if err := seed.Persist(&sqlbench.BenchBook{Title: fmt.Sprintf("book %d", i), Year: int64(i), Author: ref.To(a)}); err != nil {
			b.Fatal(err)
		}
	}
	if err := seed.Flush(ctx); err != nil {
		b.Fatal(err)
	}
	m := env.ORM.EM().Fork()
	all, err := em.FindAll[sqlbench.BenchBook](ctx, m)
	if err != nil || len(all) != 10_000 {
		b.Fatalf("%d books, %v", len(all), err)
	}
	if _, err := em.FindAll[sqlbench.BenchAuthor](ctx, m); err != nil {
		b.Fatal(err)
	}
	cases := []struct {
		name string
		find func(opt em.FindOption) error
	}{
		{"books", func(opt em.FindOption) error {
			res, err := em.Find[sqlbench.BenchBook](ctx, m, query.Eq("title", "book 5000"), opt)
			if err == nil && len(res) != 1 {
				err = fmt.Errorf("%d books", len(res))
			}
			return err
		}},
		{"books-by-id", func(opt em.FindOption) error {
			res, err := em.Find[sqlbench.BenchBook](ctx, m, query.Eq("id", all[5000].ID), opt)
			if err == nil && len(res) != 1 {
				err = fmt.Errorf("%d books", len(res))
			}
			return err
		}},
		{"authors", func(opt em.FindOption) error {
			res, err := em.Find[sqlbench.BenchAuthor](ctx, m, query.Eq("name", "A"), opt)
			if err == nil && len(res) != 1 {
				err = fmt.Errorf("%d authors", len(res))
			}
			return err
		}},
	}
	for _, c := range cases {
		for _, mode := range []gomikro.FlushMode{gomikro.FlushAuto, gomikro.FlushCommit} {
			b.Run(c.name+"/mode="+mode.String(), func(b *testing.B) {
				opt := em.WithFlushMode(mode)
				for b.Loop() {
					if err := c.find(opt); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
