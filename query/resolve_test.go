package query_test

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/ref"
)

// year is a named integer type.
type year int

// title is a driver.Valuer.
type title struct{ s string }

func (t title) Value() (driver.Value, error) { return t.s, nil }

func ptr[T any](v T) *T { return &v }

func TestResolve(t *testing.T) {
	at := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	cases := []struct {
		entity string
		name   string
		in     query.Filter
		want   string // "" means a nil Expr
	}{
		{"Book", "nil", nil, ""},
		{"Book", "empty map", M{}, ""},
		{"Book", "scalar", M{"title": "Go"}, `Book.Title $eq "Go"`},
		{"Book", "Go name", M{"Title": "Go"}, `Book.Title $eq "Go"`},
		{"Book", "any case", M{"TITLE": "Go"}, `Book.Title $eq "Go"`},
		{"Book", "operator map", M{"year": M{"$gte": 2000, "$lt": 2010}}, `(Book.Year $gte 2000 AND Book.Year $lt 2010)`},
		{"Book", "nil on NOT NULL", M{"year": nil}, `Book.Year $eq null`},
		{"Book", "$ne nil", M{"year": M{"$ne": nil}}, `Book.Year $ne null`},
		{"Book", "integer kinds", M{"$or": []M{{"year": int8(1)}, {"year": uint64(2)}, {"year": year(3)}}}, `(Book.Year $eq 1 OR Book.Year $eq 2 OR Book.Year $eq 3)`},
		{"Book", "pointer value", M{"year": ptr(5)}, `Book.Year $eq &5`},
		{"Book", "valuer", M{"title": title{"x"}}, `Book.Title $eq {x}`},
		{"Book", "$in", M{"year": []int{2000, 2010}}, `Book.Year $in [2000, 2010]`},
		{"Book", "empty $in", query.In("id"), `Book.ID $in []`},
		{"Book", "empty $nin", M{"id": M{"$nin": []int64{}}}, `Book.ID $nin []`},
		{"Book", "$like", M{"title": M{"$like": "G%"}}, `Book.Title $like "G%"`},
		{"Book", "$ilike $re", query.And(query.ILike("title", "g%"), query.Re("title", "^G")), `(Book.Title $ilike "g%" AND Book.Title $re "^G")`},
		{"Book", "logic", query.Or(query.Eq("title", "a"), query.Not(M{"year": 1})), `(Book.Title $eq "a" OR NOT Book.Year $eq 1)`},
		{"Book", "empty $or", M{"$or": []M{}}, `FALSE`},

		// Owning m:1: the foreign key.
		{"Book", "raw key", M{"author": 1}, `Book.Author $eq 1`},
		{"Book", "column name", M{"author_id": 1}, `Book.Author $eq 1`},
		{"Book", "entity pointer", M{"author": &Author{ID: 7}}, `Book.Author $eq 7`},
		{"Book", "entity value", query.Eq("author", Author{ID: 8}), `Book.Author $eq 8`},
		{"Book", "ref by id", query.Eq("author", ref.FromID[Author](int64(9))), `Book.Author $eq 9`},
		{"Book", "ref to an object", query.Eq("author", ref.To(&Author{ID: 3})), `Book.Author $eq 3`},
		{"Book", "ref pointer", query.Eq("author", ptr(ref.FromID[Author](int64(4)))), `Book.Author $eq 4`},
		{"Book", "empty ref", query.Eq("author", ref.Ref[Author]{}), `Book.Author $eq null`},
		{"Book", "nil", query.Eq("author", nil), `Book.Author $eq null`},
		{"Book", "nil entity", query.Eq("author", (*Author)(nil)), `Book.Author $eq null`},
		{"Book", "$ne entity", query.Ne("author", &Author{ID: 2}), `Book.Author $ne 2`},
		{"Book", "$in mixed", query.In("author", &Author{ID: 1}, int64(2), ref.FromID[Author](int64(3))), `Book.Author $in [1, 2, 3]`},
		{"Book", "$in entities", M{"author": M{"$in": []*Author{{ID: 1}, {ID: 2}}}}, `Book.Author $in [1, 2]`},
		{"Book", "$nin raw", query.Nin("author", []int64{1, 2}), `Book.Author $nin [1, 2]`},
		{"Book", "$in empty", query.In("author", []int64{}), `Book.Author $in []`},
		{"Book", "$gt", query.Gt("author", &Author{ID: 5}), `Book.Author $gt 5`},
		{"Book", "$exists on NOT NULL", M{"author": M{"$exists": true}}, `Book.Author{exists}`},
		{"Book", "$exists false on NOT NULL", M{"author": M{"$exists": false}}, `NOT Book.Author{exists}`},
		{"Book", "nested", M{"author": M{"name": "Ann"}}, `Book.Author{Author.Name $eq "Ann"}`},
		{"Book", "path", M{"author.name": M{"$like": "A%"}}, `Book.Author{Author.Name $like "A%"}`},
		{"Book", "nested group", M{"author": M{"name": "Ann", "email": M{"$exists": true}}}, `Book.Author{(Author.Email $exists true AND Author.Name $eq "Ann")}`},
		{"Book", "nested key", M{"author": M{"id": 3}}, `Book.Author{Author.ID $eq 3}`},
		{"Book", "nested empty", M{"author": M{}}, `Book.Author{TRUE}`},
		{"Book", "condition under a relation", M{"author": query.In("name", "a", "b")}, `Book.Author{Author.Name $in ["a", "b"]}`},
		{"Book", "hand-built exists", query.RelCond{Path: "author"}, `Book.Author{exists}`},
		{"Book", "back and forth", query.Eq("author.books.tags.name", "go"), `Book.Author{Author.Books{Book.Tags{Tag.Name $eq "go"}}}`},

		// Collections.
		{"Author", "1:m by key", M{"books": 3}, `Author.Books{Book.ID $eq 3}`},
		{"Author", "1:m by entity", M{"books": &Book{ID: 4}}, `Author.Books{Book.ID $eq 4}`},
		{"Author", "1:m $in", M{"books": []*Book{{ID: 1}, {ID: 2}}}, `Author.Books{Book.ID $in [1, 2]}`},
		{"Author", "1:m $ne", M{"books": M{"$ne": 3}}, `NOT Author.Books{Book.ID $eq 3}`},
		{"Author", "1:m $nin", M{"books": M{"$nin": []int{1}}}, `NOT Author.Books{Book.ID $in [1]}`},
		{"Author", "1:m $gt", query.Gt("books", 10), `Author.Books{Book.ID $gt 10}`},
		{"Author", "1:m nil", M{"books": nil}, `NOT Author.Books{exists}`},
		{"Author", "1:m $ne nil", M{"books": M{"$ne": nil}}, `Author.Books{exists}`},
		{"Author", "1:m $exists", M{"books": M{"$exists": true}}, `Author.Books{exists}`},
		{"Author", "1:m not $exists", query.Exists("books", false), `NOT Author.Books{exists}`},
		{"Author", "1:m group", M{"books": M{"title": "Go", "year": 2000}}, `Author.Books{(Book.Title $eq "Go" AND Book.Year $eq 2000)}`},
		{"Author", "1:m paths are groups", M{"books.title": "Go", "books.year": 2000}, `(Author.Books{Book.Title $eq "Go"} AND Author.Books{Book.Year $eq 2000})`},
		{"Author", "1:m then m:n", query.Eq("books.tags.name", "go"), `Author.Books{Book.Tags{Tag.Name $eq "go"}}`},
		{"Author", "nullable $exists", M{"email": M{"$exists": false}}, `Author.Email $exists false`},
		{"Author", "nullable", M{"email": "a@b"}, `Author.Email $eq "a@b"`},
		{"Author", "nullable pointer value", M{"email": ptr("a@b")}, `Author.Email $eq &"a@b"`},
		{"Author", "nullable typed nil", M{"email": (*string)(nil)}, `Author.Email $eq null`},
		{"Author", "nullable $in with nil", query.In("email", "a", nil), `Author.Email $in ["a", null]`},
		{"Book", "m:n by entity", M{"tags": M{"$in": []*Tag{{ID: 1}}}}, `Book.Tags{Tag.ID $in [1]}`},
		{"Book", "m:n nested", M{"tags": M{"name": "go"}}, `Book.Tags{Tag.Name $eq "go"}`},
		{"Tag", "inverse m:n path", M{"books.author.name": "Ann"}, `Tag.Books{Book.Author{Author.Name $eq "Ann"}}`},
		{"Tag", "inverse m:n key", M{"books": 2}, `Tag.Books{Book.ID $eq 2}`},

		// JSON.
		{"Book", "JSON equals a map", M{"meta": M{"a": 1}}, `Book.Meta $eq {a: 1}`},
		{"Book", "JSON $eq any map", M{"meta": M{"$eq": M{"$x": 1}}}, `Book.Meta $eq {$x: 1}`},
		{"Book", "JSON $ne", M{"meta": M{"$ne": nil}}, `Book.Meta $ne null`},
		{"Book", "JSON $in", M{"meta": M{"$in": []any{M{"a": 1}, "x"}}}, `Book.Meta $in [{a: 1}, "x"]`},
		{"Book", "JSON $exists", M{"meta": M{"$exists": true}}, `Book.Meta $exists true`},

		// Every column type.
		{"Item", "bool", M{"active": false}, `Item.Active $eq false`},
		{"Item", "decimal float", M{"price": 9.99}, `Item.Price $eq 9.99`},
		{"Item", "decimal int", M{"price": M{"$gt": 30}}, `Item.Price $gt 30`},
		{"Item", "decimal string", M{"price": "9.99"}, `Item.Price $eq "9.99"`},
		{"Item", "float", M{"weight": M{"$lt": float32(1.5)}}, `Item.Weight $lt 1.5`},
		{"Item", "float from int", M{"weight": 2}, `Item.Weight $eq 2`},
		{"Item", "bytes", M{"data": []byte{1, 2}}, `Item.Data $eq 0x0102`},
		{"Item", "bytes $in", query.In("data", [][]byte{{1}, {2}}), `Item.Data $in [0x01, 0x02]`},
		{"Item", "bytes order", query.Gt("data", []byte{1}), `Item.Data $gt 0x01`},
		{"Item", "time", M{"at": M{"$gte": at}}, `Item.At $gte 2024-05-06T07:08:09Z`},
		{"Item", "nullable time", M{"when": at}, `Item.When $eq 2024-05-06T07:08:09Z`},
		{"Item", "nullable time pointer", M{"when": &at}, `Item.When $eq &2024-05-06T07:08:09Z`},
		{"Item", "nullable time $exists", query.Exists("when", true), `Item.When $exists true`},
		{"Item", "NullString", M{"note": "x"}, `Item.Note $eq "x"`},
		{"Item", "NullString valuer", M{"note": sql.NullString{String: "x", Valid: true}}, `Item.Note $eq {x true}`},
		{"Item", "NullString $exists", query.Exists("note", false), `Item.Note $exists false`},
		{"Item", "NullString $like", query.Like("note", "x%"), `Item.Note $like "x%"`},
		{"Item", "int16 with int64", M{"small": int64(1)}, `Item.Small $eq 1`},
		{"Item", "nullable FK $exists", M{"owner": M{"$exists": false}}, `Item.Owner $exists false`},
		{"Item", "nullable FK entity", query.Eq("owner", &Person{ID: 2}), `Item.Owner $eq 2`},
		{"Item", "nullable FK $in nil", query.In("owner", nil, 1), `Item.Owner $in [null, 1]`},
		{"Item", "nullable FK path", query.Eq("owner.name", "Ann"), `Item.Owner{Person.Name $eq "Ann"}`},

		// 1:1, both sides.
		{"Person", "inverse 1:1 by key", M{"passport": 5}, `Person.Passport{Passport.ID $eq 5}`},
		{"Person", "inverse 1:1 by entity", M{"passport": &Passport{ID: 6}}, `Person.Passport{Passport.ID $eq 6}`},
		{"Person", "inverse 1:1 nil", M{"passport": nil}, `NOT Person.Passport{exists}`},
		{"Person", "inverse 1:1 path", M{"passport.number": "X1"}, `Person.Passport{Passport.Number $eq "X1"}`},
		{"Passport", "owning 1:1", query.Eq("person", &Person{ID: 1}), `Passport.Person $eq 1`},
		{"Person", "1:m", query.Eq("items.code", "c"), `Person.Items{Item.Code $eq "c"}`},
	}
	for _, c := range cases {
		got, err := query.Resolve(entity(t, c.entity), c.in)
		if err != nil {
			t.Errorf("%s: %s: %v", c.entity, c.name, err)
			continue
		}
		switch {
		case c.want == "" && got != nil:
			t.Errorf("%s: %s: got %s, want nil", c.entity, c.name, got)
		case c.want != "" && got == nil:
			t.Errorf("%s: %s: got nil, want %s", c.entity, c.name, c.want)
		case got != nil && got.String() != c.want:
			t.Errorf("%s: %s:\n got %s\nwant %s", c.entity, c.name, got, c.want)
		}
	}
}

