package conformance

import (
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/ref"
)

// Artist has a key column that begins with the entity's name and a
// table name that is not its Go name.
type Artist struct {
	_     struct{}              `orm:"table=artists"`
	ID    int64                 `orm:"pk,column=artist_id"`
	Name  string                `orm:"length=50"`
	Songs ref.Collection[Track] `orm:"mappedBy=Artist"`
}

// Track references Artist (column artist_id) and owns an m:n to Genre,
// whose pivot columns follow the tables' names.
type Track struct {
	_      struct{}              `orm:"table=tracks"`
	ID     int64                 `orm:"pk"`
	Title  string                `orm:"length=50"`
	Artist ref.Ref[Artist]       // artist_id
	Guest  ref.Ref[Artist]       `orm:"nullable"` // guest_artist_id
	Genres ref.Collection[Genre] `orm:"m:n"`      // tracks_genres(tracks_id, music_genres_code)
}

// Genre has a text key and a table name of its own.
type Genre struct {
	_    struct{} `orm:"table=music_genres"`
	Code string   `orm:"pk,length=10"`
}

var names = []Scenario{
	scenario(NamesFollowTablesAndKeyColumns),
}

// NamesFollowTablesAndKeyColumns checks that foreign-key and pivot
// columns named from the key columns and the table= names work end to
// end: schema, insert, filters through the relation, populate.
func NamesFollowTablesAndKeyColumns(t *testing.T, h *Harness) {
	g := h.Open(gomikro.Config{Entities: []any{Artist{}, Track{}, Genre{}}, AllowGlobalContext: true})
	reg := g.Registry()
	tr, _ := reg.ByName("Track")
	for field, want := range map[string]string{"Artist": "artist_id", "Guest": "guest_artist_id"} {
		if f, _ := tr.Field(field); f.Column != want {
			t.Errorf("Track.%s column %q, want %q", field, f.Column, want)
		}
	}
	if f, _ := tr.Field("Genres"); f.Rel.Pivot.Table != "tracks_genres" || f.Rel.Pivot.OwnerColumn != "tracks_id" || f.Rel.Pivot.TargetColumn != "music_genres_code" {
		pv := f.Rel.Pivot
		t.Errorf("pivot %s(%s, %s)", pv.Table, pv.OwnerColumn, pv.TargetColumn)
	}
	m := g.Fork()
	ann, bob := &Artist{Name: "Ann"}, &Artist{Name: "Bob"}
	jazz, folk := &Genre{Code: "jazz"}, &Genre{Code: "folk"}
	t1 := &Track{Title: "One", Artist: ref.To(ann), Guest: ref.To(bob)}
	t1.Genres.Add(jazz, folk)
	t2 := &Track{Title: "Two", Artist: ref.To(bob)}
	t2.Genres.Add(folk)
	must(t, m.Persist(t1, t2))
	must(t, m.Flush(h.Ctx))

	m2 := g.Fork()
	got, err := em.Find[Track](h.Ctx, m2, query.Eq("artist.name", "Ann"), em.Populate("Artist", "Guest", "Genres"))
	must(t, err)
	if len(got) != 1 || got[0].Artist.Get().Name != "Ann" || got[0].Guest.Get().Name != "Bob" || got[0].Genres.Len() != 2 {
		t.Fatalf("tracks of Ann: %+v", got)
	}
	n, err := em.Count[Track](h.Ctx, m2, query.Eq("guest", bob.ID))
	must(t, err)
	if n != 1 {
		t.Errorf("tracks with guest Bob: %d", n)
	}
	a, err := em.FindOneOrFail[Artist](h.Ctx, m2, query.Eq("name", "Bob"), em.Populate("Songs"))
	must(t, err)
	if a.Songs.Len() != 1 || a.Songs.Items()[0].Title != "Two" {
		t.Errorf("Bob's songs: %d", a.Songs.Len())
	}
}
