package meta_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/ref"
)

// ---- The valid model ----

type Author struct {
	ID    int64 `orm:"pk"`
	Name  string
	Books ref.Collection[Book] `orm:"mappedBy=Author"`
}

type Book struct {
	ID     int64 `orm:"pk"`
	Title  string
	Author ref.Ref[Author]
	Tags   ref.Collection[Tag] `orm:"m:n"`
}

type Tag struct {
	ID    int64 `orm:"pk"`
	Name  string
	Books ref.Collection[Book] `orm:"mappedBy=Tags"`
}

// BookTag is a link entity whose key is two references.
type BookTag struct {
	Book ref.Ref[Book] `orm:"pk"`
	Tag  ref.Ref[Tag]  `orm:"pk"`
	Note string
}

// Person has a self-referencing m:n relation.
type Person struct {
	ID      int64                  `orm:"pk"`
	Friends ref.Collection[Person] `orm:"m:n"`
}

type Naming struct {
	ID         int64 `orm:"pk"`
	UserID     int64
	HTTPServer string
	CreatedAt  time.Time
}

type Country struct {
	Code string `orm:"pk"`
	Name string
}

type Manual struct {
	ID int64 `orm:"pk,autoincrement=false"`
}

type BytesKey struct {
	Hash []byte `orm:"pk"`
}

type Small struct {
	ID int32 `orm:"pk"`
}

// Status is a driver.Valuer with a *Status sql.Scanner.
type Status string

func (s Status) Value() (driver.Value, error) { return string(s), nil }

func (s *Status) Scan(v any) error {
	switch x := v.(type) {
	case string:
		*s = Status(x)
	case []byte:
		*s = Status(x)
	default:
		return fmt.Errorf("cannot scan %T into Status", v)
	}
	return nil
}

// Money is a struct driver.Valuer with a *Money sql.Scanner.
type Money struct{ Cents int64 }

func (m Money) Value() (driver.Value, error) { return fmt.Sprint(m.Cents), nil }
func (m *Money) Scan(any) error              { return nil }

// ColumnKind declares Money's column: it stores its text.
func (Money) ColumnKind() string { return "string" }

// Opaque is a struct driver.Valuer that declares no column kind.
type Opaque struct{ X int64 }

func (o Opaque) Value() (driver.Value, error) { return o.X, nil }
func (o *Opaque) Scan(any) error              { return nil }

type BadOpaque struct {
	ID  int64 `orm:"pk"`
	Val Opaque
}

type TypedOpaque struct {
	ID  int64  `orm:"pk"`
	Val Opaque `orm:"type=bigint"`
}

type Address struct {
	Street, City string
}

type Types struct {
	ID        int64 `orm:"pk"`
	Note      *string
	When      *time.Time
	Count     *int
	NullStr   sql.NullString
	NullInt   sql.Null[int64]
	Plain     string
	Attrs     map[string]any
	List      []string
	Addr      Address
	AddrPtr   *Address
	Raw       []byte
	RawStrict []byte `orm:"nullable=false"`
	At        time.Time
	State     Status
	Price     Money
	Amount    float64 `orm:"precision=10,scale=2"`
	Code      string  `orm:"length=8,unique"`
	Forced    string  `orm:"json"`
	Custom    string  `orm:"type=citext"`
	Hash      hexID
	Bytes4    [4]byte
	Skipped   string `orm:"-"`
	//lint:ignore U1000 an unexported field the metadata must skip
	internal string
	Version  int `orm:"version"`
}

// hexID is an array type with a text form, as bson.ObjectID.
type hexID [2]byte

func (h hexID) MarshalText() ([]byte, error) { return []byte(hex.EncodeToString(h[:])), nil }
func (h *hexID) UnmarshalText(b []byte) error {
	_, err := hex.Decode(h[:], b)
	return err
}

type Timestamps struct {
	CreatedAt time.Time `orm:"default=now"`
	UpdatedAt time.Time
}

type Embeds struct {
	ID int64 `orm:"pk"`
	Timestamps
	Title string
}

type Renamed struct {
	_    struct{} `orm:"table=renamed_things"`
	ID   int64    `orm:"pk"`
	Name string   `orm:"column=display_name"`
}

