// Package tracking holds the bookkeeping of a unit of work: the identity
// map (one object per primary key), the snapshot of every managed entity
// as last loaded or flushed, change detection against those snapshots,
// and the commit plan of a flush (inserts, updates, deletes and pivot
// rows, ordered by foreign-key dependencies).
//
// It knows metadata but no database: backends execute the Plan it builds.
// Change detection is the flush hot path; it compares entity memory with
// the snapshot field by field and allocates nothing for unchanged
// entities without JSON fields.
package tracking
