package mysql_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/internal/conformance"
	"github.com/gomikro/gomikro/internal/testdb"
	"github.com/gomikro/gomikro/sqlem/mysql"
)

// TestReplicaConnectError: a replica that does not answer fails Open
// with an error naming it (its index and address).
func TestReplicaConnectError(t *testing.T) {
	_, err := mysql.Open(context.Background(), gomikro.Config{
		DSN:            testdb.MySQLDatabase(t),
		Entities:       conformance.Entities(),
		Replicas:       []string{"root@tcp(127.0.0.1:1)/test"},
		ConnectTimeout: 5 * time.Second,
	})
	t.Log(err)
	if err == nil || !strings.Contains(err.Error(), "replica 0 (127.0.0.1:1)") {
		t.Fatalf("Open with a replica that does not answer: %v; want an error naming replica 0 (127.0.0.1:1)", err)
	}
}
