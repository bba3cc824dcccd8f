package sqlite_test

import (
	"testing"

	"github.com/gomikro/gomikro/internal/sqltest"
)

// TestStreamInBoundedMemory: the live heap stays flat while 200,000 rows
// stream detached (GOMIKRO_STREAM_ROWS=1000000 for the README's figure).
func TestStreamInBoundedMemory(t *testing.T) {
	sqltest.StreamInBoundedMemory(t, openFresh, 200_000, `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?)
		INSERT INTO stream_row (id, name, score, owner_id) SELECT x, 'row ' || x, x * 7, 1 + x % 2 FROM c`)
}
