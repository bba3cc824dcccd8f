package schema_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/ref"
	"github.com/gomikro/gomikro/schema"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/ with the current output")

// fakeDialect quotes with a configurable character and uses simple,
// made-up type names, so that the golden files show what the generator
// does rather than what a real dialect does.
type fakeDialect struct{ quote string }

func (d fakeDialect) QuoteIdent(name string) string {
	return d.quote + strings.ReplaceAll(name, d.quote, d.quote+d.quote) + d.quote
}

func (fakeDialect) ColumnType(f *meta.Field) string {
	if f.ColumnType != "" {
		return f.ColumnType
	}
	switch f.Type {
	case meta.TypeBool:
		return "BOOL"
	case meta.TypeInt16:
		return "INT2"
	case meta.TypeInt32:
		return "INT4"
	case meta.TypeInt64:
		return "INT8"
	case meta.TypeFloat32:
		return "FLOAT4"
	case meta.TypeFloat64:
		return "FLOAT8"
	case meta.TypeDecimal:
		return "DECIMAL(" + strconv.Itoa(f.Precision) + "," + strconv.Itoa(f.Scale) + ")"
	case meta.TypeString:
		if f.Length > 0 {
			return "VARCHAR(" + strconv.Itoa(f.Length) + ")"
		}
		return "TEXT"
	case meta.TypeBytes:
		return "BLOB"
	case meta.TypeTime:
		return "TIMESTAMP"
	case meta.TypeJSON:
		return "JSON"
	}
	return "?" + f.Type.String()
}

func (fakeDialect) IdentityClause(*meta.Field) string { return " AUTO_INCREMENT" }

func (fakeDialect) DefaultClause(f *meta.Field) string {
	d := f.Default
	switch {
	case d == nil:
		return ""
	case d.Now:
		return "NOW()"
	case f.Type == meta.TypeString:
		return "'" + strings.ReplaceAll(d.Value, "'", "''") + "'"
	case f.Type == meta.TypeBool:
		b, _ := strconv.ParseBool(d.Value)
		return strings.ToUpper(strconv.FormatBool(b))
	}
	return d.Value
}

func (d fakeDialect) DropTable(table string) []string {
	return []string{"DROP TABLE IF EXISTS " + d.QuoteIdent(table)}
}

func (fakeDialect) SupportsTransactionalDDL() bool { return false }

// ---- The model ----

// Club has a composite unique constraint over (city, name).
type Club struct {
	ID      int64   `orm:"pk"`
	City    string  `orm:"unique=uq_club_city_name,length=80"`
	Name    string  `orm:"unique=uq_club_city_name"`
	Fee     float64 `orm:"precision=8,scale=2"`
	Founded time.Time
}

// Member has a self-referencing nullable reference, an m:n relation with
// a pivot, defaults of every kind, JSON, a version field and an index.
type Member struct {
	ID        int64  `orm:"pk"`
	Email     string `orm:"unique,length=320"`
	Nick      string `orm:"index"`
	Bio       *string
	Motto     *string   `orm:"nullable=false,default=it's fine"`
	Rank      *int      `orm:"nullable=false,default=10"`
	Active    *bool     `orm:"nullable=false,default=true"`
	Joined    time.Time `orm:"default=now"`
	Prefs     map[string]any
	Mentor    ref.Ref[Member]            `orm:"nullable,onDelete=set null"`
	Labels    ref.Collection[Label]      `orm:"m:n"`
	Secret    string                     `orm:"-"`
	Version   int                        `orm:"version"`
	Clubs     ref.Collection[Membership] `orm:"mappedBy=Member"`
	Following ref.Collection[Member]     `orm:"m:n,pivot=follows"`
}

type Label struct {
	Code string `orm:"pk,length=16"`
	Text string
}

