package conformance

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/ref"
)

var serialization = []Scenario{
	scenario(JSONOfManagedEntities),
	scenario(SerializationGroups),
}

// decode unmarshals JSON into a map.
func decode(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var out map[string]any
	must(t, json.Unmarshal(b, &out))
	return out
}

// decodeInto unmarshals JSON into out.
func decodeInto(t *testing.T, b []byte, out any) {
	t.Helper()
	must(t, json.Unmarshal(b, out))
}

// JSONOfManagedEntities: json.Marshal of a loaded entity writes a
// reference not loaded as its key, a collection not loaded as null, and
// populated ones as entities (one level deep); ref.Marshal expands the
// paths asked for, leaves out excluded fields, and writes an entity met
// again inside itself as its key.
func JSONOfManagedEntities(t *testing.T, h *Harness) {
	s := stock(t, h)
	m := h.EM()
	b, err := em.FindOneOrFail[Book](h.Ctx, m, query.Eq("title", tGoPL))
	must(t, err)
	out, err := json.Marshal(b)
	must(t, err)
	j := decode(t, out)
	if fmt.Sprint(j["Author"]) != fmt.Sprint(s.bob.ID) || j["Tags"] != nil || fmt.Sprint(j["Publisher"]) != fmt.Sprint(s.acme.ID) || j["Title"] != tGoPL {
		t.Fatalf("not populated: %v", j)
	}

	p := h.EM()
	b, err = em.FindOneOrFail[Book](h.Ctx, p, query.Eq("title", tGoPL), em.Populate("Author", "Tags"))
	must(t, err)
	out, err = json.Marshal(b)
	must(t, err)
	j = decode(t, out)
	author, ok := j["Author"].(map[string]any)
	if !ok || author["Name"] != "Bob" || author["Books"] != nil {
		t.Fatalf("populated Author: %v", j["Author"])
	}
	tags, ok := j["Tags"].([]any)
	if !ok || len(tags) != 2 {
		t.Fatalf("populated Tags: %v", j["Tags"])
	}
	for _, tg := range tags {
		if tm, ok := tg.(map[string]any); !ok || tm["Name"] == nil || tm["Books"] != nil {
			t.Fatalf("a tag: %v", tg)
		}
	}

	// Deeper, by ref.Marshal: Bob's books, this one among them as its key.
	_, err = b.Author.Get().Books.Load(h.Ctx)
	must(t, err)
	out, err = ref.Marshal(b, ref.JSONOptions{Populate: []string{"Author.Books"}, Exclude: []string{"Author.Email", "Meta"}})
	must(t, err)
	j = decode(t, out)
	author = j["Author"].(map[string]any)
	if _, has := author["Email"]; has {
		t.Fatalf("Author.Email not excluded: %v", author)
	}
	if _, has := j["Meta"]; has {
		t.Fatal("Meta not excluded")
	}
	books, _ := author["Books"].([]any)
	if len(books) != 2 {
		t.Fatalf("Author.Books: %v", author["Books"])
	}
	keys, objects := 0, 0
	for _, x := range books {
		switch x := x.(type) {
		case float64, string:
			if fmt.Sprint(x) != fmt.Sprint(b.ID) {
				t.Fatalf("a key that is not the book itself: %v", x)
			}
			keys++
		case map[string]any:
			if x["Title"] != tSQL || fmt.Sprint(x["Author"]) != fmt.Sprint(s.bob.ID) {
				t.Fatalf("Bob's other book: %v", x)
			}
			objects++
		}
	}
	if keys != 1 || objects != 1 {
		t.Fatalf("Author.Books: %v", books)
	}
}
