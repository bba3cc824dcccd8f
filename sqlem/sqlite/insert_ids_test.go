package sqlite_test

import (
	"context"
	"database/sql"
	"math"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/internal/sqlbench"
	"github.com/gomikro/gomikro/ref"
	"github.com/gomikro/gomikro/sqlem"
)

// openIDs opens a fresh database of the benchmark model and a plain
// database/sql handle on it.
func openIDs(t *testing.T) (*sqlem.ORM, *sql.DB) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ids.db")
	orm := openFresh(t, gomikro.Config{DSN: path, Entities: sqlbench.Entities()})
	db, err := sql.Open("sqlite", path+"?_pragma=foreign_keys(1)&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return orm, db
}

// persistGraph persists n authors named prefix+i and two books each, by
// reference to their (new) author, and flushes.
func persistGraph(t *testing.T, m *sqlem.EntityManager, prefix string, n int) ([]*sqlbench.BenchAuthor, []*sqlbench.BenchBook, error) {
	t.Helper()
	authors := make([]*sqlbench.BenchAuthor, n)
	var books []*sqlbench.BenchBook
	for i := range authors {
		authors[i] = &sqlbench.BenchAuthor{Name: prefix + strconv.Itoa(i)}
		for j := range 2 {
			books = append(books, &sqlbench.BenchBook{Title: prefix + strconv.Itoa(i) + "/" + strconv.Itoa(j), Author: ref.To(authors[i])})
		}
	}
	for _, a := range authors {
		if err := m.Persist(a); err != nil {
			t.Fatal(err)
		}
	}
	for _, b := range books {
		if err := m.Persist(b); err != nil {
			t.Fatal(err)
		}
	}
	return authors, books, m.Flush(context.Background())
}

// checkGraph checks the keys of authors and books against the rows.
func checkGraph(t *testing.T, db *sql.DB, authors []*sqlbench.BenchAuthor, books []*sqlbench.BenchBook) {
	t.Helper()
	seen := make(map[int64]bool)
	for _, a := range authors {
		var name string
		if err := db.QueryRow(`SELECT name FROM bench_author WHERE id = ?`, a.ID).Scan(&name); err != nil || name != a.Name {
			t.Fatalf("author %q has key %d, which holds %q (%v)", a.Name, a.ID, name, err)
		}
		if seen[a.ID] {
			t.Fatalf("key %d twice", a.ID)
		}
		seen[a.ID] = true
	}
	for _, b := range books {
		var title string
		var author int64
		if err := db.QueryRow(`SELECT title, author_id FROM bench_book WHERE id = ?`, b.ID).Scan(&title, &author); err != nil {
			t.Fatalf("book %q: key %d: %v", b.Title, b.ID, err)
		}
		want := b.Author.Get().ID
		if title != b.Title || author != want {
			t.Fatalf("book key %d: (%q, author %d), want (%q, author %d)", b.ID, title, author, b.Title, want)
		}
	}
}

