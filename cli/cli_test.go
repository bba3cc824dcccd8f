package cli_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/cli"
	"github.com/gomikro/gomikro/internal/testdb"
	"github.com/gomikro/gomikro/mongoem"
)

// bookstore builds the bookstore's CLI (examples/bookstore/cmd) once.
func bookstore(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "bookstore")
	build := exec.Command("go", "build", "-o", bin, "../examples/bookstore/cmd")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

type result struct {
	code           int
	stdout, stderr string
}

func run(t *testing.T, bin string, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Dir = t.TempDir()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{code, out.String(), errb.String()}
}

func expect(t *testing.T, r result, code int, want ...string) {
	t.Helper()
	if r.code != code {
		t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, code, r.stdout, r.stderr)
	}
	for _, w := range want {
		if !strings.Contains(r.stdout+r.stderr, w) {
			t.Errorf("output lacks %q\nstdout:\n%s\nstderr:\n%s", w, r.stdout, r.stderr)
		}
	}
}

// TestBinary runs the built CLI: help, usage errors, dumps, an update,
// and the embedded migrations, on every SQL dialect.
func TestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	bin := bookstore(t)
	expect(t, run(t, bin, nil, "--help"), 0, "schema:update", "migration:check", "generate-entities")
	expect(t, run(t, bin, nil), 2, "usage:")
	expect(t, run(t, bin, nil, "schema:frobnicate"), 2, "unknown command")
	expect(t, run(t, bin, nil, "schema:update", "--help"), 0, "-drop-tables", "-dump")
	expect(t, run(t, bin, nil, "migration:up", "--bogus"), 2, "flag provided but not defined")
	expect(t, run(t, bin, nil, "schema:update", "--help"), 0, "-validators", "-drop-validators")
	// Validators are MongoDB's: a usage error on SQL.
	expect(t, run(t, bin, nil, "schema:update", "--run", "--validators", "--dsn", filepath.Join(t.TempDir(), "v.db")), 2, "for MongoDB")

	dsns := map[string]string{
		"sqlite":   filepath.Join(t.TempDir(), "bookstore.db"),
		"postgres": testdb.PostgresSchema(t),
		"mysql":    testdb.MySQLDatabase(t),
	}
	for _, name := range []string{"sqlite", "postgres", "mysql"} {
		dsn := dsns[name]
		t.Run(name, func(t *testing.T) {
			expect(t, run(t, bin, nil, "schema:update", "--dsn", dsn), 2, "give --run or --dump")
			expect(t, run(t, bin, nil, "schema:update", "--dump", "--dsn", dsn), 0, "CREATE TABLE", "book_tags")
			// The DSN from the environment.
			expect(t, run(t, bin, []string{"GOMIKRO_DSN=" + dsn}, "schema:update", "--run"), 0, "schema updated")
			r := run(t, bin, nil, "schema:update", "--dump", "--dsn", dsn)
			expect(t, r, 0, "the database matches the entities")
			if strings.Contains(r.stdout, "CREATE") {
				t.Errorf("a second dump is not empty:\n%s", r.stdout)
			}
			// The tables exist, so the embedded initial migration would
			// repeat them: check reports it pending.
			expect(t, run(t, bin, nil, "migration:check", "--dsn", dsn), 1, "pending:")
			expect(t, run(t, bin, nil, "migration:fresh", "--dsn", dsn), 0, "1 migrations applied", "up   ")
			expect(t, run(t, bin, nil, "migration:check", "--dsn", dsn), 0, "agree")
			expect(t, run(t, bin, nil, "migration:list", "--dsn", dsn), 0, "_initial.sql", "applied")
			expect(t, run(t, bin, nil, "migration:pending", "--dsn", dsn), 0, "0 pending")
			expect(t, run(t, bin, nil, "debug", "--dsn", dsn), 0, "connection: ok", "Book -> table book", "pivot book_tags")
			expect(t, run(t, bin, nil, "generate-entities", "--dsn", dsn, "--package", "gen"), 0, "package gen", "type BookTags struct")
			expect(t, run(t, bin, nil, "migration:down", "--all", "--dsn", dsn), 0, "1 migrations reverted")
			expect(t, run(t, bin, nil, "migration:pending", "--dsn", dsn), 0, "1 pending")
		})
	}
	// An unreachable database fails with 1.
	expect(t, run(t, bin, nil, "schema:update", "--dump", "--dsn", "postgres://nobody@127.0.0.1:1/x?connect_timeout=2"), 1, "error:")
}

type Memo struct {
	ID    int64  `orm:"pk"`
	Title string `orm:"index"`
}

// TestMongo: on a MongoDB backend schema:update creates the collections
// and indexes, and the SQL-only commands are usage errors.
func TestMongo(t *testing.T) {
	uri := testdb.MongoDatabase(t)
	cfg := cli.Config{Name: "memo", ORM: gomikro.Config{Entities: []any{Memo{}}}, OpenMongo: mongoem.Open}
	runIn := func(args ...string) (int, string) {
		var out, errb bytes.Buffer
		code := cli.Run(context.Background(), cfg, append(args, "--dsn", uri), &out, &errb)
		return code, out.String() + errb.String()
	}
	if code, out := runIn("schema:update", "--run"); code != 0 || !strings.Contains(out, "created memo") || !strings.Contains(out, "memo.idx_memo_title") {
		t.Errorf("schema:update --run: %d\n%s", code, out)
	}
	if code, out := runIn("schema:update", "--run"); code != 0 || strings.Contains(out, "created") {
		t.Errorf("a second schema:update --run: %d\n%s", code, out)
	}
	// The validators, dumped; set by update, or refused by FerretDB.
	if code, out := runIn("schema:create", "--dump", "--validators"); code != 0 || !strings.Contains(out, `validator memo {"$jsonSchema":{"bsonType":"object"`) {
		t.Errorf("schema:create --dump --validators: %d\n%s", code, out)
	}
	probe, err := mongoem.Open(context.Background(), gomikro.Config{DSN: uri, Entities: []any{Memo{}}})
	if err != nil {
		t.Fatal(err)
	}
	ferret := probe.IsFerretDB()
	_ = probe.Close()
	if ferret {
		if code, out := runIn("schema:update", "--run", "--validators"); code != 1 || !strings.Contains(out, "does not support validators") {
			t.Errorf("schema:update --run --validators on FerretDB: %d\n%s", code, out)
		}
	} else if code, out := runIn("schema:update", "--run", "--validators"); code != 0 || !strings.Contains(out, "validator set on memo") {
		t.Errorf("schema:update --run --validators: %d\n%s", code, out)
	}
	if code, out := runIn("migration:up"); code != 2 || !strings.Contains(out, "needs a SQL database") {
		t.Errorf("migration:up on MongoDB: %d\n%s", code, out)
	}
	if code, out := runIn("debug"); code != 0 || !strings.Contains(out, "Memo -> collection memo") {
		t.Errorf("debug: %d\n%s", code, out)
	}
}
