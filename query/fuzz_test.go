package query_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/query"
)

// FuzzParse decodes the input as JSON and runs the object through Parse
// and Resolve on every test entity: they may reject it, never panic, and
// agree with each other.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`{"title":"Go"}`,
		`{"title":"Go","year":{"$gte":2000,"$lt":2010}}`,
		`{"author.name":{"$like":"A%"}}`,
		`{"author":{"name":"Ann","email":null}}`,
		`{"author":1}`,
		`{"$or":[{"year":{"$gt":2000}},{"year":null}]}`,
		`{"$and":[{"title":{"$in":["a","b"]}},{"$not":{"year":1}}]}`,
		`{"id":[1,2,3]}`,
		`{"id":{"$in":[]}}`,
		`{"id":{"$nin":[]}}`,
		`{"books":{"$exists":true}}`,
		`{"books":3,"tags":{"name":"go"}}`,
		`{"books.tags.name":{"$re":"^g(o"}}`,
		`{"meta":{"a":{"b":[1,{"c":null}]}}}`,
		`{"year":{"$not":{"$gt":5}}}`,
		`{"author":{"$not":{"name":"x"}}}`,
		`{"author":{"$or":[{"name":"a"},{}]}}`,
		`{"":1}`,
		`{"a..b":1}`,
		`{"$foo":1}`,
		`{"year":{"$in":1}}`,
		`{"passport":null,"items.owner.name":"x"}`,
		`{"price":"9.99","at":{"$exists":false},"owner":{"$exists":true}}`,
	} {
		f.Add(s)
	}
	books, more := registries(f)
	var entities []*meta.Entity
	entities = append(entities, books.Entities()...)
	entities = append(entities, more.Entities()...)

	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 2048 {
			return // big inputs only slow the search down
		}
		for _, useNumber := range []bool{false, true} {
			d := json.NewDecoder(bytes.NewReader([]byte(s)))
			if useNumber {
				d.UseNumber()
			}
			var m map[string]any
			if d.Decode(&m) != nil {
				return
			}
			c, perr := query.Parse(query.M(m))
			if perr != nil && c != nil {
				t.Fatalf("Parse returned %v with %v", c, perr)
			}
			if c != nil {
				again, err := query.Parse(query.M(m))
				if err != nil || again.String() != c.String() {
					t.Fatalf("Parse is not deterministic: %v / %v (%v)", c, again, err)
				}
				if re, err := query.Parse(c); err != nil || re.String() != c.String() {
					t.Fatalf("reparsing %v gave %v (%v)", c, re, err)
				}
			}
			for _, e := range entities {
				x, err := query.Resolve(e, query.M(m))
				switch {
				case err != nil && x != nil:
					t.Fatalf("%s: Resolve returned %v with %v", e.Name, x, err)
				case perr != nil && (err == nil || err.Error() != perr.Error()):
					t.Fatalf("%s: Parse failed with %v, Resolve with %v", e.Name, perr, err)
				case perr == nil && c == nil && (x != nil || err != nil):
					t.Fatalf("%s: an empty filter resolved to %v, %v", e.Name, x, err)
				case x != nil:
					_ = x.String()
				}
			}
		}
	})
}
