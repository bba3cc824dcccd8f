package integration_test

import (
	"context"
	"testing"

	"github.com/gomikro/gomikro/integration"
	"github.com/gomikro/gomikro/sqlem/postgres"
)

// BenchmarkPostgresFreshDatabase is what isolating one test costs on
// PostgreSQL: a clone of the template database holding the conformance
// model's schema (10 tables with their indexes and foreign keys), an
// ORM opened on it, closed and the database dropped.
func BenchmarkPostgresFreshDatabase(b *testing.B) {
	cfg := entities()
	integration.Postgres(b, cfg) // the template, built once
	for b.Loop() {
		freshOnce(b, func(tb testing.TB) { integration.Postgres(tb, cfg) })
	}
}

// BenchmarkPostgresCreateSchema is the baseline: an empty database and
// the schema's DDL run in it, as without a template.
func BenchmarkPostgresCreateSchema(b *testing.B) {
	cfg := entities()
	ctx := context.Background()
	for b.Loop() {
		freshOnce(b, func(tb testing.TB) {
			cfg.DSN = integration.PostgresDSN(tb)
			orm, err := postgres.Open(ctx, cfg)
			if err != nil {
				tb.Fatal(err)
			}
			defer orm.Close()
			if err := orm.Schema().CreateSchema(ctx); err != nil {
				tb.Fatal(err)
			}
		})
	}
}

// freshOnce runs fn as a "test" whose cleanups (the drop) run at once.
func freshOnce(b *testing.B, fn func(testing.TB)) {
	c := &cleanupTB{TB: b}
	fn(c)
	c.run()
}

type cleanupTB struct {
	testing.TB
	fns []func()
}

func (c *cleanupTB) Cleanup(f func()) { c.fns = append(c.fns, f) }

func (c *cleanupTB) run() {
	for i := len(c.fns) - 1; i >= 0; i-- {
		c.fns[i]()
	}
	c.fns = nil
}
