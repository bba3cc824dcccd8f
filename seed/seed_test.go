package seed_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/seed"
)

func TestMakeSequenceAndCopies(t *testing.T) {
	f := seed.NewFactory(func(g *seed.Gen) Writer { return Writer{Name: g.Name(), Email: g.Email()} })
	if got := f.Make(0); got != nil {
		t.Errorf("Make(0) = %v, want nil", got)
	}
	if got := f.Make(-3); got != nil {
		t.Errorf("Make(-3) = %v, want nil", got)
	}
	var hooked []string
	tagged := f.Each(func(g *seed.Gen, w *Writer) { hooked = append(hooked, w.Email) })
	a := f.Make(2, nil, func(w *Writer) { w.Name = "X" })
	b := tagged.Make(2)
	if a[0].Name != "X" || a[1].Name != "X" {
		t.Errorf("the override was not applied: %+v", a)
	}
	if len(hooked) != 2 || hooked[0] != b[0].Email {
		t.Errorf("Each ran for %v, want the copy's two objects only", hooked)
	}
	// The copy shares the sequence: four distinct emails, numbered 1..4.
	seen := map[string]bool{}
	for i, w := range append(a, b...) {
		if !strings.Contains(w.Email, "."+string(rune('1'+i))+"@") {
			t.Errorf("object %d has email %q, want sequence number %d in it", i, w.Email, i+1)
		}
		seen[w.Email] = true
	}
	if len(seen) != 4 {
		t.Errorf("%d distinct emails of 4", len(seen))
	}
	// WithSeed starts a sequence of its own; the same seed, the same objects.
	c, d := f.WithSeed(9).MakeOne(), f.WithSeed(9).MakeOne()
	if c.Email != d.Email || !strings.Contains(c.Email, ".1@") {
		t.Errorf("WithSeed(9) made %q and %q, want the same, numbered 1", c.Email, d.Email)
	}
	// A factory without a definition makes zero values.
	if z := (seed.NewFactory[Writer](nil)).MakeOne(); z == nil || z.Name != "" {
		t.Errorf("a nil definition made %+v", z)
	}
}

func TestGen(t *testing.T) {
	f := seed.NewFactory(func(g *seed.Gen) Novel {
		from := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
		at := g.Time(from, from.AddDate(1, 0, 0))
		if at.Before(from) || !at.Before(from.AddDate(1, 0, 0)) || g.Time(from, from) != from {
			t.Errorf("Time out of range: %v", at)
		}
		if n := g.Int(3, 5); n < 3 || n > 5 {
			t.Errorf("Int(3, 5) = %d", n)
		}
		if g.Int(5, 3) != 5 || g.IntN(0) != 0 || g.IntN(-1) != 0 {
			t.Error("Int and IntN with an empty range")
		}
		if x := g.Float(1, 2); x < 1 || x >= 2 {
			t.Errorf("Float(1, 2) = %v", x)
		}
		if s := g.Sentence(0); !strings.HasSuffix(s, ".") || len(s) < 2 {
			t.Errorf("Sentence(0) = %q", s)
		}
		if g.Words(-1) != "" || seed.Pick[int](g, nil) != 0 || g.Rand() == nil {
			t.Error("Words(-1), Pick of nothing or Rand")
		}
		return Novel{Title: g.Sentence(3)}
	})
	f.Make(50)
}

func TestNilArguments(t *testing.T) {
	ctx := context.Background()
	if _, err := writers.Create(ctx, nil, 1); err == nil {
		t.Error("Create with a nil EntityManager did not fail")
	}
	var m *em.EntityManager
	if _, err := writers.CreateOne(ctx, m, nil); err == nil {
		t.Error("CreateOne with a nil *EntityManager did not fail")
	}
	if err := seed.Run(ctx, nil, seed.Func(nil)); err == nil {
		t.Error("Run with a nil EntityManager did not fail")
	}
	orm := open(ctx)
	defer orm.Close()
	if err := seed.Run(ctx, orm.EM().Fork(), nil); err == nil {
		t.Error("Run with a nil Seeder did not fail")
	}
	if err := seed.Call(ctx, nil); err == nil {
		t.Error("Call with a nil EntityManager did not fail")
	}
	// The global EntityManager refuses, as it does Transactional.
	var v *gomikro.ValidationError
	if err := seed.Run(ctx, orm.EM(), seed.Func(nil)); !errors.As(err, &v) {
		t.Errorf("Run on the global EntityManager: %v, want a ValidationError", err)
	}
	// Create of nothing is not an error, and a nil Func seeds nothing.
	if got, err := writers.Create(ctx, orm.EM().Fork(), 0); err != nil || len(got) != 0 {
		t.Errorf("Create(0) = %v, %v", got, err)
	}
	if err := seed.Run(ctx, orm.EM().Fork(), seed.Func(nil)); err != nil {
		t.Errorf("Run of a nil Func: %v", err)
	}
}

type usersSeeder struct{}

func (usersSeeder) Run(ctx context.Context, m *em.EntityManager) error {
	if _, err := writers.Create(ctx, m, 2); err != nil {
		return err
	}
	return errors.New("boom")
}

func TestRegistry(t *testing.T) {
	ctx := context.Background()
	r := seed.Registry{seed.DefaultName: seed.Func(nil), "Users": usersSeeder{}}
	if _, err := r.Lookup(""); err != nil {
		t.Errorf("Lookup of the default: %v", err)
	}
	_, err := r.Lookup("Nope")
	if !errors.Is(err, seed.ErrUnknownSeeder) || !strings.Contains(err.Error(), `"Nope"`) || !strings.Contains(err.Error(), "DatabaseSeeder, Users") {
		t.Errorf("Lookup of an unknown name: %v", err)
	}
	if _, err := (seed.Registry(nil)).Lookup(""); !errors.Is(err, seed.ErrUnknownSeeder) || !strings.Contains(err.Error(), "no seeders") {
		t.Errorf("Lookup in an empty registry: %v", err)
	}
	orm := open(ctx)
	defer orm.Close()
	s, err := r.Lookup("Users")
	if err != nil {
		t.Fatal(err)
	}
	// Errors name the seeder: by its registry name, else its type.
	if err := seed.Run(ctx, orm.EM().Fork(), s); err == nil || err.Error() != "seed: Users: boom" {
		t.Errorf("Run of a registered seeder: %v", err)
	}
	if err := seed.Run(ctx, orm.EM().Fork(), usersSeeder{}); err == nil || err.Error() != "seed: usersSeeder: boom" {
		t.Errorf("Run of a seeder type: %v", err)
	}
	if n, _ := em.Count[Writer](ctx, orm.EM().Fork(), nil); n != 0 {
		t.Errorf("%d writers after failed seeders", n)
	}
}
