package meta_test

import (
	"strings"
	"testing"

	"github.com/gomikro/gomikro/meta"
)

type RenamedTable struct {
	_    struct{} `orm:"table=writers,renamedFrom=authors"`
	ID   int64    `orm:"pk"`
	Mail string   `orm:"renamedFrom=email"`
}

func TestRenamedFrom(t *testing.T) {
	reg, err := meta.NewRegistry(nil, RenamedTable{})
	if err != nil {
		t.Fatal(err)
	}
	e := reg.Entities()[0]
	if e.Table != "writers" || e.RenamedFrom != "authors" {
		t.Errorf("table %q renamed from %q", e.Table, e.RenamedFrom)
	}
	f, _ := e.Field("Mail")
	if f.Column != "mail" || f.RenamedFrom != "email" {
		t.Errorf("column %q renamed from %q", f.Column, f.RenamedFrom)
	}
}

type RenamedEmpty struct {
	ID   int64  `orm:"pk"`
	Mail string `orm:"renamedFrom="`
}

type RenamedEmptyTable struct {
	_  struct{} `orm:"renamedFrom="`
	ID int64    `orm:"pk"`
}

func TestRenamedFromNeedsAName(t *testing.T) {
	for _, ent := range []any{RenamedEmpty{}, RenamedEmptyTable{}} {
		_, err := meta.NewRegistry(nil, ent)
		if err == nil || !strings.Contains(err.Error(), "renamedFrom") {
			t.Errorf("%T: %v", ent, err)
		}
	}
}
