// Package emtest holds test helpers over an EntityManager's statement
// statistics (em.EntityManager.QueryCount and WatchQueries): a ceiling on
// the statements a block of code sends, and an N+1 detector.
//
//	emtest.AssertMaxQueries(t, m, 2, func() {
//		books, _ := em.FindAll[Book](ctx, m, em.Populate("Author"))
//		...
//	})
//	emtest.AssertNoNPlusOne(t, m, 3, func() { ... })
package emtest

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gomikro/gomikro/em"
)

// TB is the part of testing.TB the helpers use.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
}

// Queries runs fn and returns the shapes of the statements m sent
// meanwhile, in order (see em.EntityManager.WatchQueries).
func Queries(m em.Manager, fn func()) []string {
	var shapes []string
	stop := em.Core(m).WatchQueries(func(s string) { shapes = append(shapes, s) })
	defer stop()
	fn()
	return shapes
}

// AssertMaxQueries runs fn and fails the test (without stopping it) when
// m sent more than n statements meanwhile, listing them.
func AssertMaxQueries(t TB, m em.Manager, n int, fn func()) {
	t.Helper()
	shapes := Queries(m, fn)
	if len(shapes) > n {
		t.Errorf("emtest: %d statements, at most %d expected:\n\t%s", len(shapes), n, strings.Join(shapes, "\n\t"))
	}
}

// AssertNoNPlusOne runs fn and fails the test (without stopping it) when
// m sent a statement of the same shape — the same SQL text, or the same
// MongoDB operation, collection and filter keys — more than k times
// meanwhile: a query per row of an earlier result (the N+1 pattern)
// where one batched query (em.Populate) would do.
func AssertNoNPlusOne(t TB, m em.Manager, k int, fn func()) {
	t.Helper()
	counts := map[string]int{}
	var order []string
	for _, s := range Queries(m, fn) {
		if counts[s] == 0 {
			order = append(order, s)
		}
		counts[s]++
	}
	var bad []string
	for _, s := range order {
		if counts[s] > k {
			bad = append(bad, fmt.Sprintf("%d× %s", counts[s], s))
		}
	}
	if len(bad) > 0 {
		t.Errorf("emtest: N+1 pattern: statements of the same shape ran more than %d times:\n\t%s", k, strings.Join(slices.Clip(bad), "\n\t"))
	}
}
