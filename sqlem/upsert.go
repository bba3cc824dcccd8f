package sqlem

import (
	"errors"
	"strings"
)

// Upserter is implemented by dialects that can make an INSERT an upsert,
// for the query builder's OnConflict (PostgreSQL and SQLite: ON CONFLICT
// ... DO UPDATE / DO NOTHING; MySQL: ON DUPLICATE KEY UPDATE or INSERT
// IGNORE).
type Upserter interface {
	// Upsert returns the statement insert ("INSERT INTO t (...) VALUES
	// (...), ...", parameters already bound) made an upsert. conflict
	// holds the quoted columns of the unique key whose conflict it handles
	// (dialects that detect the key themselves may ignore it); update holds
	// the quoted columns to overwrite with the values the row would have
	// inserted, and is empty when a conflicting row is to be kept as it
	// is. An error says what the dialect cannot do. The rows the statement
	// reports as affected are the database's count (MySQL counts a row it
	// kept as found, and an updated one twice).
	Upsert(insert string, conflict, update []string) (string, error)
}

// OnConflict renders the standard upsert of PostgreSQL and SQLite for an
// Upserter: INSERT ... ON CONFLICT (key) DO UPDATE SET col =
// EXCLUDED.col, or DO NOTHING.
func OnConflict(insert string, conflict, update []string) (string, error) {
	var b strings.Builder
	b.WriteString(insert)
	b.WriteString(" ON CONFLICT")
	if len(conflict) > 0 {
		b.WriteString(" (" + strings.Join(conflict, ", ") + ")")
	}
	if len(update) == 0 {
		b.WriteString(" DO NOTHING")
		return b.String(), nil
	}
	if len(conflict) == 0 {
		return "", errors.New("an update on conflict needs the unique key: give its properties to OnConflict")
	}
	b.WriteString(" DO UPDATE SET ")
	for i, c := range update {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(c + " = EXCLUDED." + c)
	}
	return b.String(), nil
}
