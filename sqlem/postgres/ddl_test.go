package postgres_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/internal/testdb"
	"github.com/gomikro/gomikro/ref"
	"github.com/gomikro/gomikro/sqlem/postgres"
)

// The DDL model: every kind of column, key and constraint the generator
// writes.

type DDLPublisher struct {
	ID      int64  `orm:"pk"`
	Name    string `orm:"unique,length=120"`
	Country string `orm:"unique=uq_ddl_publisher_place,length=2"`
	City    string `orm:"unique=uq_ddl_publisher_place"`
}

type DDLWriter struct {
	ID        int64  `orm:"pk"`
	Email     string `orm:"unique,length=320"`
	Nick      string `orm:"index"`
	Bio       *string
	Motto     *string   `orm:"nullable=false,default=it's fine"`
	Rank      *int      `orm:"nullable=false,default=10"`
	Active    *bool     `orm:"nullable=false,default=true"`
	Joined    time.Time `orm:"default=now"`
	Prefs     map[string]any
	Fee       float64 `orm:"precision=8,scale=2"`
	Score     float32
	Small     int16
	Avatar    []byte
	Mentor    ref.Ref[DDLWriter]       `orm:"nullable,onDelete=set null"`
	Publisher ref.Ref[DDLPublisher]    `orm:"onDelete=cascade"`
	Genres    ref.Collection[DDLGenre] `orm:"m:n"`
	Version   int                      `orm:"version"`
}

type DDLGenre struct {
	Code  string `orm:"pk,length=16"`
	Label string
}

// DDLContract is keyed by two references.
type DDLContract struct {
	Writer    ref.Ref[DDLWriter]    `orm:"pk,onDelete=cascade"`
	Publisher ref.Ref[DDLPublisher] `orm:"pk"`
	Signed    time.Time             `orm:"default=now"`
}

func ddlEntities() []any { return []any{DDLPublisher{}, DDLWriter{}, DDLGenre{}, DDLContract{}} }

// catalog reads the current schema's structure.
type catalog struct {
	t    *testing.T
	conn *pgx.Conn
}

