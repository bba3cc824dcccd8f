package em_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/ref"
	"github.com/gomikro/gomikro/sqlem"
	"github.com/gomikro/gomikro/sqlem/sqlite"
)

type Team struct {
	ID      int64                  `orm:"pk"`
	Name    string                 `orm:"unique,length=50"`
	Players ref.Collection[Player] `orm:"mappedBy=Team"`
}

type Player struct {
	ID    int64  `orm:"pk"`
	Name  string `orm:"length=50"`
	Goals int
	Team  ref.Ref[Team]
}

// open opens an in-memory SQLite database holding two teams and their
// players.
func open(ctx context.Context) *sqlem.ORM {
	orm, err := sqlite.Open(ctx, gomikro.Config{DSN: ":memory:", Entities: []any{Team{}, Player{}}})
	if err != nil {
		panic(err)
	}
	if err := orm.Schema().CreateSchema(ctx); err != nil {
		panic(err)
	}
	m := orm.EM().Fork()
	reds, blues := &Team{Name: "Reds"}, &Team{Name: "Blues"}
	for _, p := range []*Player{
		{Name: "Ada", Goals: 7, Team: ref.To(reds)},
		{Name: "Bo", Goals: 2, Team: ref.To(reds)},
		{Name: "Cy", Goals: 5, Team: ref.To(blues)},
	} {
		if err := m.Persist(p); err != nil {
			panic(err)
		}
	}
	if err := m.Flush(ctx); err != nil {
		panic(err)
	}
	return orm
}

// Find filters across a relation, orders, and populates the collection of
// every team found with one more query.
func ExampleFind() {
	ctx := context.Background()
	orm := open(ctx)
	defer orm.Close()

	m := orm.EM().Fork()
	teams, err := em.Find[Team](ctx, m, query.M{"players.goals": query.M{"$gte": 5}},
		em.OrderBy("name"), em.Populate("Players"))
	if err != nil {
		panic(err)
	}
	for _, t := range teams {
		fmt.Printf("%s: %d players\n", t.Name, t.Players.Len())
	}
	// Output:
	// Blues: 1 players
	// Reds: 2 players
}

// Changes to managed entities are found at Flush, which writes only the
// columns that changed; an unchanged unit of work sends nothing.
func ExampleEntityManager_Flush() {
	ctx := context.Background()
	orm := open(ctx)
	defer orm.Close()

	m := orm.EM().Fork()
	ada, err := em.FindOneOrFail[Player](ctx, m, query.Eq("name", "Ada"))
	if err != nil {
		panic(err)
	}
	ada.Goals++ // UPDATE player SET goals = ? WHERE id = ?
	if err := m.Flush(ctx); err != nil {
		panic(err)
	}
	again, _ := em.FindOneOrFail[Player](ctx, orm.EM().Fork(), query.Eq("name", "Ada"))
	fmt.Println(again.Goals)
	// Output: 8
}

// Transactional runs a function in a transaction on a fork: what it
// persists is flushed and committed when it returns nil, and nothing is
// written when it returns an error.
func ExampleEntityManager_Transactional() {
	ctx := context.Background()
	orm := open(ctx)
	defer orm.Close()

	m := orm.EM().Fork()
	errFull := errors.New("the team is full")
	err := m.Transactional(ctx, func(ctx context.Context, tx *sqlem.EntityManager) error {
		blues, err := em.FindOneOrFail[Team](ctx, tx, query.Eq("name", "Blues"))
		if err != nil {
			return err
		}
		if err := tx.Persist(&Player{Name: "Di", Team: ref.To(blues)}); err != nil {
			return err
		}
		return errFull // rolls back: Di is not inserted
	})
	fmt.Println(errors.Is(err, errFull))
	n, _ := em.Count[Player](ctx, m, nil)
	fmt.Println(n, "players")
	// Output:
	// true
	// 3 players
}

// GetReference gives an entity by its key without a query: enough to set
// a reference.
func ExampleGetReference() {
	ctx := context.Background()
	orm := open(ctx)
	defer orm.Close()

	m := orm.EM().Fork()
	reds, err := em.GetReference[Team](m, int64(1))
	if err != nil {
		panic(err)
	}
	if err := m.Persist(&Player{Name: "Ed", Team: ref.To(reds)}); err != nil {
		panic(err)
	}
	if err := m.Flush(ctx); err != nil {
		panic(err)
	}
	ed, _ := em.FindOneOrFail[Player](ctx, orm.EM().Fork(), query.Eq("name", "Ed"), em.Populate("Team"))
	fmt.Println(ed.Team.Get().Name)
	// Output: Reds
}

// Middleware forks the EntityManager for every request; handlers find
// their unit of work in the request's context.
func ExampleMiddleware() {
	ctx := context.Background()
	orm := open(ctx)
	defer orm.Close()

	h := em.Middleware(orm.EM())(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m := em.FromContext(r.Context())
		n, err := em.Count[Player](r.Context(), m, query.Eq("team.name", "Reds"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		fmt.Fprintf(w, "%d players", n)
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/reds", nil))
	fmt.Println(rec.Body.String())
	// Output: 2 players
}
