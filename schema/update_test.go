package schema_test

import (
	"context"
	"database/sql"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/gomikro/gomikro/ref"
	"github.com/gomikro/gomikro/schema"
	"github.com/gomikro/gomikro/sqlem"
)

// Version 1 of a small model.

type AuthorV1 struct {
	_    struct{} `orm:"table=author"`
	ID   int64    `orm:"pk"`
	Name string   `orm:"length=50"`
	Nick string   `orm:"length=20"`
	Mail string   `orm:"length=100"`
}

type BookV1 struct {
	_      struct{} `orm:"table=book"`
	ID     int64    `orm:"pk"`
	Title  string   `orm:"length=100"`
	Author ref.Ref[AuthorV1]
	Legacy string `orm:"length=10"`
}

type CategoryV1 struct {
	_    struct{} `orm:"table=category"`
	ID   int64    `orm:"pk"`
	Name string   `orm:"length=30"`
}

// Version 2: a longer varchar, a nullability change, a renamed column
// with a new index, a new column with a default, a new table and a new
// foreign key to it, a renamed table; Book.Legacy is gone (held back).

type AuthorV2 struct {
	_     struct{} `orm:"table=author"`
	ID    int64    `orm:"pk"`
	Name  string   `orm:"length=200"`
	Nick  *string  `orm:"length=20"`
	Email string   `orm:"length=100,renamedFrom=mail,index"`
	Score *int     `orm:"nullable=false,default=5"`
}

type BookV2 struct {
	_         struct{} `orm:"table=book"`
	ID        int64    `orm:"pk"`
	Title     string   `orm:"length=100"`
	Author    ref.Ref[AuthorV2]
	Publisher ref.Ref[PublisherV2] `orm:"nullable"`
}

type PublisherV2 struct {
	_    struct{} `orm:"table=publisher"`
	ID   int64    `orm:"pk"`
	Name string
}

type GenreV2 struct {
	_    struct{} `orm:"table=genre,renamedFrom=category"`
	ID   int64    `orm:"pk"`
	Name string   `orm:"length=30"`
}

var (
	v1 = []any{AuthorV1{}, BookV1{}, CategoryV1{}}
	v2 = []any{AuthorV2{}, BookV2{}, PublisherV2{}, GenreV2{}}
)

// seedV1 creates the v1 schema and rows in it.
func seedV1(t *testing.T, b backend) {
	t.Helper()
	ctx := context.Background()
	o := b.orm(t, v1...)
	if err := o.Schema().CreateSchema(ctx); err != nil {
		t.Fatal(err)
	}
	em := o.EM().Fork()
	for i := 0; i < 3; i++ {
		a := &AuthorV1{Name: "author", Nick: "n", Mail: "a@example.com"}
		em.Persist(a, &BookV1{Title: "book", Author: ref.To(a), Legacy: "old"}, &CategoryV1{Name: "cat"})
	}
	if err := em.Flush(ctx); err != nil {
		t.Fatal(err)
	}
}

// checkV2Data checks that the v1 rows survived into v2 and that the v2
// entities work.
func checkV2Data(t *testing.T, o *sqlem.ORM) {
	t.Helper()
	checkV2Rows(t, o)
	flushV2(t, o)
}

// checkV2Rows checks that the v1 rows survived into v2.
func checkV2Rows(t *testing.T, o *sqlem.ORM) {
	t.Helper()
	db := sqlDB(t, o)
	q := o.Dialect().QuoteIdent
	for table, want := range map[string]int{"author": 3, "book": 3, "genre": 3} {
		var n int
		if err := db.QueryRow("SELECT COUNT(*) FROM " + q(table)).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n < want {
			t.Errorf("%s has %d rows, want at least %d", table, n, want)
		}
	}
	var email string
	var score int
	if err := db.QueryRow("SELECT "+q("email")+", "+q("score")+" FROM "+q("author")+" WHERE "+q("id")+" = 1").Scan(&email, &score); err != nil {
		t.Fatal(err)
	}
	if email != "a@example.com" || score != 5 {
		t.Errorf("author 1: email %q score %d, want the renamed column's value and the default", email, score)
	}
}

