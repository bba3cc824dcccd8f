package schema_test

import (
	"context"
	"strings"
	"testing"

	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/schema"
)

type embGeo struct{ Lat, Lng float64 }

type embAddress struct {
	Street string `orm:"length=80"`
	City   string `orm:"index"`
	Zip    *string
	Geo    embGeo `orm:"embedded,prefix=geo_"`
}

// embShopV1 is the table "shop" without embeddables.
type embShopV1 struct {
	_    struct{} `orm:"table=shop"`
	ID   int64    `orm:"pk"`
	Name string
}

// embShopV2 adds embeddables to "shop".
type embShopV2 struct {
	_      struct{} `orm:"table=shop"`
	ID     int64    `orm:"pk"`
	Name   string
	Home   embAddress   `orm:"embedded"`
	Office embAddress   `orm:"embedded,prefix=work_"`
	Spot   embGeo       `orm:"embedded,prefix="`
	Former []embAddress `orm:"embedded"`
}

func TestEmbeddedDDL(t *testing.T) {
	reg, err := meta.NewRegistry(nil, embShopV2{})
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(schema.New(reg, fakeDialect{"`"}).CreateSQL(), "\n")
	want := "CREATE TABLE `shop` (\n" +
		"  `id` INT8 AUTO_INCREMENT NOT NULL,\n" +
		"  `name` TEXT NOT NULL,\n" +
		"  `home_street` VARCHAR(80) NOT NULL,\n" +
		"  `home_city` TEXT NOT NULL,\n" +
		"  `home_zip` TEXT,\n" +
		"  `home_geo_lat` FLOAT8 NOT NULL,\n" +
		"  `home_geo_lng` FLOAT8 NOT NULL,\n" +
		"  `work_street` VARCHAR(80) NOT NULL,\n" +
		"  `work_city` TEXT NOT NULL,\n" +
		"  `work_zip` TEXT,\n" +
		"  `work_geo_lat` FLOAT8 NOT NULL,\n" +
		"  `work_geo_lng` FLOAT8 NOT NULL,\n" +
		"  `lat` FLOAT8 NOT NULL,\n" +
		"  `lng` FLOAT8 NOT NULL,\n" +
		"  `former` JSON,\n"
	if !strings.Contains(all, want) {
		t.Errorf("CreateSQL:\n%s\nwant it to contain\n%s", all, want)
	}
	for _, ix := range []string{
		"CREATE INDEX `idx_shop_home_city` ON `shop` (`home_city`)",
		"CREATE INDEX `idx_shop_work_city` ON `shop` (`work_city`)",
	} {
		if !strings.Contains(all, ix) {
			t.Errorf("CreateSQL lacks %q:\n%s", ix, all)
		}
	}
}

// TestEmbeddedLive: the columns of embeddables are created on every SQL
// dialect (the diff after CreateSchema is empty), and adding embeddables
// to a table is an update that adds their columns.
func TestEmbeddedLive(t *testing.T) {
	eachSQL(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		v1 := b.orm(t, embShopV1{})
		if err := v1.Schema().CreateSchema(ctx); err != nil {
			t.Fatal(err)
		}
		o := b.orm(t, embShopV2{})
		s := syncer(t, o)
		p, err := s.Diff(ctx, schema.Options{})
		if err != nil {
			t.Fatal(err)
		}
		plan := strings.Join(p.Statements, ";\n")
		for _, col := range []string{"home_street", "home_geo_lng", "work_city", "lat", "former"} {
			if !strings.Contains(plan, col) {
				t.Errorf("the update does not add %s:\n%s", col, plan)
			}
		}
		if err := s.Apply(ctx, p); err != nil {
			t.Fatalf("%v\n%s", err, plan)
		}
		assertEmpty(t, o, "after adding the embeddables")
	})
}