func TestResolveErrors(t *testing.T) {
	cases := []struct {
		entity string
		name   string
		in     query.Filter
		want   []string
	}{
		{"Book", "bad shape", M{"year": M{"$foo": 1}}, []string{"year", "$foo"}},
		{"Book", "through a scalar", query.Eq("title.length", 3), []string{"Book.Title", "not a relation"}},
		{"Book", "map under a scalar", M{"title": M{"x": 1}}, []string{"Book.Title", "want a string value", "map"}},
		{"Book", "condition under a scalar", M{"title": query.Eq("x", 1)}, []string{"Book.Title", "not a relation"}},
		{"Book", "operators in a JSON map", M{"meta": M{"$or": []M{{"a": 1}}}}, []string{"Book.Meta", "$or", "$eq"}},
		{"Book", "string for int", M{"year": "2000"}, []string{"Book.Year", "$eq", "want an int64 value", "got value string"}},
		{"Book", "float for int", M{"year": 3.5}, []string{"Book.Year", "int64", "float64"}},
		{"Book", "bool for string", M{"title": true}, []string{"Book.Title", "want a string value", "bool"}},
		{"Book", "bad list element", M{"year": M{"$in": []any{1, "a"}}}, []string{"Book.Year", "$in", "list element string"}},
		{"Book", "nil in a NOT NULL list", query.In("year", 1, nil), []string{"Book.Year", "$in", "null", "NOT NULL"}},
		{"Book", "$like on int", M{"year": M{"$like": "1%"}}, []string{"Book.Year", "$like", "string columns", "int64"}},
		{"Book", "$re on JSON", query.Re("meta", "x"), []string{"Book.Meta", "$re"}},
		{"Book", "$gt on JSON", query.Gt("meta", 1), []string{"Book.Meta", "$gt", "json"}},
		{"Book", "$exists on NOT NULL", query.Exists("title", true), []string{"Book.Title", "$exists", "NOT NULL"}},
		{"Book", "string for a reference", M{"author": "x"}, []string{"Book.Author", "int64", "string"}},
		{"Book", "wrong entity", M{"author": &Book{ID: 1}}, []string{"Book.Author", "references Author", "*query_test.Book"}},
		{"Book", "wrong entity in a list", query.In("author", &Author{ID: 1}, &Tag{ID: 2}), []string{"Book.Author", "Tag"}},
		{"Book", "wrong ref", M{"author": ref.FromID[Tag](int64(1))}, []string{"Book.Author", "references Author", "Tag"}},
		{"Book", "a collection", M{"author": ref.Collection[Author]{}}, []string{"Book.Author", "collection"}},
		{"Book", "map for a reference", M{"author": M{"$eq": M{"a": 1}}}, []string{"Book.Author", "query.M"}},
		{"Book", "bad nested", M{"author": M{"name": 1}}, []string{"Author.Name", "want a string value", "int"}},
		{"Author", "string for a collection key", M{"books": "x"}, []string{"Book.ID", "int64", "string"}},
		{"Author", "$like on a collection", query.Like("books", "x"), []string{"Book.ID", "$like"}},
		{"Author", "wrong entity for a collection", M{"books": &Tag{ID: 1}}, []string{"Author.Books", "references Book"}},
		{"Item", "$gt on bool", query.Gt("active", true), []string{"Item.Active", "$gt", "bool"}},
		{"Item", "int for bool", M{"active": 1}, []string{"Item.Active", "want a bool value", "int"}},
		{"Item", "not a decimal", M{"price": "abc"}, []string{"Item.Price", `"abc"`, "decimal"}},
		{"Item", "string for float", M{"weight": "1"}, []string{"Item.Weight", "float32", "string"}},
		{"Item", "string for bytes", M{"data": "x"}, []string{"Item.Data", "bytes", "string"}},
		{"Item", "string for time", M{"at": "2024-01-01"}, []string{"Item.At", "time", "string"}},
		{"Item", "$exists on NOT NULL time", query.Exists("at", true), []string{"Item.At", "$exists"}},
		{"Item", "$like on int16", query.Like("small", "1"), []string{"Item.Small", "$like"}},
	}
	for _, c := range cases {
		got, err := query.Resolve(entity(t, c.entity), c.in)
		if err == nil {
			t.Errorf("%s: %s: no error, got %v", c.entity, c.name, got)
			continue
		}
		if got != nil {
			t.Errorf("%s: %s: an expression (%v) with the error", c.entity, c.name, got)
		}
		if errors.Is(err, query.ErrUnknownProperty) {
			t.Errorf("%s: %s: %v matches ErrUnknownProperty", c.entity, c.name, err)
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %s: %q does not mention %q", c.entity, c.name, err, w)
			}
		}
	}
}

