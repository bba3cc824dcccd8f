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
package sqlem
