// Package postgres is gomikro's PostgreSQL backend, on jackc/pgx v5.
//
//	orm, err := postgres.Open(ctx, gomikro.Config{DSN: dsn, Entities: []any{Author{}, Book{}}})
//	m := orm.EM().Fork()
//
// Flushes insert with unnest arrays (one statement for any number of
// rows, keys read back with RETURNING), update with UPDATE ... FROM
// unnest, and send the statements of a flush in one pipelined round trip
// where they do not depend on each other's results.
package postgres