// flushV2 writes what only v2 allows: a long name, a null nick, a
// publisher.
func flushV2(t *testing.T, o *sqlem.ORM) {
	t.Helper()
	ctx := context.Background()
	em := o.EM().Fork()
	p := &PublisherV2{Name: "P"}
	a := &AuthorV2{Name: strings.Repeat("x", 150), Email: "b@example.com"}
	em.Persist(p, a, &BookV2{Title: "new", Author: ref.To(a), Publisher: ref.To(p)})
	if err := em.Flush(ctx); err != nil {
		t.Fatalf("v2 flush: %v", err)
	}
}

func TestUpdateV1ToV2(t *testing.T) {
	eachSQL(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		seedV1(t, b)
		o := b.orm(t, v2...)
		s := syncer(t, o)
		p, err := s.Diff(ctx, schema.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(p.Held, "drop column book.legacy (kept, made nullable)") {
			t.Errorf("held back %q, want the drop of book.legacy", p.Held)
		}
		all := strings.Join(p.Statements, ";\n")
		for _, bad := range []string{"DROP TABLE `category`", `DROP TABLE "category"`, "DROP COLUMN"} {
			if strings.Contains(all, bad) {
				t.Errorf("a safe update contains %q:\n%s", bad, all)
			}
		}
		t.Logf("plan:\n%s", all)
		if err := s.Apply(ctx, p); err != nil {
			t.Fatal(err)
		}
		checkV2Data(t, o)
		again, err := s.Diff(ctx, schema.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !again.Empty() {
			t.Errorf("the second diff is not empty:\n%s\n%s", describe(again.Changes), strings.Join(again.Statements, ";\n"))
		}
		if !slices.Equal(again.Held, []string{"drop column book.legacy"}) {
			t.Errorf("second diff held back %q", again.Held)
		}
		// Allowed, the drop happens and nothing else is left.
		d, err := s.Diff(ctx, schema.Options{Destructive: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Apply(ctx, d); err != nil {
			t.Fatal(err)
		}
		assertEmpty(t, o, "after the destructive update")
		checkV2Data(t, o)
	})
}

// TestMigrationsV1ToV2: the same change through a generated migration,
// applied, reverted and applied again.
func TestMigrationsV1ToV2(t *testing.T) {
	eachSQL(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		seedV1(t, b)
		o := b.orm(t, v2...)
		dir := t.TempDir()
		m, err := schema.NewMigrator(syncer(t, o), schema.MigrateConfig{Dir: dir})
		if err != nil {
			t.Fatal(err)
		}
		file, plan, err := m.Create(ctx, "v2", false, schema.Options{})
		if err != nil {
			t.Fatal(err)
		}
		src, _ := os.ReadFile(file)
		t.Logf("%s:\n%s", file, src)
		if plan.Empty() {
			t.Fatal("no migration for v2")
		}
		pend, err := m.Pending(ctx)
		if err != nil || len(pend) != 1 {
			t.Fatalf("pending %v, %v", pend, err)
		}
		if _, err := m.Up(ctx, 0); err != nil {
			t.Fatal(err)
		}
		checkV2Rows(t, o)
		assertSafeEmpty(t, o)
		if _, err := m.Down(ctx, 0); err != nil {
			t.Fatal(err)
		}
		// Down restored v1.
		o1 := b.orm(t, v1...)
		assertEmpty(t, o1, "after down")
		if _, err := m.Up(ctx, 0); err != nil {
			t.Fatal(err)
		}
		assertSafeEmpty(t, o)
		checkV2Data(t, o)
		r, err := m.Check(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !r.OK() {
			t.Errorf("check after up: %s", r)
		}
		// An applied migration edited afterwards is reported.
		if err := os.WriteFile(file, append(src, []byte("\n-- edited\n")...), 0o644); err != nil {
			t.Fatal(err)
		}
		r, err = m.Check(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if r.OK() || len(r.Edited) != 1 {
			t.Errorf("check after an edit: %+v", r)
		}
		// An applied migration removed afterwards is reported.
		if err := os.Remove(file); err != nil {
			t.Fatal(err)
		}
		r, err = m.Check(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if r.OK() || len(r.Missing) != 1 {
			t.Errorf("check after a removal: %+v", r)
		}
	})
}

// assertSafeEmpty fails when a safe update of o would change anything.
func assertSafeEmpty(t *testing.T, o *sqlem.ORM) {
	t.Helper()
	p, err := syncer(t, o).Diff(context.Background(), schema.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !p.Empty() {
		t.Errorf("the diff is not empty:\n%s\n%s", describe(p.Changes), strings.Join(p.Statements, ";\n"))
	}
}

var _ = sql.ErrNoRows

// AuthorV3 narrows Name back to 50 characters and its key to 32 bits.
type AuthorV3 struct {
	_     struct{} `orm:"table=author"`
	ID    int64    `orm:"pk"`
	Name  string   `orm:"length=50"`
	Nick  *string  `orm:"length=20"`
	Email string   `orm:"length=100,index"`
	Score *int16   `orm:"nullable=false,default=5"`
}

// TestNarrowingHeldBack: a shorter varchar and a smaller integer are
// held back unless the update may be destructive.
func TestNarrowingHeldBack(t *testing.T) {
	eachSQL(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		o2 := b.orm(t, AuthorV2{})
		if err := o2.Schema().CreateSchema(ctx); err != nil {
			t.Fatal(err)
		}
		s := syncer(t, b.orm(t, AuthorV3{}))
		p, err := s.Diff(ctx, schema.Options{})
		if err != nil {
			t.Fatal(err)
		}
		held := strings.Join(p.Held, "\n")
		if b.name != "sqlite" { // SQLite has neither lengths nor integer sizes
			for _, want := range []string{"author.name", "author.score"} {
				if !strings.Contains(held, want) {
					t.Errorf("held back %q, want %s", p.Held, want)
				}
			}
		}
		if err := s.Apply(ctx, p); err != nil {
			t.Fatal(err)
		}
		d, err := s.Diff(ctx, schema.Options{Destructive: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Apply(ctx, d); err != nil {
			t.Fatal(err)
		}
		again, err := s.Diff(ctx, schema.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !again.Empty() || len(again.Held) != 0 {
			t.Errorf("after the destructive update: %q held, statements %q", again.Held, again.Statements)
		}
	})
}

// TestApplyStopsAtFailure: a failing statement stops a plan; dialects
// with transactional DDL roll back what ran before it, MySQL reports how
// many statements ran.
func TestApplyStopsAtFailure(t *testing.T) {
	eachSQL(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		o := b.orm(t, TagOnly{})
		s := syncer(t, o)
		p := &schema.Plan{Statements: []string{
			"CREATE TABLE first_one (id INTEGER NOT NULL PRIMARY KEY)",
			"CREATE TABLE broken (",
			"CREATE TABLE never_run (id INTEGER NOT NULL PRIMARY KEY)",
		}}
		err := s.Apply(ctx, p)
		if err == nil {
			t.Fatal("a broken plan applied")
		}
		if !strings.Contains(err.Error(), "CREATE TABLE broken (") {
			t.Errorf("the error does not name the statement: %v", err)
		}
		live, ierr := s.Inspect(ctx)
		if ierr != nil {
			t.Fatal(ierr)
		}
		_, first := live.Table("first_one")
		_, never := live.Table("never_run")
		if never {
			t.Error("a statement after the failure ran")
		}
		if o.Dialect().SupportsTransactionalDDL() {
			if first {
				t.Error("the statement before the failure was not rolled back")
			}
		} else {
			if !first || !strings.Contains(err.Error(), "statement 2 of 3 failed, 1 applied before it") {
				t.Errorf("without transactional DDL: first table %v, error %v", first, err)
			}
		}
	})
}
