// Package ref provides the typed relation fields of gomikro entities:
// Ref[T] for m:1 and 1:1 references and Collection[T] for 1:m and m:n
// collections.
//
// A Ref may hold the referenced object, or only its primary key: a
// reference loaded from the database points to the managed object of the
// EntityManager's identity map, which may not be loaded yet (IsLoaded
// reports it and Load fetches it). Collections track what was added and
// removed since they were loaded, and the next flush writes the
// difference.
package ref
