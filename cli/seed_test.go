package cli_test

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/cli"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/examples/bookstore/model"
	"github.com/gomikro/gomikro/internal/testdb"
	"github.com/gomikro/gomikro/mongoem"
	"github.com/gomikro/gomikro/ref"
	"github.com/gomikro/gomikro/seed"
	"github.com/gomikro/gomikro/sqlem"
	"github.com/gomikro/gomikro/sqlem/mysql"
	"github.com/gomikro/gomikro/sqlem/postgres"
	"github.com/gomikro/gomikro/sqlem/sqlite"
)

// counts returns the numbers of authors, books and tags in the database.
func counts(t *testing.T, open func(context.Context, gomikro.Config) (*sqlem.ORM, error), dsn string) [3]int64 {
	t.Helper()
	ctx := context.Background()
	o, err := open(ctx, gomikro.Config{DSN: dsn, Entities: model.Entities()})
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	m := o.EM().Fork()
	var n [3]int64
	for i, count := range []func() (int64, error){
		func() (int64, error) { return em.Count[model.Author](ctx, m, nil) },
		func() (int64, error) { return em.Count[model.Book](ctx, m, nil) },
		func() (int64, error) { return em.Count[model.Tag](ctx, m, nil) },
	} {
		if n[i], err = count(); err != nil {
			t.Fatal(err)
		}
	}
	return n
}

// TestSeederBinary runs the bookstore's seeders through its built CLI:
// seeder:run, schema:fresh --seed, and the usage errors, on every SQL
// dialect.
func TestSeederBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	bin := bookstore(t)
	expect(t, run(t, bin, nil, "--help"), 0, "seeder:run")
	expect(t, run(t, bin, nil, "seeder:run", "--help"), 0, "-class", "-seeder")
	expect(t, run(t, bin, nil, "schema:fresh", "--help"), 0, "-seed")
	type dialect struct {
		dsn  string
		open func(context.Context, gomikro.Config) (*sqlem.ORM, error)
	}
	dialects := map[string]dialect{
		"sqlite":   {filepath.Join(t.TempDir(), "bookstore.db"), sqlite.Open},
		"postgres": {testdb.PostgresSchema(t), postgres.Open},
		"mysql":    {testdb.MySQLDatabase(t), func(ctx context.Context, cfg gomikro.Config) (*sqlem.ORM, error) { return mysql.Open(ctx, cfg) }},
	}
	for _, name := range []string{"sqlite", "postgres", "mysql"} {
		d := dialects[name]
		t.Run(name, func(t *testing.T) {
			dsn := d.dsn
			expect(t, run(t, bin, nil, "schema:fresh", "--run", "--seed", "--dsn", dsn), 0, "schema dropped", "schema created", "seeded DatabaseSeeder")
			if n := counts(t, d.open, dsn); n != [3]int64{5, 15, 5} {
				t.Errorf("after schema:fresh --seed: %v authors, books, tags; want 5, 15, 5", n)
			}
			// The factories are deterministic: the same seeder again makes
			// the same unique values, fails, and leaves the data as it was.
			expect(t, run(t, bin, nil, "seeder:run", "--dsn", dsn), 1, "error: seed: DatabaseSeeder: TagSeeder: Create 5 Tag: gomikro: insert Tag: gomikro: unique constraint violated (Tag.Name)")
			if n := counts(t, d.open, dsn); n != [3]int64{5, 15, 5} {
				t.Errorf("after a failed seeder:run: %v; want 5, 15, 5", n)
			}
			// On empty tables, seeder by seeder.
			expect(t, run(t, bin, nil, "schema:fresh", "--run", "--dsn", dsn), 0, "schema created")
			expect(t, run(t, bin, nil, "seeder:run", "--class", "TagSeeder", "--dsn", dsn), 0, "seeded TagSeeder")
			expect(t, run(t, bin, []string{"GOMIKRO_DSN=" + dsn}, "seeder:run", "--seeder", "AuthorSeeder"), 0, "seeded AuthorSeeder")
			if n := counts(t, d.open, dsn); n != [3]int64{5, 15, 5} {
				t.Errorf("after seeder:run TagSeeder and AuthorSeeder: %v; want 5, 15, 5", n)
			}
			// An unknown seeder is named, and schema:fresh looks it up
			// before it drops anything.
			expect(t, run(t, bin, nil, "seeder:run", "--class", "Nope", "--dsn", dsn), 2, `unknown seeder "Nope"`, "AuthorSeeder, DatabaseSeeder, TagSeeder")
			expect(t, run(t, bin, nil, "schema:fresh", "--run", "--seed=Nope", "--dsn", dsn), 2, `unknown seeder "Nope"`)
			expect(t, run(t, bin, nil, "schema:fresh", "--dump", "--seed", "--dsn", dsn), 2, "--seed runs seeders: give --run")
			if n := counts(t, d.open, dsn); n != [3]int64{5, 15, 5} {
				t.Errorf("after refused commands: %v; want 5, 15, 5", n)
			}
			expect(t, run(t, bin, nil, "schema:fresh", "--run", "--seed=TagSeeder", "--dsn", dsn), 0, "seeded TagSeeder")
			if n := counts(t, d.open, dsn); n != [3]int64{0, 0, 5} {
				t.Errorf("after schema:fresh --seed=TagSeeder: %v; want 0, 0, 5", n)
			}
			// schema:fresh without --seed seeds nothing.
			r := run(t, bin, nil, "schema:fresh", "--run", "--dsn", dsn)
			expect(t, r, 0, "schema created")
			if strings.Contains(r.stdout, "seeded") {
				t.Errorf("schema:fresh without --seed seeded:\n%s", r.stdout)
			}
		})
	}
}

