package meta_test

import (
	"database/sql"
	"database/sql/driver"
	"strings"
	"testing"
	"time"

	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/ref"
)

type TrapBool struct {
	ID     int64 `orm:"pk"`
	Active bool  `orm:"default=true"`
}

type TrapInt struct {
	ID    int64 `orm:"pk"`
	Count int32 `orm:"default=7"`
}

type TrapFloat struct {
	ID    int64   `orm:"pk"`
	Price float64 `orm:"default=1.5,precision=10,scale=2"`
}

type TrapString struct {
	ID   int64  `orm:"pk"`
	Note string `orm:"default=none"`
}

// TestDefaultZeroTrap: a default on a plain bool, number or string is
// refused at Open, naming Struct.Field and the fix.
func TestDefaultZeroTrap(t *testing.T) {
	for _, tc := range []struct {
		v         any
		field     string
		zero, typ string
	}{
		{TrapBool{}, "TrapBool.Active", "false", "bool"},
		{TrapInt{}, "TrapInt.Count", "0", "int32"},
		{TrapFloat{}, "TrapFloat.Price", "0", "float64"},
		{TrapString{}, "TrapString.Note", `""`, "string"},
	} {
		_, err := meta.NewRegistry(nil, tc.v)
		if err == nil {
			t.Errorf("%s: NewRegistry accepted a default on a plain %s", tc.field, tc.typ)
			continue
		}
		msg := err.Error()
		for _, want := range []string{tc.field, "explicit " + tc.zero, "*" + tc.typ, "sql.Null[" + tc.typ + "]"} {
			if !strings.Contains(msg, want) {
				t.Errorf("%s: error %q lacks %q", tc.field, msg, want)
			}
		}
	}
}

type DefaultsOK struct {
	ID        int64               `orm:"pk"`
	Active    *bool               `orm:"default=true"`
	Count     sql.Null[int32]     `orm:"default=7"`
	Score     sql.NullFloat64     `orm:"default=1.5"`
	Note      *string             `orm:"default=none"`
	CreatedAt time.Time           `orm:"default=now"`
	Seen      sql.Null[time.Time] `orm:"default=now"`
}

// TestDefaultOnOptional: pointers, sql.Null types and times with
// default=now keep their defaults.
func TestDefaultOnOptional(t *testing.T) {
	reg, err := meta.NewRegistry(nil, DefaultsOK{})
	if err != nil {
		t.Fatal(err)
	}
	e := entity(t, reg, DefaultsOK{})
	for _, name := range []string{"Active", "Count", "Score", "Note", "CreatedAt", "Seen"} {
		if field(t, e, name).Default == nil {
			t.Errorf("%s lost its default", name)
		}
	}
	if d := field(t, e, "Count").Default; d.Value != "7" || field(t, e, "Count").Type != meta.TypeInt32 {
		t.Errorf("Count: default %+v, type %s", d, field(t, e, "Count").Type)
	}
}

type Artist struct {
	_    struct{} `orm:"table=artists"`
	ID   int64    `orm:"pk,column=artist_id"`
	Name string
}

type Song struct {
	ID         int64                 `orm:"pk"`
	Artist     ref.Ref[Artist]       // artist_id, not artist_artist_id
	MainArtist ref.Ref[Artist]       `orm:"nullable"` // main_artist_artist_id
	Genres     ref.Collection[Genre] `orm:"m:n"`
}

type Genre struct {
	_    struct{} `orm:"table=music_genre"`
	Code string   `orm:"pk"`
}

