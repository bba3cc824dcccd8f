package em_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/sqlem"
	"github.com/gomikro/gomikro/sqlem/sqlite"
)

// Cache answers the same query in another fork without a statement, and
// a flush that writes players drops the cached result.
func ExampleCache() {
	ctx := context.Background()
	orm := open(ctx)
	defer orm.Close()
	top := func() {
		m := orm.EM().Fork()
		before := m.QueryCount()
		ps, err := em.Find[Player](ctx, m, query.Gte("goals", 5), em.OrderBy("-goals"), em.Cache(time.Minute))
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(len(ps), "players,", m.QueryCount()-before, "statements")
	}
	top()
	top() // from the cache

	w := orm.EM().Fork()
	bo, err := em.FindOneOrFail[Player](ctx, w, query.Eq("name", "Bo"))
	if err != nil {
		fmt.Println(err)
		return
	}
	bo.Goals = 9
	if err := w.Flush(ctx); err != nil {
		fmt.Println(err)
		return
	}
	top() // the flush dropped the players' results
	// Output:
	// 2 players, 1 statements
	// 2 players, 0 statements
	// 3 players, 1 statements
}

// FromPrimary reads the primary when the ORM has read replicas; a fork
// reads the primary on its own once it has written. Here a second SQLite
// file stands in for the replica, with other rows.
func ExampleFromPrimary() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "replica")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	cfg := gomikro.Config{DSN: filepath.Join(dir, "replica.db"), Entities: []any{Team{}, Player{}}}
	replica, err := sqlite.Open(ctx, cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer replica.Close()
	cfg.DSN, cfg.Replicas = filepath.Join(dir, "primary.db"), []string{cfg.DSN}
	orm, err := sqlite.Open(ctx, cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer orm.Close() // the replica's pool too
	for _, o := range []*sqlem.ORM{replica, orm} {
		if err := o.Schema().CreateSchema(ctx); err != nil {
			fmt.Println(err)
			return
		}
	}
	if err := replica.EM().Fork().Transactional(ctx, func(ctx context.Context, tx *sqlem.EntityManager) error {
		return tx.Persist(&Team{ID: 100, Name: "On the replica"})
	}); err != nil {
		fmt.Println(err)
		return
	}

	m := orm.EM().Fork()
	names := func(opts ...em.FindOption) []string {
		ts, err := em.FindAll[Team](ctx, m, opts...)
		if err != nil {
			return []string{err.Error()}
		}
		var out []string
		for _, t := range ts {
			out = append(out, t.Name)
		}
		return out
	}
	fmt.Println(names(), names(em.FromPrimary()))
	if err := m.Persist(&Team{Name: "On the primary"}); err != nil {
		fmt.Println(err)
		return
	}
	if err := m.Flush(ctx); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.ReadsPrimary(), names())
	// Output:
	// [On the replica] []
	// true [On the primary]
}
