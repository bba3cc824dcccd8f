package em_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/sqlem"
	"github.com/gomikro/gomikro/sqlem/sqlite"
)

type Member struct {
	ID    int64   `orm:"pk"`
	Email string  `orm:"unique,length=100"`
	Name  string  `orm:"length=100"`
	Plan  *string `orm:"nullable=false,default=free,length=20"` // a pointer: nil takes the default
}

// Upsert inserts or updates by the unique key and returns managed
// entities with their keys and database defaults.
func ExampleUpsert() {
	ctx := context.Background()
	orm, err := sqlite.Open(ctx, gomikro.Config{DSN: ":memory:", Entities: []any{Member{}}})
	if err != nil {
		panic(err)
	}
	defer orm.Close()
	if err := orm.Schema().CreateSchema(ctx); err != nil {
		panic(err)
	}
	m := orm.EM().Fork()
	ann, err := em.Upsert(ctx, m, &Member{Email: "ann@example.com", Name: "Ann"})
	if err != nil {
		panic(err)
	}
	fmt.Println(ann.ID, ann.Name, *ann.Plan) // inserted: key and default read back

	again, err := em.Upsert(ctx, m, &Member{Email: "ann@example.com", Name: "Ann B."})
	if err != nil {
		panic(err)
	}
	fmt.Println(again == ann, ann.ID, ann.Name) // updated: the managed object took the row

	pro := "pro"
	ann.Plan = &pro // managed: Flush writes an UPDATE
	if err := m.Flush(ctx); err != nil {
		panic(err)
	}
	all, err := em.UpsertMany(ctx, orm.EM().Fork(), []*Member{
		{Email: "ann@example.com", Name: "ignored"},
		{Email: "bob@example.com", Name: "Bob"},
	}, em.IgnoreConflict())
	if err != nil {
		panic(err)
	}
	for _, x := range all {
		fmt.Println(x.ID, x.Name, *x.Plan)
	}
	// Output:
	// 1 Ann free
	// true 1 Ann B.
	// 1 Ann B. pro
	// 2 Bob free
}

// Transactional takes a propagation mode, an isolation level and
// read-only mode.
func ExampleEntityManager_Transactional_propagation() {
	ctx := context.Background()
	orm, err := sqlite.Open(ctx, gomikro.Config{DSN: ":memory:", Entities: []any{Member{}}})
	if err != nil {
		panic(err)
	}
	defer orm.Close()
	if err := orm.Schema().CreateSchema(ctx); err != nil {
		panic(err)
	}
	m := orm.EM().Fork()
	err = m.Transactional(ctx, func(ctx context.Context, tx *sqlem.EntityManager) error {
		if err := tx.Persist(&Member{Email: "kept@example.com", Name: "Kept"}); err != nil {
			return err
		}
		// A savepoint: its failure rolls back to it, the outer work goes on.
		inner := tx.Transactional(ctx, func(ctx context.Context, tx2 *sqlem.EntityManager) error {
			if err := tx2.Persist(&Member{Email: "gone@example.com", Name: "Gone"}); err != nil {
				return err
			}
			return errors.New("changed my mind")
		}, em.WithPropagation(em.PropagationNested))
		fmt.Println("inner:", inner)
		return nil
	}, em.WithIsolation(em.Serializable))
	if err != nil {
		panic(err)
	}
	err = m.Transactional(ctx, func(ctx context.Context, tx *sqlem.EntityManager) error { return nil },
		em.WithPropagation(em.PropagationMandatory))
	fmt.Println(errors.Is(err, em.ErrNoTransaction))

	n, err := em.Count[Member](ctx, orm.EM().Fork(), nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(n, "member")
	// Output:
	// inner: changed my mind
	// true
	// 1 member
}
