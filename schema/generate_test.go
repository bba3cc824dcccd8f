package schema_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gomikro/gomikro/ref"
)

// A shop of eleven tables and a pivot: composite keys, self references,
// a 1:1, an m:n, decimals, JSON, defaults, a version column and a table
// named by a reserved word.

type Country struct {
	Code string `orm:"pk,length=2"`
	Name string `orm:"length=80"`
}

type City struct {
	ID      int64 `orm:"pk"`
	Name    string
	Country ref.Ref[Country]
}

type Customer struct {
	ID         int64  `orm:"pk"`
	Email      string `orm:"unique,length=200"`
	Name       string
	City       ref.Ref[City]     `orm:"nullable"`
	ReferredBy ref.Ref[Customer] `orm:"nullable,onDelete=set null"`
	CreatedAt  time.Time         `orm:"default=now"`
}

type Category struct {
	ID     int64 `orm:"pk"`
	Name   string
	Parent ref.Ref[Category] `orm:"nullable"`
}

type ShopTag struct {
	Name string `orm:"pk,length=32"`
}

type Product struct {
	ID       int64   `orm:"pk"`
	SKU      string  `orm:"unique,length=32"`
	Name     string  `orm:"index"`
	Price    float64 `orm:"precision=10,scale=2"`
	Category ref.Ref[Category]
	Data     map[string]any
	Tags     ref.Collection[ShopTag] `orm:"m:n"`
}

type Orders struct {
	ID       int64 `orm:"pk"`
	Customer ref.Ref[Customer]
	Placed   time.Time
	Status   *string `orm:"nullable=false,length=16,default=new"`
	Version  int32   `orm:"version"`
}

type OrderLine struct {
	Order     ref.Ref[Orders] `orm:"pk,onDelete=cascade"`
	LineNo    int32           `orm:"pk"`
	Product   ref.Ref[Product]
	Qty       *int32  `orm:"nullable=false,default=1"`
	UnitPrice float64 `orm:"precision=10,scale=2"`
}

type Shipment struct {
	ID       int64           `orm:"pk"`
	Order    ref.Ref[Orders] `orm:"1:1"`
	Carrier  string          `orm:"length=20,unique=uq_shipment_tracking"`
	Tracking string          `orm:"length=40,unique=uq_shipment_tracking"`
	Weight   *float32
}

type Review struct {
	Product  ref.Ref[Product]  `orm:"pk,onDelete=cascade"`
	Customer ref.Ref[Customer] `orm:"pk"`
	Stars    int16
	Body     *string
	Flagged  *bool `orm:"nullable=false,default=false"`
}

type Warehouse struct {
	ID   int32         `orm:"pk,autoincrement=false"`
	Name string        `orm:"index=idx_warehouse_name_city"`
	City ref.Ref[City] `orm:"index=idx_warehouse_name_city"`
}

var shop = []any{Country{}, City{}, Customer{}, Category{}, ShopTag{}, Product{}, Orders{}, OrderLine{}, Shipment{}, Review{}, Warehouse{}}

const genMain = `package main

import (
	"context"
	"fmt"
	"os"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/schema"
	"github.com/gomikro/gomikro/sqlem"
	"github.com/gomikro/gomikro/sqlem/mysql"
	"github.com/gomikro/gomikro/sqlem/postgres"
	"github.com/gomikro/gomikro/sqlem/sqlite"
)

func main() {
	ctx := context.Background()
	cfg := gomikro.Config{DSN: os.Args[2], Entities: Entities}
	var o *sqlem.ORM
	var err error
	switch os.Args[1] {
	case "postgres":
		o, err = postgres.Open(ctx, cfg)
	case "mysql":
		o, err = mysql.Open(ctx, cfg)
	default:
		o, err = sqlite.Open(ctx, cfg)
	}
	if err != nil {
		fmt.Println(err)
		os.Exit(2)
	}
	s, err := o.Syncer()
	if err != nil {
		fmt.Println(err)
		os.Exit(2)
	}
	p, err := s.Diff(ctx, schema.Options{DropTables: true, Destructive: true})
	if err != nil {
		fmt.Println(err)
		os.Exit(2)
	}
	for _, st := range p.Statements {
		fmt.Println(st + ";")
	}
	if !p.Empty() {
		os.Exit(1)
	}
	fmt.Println("empty")
}
`

// repoRoot is the module root (schema/ is one level down).
func repoRoot(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Dir(wd)
}

// TestGenerateEntitiesRoundTrip: entities generated from a database
// compile, and the schema they describe diffs empty against it.
func TestGenerateEntitiesRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program")
	}
	eachSQL(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		o := b.orm(t, shop...)
		if err := o.Schema().CreateSchema(ctx); err != nil {
			t.Fatal(err)
		}
		src, err := syncer(t, o).GenerateEntities(ctx, "main")
		if err != nil {
			t.Fatalf("%v\n%s", err, src)
		}
		for _, want := range []string{
			"type OrderLine struct", "Order ref.Ref[Orders] `orm:\"pk,onDelete=cascade\"`",
			"ReferredBy ref.Ref[Customer] `orm:\"nullable,onDelete=set null\"`",
			"Parent ref.Ref[Category] `orm:\"nullable", // MariaDB reports RESTRICT for the default action
			"unique=uq_shipment_tracking",
			"Order ref.Ref[Orders] `orm:\"1:1",
			"type ProductTags struct",
			// Defaults on plain scalars come out as pointers (nil takes the default).
			"Qty *int32 `orm:\"nullable=false,default=1\"`",
			"Flagged *bool `orm:\"nullable=false,default=false\"`",
		} {
			if !strings.Contains(strings.Join(strings.Fields(string(src)), " "), strings.Join(strings.Fields(want), " ")) {
				t.Errorf("generated code lacks %s", want)
			}
		}
		dir := t.TempDir()
		root := repoRoot(t)
		// The generated package's module requires what gomikro's go.mod
		// requires (so every module is already in the cache: no proxy,
		// no go mod tidy, which would look up the test dependencies of
		// dependencies too).
		mainMod, err := os.ReadFile(filepath.Join(root, "go.mod"))
		if err != nil {
			t.Fatal(err)
		}
		gomod := strings.Replace(string(mainMod), "module github.com/gomikro/gomikro", "module gen", 1) +
			"\nrequire github.com/gomikro/gomikro v0.0.0\n\nreplace github.com/gomikro/gomikro => " + root + "\n"
		sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
		if err != nil {
			t.Fatal(err)
		}
		for name, data := range map[string][]byte{"go.mod": []byte(gomod), "go.sum": sum, "entities.go": src, "main.go": []byte(genMain)} {
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		run := exec.Command("go", "run", ".", b.name, b.dsn)
		run.Dir = dir
		run.Env = append(os.Environ(), "GOPROXY=off", "GOFLAGS=-mod=mod")
		out, err := run.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "empty") {
			t.Errorf("the generated entities diff against the database: %v\n%s\n--- entities.go:\n%s", err, out, src)
		}
	})
}