// TestJoinColumnNames: a foreign-key column is the property's snake form,
// "_" and the key column, unless the key column already begins with the
// property's snake form; pivot columns follow the tables' names.
func TestJoinColumnNames(t *testing.T) {
	reg, err := meta.NewRegistry(nil, Artist{}, Song{}, Genre{})
	if err != nil {
		t.Fatal(err)
	}
	song := entity(t, reg, Song{})
	if got := field(t, song, "Artist").Column; got != "artist_id" {
		t.Errorf("Song.Artist column %q, want artist_id", got)
	}
	if got := field(t, song, "MainArtist").Column; got != "main_artist_artist_id" {
		t.Errorf("Song.MainArtist column %q, want main_artist_artist_id", got)
	}
	pv := field(t, song, "Genres").Rel.Pivot
	if pv.Table != "song_genres" || pv.OwnerColumn != "song_id" || pv.TargetColumn != "music_genre_code" {
		t.Errorf("pivot %s(%s, %s), want song_genres(song_id, music_genre_code)", pv.Table, pv.OwnerColumn, pv.TargetColumn)
	}
	for _, tc := range []struct{ owner, pk, want string }{
		{"Author", "id", "author_id"},
		{"Artist", "artist_id", "artist_id"},
		{"Artist", "artist", "artist"},
		{"Art", "artist_id", "art_artist_id"},
		{"CoverArt", "id", "cover_art_id"},
		{"books", "id", "books_id"},
	} {
		if got := (meta.SnakeCase{}).JoinColumnName(tc.owner, tc.pk); got != tc.want {
			t.Errorf("JoinColumnName(%q, %q) = %q, want %q", tc.owner, tc.pk, got, tc.want)
		}
	}
}

// Kinded is a struct driver.Valuer that declares its column kind.
type Kinded struct{ N int64 }

func (k Kinded) Value() (driver.Value, error) { return k.N, nil }
func (k *Kinded) Scan(any) error              { return nil }
func (k *Kinded) ColumnKind() string          { return "int64" }

type Dec struct{ S string }

func (d Dec) Value() (driver.Value, error) { return d.S, nil }
func (d *Dec) Scan(any) error              { return nil }
func (Dec) ColumnKind() string             { return "decimal(12,3)" }

type Short struct{ S string }

func (d Short) Value() (driver.Value, error) { return d.S, nil }
func (d *Short) Scan(any) error              { return nil }
func (Short) ColumnKind() string             { return "varchar(20)" }

type Wrong struct{ S string }

func (d Wrong) Value() (driver.Value, error) { return d.S, nil }
func (d *Wrong) Scan(any) error              { return nil }
func (Wrong) ColumnKind() string             { return "uuid" }

type KindedEntity struct {
	ID    int64 `orm:"pk"`
	K     Kinded
	D     Dec
	S     Short
	S2    Short  `orm:"length=5"`
	Typed Opaque `orm:"type=bigint"`
}

type WrongKind struct {
	ID int64 `orm:"pk"`
	W  Wrong
}

// TestColumnKind: a Valuer declares its column through ColumnKind; an
// unknown kind, or a struct Valuer without one, fails Open naming the field.
func TestColumnKind(t *testing.T) {
	reg, err := meta.NewRegistry(nil, KindedEntity{})
	if err != nil {
		t.Fatal(err)
	}
	e := entity(t, reg, KindedEntity{})
	for _, tc := range []struct {
		name      string
		typ       meta.Type
		length, p int
		s         int
	}{
		{"K", meta.TypeInt64, 0, 0, 0},
		{"D", meta.TypeDecimal, 0, 12, 3},
		{"S", meta.TypeString, 20, 0, 0},
		{"S2", meta.TypeString, 5, 0, 0},
		{"Typed", meta.TypeString, 0, 0, 0},
	} {
		f := field(t, e, tc.name)
		if f.Type != tc.typ || f.Length != tc.length || f.Precision != tc.p || f.Scale != tc.s || f.Storage != meta.StoreValuer {
			t.Errorf("%s: type %s length %d numeric(%d,%d) storage %d", tc.name, f.Type, f.Length, f.Precision, f.Scale, f.Storage)
		}
	}
	if got := field(t, e, "Typed").ColumnType; got != "bigint" {
		t.Errorf("Typed column type %q", got)
	}
	_, err = meta.NewRegistry(nil, WrongKind{})
	if err == nil || !strings.Contains(err.Error(), "WrongKind.W") || !strings.Contains(err.Error(), `"uuid"`) || !strings.Contains(err.Error(), "varchar(N)") {
		t.Errorf("an unknown kind: %v", err)
	}
}
