// Package mongoem is gomikro's MongoDB backend, on the official driver
// (go.mongodb.org/mongo-driver/v2). Open returns an ORM whose EM() is a
// *mongoem.EntityManager: the core EntityManager (Persist, Flush, Find,
// repositories, populate, hooks...) plus what only MongoDB has —
// Aggregate, AggregateAs and AggregateEntities over pipelines, and the
// native *mongo.Collection of an entity. There is no query builder:
// filters are package query's, the same as on SQL.
//
// # Mapping
//
// An entity is a collection named as its table would be. The primary key
// is _id; a composite key is an _id sub-document of its columns. Other
// fields are stored under their column names; fields that SQL stores as
// JSON (maps, slices, structs) are sub-documents and arrays, converted
// through encoding/json so that json tags apply. Nil fields are left out
// of inserted documents and $unset by updates.
//
// Keys: an integer primary key that SQL would auto-increment is taken
// from the counters collection "gomikro_counters" ({_id: collection,
// seq}) in blocks (hi/lo): the ORM holds a block of keys per collection,
// shared by all its EntityManagers, and a flush takes its keys from it;
// only when the block runs out does it reserve a new one, with one
// findAndModify outside any transaction, like a SQL sequence. A block
// has gomikro.Config.KeyBlockSize keys (DefaultKeyBlockSize when 0), or
// the insert batch's size when larger; 1 reserves each batch's keys on
// their own. One goroutine reserves at a time per collection; the others
// wait, or leave when their context ends. Keys may have gaps: the rest of
// a block is lost when the process exits, and a failed or rolled-back
// flush does not give its keys back (they are never handed out twice).
// An insert outside a transaction that finds a generated key taken
// (another process writing the collection, on a server whose increments
// are not atomic, as FerretDB's) takes fresh keys from a new block and
// retries. A string primary key tagged `orm:"pk,autoincrement"` gets a
// new ObjectID: stored as an ObjectID in _id, held as its hex string in Go
// (the string form for APIs); filters and references by that string
// match it. A primary key of type bson.ObjectID tagged the same way is
// generated when zero and held as the ObjectID itself; bson.ObjectID
// fields, keys or not, are stored as native ObjectIDs, and filters,
// references and GetReference accept their hex form too. Other keys
// (strings, numbers, composite keys) are the caller's.
//
// Relations: an m:1 or owning 1:1 reference stores the referenced _id; a
// 1:m collection is found through the children's reference (mappedBy);
// an owning m:n collection is an array of target keys in the owner's
// document (no pivot collection), the inverse side finds the owners whose
// arrays hold its key. Populate loads each relation with one $in query per
// batch (two for an owning m:n: the owners' arrays, then the targets).
// Deleting a document does what foreign keys do on SQL: its key is pulled
// from m:n arrays, references with onDelete=set null are unset and those
// with onDelete=cascade deleted (one level). MongoDB has no foreign keys:
// a reference to a missing document is not an error.
//
// # Filters
//
// The query package's operators map to MongoDB's; $like and $ilike become
// anchored regular expressions. MongoDB has no join: a condition through
// a relation ("author.name", {"tags": {"name": "go"}}) is answered by a
// first query on the related collection, whose matching keys go into an
// $in of the main query (at most MaxRelationKeys of them, else an error).
// The two reads are one snapshot only inside a transaction.
//
// # Flush and atomicity
//
// A flush sends insertMany per batch of new documents, bulkWrite of
// $set/$unset of the changed fields only (matching the loaded version of
// versioned entities: a stale one fails with gomikro.ErrOptimisticLock),
// $addToSet/$pullAll for m:n arrays and deleteMany by _id. Values are
// checked first as SQL columns would check them: strings over length=
// and decimals beyond precision= fail with gomikro.ErrCheckViolation
// before anything is sent. Duplicate keys fail with a
// *gomikro.ConstraintError matching gomikro.ErrUniqueViolation.
//
// On a server with transactions (a replica set or sharded cluster:
// ORM.SupportsTransactions), a flush runs in one transaction, and
// Transactional and Begin give real transactions (not nested: MongoDB
// has no savepoints, see ErrNoSavepoints).
//
// On a server without them (a standalone mongod, FerretDB), each single
// write is atomic per document only, and Transactional and Begin fail
// with ErrNoTransactions. A flush is then made all-or-nothing by
// compensation: every value is checked before the first write, versions
// of deleted documents are checked before deleting, and when a write
// fails the writes before it are undone — inserted documents deleted,
// updated fields set back to their loaded values, m:n arrays restored —
// before the error is returned. Another client can see the intermediate
// state meanwhile, and a crash of the client between the writes and the
// undo leaves them in place.
//
// A write that failed without a reply from the server (the connection
// broke, the context ended) may have been applied, and may even still be
// running on the server: it is undone whole — every document its
// insertMany sent deleted (by _id when the keys are generated, else only
// documents equal to the ones sent), every row of its bulkWrite set back
// — and then checked until two checks a moment apart find nothing of it.
// The undo runs on a context of its own, bounded to 30 seconds, retrying
// writes that get no reply. When it cannot finish, the error matches
// gomikro.ErrCommitUnknown and names what was not undone.
//
// Deletes (with their onDelete cascades and $pullAll of m:n arrays) run
// last and cannot be undone: versions are checked before the first one,
// and once one may have been applied the flush is finished rather than
// undone. A delete that gets no reply is sent again (deletes are
// idempotent) on a context of its own bounded to 30 seconds, which the
// deletes after it use too, even when the caller's context has ended;
// the flush then returns nil if they all went through, else an error
// matching gomikro.ErrCommitUnknown saying that the database holds all of
// the flush but some deletes.
//
// On a server with transactions, a commitTransaction that fails with the
// UnknownTransactionCommitResult label (after the driver's own retry),
// or gets no reply, returns an error matching gomikro.ErrCommitUnknown;
// a TransientTransactionError or another refusal means the transaction
// did not commit.
package mongoem
