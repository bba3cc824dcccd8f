package schema_test

import (
	"context"
	"strings"
	"testing"

	"github.com/gomikro/gomikro/schema"
)

type Vessel struct {
	ID   int64  `orm:"pk"`
	Kind string `orm:"discriminator,length=20"`
	Name string `orm:"length=50"`
}

type Boat struct {
	Vessel `orm:"extends,tpt"`
	Length float64
}

type Yacht struct {
	Boat   `orm:"extends,tpt"`
	Cabins int `orm:"index"`
}

type Barge struct {
	Vessel `orm:"extends,tpt"`
	Load   int
}

// TestTablePerTypeInheritance: each subtype has a table of its key and
// own columns, the key a foreign key to its parent's table (ON DELETE
// CASCADE); the live schema then matches (an empty diff), a new subtype
// is an update creating its table, and deleting a base row removes its
// subtype rows.
func TestTablePerTypeInheritance(t *testing.T) {
	eachSQL(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		o := b.orm(t, Vessel{}, Boat{}, Yacht{})
		if err := o.Schema().CreateSchema(ctx); err != nil {
			t.Fatal(err)
		}
		create := strings.Join(o.Schema().CreateSQL(), ";\n")
		if strings.Count(create, "CREATE TABLE") != 3 || !strings.Contains(strings.ToUpper(create), "ON DELETE CASCADE") {
			t.Fatalf("create:\n%s", create)
		}
		assertEmpty(t, o, "after create")

		o2 := b.orm(t, Vessel{}, Boat{}, Yacht{}, Barge{})
		p, err := syncer(t, o2).Diff(ctx, schema.Options{})
		if err != nil {
			t.Fatal(err)
		}
		sql := strings.Join(p.Statements, ";\n")
		if !strings.Contains(sql, "barge") || !strings.Contains(sql, "load") || strings.Contains(sql, "cabins") {
			t.Fatalf("update for a new subtype:\n%s", sql)
		}
		if err := syncer(t, o2).Apply(ctx, p); err != nil {
			t.Fatal(err)
		}
		assertEmpty(t, o2, "after the update")
		db := sqlDB(t, o2)
		for _, q := range []string{
			"INSERT INTO vessel (id, kind, name) VALUES (7, 'yacht', 'y')",
			"INSERT INTO boat (id, length) VALUES (7, 12.5)",
			"INSERT INTO yacht (id, cabins) VALUES (7, 3)",
			"DELETE FROM vessel WHERE id = 7",
		} {
			if _, err := db.ExecContext(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		var n int
		if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM yacht").Scan(&n); err != nil || n != 0 {
			t.Fatalf("yacht rows after the vessel's delete: %d, %v", n, err)
		}
		if _, err := db.ExecContext(ctx, "INSERT INTO boat (id, length) VALUES (8, 1)"); err == nil {
			t.Fatal("a boat row without its vessel row was accepted")
		}
	})
}