// TestSeederFailure: a failing seeder exits 1 with its error and leaves
// nothing (the seeders run in one transaction); a CLI without seeders
// says where they are registered.
func TestSeederFailure(t *testing.T) {
	authors := seed.NewFactory(func(g *seed.Gen) model.Author { return model.Author{Name: g.Name(), Email: g.Email()} })
	boom := errors.New("the warehouse is empty")
	seeders := seed.Registry{
		"DatabaseSeeder": seed.Func(func(ctx context.Context, m *em.EntityManager) error {
			_, err := authors.Create(ctx, m, 3)
			return err
		}),
		"Broken": seed.Func(func(ctx context.Context, m *em.EntityManager) error {
			if _, err := authors.Create(ctx, m, 3); err != nil {
				return err
			}
			return boom
		}),
	}
	for _, c := range []struct {
		name string
		dsn  string
		open func(context.Context, gomikro.Config) (*sqlem.ORM, error)
	}{
		{"sqlite", filepath.Join(t.TempDir(), "s.db"), sqlite.Open},
		{"postgres", testdb.PostgresSchema(t), postgres.Open},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := cli.Config{Name: "shop", ORM: gomikro.Config{Entities: model.Entities()}, Open: c.open, Seeders: seeders}
			runIn := func(cfg cli.Config, args ...string) (int, string) {
				var out, errb bytes.Buffer
				code := cli.Run(context.Background(), cfg, append(args, "--dsn", c.dsn), &out, &errb)
				return code, out.String() + errb.String()
			}
			if code, out := runIn(cfg, "schema:fresh", "--run", "--seed"); code != 0 || !strings.Contains(out, "seeded DatabaseSeeder") {
				t.Fatalf("schema:fresh --seed: %d\n%s", code, out)
			}
			if code, out := runIn(cfg, "seeder:run", "--class", "Broken"); code != 1 || !strings.Contains(out, "error: seed: Broken: the warehouse is empty") {
				t.Errorf("seeder:run --class Broken: %d\n%s", code, out)
			}
			if n := counts(t, c.open, c.dsn); n[0] != 3 {
				t.Errorf("%d authors after a failed seeder, want the 3 of before", n[0])
			}
			// A failing seeder after schema:fresh leaves the new, empty tables.
			if code, out := runIn(cfg, "schema:fresh", "--run", "--seed=Broken"); code != 1 || !strings.Contains(out, "the warehouse is empty") {
				t.Errorf("schema:fresh --seed=Broken: %d\n%s", code, out)
			}
			if n := counts(t, c.open, c.dsn); n[0] != 0 {
				t.Errorf("%d authors after schema:fresh with a failed seeder, want 0", n[0])
			}
			bare := cfg
			bare.Seeders = nil
			if code, out := runIn(bare, "seeder:run"); code != 2 || !strings.Contains(out, `unknown seeder "DatabaseSeeder"`) || !strings.Contains(out, "cli.Config.Seeders") {
				t.Errorf("seeder:run without seeders: %d\n%s", code, out)
			}
			named := cfg
			named.DefaultSeeder = "Broken"
			if code, out := runIn(named, "seeder:run"); code != 1 || !strings.Contains(out, "Broken") {
				t.Errorf("seeder:run with DefaultSeeder Broken: %d\n%s", code, out)
			}
		})
	}
}