// Membership is keyed by two references.
type Membership struct {
	Club   ref.Ref[Club]   `orm:"pk,onDelete=cascade"`
	Member ref.Ref[Member] `orm:"pk"`
	Role   string          `orm:"index=idx_membership_role_since"`
	Since  time.Time       `orm:"index=idx_membership_role_since"`
}

func registry(t *testing.T) *meta.Registry {
	t.Helper()
	reg, err := meta.NewRegistry(nil, Club{}, Member{}, Label{}, Membership{})
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// golden compares got with testdata/name, or rewrites the file under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) || i < len(wl); i++ {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Errorf("%s differs from the output at line %d:\n got: %s\nwant: %s\n(run go test -update if the change is intended)", path, i+1, g, w)
				break
			}
		}
	}
}

func dump(t *testing.T, g *schema.Generator, create bool) string {
	t.Helper()
	var buf bytes.Buffer
	if err := g.Dump(&buf, create); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func script(stmts []string) string {
	var b strings.Builder
	for _, s := range stmts {
		b.WriteString(s + ";\n\n")
	}
	return b.String()
}

func TestGolden(t *testing.T) {
	reg := registry(t)
	for _, d := range []struct {
		name  string
		quote string
	}{{"backtick", "`"}, {"dquote", `"`}} {
		t.Run(d.name, func(t *testing.T) {
			g := schema.New(reg, fakeDialect{d.quote})
			create, drop := g.CreateSQL(), g.DropSQL()
			golden(t, "create_"+d.name+".sql", script(create))
			golden(t, "drop_"+d.name+".sql", script(drop))
			if got := dump(t, g, true); got != script(create) {
				t.Errorf("Dump(create) differs from CreateSQL:\n%s", got)
			}
			if got := dump(t, g, false); got != script(drop) {
				t.Errorf("Dump(drop) differs from DropSQL:\n%s", got)
			}
		})
	}
}

// TestCreateSQLShape checks the properties the golden files should show,
// so that an -update cannot silently accept a broken schema.
func TestCreateSQLShape(t *testing.T) {
	g := schema.New(registry(t), fakeDialect{"`"})
	stmts := g.CreateSQL()
	all := strings.Join(stmts, "\n")
	for _, want := range []string{
		"CONSTRAINT `pk_membership` PRIMARY KEY (`club_id`, `member_id`)",
		"CONSTRAINT `uq_club_city_name` UNIQUE (`city`, `name`)",
		"CONSTRAINT `uq_member_email` UNIQUE (`email`)",
		"`id` INT8 AUTO_INCREMENT NOT NULL",
		"`email` VARCHAR(320) NOT NULL",
		"`fee` DECIMAL(8,2) NOT NULL",
		"`bio` TEXT,",
		"`motto` TEXT NOT NULL DEFAULT 'it''s fine'",
		"`rank` INT8 NOT NULL DEFAULT 10",
		"`active` BOOL NOT NULL DEFAULT TRUE",
		"`joined` TIMESTAMP NOT NULL DEFAULT NOW()",
		"`prefs` JSON,",
		"`mentor_id` INT8,",
		"`version` INT8 NOT NULL",
		"`code` VARCHAR(16) NOT NULL",
		"CREATE TABLE `member_labels` (\n  `member_id` INT8 NOT NULL,\n  `label_code` VARCHAR(16) NOT NULL,\n  CONSTRAINT `pk_member_labels` PRIMARY KEY (`member_id`, `label_code`)\n)",
		"CREATE INDEX `idx_member_nick` ON `member` (`nick`)",
		"CREATE INDEX `idx_member_mentor_id` ON `member` (`mentor_id`)",
		"CREATE INDEX `idx_membership_member_id` ON `membership` (`member_id`)",
		"CREATE INDEX `idx_membership_role_since` ON `membership` (`role`, `since`)",
		"ALTER TABLE `member` ADD CONSTRAINT `fk_member_mentor_id` FOREIGN KEY (`mentor_id`) REFERENCES `member` (`id`) ON DELETE SET NULL",
		"ALTER TABLE `membership` ADD CONSTRAINT `fk_membership_club_id` FOREIGN KEY (`club_id`) REFERENCES `club` (`id`) ON DELETE CASCADE",
		"ALTER TABLE `membership` ADD CONSTRAINT `fk_membership_member_id` FOREIGN KEY (`member_id`) REFERENCES `member` (`id`)\n",
		"ALTER TABLE `member_labels` ADD CONSTRAINT `fk_member_labels_label_code` FOREIGN KEY (`label_code`) REFERENCES `label` (`code`) ON DELETE CASCADE",
		"CONSTRAINT `pk_follows` PRIMARY KEY (`member1_id`, `member2_id`)",
	} {
		if !strings.Contains(all+"\n", want) {
			t.Errorf("CreateSQL lacks %q", want)
		}
	}
	for _, not := range []string{"secret", "clubs", "following", "`labels`", "DEFAULT NOW() NOT NULL"} {
		if strings.Contains(all, not) {
			t.Errorf("CreateSQL contains %q", not)
		}
	}
	// The key leads the membership table: club_id needs no index of its own.
	if strings.Contains(all, "idx_membership_club_id") {
		t.Error("an index duplicates the primary key's leading column")
	}
	// Tables, then indexes, then foreign keys.
	phase := func(s string) int {
		switch {
		case strings.HasPrefix(s, "CREATE TABLE"):
			return 0
		case strings.HasPrefix(s, "CREATE INDEX"):
			return 1
		case strings.HasPrefix(s, "ALTER TABLE"):
			return 2
		}
		t.Fatalf("unexpected statement %q", s)
		return -1
	}
	counts := [3]int{}
	last := 0
	for _, s := range stmts {
		p := phase(s)
		if p < last {
			t.Errorf("statement %q comes after a later phase", s)
		}
		last = p
		counts[p]++
	}
	// 4 entities + 2 pivots; 4 indexes + 2 pivot indexes; 3 entity FKs + 4 pivot FKs.
	if counts != [3]int{6, 6, 7} {
		t.Errorf("tables, indexes, foreign keys = %v, want [6 6 7]", counts)
	}
}

func TestDropSQLOrder(t *testing.T) {
	g := schema.New(registry(t), fakeDialect{`"`})
	got := strings.Join(g.DropSQL(), "\n")
	want := strings.Join([]string{
		`DROP TABLE IF EXISTS "follows"`,
		`DROP TABLE IF EXISTS "member_labels"`,
		`DROP TABLE IF EXISTS "membership"`,
		`DROP TABLE IF EXISTS "label"`,
		`DROP TABLE IF EXISTS "member"`,
		`DROP TABLE IF EXISTS "club"`,
	}, "\n")
	if got != want {
		t.Errorf("DropSQL:\n%s\nwant:\n%s", got, want)
	}
}

// recorder is an Execer that records statements and fails the n-th (1-based).
type recorder struct {
	stmts  []string
	failAt int
}

var errBoom = errors.New("boom")

func (r *recorder) ExecDDL(_ context.Context, sql string) error {
	r.stmts = append(r.stmts, sql)
	if len(r.stmts) == r.failAt {
		return errBoom
	}
	return nil
}

func TestCreateAndDropRun(t *testing.T) {
	ctx := context.Background()
	g := schema.New(registry(t), fakeDialect{"`"})
	var r recorder
	if err := g.Create(ctx, &r); err != nil {
		t.Fatal(err)
	}
	if strings.Join(r.stmts, "\n") != strings.Join(g.CreateSQL(), "\n") {
		t.Error("Create ran other statements than CreateSQL")
	}
	r = recorder{}
	if err := g.Drop(ctx, &r); err != nil {
		t.Fatal(err)
	}
	if strings.Join(r.stmts, "\n") != strings.Join(g.DropSQL(), "\n") {
		t.Error("Drop ran other statements than DropSQL")
	}

	r = recorder{failAt: 3}
	err := g.Create(ctx, &r)
	if !errors.Is(err, errBoom) {
		t.Fatalf("Create with a failing statement: %v", err)
	}
	if len(r.stmts) != 3 {
		t.Errorf("Create went on after a failure: %d statements", len(r.stmts))
	}
	if !strings.Contains(err.Error(), r.stmts[2]) {
		t.Errorf("error %q does not name the failing statement", err)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errBoom }

func TestDumpWriteError(t *testing.T) {
	g := schema.New(registry(t), fakeDialect{"`"})
	if err := g.Dump(failWriter{}, true); !errors.Is(err, errBoom) {
		t.Errorf("Dump to a failing writer: %v", err)
	}
}

func TestName(t *testing.T) {
	if got := schema.Name("fk", "book", "author_id"); got != "fk_book_author_id" {
		t.Errorf("short name changed: %q", got)
	}
	exact := strings.Repeat("a", 60)
	if got := schema.Name("fk", exact[:60]); got != "fk_"+exact[:60] || len(got) != 63 {
		t.Errorf("a 63-byte name changed: %q", got)
	}
	long := strings.Repeat("very_long_table_name_", 4)
	a := schema.Name("fk", long, "first_column_id")
	b := schema.Name("fk", long, "second_column_id")
	if len(a) > 63 || len(b) > 63 {
		t.Errorf("names longer than 63 bytes: %d %q, %d %q", len(a), a, len(b), b)
	}
	if a == b {
		t.Errorf("two long names shortened to the same %q", a)
	}
	if again := schema.Name("fk", long, "first_column_id"); again != a {
		t.Errorf("Name is not deterministic: %q then %q", a, again)
	}
	if !strings.HasPrefix(a, "fk_very_long_table_name_") {
		t.Errorf("shortened name %q lost its readable prefix", a)
	}
	if !regexp.MustCompile(`_[0-9a-f]{8}$`).MatchString(a) {
		t.Errorf("shortened name %q has no hash suffix", a)
	}
	// Names that differ only past the cut differ after shortening.
	p := strings.Repeat("x", 70)
	if schema.Name(p+"1") == schema.Name(p+"2") {
		t.Error("names that differ past byte 63 collide")
	}
}

// LongNamedEntityWithAVeryLongNameIndeed has table and column names long
// enough that every generated constraint name must be shortened.
type LongNamedEntityWithAVeryLongNameIndeed struct {
	ID                                          int64                                           `orm:"pk"`
	AnotherRatherLongColumnNameThatKeepsGoingOn string                                          `orm:"unique,index"`
	ParentReferenceWithAnEvenLongerNameThanThat ref.Ref[LongNamedEntityWithAVeryLongNameIndeed] `orm:"nullable"`
}

func TestLongNamesInDDL(t *testing.T) {
	reg, err := meta.NewRegistry(nil, LongNamedEntityWithAVeryLongNameIndeed{})
	if err != nil {
		t.Fatal(err)
	}
	g := schema.New(reg, fakeDialect{"`"})
	first := g.CreateSQL()
	names := map[string]bool{}
	for _, s := range first {
		for _, m := range regexp.MustCompile("(?:CONSTRAINT|INDEX) `([^`]*)`").FindAllStringSubmatch(s, -1) {
			if len(m[1]) > 63 {
				t.Errorf("identifier of %d bytes: %s", len(m[1]), m[1])
			}
			if names[m[1]] {
				t.Errorf("identifier %s used twice", m[1])
			}
			names[m[1]] = true
		}
	}
	if len(names) < 5 {
		t.Errorf("found only %d constraint and index names: %v", len(names), names)
	}
	if again := g.CreateSQL(); strings.Join(again, "\n") != strings.Join(first, "\n") {
		t.Error("CreateSQL is not deterministic")
	}
}
