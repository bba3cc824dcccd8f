package postgres_test

import (
	"testing"

	"github.com/gomikro/gomikro/internal/sqltest"
)

// TestStreamInBoundedMemory: the live heap stays flat while 100,000 rows
// stream detached (GOMIKRO_STREAM_ROWS=1000000 for the README's figure).
func TestStreamInBoundedMemory(t *testing.T) {
	sqltest.StreamInBoundedMemory(t, openFresh, 100_000, `INSERT INTO stream_row (id, name, score, owner_id)
		SELECT x, 'row ' || x, x * 7, 1 + x % 2 FROM generate_series(1, $1::bigint) AS x`)
}
