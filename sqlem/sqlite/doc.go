// Package sqlite is gomikro's SQLite backend, on the pure-Go driver
// modernc.org/sqlite (no cgo): the embedded default, so a program needs
// no database server.
//
// Open takes a file path or URI ("bookstore.db", "file:data.db?...") or
// ":memory:". Every connection enforces foreign keys, waits up to five
// seconds for a lock instead of failing at once (busy_timeout), makes LIKE
// case-sensitive (as on the other dialects; $ilike is the case-insensitive
// one) and knows REGEXP (Go's regexp syntax). File databases use the WAL
// journal, so readers do not wait for a writer. Transactions start with
// BEGIN IMMEDIATE: a writer takes the write lock up front and a second
// writer waits for it.
//
// Writers of one file database (an ORM's pool) wait for each other in the
// process rather than in SQLite's busy handler, which sleeps 1 to 100 ms
// between polls: the next writer is woken as soon as the lock is free. A
// flush whose context ends while it waits sends nothing and returns a
// *WaitError (not committed). Reads do not wait. The pool keeps
// Config.MaxConns idle connections (at least 8).
//
// The pool of a database file copies the WAL back into the file (a
// checkpoint) on a goroutine of its own, at most every 100 ms after a
// write, rather than in the commit that crosses SQLite's threshold: a
// save does not wait for the checkpoint's fsyncs. A commit still
// checkpoints itself once the WAL reaches 10,000 pages (the goroutine
// fell behind); a DSN that sets wal_autocheckpoint keeps SQLite's own
// checkpoints instead.
//
// An in-memory database lives in one connection, so the pool holds just
// that one: while a transaction is open, other EntityManagers wait for it.
//
// SQLite has no row locks: the locking find options (ForUpdate, ...) lock
// nothing beyond the transaction's database-wide write lock.
package sqlite
