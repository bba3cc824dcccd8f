package sqlite

import "github.com/gomikro/gomikro/sqlem"

var _ sqlem.Upserter = Dialect{}

// Upsert implements sqlem.Upserter: INSERT ... ON CONFLICT (key) DO
// UPDATE SET col = excluded.col, or DO NOTHING (SQLite 3.24+).
func (Dialect) Upsert(insert string, conflict, update []string) (string, error) {
	return sqlem.OnConflict(insert, conflict, update)
}

var _ sqlem.UpsertReturner = Dialect{}

// UpsertReturning implements sqlem.UpsertReturner: ON CONFLICT DO UPDATE
// ... RETURNING returns every row inserted or updated.
func (Dialect) UpsertReturning() bool { return true }
