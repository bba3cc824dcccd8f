package schema_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/internal/testdb"
	"github.com/gomikro/gomikro/ref"
	"github.com/gomikro/gomikro/schema"
	"github.com/gomikro/gomikro/sqlem"
	"github.com/gomikro/gomikro/sqlem/mysql"
	"github.com/gomikro/gomikro/sqlem/postgres"
	"github.com/gomikro/gomikro/sqlem/sqlite"
)

// backend is one SQL dialect under test: a fresh database, and a way to
// open ORMs with different entities on it.
type backend struct {
	name string
	dsn  string
	open func(ctx context.Context, cfg gomikro.Config) (*sqlem.ORM, error)
}

// eachSQL runs f on a fresh database of every SQL dialect.
func eachSQL(t *testing.T, f func(t *testing.T, b backend)) {
	t.Helper()
	for _, name := range []string{"postgres", "mysql", "sqlite"} {
		t.Run(name, func(t *testing.T) {
			f(t, newBackend(t, name))
		})
	}
}

func newBackend(t testing.TB, name string) backend {
	switch name {
	case "postgres":
		return backend{name, testdb.PostgresSchema(t), postgres.Open}
	case "mysql":
		return backend{name, testdb.MySQLDatabase(t), func(ctx context.Context, cfg gomikro.Config) (*sqlem.ORM, error) { return mysql.Open(ctx, cfg) }}
	}
	return backend{name, filepath.Join(t.TempDir(), "test.db"), sqlite.Open}
}

// orm opens the backend's database with the given entities.
func (b backend) orm(t testing.TB, entities ...any) *sqlem.ORM {
	t.Helper()
	o, err := b.open(context.Background(), gomikro.Config{DSN: b.dsn, Entities: entities})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = o.Close() })
	return o
}

func syncer(t testing.TB, o *sqlem.ORM) *schema.Syncer {
	t.Helper()
	s, err := o.Syncer()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func sqlDB(t testing.TB, o *sqlem.ORM) *sql.DB {
	t.Helper()
	db, err := o.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// assertEmpty fails when the live database differs from o's entities.
func assertEmpty(t *testing.T, o *sqlem.ORM, what string) {
	t.Helper()
	p, err := syncer(t, o).Diff(context.Background(), schema.Options{DropTables: true, Destructive: true})
	if err != nil {
		t.Fatal(err)
	}
	if !p.Empty() {
		t.Errorf("%s: the diff is not empty:\n%s\n%s", what, describe(p.Changes), strings.Join(p.Statements, ";\n"))
	}
}

// ---- A model with every column type and relation kind ----

// TextKey is a fixed-size array with a text form, usable as a key.
type TextKey [4]byte

// MarshalText implements encoding.TextMarshaler.
func (k TextKey) MarshalText() ([]byte, error) { return []byte(string(k[:])), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (k *TextKey) UnmarshalText(b []byte) error { copy(k[:], b); return nil }

type AllTypes struct {
	ID       int64 `orm:"pk"`
	B        bool
	I16      int16
	I32      int32
	I        int
	U32      uint32
	F32      float32
	F64      float64
	Dec      float64 `orm:"precision=12,scale=3"`
	DecNoScl float64 `orm:"precision=10,scale=0"`
	S        string
	VS       string `orm:"length=40"`
	Bytes    []byte
	T        time.Time
	PT       *time.Time
	PS       *string
	NS       sql.NullString
	NI       sql.NullInt64
	J        map[string]any
	JL       []string
	Tag      TextKey
	OID      bson.ObjectID
	DefS     *string          `orm:"nullable=false,default=it's fine"`
	DefI     *int             `orm:"nullable=false,default=10"`
	DefF     *float64         `orm:"nullable=false,default=1.5"`
	DefB     *bool            `orm:"nullable=false,default=true"`
	DefBF    *bool            `orm:"nullable=false,default=false"`
	DefNow   time.Time        `orm:"default=now"`
	DefVS    *string          `orm:"nullable=false,length=10,default=x"`
	Uniq     string           `orm:"unique"`
	UA       string           `orm:"unique=uq_alltypes_pair,length=20"`
	UB       int              `orm:"unique=uq_alltypes_pair"`
	Idx      string           `orm:"index"`
	IA       int              `orm:"index=idx_alltypes_ab"`
	IB       int              `orm:"index=idx_alltypes_ab"`
	Explicit string           `orm:"type=varchar(12)"`
	Version  int              `orm:"version"`
	Profile  ref.Ref[Profile] `orm:"1:1,nullable"`
}

// Profile is the inverse side of a 1:1 and holds a text key.
type Profile struct {
	Code  TextKey           `orm:"pk"`
	Owner ref.Ref[AllTypes] `orm:"1:1,mappedBy=Profile"`
	Note  string
}

// Node refers to itself (a tree) and owns an m:n to Tag.
type Node struct {
	ID       int64                `orm:"pk"`
	Parent   ref.Ref[Node]        `orm:"nullable,onDelete=set null"`
	Children ref.Collection[Node] `orm:"mappedBy=Parent"`
	Tags     ref.Collection[Tag]  `orm:"m:n"`
	Friends  ref.Collection[Node] `orm:"m:n,pivot=node_friends"`
}

// Tag has a string key.
type Tag struct {
	Name  string               `orm:"pk,length=32"`
	Nodes ref.Collection[Node] `orm:"mappedBy=Tags"`
}

// Edge has a composite key of two references.
type Edge struct {
	From   ref.Ref[Node] `orm:"pk,onDelete=cascade"`
	To     ref.Ref[Node] `orm:"pk,onDelete=cascade"`
	Weight float64
}

// Oid has an ObjectID key, referenced by Tally.
type Oid struct {
	ID   bson.ObjectID `orm:"pk"`
	Name string
}

// Tally has a composite key of a plain column and a text-key reference.
type Tally struct {
	Day   int32        `orm:"pk,autoincrement=false"`
	Owner ref.Ref[Oid] `orm:"pk"`
	Count int64
}

var everyKind = []any{AllTypes{}, Profile{}, Node{}, Tag{}, Edge{}, Oid{}, Tally{}, Club{}, Member{}, Label{}, Membership{}}

// TestCreateThenDiffEmpty: a schema created from the entities compares
// equal to them, for every column type and relation kind.
func TestCreateThenDiffEmpty(t *testing.T) {
	eachSQL(t, func(t *testing.T, b backend) {
		o := b.orm(t, everyKind...)
		if err := o.Schema().CreateSchema(context.Background()); err != nil {
			t.Fatal(err)
		}
		assertEmpty(t, o, "after CreateSchema")
	})
}

// BenchmarkDiff200 measures one comparison of a 200-table PostgreSQL
// schema with its entities: introspection, the model and the diff.
func BenchmarkDiff200(b *testing.B) {
	be := newBackend(b, "postgres")
	o := be.orm(b, bench200...)
	ctx := context.Background()
	if err := o.Schema().CreateSchema(ctx); err != nil {
		b.Fatal(err)
	}
	s := syncer(b, o)
	b.ResetTimer()
	for b.Loop() {
		p, err := s.Diff(ctx, schema.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if !p.Empty() {
			b.Fatalf("not empty: %v", p.Statements)
		}
	}
}
