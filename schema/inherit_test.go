package schema_test

import (
	"context"
	"strings"
	"testing"

	"github.com/gomikro/gomikro/schema"
)

type Shape struct {
	ID   int64  `orm:"pk"`
	Kind string `orm:"discriminator,length=20"`
	Name string `orm:"length=50"`
}

type Circle struct {
	Shape  `orm:"extends"`
	Radius float64
}

type Square struct {
	Shape `orm:"extends"`
	Side  float64 `orm:"index"`
	Color string  `orm:"length=10"`
}

// TestSingleTableInheritance: a hierarchy is one table with the union of
// its columns, the subtypes' own nullable; the live schema then matches
// (an empty diff), and a new subtype is an update adding its columns,
// nullable, to the same table.
func TestSingleTableInheritance(t *testing.T) {
	eachSQL(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		o := b.orm(t, Shape{}, Circle{})
		if err := o.Schema().CreateSchema(ctx); err != nil {
			t.Fatal(err)
		}
		create := strings.Join(o.Schema().CreateSQL(), ";\n")
		if strings.Count(create, "CREATE TABLE") != 1 || strings.Contains(create, "circle") {
			t.Fatalf("create:\n%s", create)
		}
		assertEmpty(t, o, "after create")

		o2 := b.orm(t, Shape{}, Circle{}, Square{})
		p, err := syncer(t, o2).Diff(ctx, schema.Options{})
		if err != nil {
			t.Fatal(err)
		}
		sql := strings.Join(p.Statements, ";\n")
		if !strings.Contains(sql, "side") || !strings.Contains(sql, "color") || strings.Contains(sql, "square") {
			t.Fatalf("update for a new subtype:\n%s", sql)
		}
		if err := syncer(t, o2).Apply(ctx, p); err != nil {
			t.Fatal(err)
		}
		assertEmpty(t, o2, "after the update")
		db := sqlDB(t, o2)
		if _, err := db.ExecContext(ctx, "INSERT INTO shape (kind, name, radius) VALUES ('circle', 'c', 1)"); err != nil {
			t.Fatalf("a circle row without the square's columns: %v", err)
		}
	})
}