// TestSeederMongo: seeder:run and schema:fresh --seed on a MongoDB
// backend (without a transaction, said so, where the server has none).
func TestSeederMongo(t *testing.T) {
	uri := testdb.MongoDatabase(t)
	authors := seed.NewFactory(func(g *seed.Gen) model.Author { return model.Author{Name: g.Name(), Email: g.Email()} })
	seeders := seed.Registry{"DatabaseSeeder": seed.Func(func(ctx context.Context, m *em.EntityManager) error {
		_, err := authors.Each(func(g *seed.Gen, a *model.Author) {
			a.Books.Add(&model.Book{Title: g.Sentence(2), Author: ref.To(a)})
		}).Create(ctx, m, 4)
		return err
	})}
	cfg := cli.Config{Name: "shop", ORM: gomikro.Config{Entities: model.Entities()}, OpenMongo: mongoem.Open, Seeders: seeders}
	runIn := func(args ...string) (int, string) {
		var out, errb bytes.Buffer
		code := cli.Run(context.Background(), cfg, append(args, "--dsn", uri), &out, &errb)
		return code, out.String() + errb.String()
	}
	count := func() (int64, int64) {
		ctx := context.Background()
		o, err := mongoem.Open(ctx, gomikro.Config{DSN: uri, Entities: model.Entities()})
		if err != nil {
			t.Fatal(err)
		}
		defer o.Close()
		a, err := em.Count[model.Author](ctx, o.EM().Fork(), nil)
		if err != nil {
			t.Fatal(err)
		}
		b, err := em.Count[model.Book](ctx, o.EM().Fork(), nil)
		if err != nil {
			t.Fatal(err)
		}
		return a, b
	}
	probe, err := mongoem.Open(context.Background(), gomikro.Config{DSN: uri, Entities: model.Entities()})
	if err != nil {
		t.Fatal(err)
	}
	tx := probe.SupportsTransactions()
	_ = probe.Close()
	code, out := runIn("schema:fresh", "--run", "--seed")
	if code != 0 || !strings.Contains(out, "seeded DatabaseSeeder") {
		t.Fatalf("schema:fresh --run --seed: %d\n%s", code, out)
	}
	if note := strings.Contains(out, "note: this MongoDB server has no transactions"); note == tx {
		t.Errorf("server with transactions: %v; the output says otherwise:\n%s", tx, out)
	}
	if a, b := count(); a != 4 || b != 4 {
		t.Errorf("%d authors and %d books, want 4 and 4", a, b)
	}
	if code, out := runIn("seeder:run"); code != 0 || !strings.Contains(out, "seeded DatabaseSeeder") {
		t.Errorf("seeder:run: %d\n%s", code, out)
	}
	if a, _ := count(); a != 8 {
		t.Errorf("%d authors after seeder:run, want 8", a)
	}
	if code, out := runIn("seeder:run", "--class", "Other"); code != 2 || !strings.Contains(out, `unknown seeder "Other" (registered: DatabaseSeeder)`) {
		t.Errorf("seeder:run --class Other: %d\n%s", code, out)
	}
}