// Swapped has column names that are the other field's Go name.
type Swapped struct {
	ID int64  `orm:"pk"`
	A  string `orm:"column=b"`
	B  string `orm:"column=a"`
}

type Hooked struct {
	ID int64 `orm:"pk"`
}

func (h *Hooked) BeforeCreate(context.Context) error { return nil }
func (h *Hooked) AfterUpdate(context.Context) error  { return nil }
func (h *Hooked) OnLoad(context.Context) error       { return nil }

// ---- Invalid entities, one error each ----

type NoPK struct{ Name string }

type BadTag struct {
	ID   int64  `orm:"pk"`
	Name string `orm:"colour=red"`
}

type Unregistered struct {
	ID int64 `orm:"pk"`
}

type BadTarget struct {
	ID    int64 `orm:"pk"`
	Other ref.Ref[Unregistered]
}

type BadColl struct {
	ID    int64               `orm:"pk"`
	Items ref.Collection[Tag] // neither mappedBy nor m:n
}

type BadMappedByMissing struct {
	ID    int64                `orm:"pk"`
	Books ref.Collection[Book] `orm:"mappedBy=Nope"`
}

type BadMappedByKind struct {
	ID    int64                `orm:"pk"`
	Books ref.Collection[Book] `orm:"mappedBy=Title"`
}

type BadChan struct {
	ID     int64 `orm:"pk"`
	Events chan int
}

type BadHook struct {
	ID int64 `orm:"pk"`
}

func (b *BadHook) BeforeCreate() error { return nil }

type BadLength struct {
	ID    int64 `orm:"pk"`
	Count int   `orm:"length=10"`
}

type BadVersionType struct {
	ID  int64  `orm:"pk"`
	Rev string `orm:"version"`
}

type PtrVersion struct {
	ID  int64 `orm:"pk"`
	Rev *int  `orm:"version"`
}

type NullVersion struct {
	ID  int64         `orm:"pk"`
	Rev sql.NullInt64 `orm:"version"`
}

type BoolVersion struct {
	ID  int64 `orm:"pk"`
	Rev bool  `orm:"version"`
}

type BadSoftDelete struct {
	ID      int64     `orm:"pk"`
	Removed time.Time `orm:"softDelete"`
}

type TwoSoftDeletes struct {
	ID int64      `orm:"pk"`
	A  *time.Time `orm:"softDelete"`
	B  *time.Time `orm:"softDelete"`
}

type SoftDeleted struct {
	ID        int64      `orm:"pk"`
	DeletedAt *time.Time `orm:"softDelete"`
}

func TestSoftDeleteField(t *testing.T) {
	reg := mustRegistry(t, nil, SoftDeleted{})
	e := reg.Entities()[0]
	if e.SoftDelete == nil || e.SoftDelete.Name != "DeletedAt" || !e.SoftDelete.SoftDelete || !e.SoftDelete.Nullable {
		t.Fatalf("SoftDelete = %+v", e.SoftDelete)
	}
}

type TwoVersions struct {
	ID int64 `orm:"pk"`
	V1 int   `orm:"version"`
	V2 int   `orm:"version"`
}

type DupColumn struct {
	ID    int64 `orm:"pk"`
	Name  string
	Label string `orm:"column=name"`
}

type BadScale struct {
	ID    int64   `orm:"pk"`
	Price float64 `orm:"scale=2"`
}

type BadNow struct {
	ID    int64  `orm:"pk"`
	Stamp string `orm:"default=now"`
}

type BadDefaultNumber struct {
	ID   int64 `orm:"pk"`
	Year int   `orm:"default=nineteen"`
}

type BadSetNull struct {
	ID     int64           `orm:"pk"`
	Parent ref.Ref[Author] `orm:"onDelete=set null"`
}

