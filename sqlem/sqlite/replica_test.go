package sqlite_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/internal/conformance"
	"github.com/gomikro/gomikro/sqlem/sqlite"
)

// TestReplicaConnectError: a replica that cannot be opened fails Open
// with an error naming it.
func TestReplicaConnectError(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "missing", "replica.db")
	_, err := sqlite.Open(context.Background(), gomikro.Config{
		DSN:      filepath.Join(dir, "primary.db"),
		Entities: conformance.Entities(),
		Replicas: []string{filepath.Join(dir, "ok.db"), bad},
	})
	t.Log(err)
	if err == nil || !strings.Contains(err.Error(), "replica 1") || !strings.Contains(err.Error(), bad) {
		t.Fatalf("Open with a replica that cannot be opened: %v; want an error naming replica 1 and its file", err)
	}
}
