// Package meta reads entity metadata from Go struct tags.
//
// An entity is a Go struct registered with the ORM. meta reads each struct
// once (reflection, cached per Registry), validates it, and describes it to
// the rest of gomikro: the table and column names chosen by a
// [NamingStrategy], the logical column type derived from the Go type, the
// primary key (single or composite), relations, defaults, version fields
// and the lifecycle hooks the entity implements.
//
// Tags use the key "orm" with comma-separated items:
//
//	ID      int64     `orm:"pk"`                  // generated key (single integer PK)
//	Code    string    `orm:"pk"`                  // natural key, supplied by the caller
//	Email   string    `orm:"unique,length=320"`
//	Name    string    `orm:"index"`
//	Price   float64   `orm:"precision=10,scale=2"` // numeric(10,2)
//	Created time.Time `orm:"default=now"`          // left out of INSERT while zero
//	Stock   *int32    `orm:"default=10"`           // nil takes the default; a plain int32 is refused
//	Note    *string                               // nullable (pointer)
//	Version int       `orm:"version"`              // optimistic lock
//	Author  ref.Ref[Author]                       // m:1, column author_id
//	Books   ref.Collection[Book] `orm:"mappedBy=Author"` // 1:m
//	Tags    ref.Collection[Tag]  `orm:"m:n"`             // m:n owner, pivot book_tags
//	Skip    string    `orm:"-"`                   // not persisted
//
// A blank field carries entity-level options:
//
//	_ struct{} `orm:"table=books"`
//
// A custom driver.Valuer type declares its column through [ColumnKinder]
// when its Go kind does not tell it.
//
// Invalid metadata is reported by [NewRegistry] as an error naming
// Struct.Field, never as a panic at first use.
package meta
