package em_test

import (
	"context"
	"fmt"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/query"
)

// Stream reads every player one by one, detached: the fork's identity map
// stays empty however many rows there are.
func ExampleStream() {
	ctx := context.Background()
	orm := open(ctx)
	defer orm.Close()
	m := orm.EM().Fork()
	for p, err := range em.Stream[Player](ctx, m, query.Gte("goals", 2), em.OrderBy("-goals")) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(p.Name, p.Goals, p.Team.ID())
	}
	fmt.Println("managed:", m.Len())
	// Output:
	// Ada 7 1
	// Cy 5 2
	// Bo 2 1
	// managed: 0
}

// ForkFlushMode contrasts the default flush mode, AUTO, where a query
// flushes the pending changes of the types it reads, with COMMIT, where
// only Flush writes.
func ExampleForkFlushMode() {
	ctx := context.Background()
	orm := open(ctx)
	defer orm.Close()

	auto := orm.EM().Fork()
	if err := auto.Persist(&Team{Name: "Greens"}); err != nil {
		fmt.Println(err)
		return
	}
	n, err := em.Count[Team](ctx, auto, nil)
	fmt.Println(auto.FlushMode(), n, err)

	commit := orm.EM().Fork(em.ForkFlushMode(gomikro.FlushCommit))
	if err := commit.Persist(&Team{Name: "Yellows"}); err != nil {
		fmt.Println(err)
		return
	}
	n, err = em.Count[Team](ctx, commit, nil)
	fmt.Println(commit.FlushMode(), n, err)
	n, err = em.Count[Team](ctx, commit, nil, em.WithFlushMode(gomikro.FlushAuto))
	fmt.Println("one AUTO query:", n, err)
	// Output:
	// AUTO 3 <nil>
	// COMMIT 3 <nil>
	// one AUTO query: 4 <nil>
}

// FindOne by primary key answers from the identity map when the entity
// is managed: no query is sent.
func ExampleFindOne_identityMap() {
	ctx := context.Background()
	orm := open(ctx)
	defer orm.Close()
	m := orm.EM().Fork()
	p, _ := em.FindOne[Player](ctx, m, query.Eq("name", "Ada"))  // a query
	again, _ := em.FindOne[Player](ctx, m, query.Eq("id", p.ID)) // none
	fmt.Println(again == p, again.Name)
	// Output: true Ada
}
