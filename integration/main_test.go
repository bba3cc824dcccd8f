package integration_test

import (
	"os"
	"testing"

	"github.com/gomikro/gomikro/integration"
)

// TestMain starts the three servers concurrently, once for the whole
// binary; every test below shares them.
func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) != "" {
		// A child started by TestNoServer: no engine, nothing to start.
		integration.NoDocker()
		os.Exit(m.Run())
	}
	os.Exit(integration.Main(m, integration.BackendPostgres, integration.BackendMySQL, integration.BackendMongo))
}
