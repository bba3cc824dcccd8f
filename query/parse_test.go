package query_test

import (
	"strings"
	"testing"

	"github.com/gomikro/gomikro/query"
)

type M = query.M

// wrapped is a foreign Filter: it embeds M and so has its marker method.
type wrapped struct{ query.M }

// embedded is a foreign Cond.
type embedded struct{ query.Cmp }

func TestParse(t *testing.T) {
	cases := []struct {
		name string
		in   query.Filter
		want string // "" means a nil Cond
	}{
		{"nil", nil, ""},
		{"empty map", M{}, ""},
		{"nil map", M(nil), ""},
		{"eq", M{"title": "Go"}, `title $eq "Go"`},
		{"nil is null", M{"year": nil}, `year $eq null`},
		{"list is $in", M{"id": []int64{1, 2}}, `id $in [1, 2]`},
		{"bytes are one value", M{"data": []byte("x")}, `data $eq 0x78`},
		{"array of bytes is one value", M{"data": [2]byte{1, 2}}, `data $eq [1, 2]`},
		{"empty $in is kept", M{"id": M{"$in": []int64{}}}, `id $in []`},
		{"nil $in is kept", M{"id": M{"$in": []int64(nil)}}, `id $in []`},
		{"empty $nin", M{"id": M{"$nin": []any{}}}, `id $nin []`},
		{"operator map is an AND", M{"year": M{"$gt": 1, "$lt": 5}}, `(year $gt 1 AND year $lt 5)`},
		{"keys sorted", M{"year": 2000, "title": "Go", "author": 1}, `(author $eq 1 AND title $eq "Go" AND year $eq 2000)`},
		{"every operator", M{"a": M{"$eq": 1, "$ne": 2, "$gte": 3, "$lte": 4, "$like": "x%", "$ilike": "y%", "$re": "^z", "$exists": true}},
			`(a $eq 1 AND a $exists true AND a $gte 3 AND a $ilike "y%" AND a $like "x%" AND a $lte 4 AND a $ne 2 AND a $re "^z")`},
		{"dotted key", M{"author.name": "Ann"}, `author{name $eq "Ann"}`},
		{"dotted key with operators", M{"author.name": M{"$like": "A%"}}, `author{name $like "A%"}`},
		{"long path", M{"books.tags.name": "go"}, `books{tags{name $eq "go"}}`},
		{"dotted keys are separate groups", M{"books.title": "Go", "books.year": 2000}, `(books{title $eq "Go"} AND books{year $eq 2000})`},
		{"nested map is one group", M{"author": M{"name": "Ann", "email": nil}}, `author{(email $eq null AND name $eq "Ann")}`},
		{"nested map[string]any", M{"author": map[string]any{"name": "Ann"}}, `author{name $eq "Ann"}`},
		{"nested dotted", M{"books": M{"tags.name": "go", "year": 1}}, `books{(tags{name $eq "go"} AND year $eq 1)}`},
		{"empty nested map", M{"author": M{}}, `author{TRUE}`},
		{"$or of []M", M{"$or": []M{{"year": M{"$gt": 2000}}, {"year": nil}}}, `(year $gt 2000 OR year $eq null)`},
		{"$or of []any", M{"$or": []any{M{"a": 1}, map[string]any{"b": 2}, query.Eq("c", 3)}}, `(a $eq 1 OR b $eq 2 OR c $eq 3)`},
		{"$or of []Filter", M{"$or": []query.Filter{M{"a": 1}, query.Eq("b", 2)}}, `(a $eq 1 OR b $eq 2)`},
		{"$or of []Cond", M{"$or": []query.Cond{query.Eq("a", 1)}}, `(a $eq 1)`},
		{"$or of []map", M{"$or": []map[string]any{{"a": 1}}}, `(a $eq 1)`},
		{"$and", M{"$and": []M{{"a": 1}, {"b": 2}}}, `(a $eq 1 AND b $eq 2)`},
		{"empty $or matches nothing", M{"$or": []M{}}, `FALSE`},
		{"empty $and matches all", M{"$and": []M{}}, `TRUE`},
		{"empty map in $or", M{"$or": []M{{}}}, `(TRUE)`},
		{"$not map", M{"$not": M{"year": 2015}}, `NOT year $eq 2015`},
		{"$not condition", M{"$not": query.Eq("year", 2015)}, `NOT year $eq 2015`},
		{"$not beside properties", M{"$not": M{"a": 1}, "b": 2}, `(NOT a $eq 1 AND b $eq 2)`},
		{"$not of a property", M{"year": M{"$not": M{"$gt": 5}}}, `NOT year $gt 5`},
		{"$not of a value", M{"year": M{"$not": 5}}, `NOT year $eq 5`},
		{"$not with operators", M{"year": M{"$not": M{"$gt": 5}, "$lt": 10}}, `(year $lt 10 AND NOT year $gt 5)`},
		{"$not of a group", M{"author": M{"$not": M{"name": "x"}}}, `author{NOT name $eq "x"}`},
		{"$or in a group", M{"author": M{"$or": []M{{"name": "a"}, {"name": "b"}}}}, `author{(name $eq "a" OR name $eq "b")}`},
		{"$and in a group", M{"author": M{"$and": []M{{"name": "a"}}, "email": nil}}, `author{((name $eq "a") AND email $eq null)}`},

		{"condition under a property", M{"author": query.Or(query.Eq("name", "a"), M{"email": nil})}, `author{(name $eq "a" OR email $eq null)}`},
		{"Eq", query.Eq("title", "Go"), `title $eq "Go"`},
		{"Eq path", query.Eq("author.name", "Ann"), `author{name $eq "Ann"}`},
		{"Ne", query.Ne("year", 1), `year $ne 1`},
		{"Gt Gte Lt Lte", query.And(query.Gt("a", 1), query.Gte("b", 2), query.Lt("c", 3), query.Lte("d", 4)), `(a $gt 1 AND b $gte 2 AND c $lt 3 AND d $lte 4)`},
		{"Like ILike Re", query.Or(query.Like("a", "x%"), query.ILike("b", "Y%"), query.Re("c", "^z$")), `(a $like "x%" OR b $ilike "Y%" OR c $re "^z$")`},
		{"Exists", query.Exists("email", false), `email $exists false`},
		{"IsNull", query.IsNull("email"), `email $eq null`},
		{"In values", query.In("id", 1, 2), `id $in [1, 2]`},
		{"In a slice", query.In("id", []int64{1, 2}), `id $in [1, 2]`},
		{"In nothing", query.In("id"), `id $in []`},
		{"In nil slice", query.In("id", []int64(nil)), `id $in []`},
		{"In one nil", query.In("id", nil), `id $in [null]`},
		{"In bytes", query.In("data", []byte("a")), `data $in [0x61]`},
		{"Nin", query.Nin("id", 3), `id $nin [3]`},
		{"And mixes maps", query.And(query.Eq("title", "Go"), M{"year": 2}), `(title $eq "Go" AND year $eq 2)`},
		{"And of nothing", query.And(), `TRUE`},
		{"And of nil", query.And(nil), `(TRUE)`},
		{"And of an empty map", query.And(M{}), `(TRUE)`},
		{"Or of nothing", query.Or(), `FALSE`},
		{"Not", query.Not(M{"a": 1}), `NOT a $eq 1`},
		{"Not nil", query.Not(nil), `NOT TRUE`},
		{"nested helpers", query.Or(query.And(M{"a.b": 1}, query.Not(query.In("c"))), query.Eq("d", nil)),
			`((a{b $eq 1} AND NOT c $in []) OR d $eq null)`},
		{"hand-built RelCond", query.RelCond{Path: "author.books", C: nil}, `author{books{exists}}`},
		{"hand-built RelCond with a map", query.RelCond{Path: "author", C: query.And(M{"name": "x"})}, `author{(name $eq "x")}`},
		{"hand-built nil children", query.AndCond{nil, query.NotCond{}}, `(TRUE AND NOT TRUE)`},
		{"typed nil AndCond", query.AndCond(nil), `TRUE`},
	}
	for _, c := range cases {
		got, err := query.Parse(c.in)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		switch {
		case c.want == "" && got != nil:
			t.Errorf("%s: got %s, want nil", c.name, got)
		case c.want != "" && got == nil:
			t.Errorf("%s: got nil, want %s", c.name, c.want)
		case got != nil && got.String() != c.want:
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
		// Parsing a parsed tree changes nothing.
		if got != nil {
			again, err := query.Parse(got)
			if err != nil || again.String() != got.String() {
				t.Errorf("%s: reparse: %v, %v", c.name, again, err)
			}
		}
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name string
		in   query.Filter
		want []string // substrings of the message
	}{
		{"empty key", M{"": 1}, []string{"empty property name"}},
		{"empty key in a group", M{"author": M{"": 1}}, []string{"author", "empty property name"}},
		{"empty segment", M{"author..name": 1}, []string{`"author..name"`, "empty property name"}},
		{"trailing dot", M{"author.": 1}, []string{`"author."`, "empty property name"}},
		{"leading dot", M{".name": 1}, []string{`".name"`}},
		{"operator in a path", M{"author.$gt": 1}, []string{`"author.$gt"`, "$gt", "operator"}},
		{"unknown top-level operator", M{"$foo": 1}, []string{"unknown operator $foo"}},
		{"comparison without a property", M{"$gt": 1}, []string{"$gt", "needs a property"}},
		{"unknown operator", M{"year": M{"$between": []int{1, 2}}}, []string{"year", "unknown operator $between"}},
		{"unknown operator deep", M{"author": M{"name": M{"$foo": 1}}}, []string{"author.name", "$foo"}},
		{"unknown operator in a group", M{"author": M{"$foo": 1, "name": "x"}}, []string{"author", "$foo"}},
		{"$in not a list", M{"id": M{"$in": 1}}, []string{"id", "$in", "list", "int"}},
		{"$nin a string", M{"id": M{"$nin": "abc"}}, []string{"id", "$nin", "list", "string"}},
		{"$in bytes", M{"id": M{"$in": []byte("ab")}}, []string{"id", "$in", "list"}},
		{"$in nil", M{"id": M{"$in": nil}}, []string{"id", "$in", "list", "nil"}},
		{"$and not a list", M{"$and": M{"a": 1}}, []string{"$and", "list", "query.M"}},
		{"$or a number", M{"$or": 3}, []string{"$or", "list", "int"}},
		{"$or of numbers", M{"$or": []any{M{"a": 1}, 1}}, []string{"$or[1]", "int"}},
		{"$or holding nil", M{"$or": []any{nil}}, []string{"$or[0]", "nil is not a filter"}},
		{"$or holding a nil Filter", M{"$or": []query.Filter{nil}}, []string{"$or[0]", "nil"}},
		{"$or in a group", M{"author": M{"$or": 1}}, []string{"author.$or", "list"}},
		{"$or item error", M{"$or": []M{{"a": M{"$foo": 1}}}}, []string{"a", "$foo"}},
		{"$not a number", M{"$not": 3}, []string{"$not", "int"}},
		{"$not nil", M{"$not": nil}, []string{"$not", "nil"}},
		{"$exists not bool", M{"email": M{"$exists": "yes"}}, []string{"email", "$exists", "string"}},
		{"$exists nil", query.Cmp{Path: "email", Op: query.OpExists}, []string{"email", "$exists"}},
		{"$re not a string", M{"title": M{"$re": 3}}, []string{"title", "$re", "int"}},
		{"$re invalid", M{"title": M{"$re": "(a"}}, []string{"title", "$re", "invalid regular expression"}},
		{"Re invalid", query.Re("author.name", "[a"), []string{"author.name", "$re"}},
		{"$like not a string", M{"title": M{"$like": 1}}, []string{"title", "$like", "string"}},
		{"$ilike nil", M{"title": M{"$ilike": nil}}, []string{"title", "$ilike"}},
		{"$gt nil", M{"year": M{"$gt": nil}}, []string{"year", "$gt", "null"}},
		{"Lt nil", query.Lt("year", nil), []string{"year", "$lt", "null"}},
		{"operators and properties", M{"author": M{"$eq": 1, "name": "x"}}, []string{"author", "mix", "name"}},
		{"operators and $or", M{"year": M{"$gt": 1, "$or": []M{}}}, []string{"year", "$or", "mixed"}},
		{"Eq empty path", query.Eq("", 1), []string{"empty property name"}},
		{"Eq bad path", query.Eq("a..b", 1), []string{`"a..b"`}},
		{"zero operator", query.Cmp{Path: "x", Value: 1}, []string{"x", "invalid operator Op(0)"}},
		{"unknown Op", query.Cmp{Path: "x", Op: 99, Value: 1}, []string{"x", "Op(99)"}},
		{"hand-built $in", query.Cmp{Path: "id", Op: query.OpIn, Value: 5}, []string{"id", "$in", "list"}},
		{"error inside And", query.And(query.Eq("a", 1), M{"b": M{"$foo": 1}}), []string{"b", "$foo"}},
		{"error inside Not", query.Not(query.Like("t", "")).(query.NotCond).C.(query.Cmp), nil},
		{"error inside RelCond", query.RelCond{Path: "author", C: query.Re("name", "(")}, []string{"author.name", "$re"}},
		{"condition error under a property", M{"author": query.Re("name", "(")}, []string{"author.name", "$re"}},
		{"RelCond bad path", query.RelCond{Path: "", C: nil}, []string{"empty property name"}},
		{"foreign Filter", wrapped{M{"a": 1}}, []string{"unsupported filter type", "wrapped"}},
		{"foreign Filter in And", query.And(wrapped{}), []string{"unsupported filter type", "wrapped"}},
		{"foreign Cond", embedded{query.Cmp{Path: "a", Op: query.OpEq}}, []string{"unsupported condition type", "embedded"}},
		{"foreign Cond in Or", query.Or(embedded{}), []string{"unsupported condition type"}},
	}
	for _, c := range cases {
		got, err := query.Parse(c.in)
		if c.want == nil { // a valid filter placed in the table for contrast
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s: no error, got %v", c.name, got)
			continue
		}
		if got != nil {
			t.Errorf("%s: a tree (%v) with the error", c.name, got)
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %q does not mention %q", c.name, err, w)
			}
		}
		if !strings.HasPrefix(err.Error(), "query: ") {
			t.Errorf("%s: %q lacks the package prefix", c.name, err)
		}
	}
}

