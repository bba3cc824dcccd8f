// Package sqlem is gomikro's SQL backend: one driver for every SQL
// database, over a small Dialect interface that the dialect packages
// (sqlem/postgres, ...) implement, and an EntityManager that adds what
// only SQL has to the core one.
//
// Flushes are planned by package tracking and executed here: inserts as
// multi-row statements (or a dialect's bulk shape, such as PostgreSQL's
// unnest arrays) with generated keys read back, updates of changed
// columns batched per column set, deletes by key lists. Statements that
// do not depend on each other's results are sent together when the
// connection can pipeline them.
//
// What only SQL has is on the SQL EntityManager: raw statements
// (Execute, and [Raw] for a SELECT into managed entities or any struct),
// row locks, and the query builder — [QB] (typed: GetResult
// returns []*T) and [EntityManager.CreateQueryBuilder] (entity named at
// run time) — with joins whose entities are loaded into the identity map,
// group by, having, sub-queries, locks, update and delete by condition,
// insert and upsert (dialects implementing [Upserter]); results as
// managed entities, rows of the caller's type ([Scan]), a scalar
// ([Scalar]), or a stream ([QueryBuilder.Iterate]). The core
// em.EntityManager and MongoDB's have no query builder: calling it there
// does not compile.
package sqlem
