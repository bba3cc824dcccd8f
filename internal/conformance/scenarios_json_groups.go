package conformance

import (
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/ref"
)

// Office is an embeddable with a field in a serialization group.
type Office struct {
	City  string `json:"city"`
	Phone string `json:"phone" orm:"groups=staff"`
}

// Writer is an author whose fields are in serialization groups.
type Writer struct {
	ID     int64                 `orm:"pk" json:"id"`
	Name   string                `json:"name"`
	Email  string                `json:"email" orm:"groups=self|admin"`
	Salary int                   `json:"salary" orm:"groups=admin"`
	Office Office                `json:"office" orm:"embedded"`
	Token  string                `json:"token" orm:"hidden"`
	Works  ref.Collection[Title] `json:"works" orm:"mappedBy=Writer"`
}

// Title is a book of a Writer, with badges; its editor is in a group.
type Title struct {
	ID     int64                 `orm:"pk" json:"id"`
	Name   string                `json:"name"`
	Draft  bool                  `json:"draft" orm:"groups=self"`
	Writer ref.Ref[Writer]       `json:"writer"`
	Editor ref.Ref[Writer]       `json:"editor" orm:"nullable,groups=staff"`
	Badges ref.Collection[Badge] `json:"badges" orm:"m:n"`
}

// Badge badges Titles.
type Badge struct {
	ID   int64  `orm:"pk" json:"id"`
	Name string `json:"name"`
}

// SerializationGroups checks em.Marshal on entities loaded from the
// backend: it loads the Populate paths that are not loaded (one query
// per relation and level, nothing when all is loaded, nothing for a
// relation left out by Exclude or Groups), writes fields of groups only
// when asked for, at every depth and inside embeddables, with hidden and
// Exclude applied too, and refuses paths that name nothing.
func SerializationGroups(t *testing.T, h *Harness) {
	data := &atomic.Int64{}
	g := h.Open(gomikro.Config{
		Entities: []any{Writer{}, Title{}, Badge{}},
		Logger:   slog.New(counter{&atomic.Int64{}, &atomic.Pointer[func()]{}, data}),
	})
	m := g.Fork()
	goB, dbB := &Badge{Name: "go"}, &Badge{Name: "db"}
	ann := &Writer{Name: "Ann", Email: "ann@x", Salary: 100, Office: Office{City: "Oslo", Phone: "555"}, Token: "t0k"}
	ed := &Writer{Name: "Ed", Email: "ed@x", Salary: 50}
	must(t, m.Persist(
		&Title{Name: "Go", Draft: true, Writer: ref.To(ann), Editor: ref.To(ed), Badges: ref.NewCollection(goB)},
		&Title{Name: "SQL", Writer: ref.To(ann), Badges: ref.NewCollection(goB, dbB)},
	))
	must(t, m.Flush(h.Ctx))

	m = g.Fork()
	titles, err := em.Find[Title](h.Ctx, m, nil, em.OrderBy("name"))
	must(t, err)
	before := data.Load()
	out, err := em.Marshal(h.Ctx, m, titles, ref.JSONOptions{Populate: []string{"writer.works", "Badges", "editor"}, Groups: []string{"public"}})
	must(t, err)
	// writer, writer.works, badges (m:n); not the editor (group staff).
	if d, want := data.Load()-before, 2+h.ManyToManyLoads; d != want {
		t.Errorf("Marshal loaded with %d statements, want %d", d, want)
	}
	var list []map[string]any
	decodeInto(t, out, &list)
	if len(list) != 2 {
		t.Fatalf("two titles: %s", out)
	}
	for _, ti := range list {
		if _, has := ti["draft"]; has {
			t.Errorf("draft (group self) written: %v", ti)
		}
		if _, has := ti["editor"]; has {
			t.Errorf("editor (group staff) written: %v", ti)
		}
		w, ok := ti["writer"].(map[string]any)
		if !ok || w["name"] != "Ann" {
			t.Fatalf("writer not populated: %v", ti)
		}
		for _, k := range []string{"email", "salary", "token"} {
			if _, has := w[k]; has {
				t.Errorf("writer.%s written: %v", k, w)
			}
		}
		if o, _ := w["office"].(map[string]any); o["city"] != "Oslo" || o["phone"] != nil {
			t.Errorf("writer.office: %v (phone is in group staff)", w["office"])
		}
		works, _ := w["works"].([]any)
		objects := 0
		for _, x := range works {
			if wm, ok := x.(map[string]any); ok {
				objects++
				if _, has := wm["draft"]; has {
					t.Errorf("writer.works[].draft written: %v", wm)
				}
			}
		}
		if len(works) != 2 || objects != 1 { // the title itself: its key (a cycle)
			t.Errorf("writer.works: %v", w["works"])
		}
		badges, _ := ti["badges"].([]any)
		for _, l := range badges {
			if lm, ok := l.(map[string]any); !ok || lm["name"] == nil {
				t.Errorf("badges not populated: %v", ti["badges"])
			}
		}
	}
	if n := len(list[0]["badges"].([]any)) + len(list[1]["badges"].([]any)); n != 3 {
		t.Errorf("badges: %s", out)
	}

	// All loaded: nothing more is sent. Other groups write more.
	before = data.Load()
	out, err = em.Marshal(h.Ctx, m, titles[0], ref.JSONOptions{Populate: []string{"writer"}, Groups: []string{"self", "staff"}, Exclude: []string{"writer.works"}})
	must(t, err)
	if d := data.Load() - before; d != 0 {
		t.Errorf("Marshal of loaded relations sent %d statements", d)
	}
	j := decode(t, out)
	w := j["writer"].(map[string]any)
	if j["draft"] != true || w["email"] != "ann@x" || w["salary"] != nil || w["works"] != nil || w["office"].(map[string]any)["phone"] != "555" {
		t.Errorf("groups self and staff: %s", out)
	}
	if fmt.Sprint(j["editor"]) != fmt.Sprint(ed.ID) {
		t.Errorf("editor (group staff, not populated): %v, want its key", j["editor"])
	}

	// A relation left out is not loaded.
	m = g.Fork()
	titles, err = em.Find[Title](h.Ctx, m, query.Eq("name", "Go"))
	must(t, err)
	before = data.Load()
	out, err = em.Marshal(h.Ctx, m, titles, ref.JSONOptions{Populate: []string{"writer", "editor"}, Exclude: []string{"writer"}, Groups: []string{"admin"}})
	must(t, err)
	if d := data.Load() - before; d != 0 {
		t.Errorf("relations left out were loaded: %d statements", d)
	}
	if strings.Contains(string(out), "writer") || strings.Contains(string(out), "editor") {
		t.Errorf("left out: %s", out)
	}
	// Admin sees the editor's salary.
	out, err = em.Marshal(h.Ctx, m, titles[0], ref.JSONOptions{Populate: []string{"writer"}, Groups: []string{"admin"}})
	must(t, err)
	if j := decode(t, out); j["writer"].(map[string]any)["salary"] != float64(100) {
		t.Errorf("group admin: %s", out)
	}

	for _, o := range []ref.JSONOptions{{Populate: []string{"writer.wroks"}}, {Populate: []string{"name"}}, {Exclude: []string{"office.zip"}}} {
		if _, err := em.Marshal(h.Ctx, m, titles, o); err == nil || !strings.Contains(err.Error(), "Title") {
			t.Errorf("%+v: %v", o, err)
		}
	}
	if _, err := em.Marshal(h.Ctx, m, &Book{}, ref.JSONOptions{}); err == nil || !strings.Contains(err.Error(), "not a registered entity") {
		t.Errorf("an entity of another ORM: %v", err)
	}
}
