package meta

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/gomikro/gomikro/internal/rel"
)

// fzRef and fzColl have the layout of ref.Ref[T] and ref.Collection[T]
// (which this package cannot import in its own tests).
type fzRef[T any] struct {
	_ [0]*T
	_ rel.Ref
}

type fzColl[T any] struct {
	_ [0]*T
	_ rel.Collection
}

// FzTarget is the other end of the fuzzed entity's relations.
type FzTarget struct {
	ID     int64 `orm:"pk"`
	Name   string
	Parent fzRef[FzTarget]  `orm:"nullable"`
	Kids   fzColl[FzTarget] `orm:"mappedBy=Parent"`
}

// fzEntity is the entity whose tags FuzzStructTags supplies.
type fzEntity struct {
	_     struct{}
	ID    int64
	Name  string
	Owner fzRef[FzTarget]
	Items fzColl[FzTarget]
	Data  map[string]any
}

// FuzzStructTags parses an entity whose fields carry fuzzed orm tags and
// resolves it with FzTarget: parsing never panics, and every error is a
// *meta.Error naming the entity, and the field when a field is at fault.
func FuzzStructTags(f *testing.F) {
	seeds := [][6]string{
		{"", "pk", "", "", "mappedBy=Parent", ""},
		{"table=fz", "pk,autoincrement=false", "length=10,unique", "nullable,onDelete=set null", "m:n", "json"},
		{"", "pk", "length=-1", "", "", ""},
		{"", "pk", "precision=5,scale=9", "", "", ""},
		{"", "pk", "default=now", "1:1", "m:n,pivot=x y", "nullable"},
		{"", "pk", "version", "column=a b", "cascade=remove,orphanRemoval", "type=jsonb"},
		{"", "pk", "-", "pk", "mappedBy=Nope", "-"},
		{"table=", "", "pk", "", "", ""},
		{"nope", "pk,nullable", "", "", "", ""},
		{"", "pk", "index=i,unique=u", "inversedBy=Kids", "m:n,inversedBy=Kids", "default=x"},
		{"", "pk", "column=id", "", "", ""},
		{"table=fz_target", "pk,json", "", "", "", ""},
		{"", "pk", "length=99999999999999999999", "onDelete=bogus", "cascade=bogus", "precision=x"},
		{"", "pk", "=,=,,=x", "1:1,mappedBy=Parent", "1:m", "m:1"},
		{"", "pk", "default=", "m:1,1:1", "mappedBy=", "version"},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1], s[2], s[3], s[4], s[5])
	}
	st := reflect.TypeFor[fzEntity]()
	fields := []string{"_", "ID", "Name", "Owner", "Items", "Data"}
	f.Fuzz(func(t *testing.T, table, id, name, owner, items, data string) {
		tags := map[string]string{"_": table, "ID": id, "Name": name, "Owner": owner, "Items": items, "Data": data}
		tagOf = func(sf reflect.StructField) (string, bool) {
			tag, ok := tags[sf.Name]
			return tag, ok && tag != ""
		}
		defer func() { tagOf = func(sf reflect.StructField) (string, bool) { return sf.Tag.Lookup("orm") } }()
		e, p, err := parseStruct(st, "Fz", SnakeCase{})
		if err == nil {
			r := &Registry{byType: map[reflect.Type]*Entity{}, byName: map[string]*Entity{}, naming: SnakeCase{}}
			var pend []pending
			tgt, tpend, terr := parseTarget()
			if terr != nil {
				t.Fatal(terr)
			}
			if err = r.add(tgt, tpend, &pend); err == nil {
				if err = r.add(e, p, &pend); err == nil {
					err = r.link(pend)
				}
			}
		}
		if err == nil {
			for _, c := range e.Columns {
				if c.Column == "" || c.Length < 0 || c.Precision < 0 || c.Scale < 0 {
					t.Fatalf("tags %q: column %s: %q length %d precision %d scale %d", tags, c.Name, c.Column, c.Length, c.Precision, c.Scale)
				}
			}
			return
		}
		var me *Error
		if !errors.As(err, &me) {
			t.Fatalf("tags %q: %T %v, want a *meta.Error", tags, err, err)
		}
		if me.Entity != "Fz" && me.Entity != "FzTarget" {
			t.Fatalf("tags %q: the error names entity %q: %v", tags, me.Entity, err)
		}
		if me.Field != "" && me.Entity == "Fz" && !contains(fields, me.Field) {
			t.Fatalf("tags %q: the error names no field of Fz: %v", tags, err)
		}
		if me.Field == "" && !entityLevel(me.Msg) {
			t.Fatalf("tags %q: the error names no field: %v", tags, err)
		}
	})
}

// parseTarget parses FzTarget with its own tags.
func parseTarget() (*Entity, []pending, error) {
	saved := tagOf
	tagOf = func(sf reflect.StructField) (string, bool) { return sf.Tag.Lookup("orm") }
	defer func() { tagOf = saved }()
	return parseEntity(reflect.TypeFor[FzTarget](), SnakeCase{})
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// entityLevel reports whether an error message is about the entity as a
// whole rather than one field.
func entityLevel(msg string) bool {
	for _, s := range []string{"no primary key", "table", "share the name"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}
