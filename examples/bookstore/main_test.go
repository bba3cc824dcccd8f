package main

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/gomikro/gomikro/internal/testdb"
)

// The example runs start to end on every SQL backend.

func TestBookstoreSQLiteMemory(t *testing.T) {
	if err := run(context.Background(), ":memory:", true); err != nil {
		t.Fatal(err)
	}
}

func TestBookstoreSQLiteFile(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "bookstore.db")
	// Twice: the second run drops what the first left.
	for range 2 {
		if err := run(context.Background(), dsn, true); err != nil {
			t.Fatal(err)
		}
	}
}

func TestBookstorePostgres(t *testing.T) {
	if err := run(context.Background(), testdb.PostgresSchema(t), true); err != nil {
		t.Fatal(err)
	}
}

func TestBookstoreMySQL(t *testing.T) {
	if err := run(context.Background(), testdb.MySQLDatabase(t), true); err != nil {
		t.Fatal(err)
	}
}
