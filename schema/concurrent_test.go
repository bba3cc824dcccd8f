package schema_test

import (
	"context"
	"database/sql"
	"embed"
	"io/fs"
	"strings"
	"sync"
	"testing"

	"github.com/pressly/goose/v3"

	"github.com/gomikro/gomikro/schema"
)

//go:embed testdata/migrations/*.sql
var migrationFiles embed.FS

//go:embed testdata/broken/*.sql
var brokenFiles embed.FS

// goMigration is a migration written in Go: it adds a row in its
// transaction.
var goMigration = goose.NewGoMigration(3, &goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, "INSERT INTO runs (id, note) VALUES (3, 'go')")
	return err
}}, &goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, "DELETE FROM runs WHERE id = 3")
	return err
}})

func embeddedMigrator(t *testing.T, b backend) *schema.Migrator {
	t.Helper()
	sub, err := fs.Sub(migrationFiles, "testdata/migrations")
	if err != nil {
		t.Fatal(err)
	}
	o := b.orm(t, TagOnly{})
	m, err := schema.NewMigrator(syncer(t, o), schema.MigrateConfig{FS: sub, Go: []*goose.Migration{goMigration}})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestConcurrentUp: processes that start migrating at once, each on its
// own connection pool, apply every migration exactly once (a second run
// of a migration would fail on CREATE TABLE or the duplicate key).
func TestConcurrentUp(t *testing.T) {
	eachSQL(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		const n = 4
		ms := make([]*schema.Migrator, n)
		for i := range ms {
			ms[i] = embeddedMigrator(t, b)
		}
		var wg sync.WaitGroup
		errs := make([]error, n)
		applied := make([]int, n)
		for i, m := range ms {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rs, err := m.Up(ctx, 0)
				errs[i], applied[i] = err, len(rs)
			}()
		}
		wg.Wait()
		total := 0
		for i := range errs {
			if errs[i] != nil {
				t.Errorf("migrator %d: %v", i, errs[i])
			}
			total += applied[i]
		}
		if total != 3 {
			t.Errorf("%d migrations applied in all (%v), want 3", total, applied)
		}
		var rows int
		if err := ms[0].DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM runs").Scan(&rows); err != nil {
			t.Fatal(err)
		}
		if rows != 3 {
			t.Errorf("runs has %d rows, want 3", rows)
		}
		pend, err := ms[1].Pending(ctx)
		if err != nil || len(pend) != 0 {
			t.Errorf("pending after up: %v %v", pend, err)
		}
		list, err := ms[2].List(ctx)
		if err != nil || len(list) != 3 || list[2].Name != "go" {
			t.Errorf("list: %+v %v", list, err)
		}
		// Down to version 1, then up again.
		rs, err := ms[0].Down(ctx, 1)
		if err != nil || len(rs) != 2 {
			t.Fatalf("down to 1: %v %v", rs, err)
		}
		if err := ms[0].DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM runs").Scan(&rows); err != nil || rows != 1 {
			t.Errorf("after down to 1: %d rows, %v", rows, err)
		}
		if rs, err := ms[3].Up(ctx, 2); err != nil || len(rs) != 1 {
			t.Errorf("up to 2: %v %v", rs, err)
		}
		if rs, err := ms[3].Fresh(ctx); err != nil || len(rs) != 3 {
			t.Errorf("fresh: %v %v", rs, err)
		}
	})
}

// TagOnly is an entity the migrations leave alone.
type TagOnly struct {
	ID int64 `orm:"pk"`
}

// TestFailedMigration: a failing migration names its statement; it is
// not recorded; where DDL is transactional nothing of it stays, on MySQL
// the statements before the failure do.
func TestFailedMigration(t *testing.T) {
	eachSQL(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		sub, err := fs.Sub(brokenFiles, "testdata/broken")
		if err != nil {
			t.Fatal(err)
		}
		o := b.orm(t, TagOnly{})
		m, err := schema.NewMigrator(syncer(t, o), schema.MigrateConfig{FS: sub})
		if err != nil {
			t.Fatal(err)
		}
		_, err = m.Up(ctx, 0)
		if err == nil || !strings.Contains(err.Error(), `statement "CREATE TABLE broken (;"`) || !strings.Contains(err.Error(), "00001_broken.sql") {
			t.Fatalf("up: %v", err)
		}
		pend, err := m.Pending(ctx)
		if err != nil || len(pend) != 1 {
			t.Errorf("pending after a failure: %v %v", pend, err)
		}
		live, err := syncer(t, o).Inspect(ctx)
		if err != nil {
			t.Fatal(err)
		}
		_, before := live.Table("before_failure")
		_, after := live.Table("after_failure")
		if after {
			t.Error("a statement after the failure ran")
		}
		if before != !o.Dialect().SupportsTransactionalDDL() {
			t.Errorf("the statement before the failure stayed: %v (transactional DDL: %v)", before, o.Dialect().SupportsTransactionalDDL())
		}
	})
}
