package sqlite_test

import (
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/internal/faults"
)

// TestFaults cancels contexts at many points of large flushes
// (internal/faults); SQLite runs in the process, so there is no
// connection to cut.
func TestFaults(t *testing.T) {
	faults.Run(t, faults.Backend{
		Name:       "sqlite",
		Rows:       10000,
		SingleRows: 1000,
		Open: func(t *testing.T, cfg gomikro.Config, _ string) (*em.EntityManager, *em.EntityManager) {
			return openFresh(t, cfg).EM().EntityManager, nil
		},
	})
}