func TestParseIsDeterministic(t *testing.T) {
	m := M{"z": 1, "a": M{"$gt": 1, "$lt": 9, "$ne": 4}, "m.n": M{"x": 1, "b": 2, "k": 3}, "$or": []M{{"q": 1, "c": 2}}, "b": []int{3, 1}}
	first, err := query.Parse(m)
	if err != nil {
		t.Fatal(err)
	}
	for range 50 {
		got, _ := query.Parse(m)
		if got.String() != first.String() {
			t.Fatalf("Parse is not deterministic:\n%s\n%s", first, got)
		}
	}
}

func TestParseLeavesInputsAlone(t *testing.T) {
	inner := M{"$gt": 1}
	m := M{"year": inner, "author.name": "x", "$or": []M{{"a": 1}}}
	before := m.String()
	if _, err := query.Parse(m); err != nil {
		t.Fatal(err)
	}
	if m.String() != before || len(inner) != 1 {
		t.Fatalf("Parse changed its input: %s", m)
	}

	// Building on a condition never changes it.
	base := query.And(query.Eq("a", 1))
	_ = query.And(base, query.Eq("b", 2))
	_ = query.Or(base, query.Eq("c", 3))
	if base.String() != `(a $eq 1)` {
		t.Fatalf("base changed: %s", base)
	}

	// In copies its arguments: changing the caller's slice later does not
	// change the condition.
	vs := []any{1, 2}
	c := query.In("id", vs...)
	vs[0] = 99
	if c.String() != `id $in [1, 2]` {
		t.Fatalf("In shares the caller's slice: %s", c)
	}
}

func TestOpString(t *testing.T) {
	want := map[query.Op]string{
		query.OpEq: "$eq", query.OpNe: "$ne", query.OpIn: "$in", query.OpNin: "$nin",
		query.OpGt: "$gt", query.OpGte: "$gte", query.OpLt: "$lt", query.OpLte: "$lte",
		query.OpLike: "$like", query.OpIlike: "$ilike", query.OpRe: "$re", query.OpExists: "$exists",
		0: "Op(0)", 200: "Op(200)",
	}
	for op, s := range want {
		if op.String() != s {
			t.Errorf("%d: %q, want %q", op, op.String(), s)
		}
		if op.Valid() != (s[0] == '$') {
			t.Errorf("%s: Valid() = %v", s, op.Valid())
		}
	}
}

func TestMString(t *testing.T) {
	m := M{"b": "x", "a": M{"$in": []any{1, "y", nil}}, "c": []byte{1}}
	if got, want := m.String(), `{a: {$in: [1, "y", null]}, b: "x", c: 0x01}`; got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
}
