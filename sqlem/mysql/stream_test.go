package mysql_test

import (
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/internal/sqltest"
	"github.com/gomikro/gomikro/sqlem"
)

// TestStreamInBoundedMemory: the live heap stays flat while 100,000 rows
// stream detached.
func TestStreamInBoundedMemory(t *testing.T) {
	open := func(t testing.TB, cfg gomikro.Config) *sqlem.ORM { return openFresh(t, cfg) }
	// Recursion stops at max_recursive_iterations (1000 by default): a
	// product of two 1,000-row ranges counts to 1,000,000.
	sqltest.StreamInBoundedMemory(t, open, 100_000, `INSERT INTO stream_row (id, name, score, owner_id)
		WITH RECURSIVE d(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM d WHERE i < 999),
		c(x) AS (SELECT a.i * 1000 + b.i + 1 FROM d a CROSS JOIN d b)
		SELECT x, CONCAT('row ', x), x * 7, 1 + x % 2 FROM c WHERE x <= ?`)
}