// TestMultiRowInsertKeys: the keys of a big insert come from the insert
// id after a guard, over tables with rows and gaps already, with the
// chunks of the batch on one prepared statement; children get their
// parents' keys.
func TestMultiRowInsertKeys(t *testing.T) {
	orm, db := openIDs(t)
	for _, q := range []string{
		`INSERT INTO bench_author (id, name) VALUES (3, 'x3'), (7, 'x7'), (1000, 'x1000'), (1001, 'x1001')`,
		`DELETE FROM bench_author WHERE id IN (7, 1001)`, // a gap, and the largest gone
		`INSERT INTO bench_book (id, title, year, price, author_id) VALUES (50, 'b', 1, 1, 3)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	for round, n := range []int{2, 999, 2501} {
		authors, books, err := persistGraph(t, orm.EM().Fork(), "r"+strconv.Itoa(round)+"-", n)
		if err != nil {
			t.Fatal(err)
		}
		checkGraph(t, db, authors, books)
	}
}

// TestMultiRowInsertKeysNearMax: when the largest rowid leaves no room
// for the batch, SQLite picks rowids at random; the rows go one at a time.
func TestMultiRowInsertKeysNearMax(t *testing.T) {
	orm, db := openIDs(t)
	if _, err := db.Exec(`INSERT INTO bench_author (id, name) VALUES (?, 'top')`, int64(math.MaxInt64-5)); err != nil {
		t.Fatal(err)
	}
	authors, books, err := persistGraph(t, orm.EM().Fork(), "a", 40)
	if err != nil {
		t.Fatal(err)
	}
	checkGraph(t, db, authors, books)
	if authors[0].ID != math.MaxInt64-4 {
		t.Fatalf("first key %d, want %d", authors[0].ID, int64(math.MaxInt64-4))
	}
}

// TestMultiRowInsertKeysTrigger: a trigger that inserts rows of the same
// table between a statement's rows makes the insert read its keys by
// RETURNING; so does AUTOINCREMENT, whose keys need not follow the
// largest rowid.
func TestMultiRowInsertKeysTrigger(t *testing.T) {
	orm, db := openIDs(t)
	if _, err := db.Exec(`CREATE TRIGGER shadow AFTER INSERT ON bench_author WHEN NEW.name NOT LIKE 'shadow%'
		BEGIN INSERT INTO bench_author (name) VALUES ('shadow ' || NEW.name); END`); err != nil {
		t.Fatal(err)
	}
	authors, books, err := persistGraph(t, orm.EM().Fork(), "t", 300)
	if err != nil {
		t.Fatal(err)
	}
	checkGraph(t, db, authors, books)
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM bench_author WHERE name LIKE 'shadow%'`).Scan(&n); err != nil || n != 300 {
		t.Fatalf("%d shadow rows (%v)", n, err)
	}

	orm2, db2 := openIDs(t)
	for _, q := range []string{
		`PRAGMA foreign_keys = OFF`,
		`DROP TABLE bench_book`,
		`DROP TABLE bench_author`,
		`CREATE TABLE bench_author (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL)`,
		`CREATE TABLE bench_book (id INTEGER PRIMARY KEY, title VARCHAR(100) NOT NULL, year INTEGER NOT NULL,
			price REAL NOT NULL, author_id INTEGER REFERENCES bench_author (id))`,
		`INSERT INTO bench_author (id, name) VALUES (500, 'x')`,
		`DELETE FROM bench_author`, // AUTOINCREMENT goes on after 500, max(rowid) is 0
	} {
		if _, err := db2.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	authors, books, err = persistGraph(t, orm2.EM().Fork(), "ai", 100)
	if err != nil {
		t.Fatal(err)
	}
	checkGraph(t, db2, authors, books)
	if authors[0].ID != 501 {
		t.Fatalf("first AUTOINCREMENT key %d, want 501", authors[0].ID)
	}
}

// TestMultiRowInsertRollback: a big insert that fails leaves no rows and
// the objects as they were; the next flush inserts them with right keys.
func TestMultiRowInsertRollback(t *testing.T) {
	ctx := context.Background()
	orm, db := openIDs(t)
	m := orm.EM().Fork()
	ghost, err := em.GetReference[sqlbench.BenchAuthor](m, int64(424242))
	if err != nil {
		t.Fatal(err)
	}
	var books []*sqlbench.BenchBook
	for i := range 2500 {
		b := &sqlbench.BenchBook{Title: "g" + strconv.Itoa(i), Author: ref.To(ghost)}
		if i < 2400 {
			a := &sqlbench.BenchAuthor{Name: "n" + strconv.Itoa(i)}
			if err := m.Persist(a); err != nil {
				t.Fatal(err)
			}
			b.Author = ref.To(a)
		}
		books = append(books, b)
		if err := m.Persist(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.Flush(ctx); err == nil {
		t.Fatal("a book of a missing author was inserted")
	}
	for _, b := range books {
		if b.ID != 0 || b.Author.Get() != nil && b.Author.Get() != ghost && b.Author.Get().ID != 0 {
			t.Fatalf("after the failed flush: book key %d, author key %d", b.ID, b.Author.Get().ID)
		}
	}
	var n int
	if err := db.QueryRow(`SELECT (SELECT count(*) FROM bench_author) + (SELECT count(*) FROM bench_book)`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d rows after the failed flush (%v)", n, err)
	}
	if _, err := db.Exec(`INSERT INTO bench_author (id, name) VALUES (424242, 'ghost')`); err != nil {
		t.Fatal(err)
	}
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	for _, b := range books {
		var author int64
		if err := db.QueryRow(`SELECT author_id FROM bench_book WHERE id = ? AND title = ?`, b.ID, b.Title).Scan(&author); err != nil {
			t.Fatalf("book %q key %d: %v", b.Title, b.ID, err)
		}
		if want := b.Author.Get(); want != nil && want != ghost && author != want.ID {
			t.Fatalf("book %q: author %d, want %d", b.Title, author, want.ID)
		}
	}
}