func TestNewRegistryErrors(t *testing.T) {
	tests := []struct {
		name     string
		entities []any
		want     string // Struct.Field (or Struct: for entity-level errors)
		detail   string // a part of the explanation
	}{
		{"no primary key", []any{NoPK{}}, "NoPK:", "no primary key"},
		{"unknown tag key", []any{BadTag{}}, "BadTag.Name", "colour"},
		{"relation to an unregistered entity", []any{BadTarget{}}, "BadTarget.Other", "not a registered entity"},
		{"collection without mappedBy or m:n", []any{BadColl{}, Tag{}, Book{}, Author{}}, "BadColl.Items", "mappedBy"},
		{"mappedBy naming no field", []any{BadMappedByMissing{}, Book{}, Author{}, Tag{}}, "BadMappedByMissing.Books", "Nope"},
		{"mappedBy naming a field of the wrong kind", []any{BadMappedByKind{}, Book{}, Author{}, Tag{}}, "BadMappedByKind.Books", "Title"},
		{"unsupported Go type", []any{BadChan{}}, "BadChan.Events", "chan int"},
		{"hook with the wrong signature", []any{BadHook{}}, "BadHook.BeforeCreate", "context.Context"},
		{"length on an int", []any{BadLength{}}, "BadLength.Count", "length"},
		{"version on a string", []any{BadVersionType{}}, "BadVersionType.Rev", "version field must be a plain integer"},
		{"version on a pointer", []any{PtrVersion{}}, "PtrVersion.Rev", "not *int"},
		{"version on sql.NullInt64", []any{NullVersion{}}, "NullVersion.Rev", "not sql.NullInt64"},
		{"version on a bool", []any{BoolVersion{}}, "BoolVersion.Rev", "version field must be a plain integer"},
		{"two version fields", []any{TwoVersions{}}, "TwoVersions.V2", "V1"},
		{"softDelete on a time.Time", []any{BadSoftDelete{}}, "BadSoftDelete.Removed", "must be a *time.Time"},
		{"two softDelete fields", []any{TwoSoftDeletes{}}, "TwoSoftDeletes.B", "A"},
		{"duplicate column via column=", []any{DupColumn{}}, "DupColumn.Label", `"name"`},
		{"scale without precision", []any{BadScale{}}, "BadScale.Price", "precision"},
		{"default=now on a string", []any{BadNow{}}, "BadNow.Stamp", "default=now: "},
		{"bad default number", []any{BadDefaultNumber{}}, "BadDefaultNumber.Year", "nineteen"},
		{"a Valuer of no column kind", []any{BadOpaque{}}, "BadOpaque.Val", "ColumnKind() string"},
		{"onDelete=set null on a NOT NULL ref", []any{BadSetNull{}, Author{}, Book{}, Tag{}}, "BadSetNull.Parent", "set null"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg, err := meta.NewRegistry(nil, tt.entities...)
			if err == nil {
				t.Fatalf("NewRegistry succeeded (%d entities), want an error naming %s", len(reg.Entities()), tt.want)
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.want) {
				t.Errorf("error %q does not name %q", msg, tt.want)
			}
			if !strings.Contains(msg, tt.detail) {
				t.Errorf("error %q does not mention %q", msg, tt.detail)
			}
			var me *meta.Error
			if !errors.As(err, &me) {
				t.Fatalf("error %v (%T) is not a *meta.Error", err, err)
			}
			ent, field, _ := strings.Cut(strings.TrimSuffix(tt.want, ":"), ".")
			if me.Entity != ent || me.Field != field {
				t.Errorf("meta.Error{Entity: %q, Field: %q}, want %q, %q", me.Entity, me.Field, ent, field)
			}
		})
	}
}

