package schema_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/schema"
)

// ixUser has a partial unique index (one live account per email), an
// expression index and a partial composite index.
type ixUser struct {
	_       struct{} `orm:"table=account"`
	ID      int64    `orm:"pk"`
	Email   string   `orm:"unique,where=deleted = 0"`
	Name    string   `orm:"index,expr=lower(name)"`
	Team    int64    `orm:"index=idx_team_active,where=deleted = 0"`
	Role    string   `orm:"index=idx_team_active"`
	Deleted int64
}

// ixUserV2 changes the partial unique index's condition.
type ixUserV2 struct {
	_       struct{} `orm:"table=account"`
	ID      int64    `orm:"pk"`
	Email   string   `orm:"unique,where=deleted = 0 AND id > 0"`
	Name    string   `orm:"index,expr=lower(name)"`
	Team    int64    `orm:"index=idx_team_active,where=deleted = 0"`
	Role    string   `orm:"index=idx_team_active"`
	Deleted int64
}

func TestPartialIndexDDL(t *testing.T) {
	reg, err := meta.NewRegistry(nil, ixUser{})
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(schema.New(reg, fakeDialect{`"`}).CreateSQL(), "\n")
	for _, re := range []string{
		`CREATE UNIQUE INDEX "uq_account_email_[0-9a-f]{8}" ON "account" \("email"\) WHERE deleted = 0`,
		`CREATE INDEX "idx_account_name_[0-9a-f]{8}" ON "account" \(\(lower\(name\)\)\)`,
		`CREATE INDEX "idx_team_active_[0-9a-f]{8}" ON "account" \("team", "role"\) WHERE deleted = 0`,
	} {
		if !regexpMatch(re, all) {
			t.Errorf("CreateSQL lacks %s:\n%s", re, all)
		}
	}
	if strings.Contains(all, "UNIQUE (") {
		t.Errorf("a partial unique constraint inline:\n%s", all)
	}
}

// TestPartialIndexLive: PostgreSQL and SQLite create the indexes, enforce
// the partial unique index only where its condition holds, compare equal
// to the model, and a changed condition is an update; MySQL and MariaDB
// refuse the options at Open.
func TestPartialIndexLive(t *testing.T) {
	eachSQL(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		if b.name == "mysql" {
			_, err := b.open(ctx, gomikro.Config{DSN: b.dsn, Entities: []any{ixUser{}}})
			var me *meta.Error
			if !errors.As(err, &me) || !strings.Contains(err.Error(), "ixUser.Email: where=: this database has no partial or expression indexes") {
				t.Fatalf("Open with where= on MySQL: %v", err)
			}
			return
		}
		o := b.orm(t, ixUser{})
		if err := o.Schema().CreateSchema(ctx); err != nil {
			t.Fatal(err)
		}
		assertEmpty(t, o, "after CreateSchema")
		db := sqlDB(t, o)
		ins := func(email string, deleted int) error {
			_, err := db.ExecContext(ctx, "INSERT INTO account (email, name, team, role, deleted) VALUES ('"+email+"', 'n', 1, 'r', "+string(rune('0'+deleted))+")")
			return err
		}
		for _, d := range []int{1, 1, 0} {
			if err := ins("a@x", d); err != nil {
				t.Fatalf("a row outside the partial index's condition, or the first inside: %v", err)
			}
		}
		if err := ins("a@x", 0); err == nil {
			t.Error("a second live row with the same email was accepted")
		}

		v2 := b.orm(t, ixUserV2{})
		s := syncer(t, v2)
		p, err := s.Diff(ctx, schema.Options{})
		if err != nil {
			t.Fatal(err)
		}
		plan := strings.Join(p.Statements, ";\n")
		if !strings.Contains(plan, "id > 0") || strings.Contains(plan, "lower") {
			t.Errorf("the update should replace only the changed index:\n%s", plan)
		}
		if err := s.Apply(ctx, p); err != nil {
			t.Fatalf("%v\n%s", err, plan)
		}
		assertEmpty(t, v2, "after the update")
	})
}

func regexpMatch(re, s string) bool { return regexp.MustCompile(re).MatchString(s) }