func TestUnknownProperty(t *testing.T) {
	cases := []struct {
		in   query.Filter
		want string
	}{
		{M{"titel": "Go"}, `query: Book has no property "titel"`},
		{query.Eq("titel", "Go"), `query: Book has no property "titel"`},
		{query.Or(query.Eq("title", "Go"), query.Gt("yaer", 1)), `query: Book has no property "yaer"`},
		{M{"author": M{"nmae": "Ann"}}, `query: Author has no property "nmae" (in "author.nmae")`},
		{query.Eq("author.nmae", "Ann"), `query: Author has no property "nmae" (in "author.nmae")`},
		{query.Eq("writer.name", "Ann"), `query: Book has no property "writer"`},
		{M{"tags": M{"$or": []M{{"nam": 1}}}}, `query: Tag has no property "nam" (in "tags.nam")`},
		{query.Not(M{"author.books.titel": 1}), `query: Book has no property "titel" (in "author.books.titel")`},
	}
	for _, c := range cases {
		_, err := query.Resolve(entity(t, "Book"), c.in)
		if !errors.Is(err, query.ErrUnknownProperty) {
			t.Errorf("%v: %v, want ErrUnknownProperty", c.in, err)
			continue
		}
		if err.Error() != c.want {
			t.Errorf("%v:\n got %s\nwant %s", c.in, err, c.want)
		}
	}
}