func (c catalog) strings(ctx context.Context, sql string, args ...any) []string {
	c.t.Helper()
	rows, err := c.conn.Query(ctx, sql, args...)
	if err != nil {
		c.t.Fatalf("%s: %v", sql, err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		c.t.Fatalf("%s: %v", sql, err)
	}
	sort.Strings(out)
	return out
}

func (c catalog) tables(ctx context.Context) []string {
	return c.strings(ctx, `SELECT table_name::text FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`)
}

// columns describes each column as "name type [NOT NULL] [IDENTITY] [DEFAULT expr]".
func (c catalog) columns(ctx context.Context, table string) []string {
	return c.strings(ctx, `
		SELECT a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
			|| CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END
			|| CASE WHEN a.attidentity <> '' THEN ' IDENTITY' ELSE '' END
			|| COALESCE(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '')
		FROM pg_attribute a
		JOIN pg_class t ON t.oid = a.attrelid
		JOIN pg_namespace n ON n.oid = t.relnamespace
		LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
		WHERE n.nspname = current_schema() AND t.relname = $1 AND a.attnum > 0 AND NOT a.attisdropped`, table)
}

// constraints describes each constraint as "table name: definition".
func (c catalog) constraints(ctx context.Context) []string {
	return c.strings(ctx, `
		SELECT t.relname || ' ' || con.conname || ': ' || pg_get_constraintdef(con.oid)
		FROM pg_constraint con
		JOIN pg_class t ON t.oid = con.conrelid
		JOIN pg_namespace n ON n.oid = t.relnamespace
		WHERE n.nspname = current_schema() AND con.contype IN ('p', 'u', 'f')`)
}

// deleteRules describes each foreign key as "name: rule", from information_schema.
func (c catalog) deleteRules(ctx context.Context) []string {
	return c.strings(ctx, `SELECT constraint_name || ': ' || delete_rule
		FROM information_schema.referential_constraints
		WHERE constraint_schema = current_schema()`)
}

// indexes describes each index that backs no constraint as "name: table(columns)".
func (c catalog) indexes(ctx context.Context) []string {
	return c.strings(ctx, `
		SELECT i.relname || ': ' || t.relname || '(' || string_agg(a.attname, ', ' ORDER BY k.ord) || ')'
			|| CASE WHEN ix.indisunique THEN ' unique' ELSE '' END
		FROM pg_index ix
		JOIN pg_class i ON i.oid = ix.indexrelid
		JOIN pg_class t ON t.oid = ix.indrelid
		JOIN pg_namespace n ON n.oid = t.relnamespace
		JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord) ON true
		JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
		WHERE n.nspname = current_schema()
			AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = ix.indexrelid)
		GROUP BY i.relname, t.relname, ix.indisunique`)
}

func sameSet(t *testing.T, what string, got, want []string) {
	t.Helper()
	want = append([]string(nil), want...)
	sort.Strings(want)
	if strings.Join(got, "\n") == strings.Join(want, "\n") {
		return
	}
	have := map[string]bool{}
	for _, g := range got {
		have[g] = true
	}
	for _, w := range want {
		if !have[w] {
			t.Errorf("%s: missing %s", what, w)
		}
		delete(have, w)
	}
	for g := range have {
		t.Errorf("%s: unexpected %s", what, g)
	}
}

func TestCreateSchemaDDL(t *testing.T) {
	ctx := context.Background()
	dsn := testdb.PostgresSchema(t)
	orm, err := postgres.Open(ctx, gomikro.Config{DSN: dsn, Entities: ddlEntities()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = orm.Close() })
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	cat := catalog{t, conn}
	if got := cat.tables(ctx); len(got) != 0 {
		t.Fatalf("the fresh schema has tables: %v", got)
	}

	if err := orm.Schema().CreateSchema(ctx); err != nil {
		t.Fatal(err)
	}

	sameSet(t, "tables", cat.tables(ctx), []string{"ddl_publisher", "ddl_writer", "ddl_genre", "ddl_contract", "ddl_writer_genres"})

	sameSet(t, "ddl_writer columns", cat.columns(ctx, "ddl_writer"), []string{
		"id bigint NOT NULL IDENTITY",
		"email character varying(320) NOT NULL",
		"nick text NOT NULL",
		"bio text",
		"motto text NOT NULL DEFAULT 'it''s fine'::text",
		"rank bigint NOT NULL DEFAULT 10",
		"active boolean NOT NULL DEFAULT true",
		"joined timestamp with time zone NOT NULL DEFAULT CURRENT_TIMESTAMP",
		"prefs jsonb",
		"fee numeric(8,2) NOT NULL",
		"score real NOT NULL",
		"small smallint NOT NULL",
		"avatar bytea",
		"mentor_id bigint",
		"publisher_id bigint NOT NULL",
		"version bigint NOT NULL",
	})
	sameSet(t, "ddl_publisher columns", cat.columns(ctx, "ddl_publisher"), []string{
		"id bigint NOT NULL IDENTITY",
		"name character varying(120) NOT NULL",
		"country character varying(2) NOT NULL",
		"city text NOT NULL",
	})
	sameSet(t, "ddl_genre columns", cat.columns(ctx, "ddl_genre"), []string{
		"code character varying(16) NOT NULL",
		"label text NOT NULL",
	})
	sameSet(t, "ddl_contract columns", cat.columns(ctx, "ddl_contract"), []string{
		"writer_id bigint NOT NULL",
		"publisher_id bigint NOT NULL",
		"signed timestamp with time zone NOT NULL DEFAULT CURRENT_TIMESTAMP",
	})
	sameSet(t, "ddl_writer_genres columns", cat.columns(ctx, "ddl_writer_genres"), []string{
		"ddl_writer_id bigint NOT NULL",
		"ddl_genre_code character varying(16) NOT NULL",
	})

	sameSet(t, "constraints", cat.constraints(ctx), []string{
		"ddl_publisher pk_ddl_publisher: PRIMARY KEY (id)",
		"ddl_publisher uq_ddl_publisher_name: UNIQUE (name)",
		"ddl_publisher uq_ddl_publisher_place: UNIQUE (country, city)",
		"ddl_writer pk_ddl_writer: PRIMARY KEY (id)",
		"ddl_writer uq_ddl_writer_email: UNIQUE (email)",
		"ddl_writer fk_ddl_writer_mentor_id: FOREIGN KEY (mentor_id) REFERENCES ddl_writer(id) ON DELETE SET NULL",
		"ddl_writer fk_ddl_writer_publisher_id: FOREIGN KEY (publisher_id) REFERENCES ddl_publisher(id) ON DELETE CASCADE",
		"ddl_genre pk_ddl_genre: PRIMARY KEY (code)",
		"ddl_contract pk_ddl_contract: PRIMARY KEY (writer_id, publisher_id)",
		"ddl_contract fk_ddl_contract_writer_id: FOREIGN KEY (writer_id) REFERENCES ddl_writer(id) ON DELETE CASCADE",
		"ddl_contract fk_ddl_contract_publisher_id: FOREIGN KEY (publisher_id) REFERENCES ddl_publisher(id)",
		"ddl_writer_genres pk_ddl_writer_genres: PRIMARY KEY (ddl_writer_id, ddl_genre_code)",
		"ddl_writer_genres fk_ddl_writer_genres_ddl_writer_id: FOREIGN KEY (ddl_writer_id) REFERENCES ddl_writer(id) ON DELETE CASCADE",
		"ddl_writer_genres fk_ddl_writer_genres_ddl_genre_code: FOREIGN KEY (ddl_genre_code) REFERENCES ddl_genre(code) ON DELETE CASCADE",
	})
	sameSet(t, "delete rules", cat.deleteRules(ctx), []string{
		"fk_ddl_writer_mentor_id: SET NULL",
		"fk_ddl_writer_publisher_id: CASCADE",
		"fk_ddl_contract_writer_id: CASCADE",
		"fk_ddl_contract_publisher_id: NO ACTION",
		"fk_ddl_writer_genres_ddl_writer_id: CASCADE",
		"fk_ddl_writer_genres_ddl_genre_code: CASCADE",
	})
	sameSet(t, "indexes", cat.indexes(ctx), []string{
		"idx_ddl_writer_nick: ddl_writer(nick)",
		"idx_ddl_writer_mentor_id: ddl_writer(mentor_id)",
		"idx_ddl_writer_publisher_id: ddl_writer(publisher_id)",
		"idx_ddl_contract_publisher_id: ddl_contract(publisher_id)",
		"idx_ddl_writer_genres_ddl_genre_code: ddl_writer_genres(ddl_genre_code)",
	})

	// Insert through the ORM, leaving the defaulted fields zero.
	m := orm.EM().Fork()
	pub := &DDLPublisher{Name: "Acme", Country: "FR", City: "Paris"}
	g1, g2 := &DDLGenre{Code: "sf", Label: "Science fiction"}, &DDLGenre{Code: "noir", Label: "Noir"}
	w := &DDLWriter{Email: "ann@example.com", Nick: "ann", Publisher: ref.To(pub), Fee: 12.5}
	w.Genres.Add(g1, g2)
	if err := m.Persist(pub, g1, g2, w, &DDLContract{Writer: ref.To(w), Publisher: ref.To(pub)}); err != nil {
		t.Fatal(err)
	}
	before := time.Now().Add(-time.Minute)
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if w.ID == 0 || pub.ID == 0 {
		t.Fatalf("generated keys not read back: writer %d, publisher %d", w.ID, pub.ID)
	}
	if w.Motto == nil || *w.Motto != "it's fine" || w.Rank == nil || *w.Rank != 10 || w.Active == nil || !*w.Active || w.Joined.Before(before) {
		t.Errorf("defaults not read back into the object: motto %v rank %v active %v joined %v", w.Motto, w.Rank, w.Active, w.Joined)
	}
	var (
		motto          string
		rank, version  int64
		active         bool
		joined, signed time.Time
		pivotRows      int
		mentor         *int64
	)
	err = conn.QueryRow(ctx, `SELECT w.motto, w.rank, w.active, w.joined, w.version, w.mentor_id, c.signed,
			(SELECT count(*) FROM ddl_writer_genres p WHERE p.ddl_writer_id = w.id)
		FROM ddl_writer w JOIN ddl_contract c ON c.writer_id = w.id WHERE w.id = $1`, w.ID).
		Scan(&motto, &rank, &active, &joined, &version, &mentor, &signed, &pivotRows)
	if err != nil {
		t.Fatal(err)
	}
	if motto != "it's fine" || rank != 10 || !active || joined.Before(before) || signed.Before(before) || mentor != nil || pivotRows != 2 {
		t.Errorf("stored row: motto %q rank %d active %v joined %v signed %v mentor %v, %d pivot rows",
			motto, rank, active, joined, signed, mentor, pivotRows)
	}
	if version < 1 {
		t.Errorf("version %d after insert", version)
	}

	// The constraints hold: a duplicate email and a duplicate place fail.
	for _, sql := range []string{
		fmt.Sprintf(`INSERT INTO ddl_writer (email, nick, fee, score, small, avatar, publisher_id, version) VALUES ('ann@example.com', 'x', 0, 0, 0, '', %d, 1)`, pub.ID),
		`INSERT INTO ddl_publisher (name, country, city) VALUES ('Other', 'FR', 'Paris')`,
		`INSERT INTO ddl_writer_genres VALUES (-1, 'sf')`,
	} {
		if _, err := conn.Exec(ctx, sql); err == nil {
			t.Errorf("accepted: %s", sql)
		}
	}
	// ON DELETE SET NULL and CASCADE act.
	if _, err := conn.Exec(ctx, `INSERT INTO ddl_writer (email, nick, fee, score, small, avatar, publisher_id, mentor_id, version)
		VALUES ('bob@example.com', 'bob', 0, 0, 0, '', $1, $2, 1)`, pub.ID, w.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `DELETE FROM ddl_writer WHERE id = $1`, w.ID); err != nil {
		t.Fatal(err)
	}
	var mentors, contracts, pivots int
	if err := conn.QueryRow(ctx, `SELECT (SELECT count(mentor_id) FROM ddl_writer), (SELECT count(*) FROM ddl_contract),
		(SELECT count(*) FROM ddl_writer_genres)`).Scan(&mentors, &contracts, &pivots); err != nil {
		t.Fatal(err)
	}
	if mentors != 0 || contracts != 0 || pivots != 0 {
		t.Errorf("after deleting the writer: %d mentor refs, %d contracts, %d pivot rows; want 0, 0, 0", mentors, contracts, pivots)
	}

	if err := orm.Schema().DropSchema(ctx); err != nil {
		t.Fatal(err)
	}
	if got := cat.tables(ctx); len(got) != 0 {
		t.Errorf("tables left after DropSchema: %v", got)
	}
	// Dropping again is harmless (IF EXISTS).
	if err := orm.Schema().DropSchema(ctx); err != nil {
		t.Errorf("second DropSchema: %v", err)
	}
}

// TestCreateSchemaIsAtomic checks that a failing CreateSchema leaves no
// table behind (PostgreSQL runs DDL in a transaction).
func TestCreateSchemaIsAtomic(t *testing.T) {
	ctx := context.Background()
	dsn := testdb.PostgresSchema(t)
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	// A table in the way of the last CREATE TABLE (the pivot).
	if _, err := conn.Exec(ctx, `CREATE TABLE ddl_writer_genres (x int)`); err != nil {
		t.Fatal(err)
	}
	orm, err := postgres.Open(ctx, gomikro.Config{DSN: dsn, Entities: ddlEntities()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = orm.Close() })
	err = orm.Schema().CreateSchema(ctx)
	if err == nil || !strings.Contains(err.Error(), "ddl_writer_genres") {
		t.Fatalf("CreateSchema over an existing table: %v", err)
	}
	sameSet(t, "tables", catalog{t, conn}.tables(ctx), []string{"ddl_writer_genres"})
}
