// Package benchmarks measures gomikro's flush and load throughput against
// hand-written driver code, GORM and Bun on the same database, driver and
// pool, with a correctness check after every timed part.
//
// It is its own Go module (replace => ..) so that the peers never enter
// gomikro's go.mod. An Impl is one way of writing the workloads (pgx,
// gomikro, GORM, Bun, ...) on one backend; a Store is the backend seen by
// the checks; Run measures one workload of one Impl and checks it. The
// runner, cmd/benchrun, re-executes itself once per implementation and
// round, interleaved, and writes the tables and charts.
package benchmarks
