package mongoem_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/internal/conformance"
	"github.com/gomikro/gomikro/internal/testdb"
	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/mongoem"
)

type Beast struct {
	ID   int64  `orm:"pk"`
	Kind string `orm:"discriminator"`
}

type Horse struct {
	Beast `orm:"extends,tpt"`
	Speed int
}

// TestTablePerTypeRefused: table-per-type inheritance has no meaning
// for documents; Open refuses it, naming the struct and field.
func TestTablePerTypeRefused(t *testing.T) {
	_, err := mongoem.Open(context.Background(), gomikro.Config{DSN: testdb.MongoDatabase(t), Entities: []any{Beast{}, Horse{}}})
	var me *meta.Error
	if !errors.As(err, &me) || !strings.Contains(err.Error(), "Horse.Beast") || !strings.Contains(err.Error(), "table-per-type") {
		t.Fatalf("Open with tpt: %v", err)
	}
}

// TestSingleCollectionValidator: a single-table hierarchy is one
// collection whose validator requires the base's fields, not the
// subtypes' own.
func TestSingleCollectionValidator(t *testing.T) {
	orm := openFresh(t, gomikro.Config{Entities: conformance.InheritanceEntities()})
	v := orm.Schema().Validators()
	if _, ok := v["pet"]; !ok || len(v) != 3 {
		t.Fatalf("validators for %d collections: %v", len(v), v)
	}
	s := fmt.Sprint(v["pet"])
	for _, col := range []string{"barks", "breed", "lives", "age", "kind", "name"} {
		if !strings.Contains(s, col) {
			t.Fatalf("the pet validator does not name %s: %s", col, s)
		}
	}
	if !strings.Contains(s, `required","array":false,"value":["_id","kind","name","version"]`) && !strings.Contains(s, `"required":["_id","kind","name","version"]`) {
		t.Fatalf("subtype fields required: %s", s)
	}
}