func mustRegistry(t *testing.T, naming meta.NamingStrategy, entities ...any) *meta.Registry {
	t.Helper()
	reg, err := meta.NewRegistry(naming, entities...)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

func entity(t *testing.T, reg *meta.Registry, v any) *meta.Entity {
	t.Helper()
	e, ok := reg.Of(reflect.TypeOf(v))
	if !ok {
		t.Fatalf("%T is not registered", v)
	}
	return e
}

func field(t *testing.T, e *meta.Entity, name string) *meta.Field {
	t.Helper()
	f, ok := e.Field(name)
	if !ok {
		t.Fatalf("%s has no field %q", e.Name, name)
	}
	return f
}

func TestToSnake(t *testing.T) {
	for in, want := range map[string]string{
		"ID":         "id",
		"UserID":     "user_id",
		"HTTPServer": "http_server",
		"BookTag":    "book_tag",
		"CreatedAt":  "created_at",
		"Name":       "name",
		"already_ok": "already_ok",
		"Top10Books": "top10_books",
		"URL":        "url",
	} {
		if got := meta.ToSnake(in); got != want {
			t.Errorf("ToSnake(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSnakeCaseNames(t *testing.T) {
	reg := mustRegistry(t, nil, Naming{}, Author{}, Book{}, Tag{}, BookTag{})
	n := entity(t, reg, Naming{})
	if n.Table != "naming" {
		t.Errorf("table %q, want naming", n.Table)
	}
	for goName, col := range map[string]string{"UserID": "user_id", "HTTPServer": "http_server", "CreatedAt": "created_at", "ID": "id"} {
		if got := field(t, n, goName).Column; got != col {
			t.Errorf("%s column %q, want %q", goName, got, col)
		}
	}
	if got := entity(t, reg, BookTag{}).Table; got != "book_tag" {
		t.Errorf("BookTag table %q, want book_tag", got)
	}

	book := entity(t, reg, Book{})
	a := field(t, book, "Author")
	if a.Column != "author_id" || a.Storage != meta.StoreRef || a.Type != meta.TypeInt64 {
		t.Errorf("Book.Author: column %q storage %v type %v, want author_id, StoreRef, int64", a.Column, a.Storage, a.Type)
	}
	if a.Rel == nil || a.Rel.Kind != meta.ManyToOne || !a.Rel.Owner || a.Rel.Target != entity(t, reg, Author{}) {
		t.Errorf("Book.Author relation: %+v", a.Rel)
	}
	if a.Nullable {
		t.Error("Book.Author is nullable without the nullable tag")
	}

	books := field(t, entity(t, reg, Author{}), "Books")
	if books.Rel.Kind != meta.OneToMany || books.Rel.MappedBy != a || a.Rel.InversedBy != books || books.Column != "" {
		t.Errorf("Author.Books: kind %v mappedBy %v column %q", books.Rel.Kind, books.Rel.MappedBy, books.Column)
	}

	tags := field(t, book, "Tags")
	pv := tags.Rel.Pivot
	if pv == nil {
		t.Fatal("Book.Tags has no pivot")
	}
	if pv.Table != "book_tags" || pv.OwnerColumn != "book_id" || pv.TargetColumn != "tag_id" {
		t.Errorf("pivot %s(%s, %s), want book_tags(book_id, tag_id)", pv.Table, pv.OwnerColumn, pv.TargetColumn)
	}
	if tags.Rel.Kind != meta.ManyToMany || !tags.Rel.Owner || pv.Owner != book || pv.Target != entity(t, reg, Tag{}) {
		t.Errorf("Book.Tags relation: %+v", tags.Rel)
	}
	inv := field(t, entity(t, reg, Tag{}), "Books")
	if inv.Rel.Kind != meta.ManyToMany || inv.Rel.Owner || inv.Rel.Pivot != pv || inv.Rel.MappedBy != tags {
		t.Errorf("Tag.Books relation: %+v", inv.Rel)
	}
	if got := len(reg.Pivots()); got != 1 {
		t.Errorf("%d pivots, want 1", got)
	}
}

func TestSelfReferencingManyToMany(t *testing.T) {
	reg := mustRegistry(t, nil, Person{})
	pv := field(t, entity(t, reg, Person{}), "Friends").Rel.Pivot
	if pv.OwnerColumn == pv.TargetColumn {
		t.Fatalf("self-referencing pivot columns are both %q", pv.OwnerColumn)
	}
	if pv.Table != "person_friends" || pv.OwnerColumn == "" || pv.TargetColumn == "" {
		t.Errorf("pivot %s(%s, %s)", pv.Table, pv.OwnerColumn, pv.TargetColumn)
	}
}

func TestGeneratedKeys(t *testing.T) {
	reg := mustRegistry(t, nil, Author{}, Book{}, Tag{}, Country{}, Manual{}, Small{}, BookTag{})
	tests := []struct {
		v    any
		want bool
	}{
		{Author{}, true},
		{Small{}, true},
		{Country{}, false},
		{Manual{}, false},
		{BookTag{}, false},
	}
	for _, tt := range tests {
		e := entity(t, reg, tt.v)
		if got := e.GeneratedPK(); got != tt.want {
			t.Errorf("%s.GeneratedPK() = %v, want %v", e.Name, got, tt.want)
		}
		if got := e.PK[0].Generated; got != tt.want {
			t.Errorf("%s.%s.Generated = %v, want %v", e.Name, e.PK[0].Name, got, tt.want)
		}
	}
}

func TestBytesKeyIsNotNullable(t *testing.T) {
	reg := mustRegistry(t, nil, BytesKey{})
	f := entity(t, reg, BytesKey{}).PK[0]
	if f.Nullable || f.Type != meta.TypeBytes || f.Generated {
		t.Errorf("BytesKey.Hash: nullable %v type %v generated %v", f.Nullable, f.Type, f.Generated)
	}
}

func TestCompositeKeyOfRefs(t *testing.T) {
	reg := mustRegistry(t, nil, Author{}, Book{}, Tag{}, BookTag{})
	e := entity(t, reg, BookTag{})
	if len(e.PK) != 2 {
		t.Fatalf("%d key fields, want 2", len(e.PK))
	}
	for i, want := range []string{"book_id", "tag_id"} {
		f := e.PK[i]
		if !f.PK || f.Storage != meta.StoreRef || f.Column != want || f.Nullable || f.Type != meta.TypeInt64 {
			t.Errorf("PK[%d] = %s: pk %v storage %v column %q nullable %v type %v", i, f.Name, f.PK, f.Storage, f.Column, f.Nullable, f.Type)
		}
	}
	if len(e.Columns) != 3 {
		t.Errorf("%d columns, want 3", len(e.Columns))
	}
}

func TestTypeInference(t *testing.T) {
	reg := mustRegistry(t, nil, Types{})
	e := entity(t, reg, Types{})
	tests := []struct {
		field    string
		typ      meta.Type
		storage  meta.Storage
		nullable bool
	}{
		{"Note", meta.TypeString, meta.StorePointer, true},
		{"When", meta.TypeTime, meta.StorePointer, true},
		{"Count", meta.TypeInt64, meta.StorePointer, true},
		{"NullStr", meta.TypeString, meta.StoreValuer, true},
		{"NullInt", meta.TypeInt64, meta.StoreValuer, true},
		{"Plain", meta.TypeString, meta.StorePlain, false},
		{"Attrs", meta.TypeJSON, meta.StoreJSON, true},
		{"List", meta.TypeJSON, meta.StoreJSON, true},
		{"Addr", meta.TypeJSON, meta.StoreJSON, false},
		{"AddrPtr", meta.TypeJSON, meta.StoreJSON, true},
		{"Raw", meta.TypeBytes, meta.StorePlain, true}, // a nil slice is NULL
		{"RawStrict", meta.TypeBytes, meta.StorePlain, false},
		{"At", meta.TypeTime, meta.StorePlain, false},
		{"State", meta.TypeString, meta.StoreValuer, false},
		{"Price", meta.TypeString, meta.StoreValuer, false},
		{"Amount", meta.TypeDecimal, meta.StorePlain, false},
		{"Code", meta.TypeString, meta.StorePlain, false},
		{"Forced", meta.TypeJSON, meta.StoreJSON, false},
		{"Version", meta.TypeInt64, meta.StorePlain, false},
		{"Hash", meta.TypeString, meta.StoreText, false}, // its text form
		{"Bytes4", meta.TypeJSON, meta.StoreJSON, false}, // no text form
	}
	for _, tt := range tests {
		f := field(t, e, tt.field)
		if f.Type != tt.typ || f.Storage != tt.storage || f.Nullable != tt.nullable {
			t.Errorf("%s: type %v storage %v nullable %v, want %v %v %v", tt.field, f.Type, f.Storage, f.Nullable, tt.typ, tt.storage, tt.nullable)
		}
	}
	if f := field(t, e, "Amount"); f.Precision != 10 || f.Scale != 2 {
		t.Errorf("Amount: precision %d scale %d, want 10, 2", f.Precision, f.Scale)
	}
	if f := field(t, e, "Code"); f.Length != 8 || !f.Unique {
		t.Errorf("Code: length %d unique %v, want 8, true", f.Length, f.Unique)
	}
	if f := field(t, e, "Custom"); f.ColumnType != "citext" {
		t.Errorf("Custom: column type %q, want citext", f.ColumnType)
	}
	if e.Version == nil || e.Version.Name != "Version" || !e.Version.Version {
		t.Errorf("Version field: %v", e.Version)
	}
	for _, name := range []string{"Skipped", "skipped", "internal"} {
		if f, ok := e.Field(name); ok {
			t.Errorf("field %s is persisted (%v), want it skipped", name, f)
		}
	}
	for _, f := range e.Fields {
		if f.Name == "Skipped" || f.Name == "internal" {
			t.Errorf("Fields contains %s", f.Name)
		}
	}
	if got, want := len(e.Fields), 23; got != want {
		t.Errorf("%d fields, want %d", got, want)
	}
	if got, want := len(e.Columns), len(e.Fields); got != want {
		t.Errorf("%d columns, want %d (no relations)", got, want)
	}
}

func TestEmbeddedAndEntityOptions(t *testing.T) {
	reg := mustRegistry(t, nil, Embeds{}, Renamed{})
	e := entity(t, reg, Embeds{})
	var names []string
	for _, f := range e.Columns {
		names = append(names, f.Column)
	}
	if got, want := strings.Join(names, ","), "id,created_at,updated_at,title"; got != want {
		t.Errorf("columns %s, want %s", got, want)
	}
	c := field(t, e, "created_at")
	if c.Name != "CreatedAt" || c.Default == nil || !c.Default.Now || c.Type != meta.TypeTime {
		t.Errorf("CreatedAt: %+v", c)
	}
	// The flattened field addresses the embedded struct's memory.
	now := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	v := &Embeds{ID: 1, Title: "x"}
	v.UpdatedAt = now
	u := field(t, e, "UpdatedAt")
	if got := u.Value(unsafe.Pointer(v)).Interface().(time.Time); !got.Equal(now) {
		t.Errorf("UpdatedAt through Field.Value = %v, want %v", got, now)
	}
	if got := field(t, e, "Title").Value(unsafe.Pointer(v)).String(); got != "x" {
		t.Errorf("Title through Field.Value = %q", got)
	}

	r := entity(t, reg, Renamed{})
	if r.Table != "renamed_things" {
		t.Errorf("table %q, want renamed_things", r.Table)
	}
	if _, ok := r.Field("_"); ok {
		t.Error("the blank option field is a property")
	}
	if len(r.Fields) != 2 {
		t.Errorf("%d fields, want 2", len(r.Fields))
	}
	if got := field(t, r, "Name").Column; got != "display_name" {
		t.Errorf("Name column %q, want display_name", got)
	}
}

func TestFieldLookup(t *testing.T) {
	reg := mustRegistry(t, nil, Naming{}, Author{}, Book{}, Tag{})
	n := entity(t, reg, Naming{})
	for _, name := range []string{"HTTPServer", "hTTPServer", "httpserver", "HTTPSERVER", "http_server", "HTTP_SERVER"} {
		if f, ok := n.Field(name); !ok || f.Name != "HTTPServer" {
			t.Errorf("Field(%q) = %v, %v; want HTTPServer", name, f, ok)
		}
	}
	for _, name := range []string{"UserID", "userID", "userid", "user_id", "USER_ID"} {
		if f, ok := n.Field(name); !ok || f.Name != "UserID" {
			t.Errorf("Field(%q) = %v, %v; want UserID", name, f, ok)
		}
	}
	book := entity(t, reg, Book{})
	for _, name := range []string{"Author", "author", "author_id", "AUTHOR_ID"} {
		if f, ok := book.Field(name); !ok || f.Name != "Author" {
			t.Errorf("Book.Field(%q) = %v, %v; want Author", name, f, ok)
		}
	}
	// A Go name wins over another field's column name.
	sw := entity(t, mustRegistry(t, nil, Swapped{}), Swapped{})
	for name, want := range map[string]string{"A": "A", "a": "A", "B": "B", "b": "B"} {
		if f, ok := sw.Field(name); !ok || f.Name != want {
			t.Errorf("Swapped.Field(%q) = %v, %v; want %s", name, f, ok, want)
		}
	}
	if f := field(t, sw, "A"); f.Column != "b" {
		t.Errorf("Swapped.A column %q, want b", f.Column)
	}
	if f, ok := n.Field("nope"); ok {
		t.Errorf("Field(nope) = %v", f)
	}
	if e, ok := reg.ByName("book"); !ok || e != book {
		t.Errorf("ByName(book) = %v, %v", e, ok)
	}
	if e, ok := reg.Of(reflect.TypeFor[*Book]()); !ok || e != book {
		t.Errorf("Of(*Book) = %v, %v", e, ok)
	}
	if f := field(t, book, "Title"); f.String() != "Book.Title" {
		t.Errorf("Field.String() = %q", f.String())
	}
}

func TestHooks(t *testing.T) {
	reg := mustRegistry(t, nil, Hooked{}, Author{}, Book{}, Tag{})
	h := entity(t, reg, Hooked{}).Hooks
	for _, want := range []meta.Hooks{meta.HookBeforeCreate, meta.HookAfterUpdate, meta.HookOnLoad} {
		if !h.Has(want) {
			t.Errorf("hooks %b lack %b", h, want)
		}
	}
	for _, not := range []meta.Hooks{meta.HookAfterCreate, meta.HookBeforeUpdate, meta.HookBeforeDelete, meta.HookAfterDelete} {
		if h.Has(not) {
			t.Errorf("hooks %b include %b", h, not)
		}
	}
	if got := entity(t, reg, Author{}).Hooks; got != 0 {
		t.Errorf("Author hooks %b, want none", got)
	}
}

// prefixNaming puts tables under a prefix and columns in upper case.
type prefixNaming struct{ meta.SnakeCase }

func (prefixNaming) TableName(e string) string  { return "app_" + meta.ToSnake(e) }
func (prefixNaming) ColumnName(f string) string { return strings.ToUpper(meta.ToSnake(f)) }
func (prefixNaming) JoinColumnName(field, pk string) string {
	return "FK_" + strings.ToUpper(meta.ToSnake(field)) + "_" + pk
}
func (prefixNaming) PivotTableName(owner, field string) string {
	return owner + "__" + meta.ToSnake(field)
}

func TestCustomNaming(t *testing.T) {
	reg := mustRegistry(t, prefixNaming{}, Author{}, Book{}, Tag{})
	if reg.Naming() != (prefixNaming{}) {
		t.Errorf("Naming() = %v", reg.Naming())
	}
	book := entity(t, reg, Book{})
	if book.Table != "app_book" {
		t.Errorf("table %q, want app_book", book.Table)
	}
	if got := field(t, book, "Title").Column; got != "TITLE" {
		t.Errorf("Title column %q, want TITLE", got)
	}
	if got := field(t, book, "Author").Column; got != "FK_AUTHOR_ID" {
		t.Errorf("Author column %q, want FK_AUTHOR_ID", got)
	}
	pv := field(t, book, "Tags").Rel.Pivot
	// Pivot columns are named from the tables, which the strategy named.
	if pv.Table != "app_book__tags" || pv.OwnerColumn != "FK_APP_BOOK_ID" || pv.TargetColumn != "FK_APP_TAG_ID" {
		t.Errorf("pivot %s(%s, %s)", pv.Table, pv.OwnerColumn, pv.TargetColumn)
	}
}

func TestPKOf(t *testing.T) {
	if id, ok := meta.PKOf(&Author{ID: 42}); !ok || id != int64(42) {
		t.Errorf("PKOf(Author 42) = %v, %v", id, ok)
	}
	if id, ok := meta.PKOf(&Country{Code: "FR"}); !ok || id != "FR" {
		t.Errorf("PKOf(Country FR) = %v, %v", id, ok)
	}
	type Pair struct {
		A string `orm:"pk"`
		X int
		B int `orm:"pk"`
	}
	id, ok := meta.PKOf(&Pair{A: "a", X: 9, B: 2})
	parts, isSlice := id.([]any)
	if !ok || !isSlice || len(parts) != 2 || parts[0] != "a" || parts[1] != 2 {
		t.Errorf("PKOf(Pair) = %#v, %v; want [a 2]", id, ok)
	}
	bt := &BookTag{Book: ref.FromID[Book](int64(1)), Tag: ref.FromID[Tag](int64(2))}
	id, ok = meta.PKOf(bt)
	parts, isSlice = id.([]any)
	if !ok || !isSlice || len(parts) != 2 {
		t.Fatalf("PKOf(BookTag) = %#v, %v", id, ok)
	}
	if r, _ := parts[0].(ref.Ref[Book]); r.ID() != int64(1) {
		t.Errorf("PKOf(BookTag)[0] = %#v", parts[0])
	}
	if r, _ := parts[1].(ref.Ref[Tag]); r.ID() != int64(2) {
		t.Errorf("PKOf(BookTag)[1] = %#v", parts[1])
	}
	for _, v := range []any{Author{ID: 1}, (*Author)(nil), &NoPK{}, new(int), nil} {
		if id, ok := meta.PKOf(v); ok {
			t.Errorf("PKOf(%#v) = %v, true; want false", v, id)
		}
	}
}

func TestNewRegistryMisuse(t *testing.T) {
	if _, err := meta.NewRegistry(nil); err == nil {
		t.Error("NewRegistry with no entities succeeded")
	}
	if _, err := meta.NewRegistry(nil, Author{}, nil); err == nil {
		t.Error("NewRegistry with a nil entity succeeded")
	}
	var me *meta.Error
	if _, err := meta.NewRegistry(nil, 42); !errors.As(err, &me) {
		t.Errorf("NewRegistry(42) = %v, want a *meta.Error", err)
	}
	// The same type twice, as value and pointer, is one entity.
	reg := mustRegistry(t, nil, Author{}, &Author{}, Book{}, Tag{})
	if got := len(reg.Entities()); got != 3 {
		t.Errorf("%d entities, want 3", got)
	}
}

type (
	Rev8 uint8
	VInt struct {
		ID int64 `orm:"pk"`
		V  int   `orm:"version"`
	}
	VI8 struct {
		ID int64 `orm:"pk"`
		V  int8  `orm:"version"`
	}
	VI16 struct {
		ID int64 `orm:"pk"`
		V  int16 `orm:"version"`
	}
	VI32 struct {
		ID int64 `orm:"pk"`
		V  int32 `orm:"version"`
	}
	VI64 struct {
		ID int64 `orm:"pk"`
		V  int64 `orm:"version"`
	}
	VUint struct {
		ID int64 `orm:"pk"`
		V  uint  `orm:"version"`
	}
	VU8 struct {
		ID int64 `orm:"pk"`
		V  Rev8  `orm:"version"`
	}
	VU16 struct {
		ID int64  `orm:"pk"`
		V  uint16 `orm:"version"`
	}
	VU32 struct {
		ID int64  `orm:"pk"`
		V  uint32 `orm:"version"`
	}
	VU64 struct {
		ID int64  `orm:"pk"`
		V  uint64 `orm:"version"`
	}
)

// TestVersionKinds checks that every signed and unsigned integer kind is
// accepted as a version field, and that IntAt and SetIntAt read and write
// each of them.
func TestVersionKinds(t *testing.T) {
	for _, v := range []any{VInt{}, VI8{}, VI16{}, VI32{}, VI64{}, VUint{}, VU8{}, VU16{}, VU32{}, VU64{}} {
		rt := reflect.TypeOf(v)
		t.Run(rt.Name(), func(t *testing.T) {
			reg, err := meta.NewRegistry(nil, v)
			if err != nil {
				t.Fatal(err)
			}
			e, _ := reg.Of(rt)
			if e.Version == nil || e.Version.Name != "V" {
				t.Fatalf("version field %v, want V", e.Version)
			}
			obj := reflect.New(rt)
			p := obj.UnsafePointer()
			e.Version.SetIntAt(p, 7)
			if got := e.Version.IntAt(p); got != 7 {
				t.Fatalf("IntAt after SetIntAt(7) = %d", got)
			}
			if got := obj.Elem().Field(1); !got.Equal(reflect.ValueOf(7).Convert(got.Type())) {
				t.Fatalf("the field holds %v, want 7", got)
			}
		})
	}
}