func TestResolveNeedsAnEntity(t *testing.T) {
	if _, err := query.Resolve(nil, M{"a": 1}); err == nil {
		t.Fatal("Resolve(nil, ...) succeeded")
	}
}

// TestResolveKeepsValues: values reach the backends as given, except keys
// of entities and references.
func TestResolveKeepsValues(t *testing.T) {
	book := entity(t, "Book")
	years := []int{2000, 2010}
	x, err := query.Resolve(book, M{"year": years})
	if err != nil {
		t.Fatal(err)
	}
	fc := x.(query.FieldCmp)
	if fc.Op != query.OpIn || fc.Field.Name != "Year" {
		t.Fatalf("got %s", fc)
	}
	if v, ok := fc.Value.([]int); !ok || &v[0] != &years[0] {
		t.Fatalf("the $in list was not kept as given: %#v", fc.Value)
	}

	ids := []int64{1, 2}
	x, _ = query.Resolve(book, query.In("author", ids))
	if _, ok := x.(query.FieldCmp).Value.([]int64); !ok {
		t.Fatalf("a list of raw keys was converted: %#v", x.(query.FieldCmp).Value)
	}
	x, _ = query.Resolve(book, query.In("author", int64(1), &Author{ID: 2}))
	if got := x.(query.FieldCmp).Value; !reflect.DeepEqual(got, []any{int64(1), int64(2)}) {
		t.Fatalf("entity keys: %#v", got)
	}
	x, _ = query.Resolve(book, query.Eq("year", year(3)))
	if _, ok := x.(query.FieldCmp).Value.(year); !ok {
		t.Fatalf("a named value was converted: %#v", x.(query.FieldCmp).Value)
	}
	x, _ = query.Resolve(book, M{"meta": M{"a": 1}})
	if got := x.(query.FieldCmp).Value; !reflect.DeepEqual(got, map[string]any{"a": 1}) {
		t.Fatalf("JSON map: %#v", got)
	}

	// The resolved shapes the backends switch on.
	author := entity(t, "Author")
	x, _ = query.Resolve(author, M{"books": M{"$exists": true}})
	if r, ok := x.(query.RelExpr); !ok || r.E != nil || r.Field.Rel == nil || r.Field.Rel.Target.Name != "Book" {
		t.Fatalf("exists: %#v", x)
	}
	x, _ = query.Resolve(author, M{"books": M{"year": 1}})
	if r, ok := x.(query.RelExpr); !ok || r.E.(query.FieldCmp).Field.Entity.Name != "Book" {
		t.Fatalf("group: %#v", x)
	}
}

func TestExprStringWithoutField(t *testing.T) {
	// Hand-built nodes print without panicking.
	for _, x := range []query.Expr{query.FieldCmp{}, query.RelExpr{}, query.NotExpr{}, query.AndExpr{nil}, query.OrExpr{}} {
		_ = x.String()
	}
}
