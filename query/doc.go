// Package query is gomikro's filter language: one for every backend, with
// MikroORM's operators ($eq $ne $in $nin $gt $gte $lt $lte $like $ilike $re
// $exists $and $or $not) and relation paths such as "author.name".
//
// A filter is written as a map, MikroORM style, or built with typed
// helpers; both mean the same, and they mix:
//
//	query.M{"title": "Go", "year": query.M{"$gte": 2000}}
//	query.And(query.Eq("title", "Go"), query.Gte("year", 2000))
//	query.Or(query.M{"year": nil}, query.Lt("year", 1990))
//
// In a map, a plain value means $eq, a list means $in, and an operator map
// such as {"$gt": 1, "$lt": 5} means all of its operators. Keys are read in
// sorted order, so the same map always gives the same tree.
//
// Conditions on a relation nest: query.M{"author": query.M{"name": "Ann",
// "age": query.M{"$gt": 30}}} holds when one related Author satisfies both
// (for a 1:m or m:n relation, the same related row). A dotted key or path
// ("author.name") is a group of its own, and so is a condition built by
// the helpers under a relation key: query.M{"author": query.In("name", "Ann", "Bob")}. A reference compares with a raw
// key, an entity pointer or a ref.Ref: query.M{"author": 1}. On a
// collection or an inverse 1:1, a value compares the related rows' keys
// ({"books": 3}: has book 3; $ne and $nin: has none of them), nil means no
// related row and $exists tests whether there is one.
//
// A nested map of plain keys under a JSON property compares the whole JSON
// value; write {"meta": query.M{"$eq": value}} for JSON values whose keys
// look like operators.
//
// Nothing is widened silently: an empty $in matches nothing (renderers
// emit FALSE), an empty $nin everything; $ne and $nin on a nullable column
// also match NULL, as on MongoDB. A nil Filter or an empty M matches every
// row.
//
// Typed filters reference an entity's own fields with their Go types, so
// that comparing a field with a value of another type does not compile:
// query.Field[Book, string]("title").Eq("Go"), or by selector,
// query.FieldOf(func(b *Book) *int { return &b.Year }).Gte(2000). They
// resolve to the same trees as the maps (see [Property], [Typed]).
//
// [Parse] turns a Filter into a [Cond] tree, checking its shape (operators,
// lists, patterns). [Resolve] then checks every property against the
// entity's metadata (names, operator and value types) and returns the
// [Expr] tree that backends render. Values stay values: backends bind them
// as parameters. The package does no I/O and writes no SQL.
package query
