package meta_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/ref"
)

type Vehicle struct {
	ID     int64  `orm:"pk"`
	Type   string `orm:"discriminator"`
	Wheels int
	Owner  ref.Ref[Garage] `orm:"nullable"`
}

type Car struct {
	Vehicle `orm:"extends,discriminator=car"`
	Doors   int
}

type SportsCar struct {
	Car `orm:"extends"`
	Top int
}

type Truck struct {
	Vehicle `orm:"extends"`
	Load    float64
	Doors   int
}

type Garage struct {
	ID       int64                   `orm:"pk"`
	Vehicles ref.Collection[Vehicle] `orm:"mappedBy=Owner"`
}

func TestInheritanceMetadata(t *testing.T) {
	reg, err := meta.NewRegistry(nil, Garage{}, Vehicle{}, Car{}, SportsCar{}, Truck{})
	if err != nil {
		t.Fatal(err)
	}
	v, _ := reg.ByName("Vehicle")
	car, _ := reg.ByName("Car")
	sc, _ := reg.ByName("SportsCar")
	tr, _ := reg.ByName("Truck")
	for _, e := range []*meta.Entity{car, sc, tr} {
		if e.Table != "vehicle" || e.Inheritance == nil || e.Inheritance.Root != v {
			t.Fatalf("%s: table %q, inheritance %+v", e.Name, e.Table, e.Inheritance)
		}
	}
	if got := []string{v.Inheritance.Value, car.Inheritance.Value, sc.Inheritance.Value, tr.Inheritance.Value}; strings.Join(got, ",") != "vehicle,car,sports_car,truck" {
		t.Fatalf("values %v", got)
	}
	if len(car.Inheritance.Values) != 2 || !v.Polymorphic() || !car.Polymorphic() || sc.Polymorphic() {
		t.Fatalf("car values %v", car.Inheritance.Values)
	}
	if x, ok := car.ByDiscriminator("sports_car"); !ok || x != sc {
		t.Fatal("ByDiscriminator(sports_car) from Car")
	}
	if _, ok := car.ByDiscriminator("truck"); ok {
		t.Fatal("a truck is no car")
	}
	if !sc.IsA(v) || !sc.IsA(car) || tr.IsA(car) {
		t.Fatal("IsA")
	}
	// One table: the union of the columns, the subtypes' own nullable, a
	// column two siblings share once.
	var tables []*meta.Entity
	for _, e := range reg.Tables() {
		if e.Table == "vehicle" {
			tables = append(tables, e)
		}
	}
	if len(tables) != 1 {
		t.Fatalf("%d vehicle tables", len(tables))
	}
	var cols []string
	for _, f := range tables[0].Columns {
		c := f.Column
		if f.Nullable {
			c += "?"
		}
		cols = append(cols, c)
	}
	if got := strings.Join(cols, ","); got != "id,type,wheels,owner_id?,doors?,top?,load?" {
		t.Fatalf("columns %s", got)
	}
	if len(reg.Tables()) != 2 {
		t.Fatalf("%d tables", len(reg.Tables()))
	}
}

type NoDisc struct {
	ID int64 `orm:"pk"`
}
type NoDiscSub struct {
	NoDisc `orm:"extends"`
	X      int
}

type LateBase struct {
	X       int
	Vehicle `orm:"extends"`
}

type DupValue struct {
	Vehicle `orm:"extends,discriminator=car"`
}

type TPTCar struct {
	Vehicle `orm:"extends,tpt"`
}

type IntDisc struct {
	ID   int64 `orm:"pk"`
	Kind int   `orm:"discriminator"`
}

type Clash struct {
	Vehicle `orm:"extends"`
	Doors   string
}

func TestInheritanceErrors(t *testing.T) {
	for _, c := range []struct {
		name     string
		entities []any
		want     []string
	}{
		{"base not registered", []any{Garage{}, Car{}}, []string{"Car.Vehicle", "extends", "not a registered entity"}},
		{"no discriminator", []any{NoDisc{}, NoDiscSub{}}, []string{"NoDisc", "no discriminator field"}},
		{"base not first", []any{Garage{}, Vehicle{}, LateBase{}}, []string{"LateBase.Vehicle", "first field"}},
		{"duplicate value", []any{Garage{}, Vehicle{}, Car{}, DupValue{}}, []string{"discriminator value \"car\""}},
		{"mixed strategies", []any{Garage{}, Vehicle{}, Car{}, TPTCar{}}, []string{"TPTCar.Vehicle", "every subtype of Vehicle is tpt"}},
		{"not a string", []any{IntDisc{}}, []string{"IntDisc.Kind", "plain string"}},
		{"sibling column clash", []any{Garage{}, Vehicle{}, Car{}, Clash{}}, []string{"Clash.Doors", "column \"doors\""}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := meta.NewRegistry(nil, c.entities...)
			var me *meta.Error
			if !errors.As(err, &me) {
				t.Fatalf("err = %v, want a *meta.Error", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Fatalf("err = %v, want it to mention %q", err, w)
				}
			}
		})
	}
}
