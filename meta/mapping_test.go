package meta_test

import (
	"database/sql"
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
