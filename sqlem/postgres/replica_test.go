package postgres_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/internal/conformance"
	"github.com/gomikro/gomikro/internal/testdb"
	"github.com/gomikro/gomikro/sqlem/postgres"
)

// TestReplicaConnectError: a replica that does not answer fails Open
// with an error naming it (its index and address).
func TestReplicaConnectError(t *testing.T) {
	_, err := postgres.Open(context.Background(), gomikro.Config{
		DSN:            testdb.PostgresSchema(t),
		Entities:       conformance.Entities(),
		Replicas:       []string{"postgres://postgres@127.0.0.1:1/test?sslmode=disable"},
		ConnectTimeout: 5 * time.Second,
	})
	t.Log(err)
	if err == nil || !strings.Contains(err.Error(), "replica 0 (127.0.0.1:1)") {
		t.Fatalf("Open with a replica that does not answer: %v; want an error naming replica 0 (127.0.0.1:1)", err)
	}
}
