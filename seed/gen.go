package seed

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// Gen is what a factory's definition and Each hooks get for one object:
// its sequence number and the factory's random source, with helpers for
// plausible values. The values depend only on the factory's seed and on
// how many objects it made before, so a program that seeds the same way
// gets the same data.
type Gen struct {
	// N is the object's sequence number in its factory: 1 for the first
	// object the factory (or a copy sharing its sequence) made, then 2,
	// 3, ... Use it where a field must be unique.
	N int
	r *rand.Rand
}

// Rand returns the factory's random source, for values the helpers do
// not cover.
func (g *Gen) Rand() *rand.Rand { return g.r }

// IntN returns a number in [0, n); 0 when n <= 0.
func (g *Gen) IntN(n int) int {
	if n <= 0 {
		return 0
	}
	return g.r.IntN(n)
}

// Int returns a number in [lo, hi]; lo when hi < lo.
func (g *Gen) Int(lo, hi int) int {
	if hi < lo {
		return lo
	}
	return lo + g.r.IntN(hi-lo+1)
}

// Float returns a number in [lo, hi).
func (g *Gen) Float(lo, hi float64) float64 { return lo + g.r.Float64()*(hi-lo) }

// Bool returns true or false, each half of the time.
func (g *Gen) Bool() bool { return g.r.IntN(2) == 1 }

// Time returns a time in [from, to), truncated to the second (every
// backend stores it as it is); from when to is not after it.
func (g *Gen) Time(from, to time.Time) time.Time {
	d := to.Sub(from)
	if d <= 0 {
		return from
	}
	t := from.Add(time.Duration(g.r.Int64N(int64(d)))).Truncate(time.Second)
	if t.Before(from) {
		return from
	}
	return t
}

// FirstName returns a first name.
func (g *Gen) FirstName() string { return Pick(g, firstNames) }

// LastName returns a last name.
func (g *Gen) LastName() string { return Pick(g, lastNames) }

// Name returns a first and a last name.
func (g *Gen) Name() string { return g.FirstName() + " " + g.LastName() }

// Word returns a word.
func (g *Gen) Word() string { return Pick(g, words) }

// Words returns n words separated by spaces.
func (g *Gen) Words(n int) string {
	ws := make([]string, max(n, 0))
	for i := range ws {
		ws[i] = g.Word()
	}
	return strings.Join(ws, " ")
}

// Sentence returns n words (at least one), capitalised, with a full stop.
func (g *Gen) Sentence(n int) string {
	s := g.Words(max(n, 1))
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

// Email returns an address that is unique in the factory's sequence:
// the sequence number is part of it (ann.smith.7@example.com).
func (g *Gen) Email() string {
	return fmt.Sprintf("%s.%s.%d@example.com", strings.ToLower(g.FirstName()), strings.ToLower(g.LastName()), g.N)
}

// Pick returns one of xs, chosen by g's random source; the zero value
// when xs is empty. Use it to give each object a related entity from a
// given set:
//
//	func byAuthorsOf(books *seed.Factory[Book], authors []*Author) *seed.Factory[Book] {
//		return books.Each(func(g *seed.Gen, b *Book) { b.Author = ref.To(seed.Pick(g, authors)) })
//	}
func Pick[E any](g *Gen, xs []E) E {
	if len(xs) == 0 {
		var zero E
		return zero
	}
	return xs[g.r.IntN(len(xs))]
}

var firstNames = []string{"Ann", "Ben", "Carla", "David", "Eva", "Frank", "Grace", "Hugo", "Ines", "Jon",
	"Kira", "Leo", "Maria", "Nils", "Olga", "Paul", "Rosa", "Sam", "Tina", "Victor"}

var lastNames = []string{"Adams", "Brown", "Clark", "Dias", "Evans", "Fischer", "Garcia", "Hall", "Ito", "Jones",
	"King", "Lopez", "Martin", "Novak", "Olsen", "Patel", "Rossi", "Smith", "Taylor", "Weber"}

var words = []string{"amber", "bridge", "cedar", "delta", "ember", "forest", "garden", "harbor", "island", "jasper",
	"kettle", "lantern", "meadow", "north", "orchard", "pepper", "quiet", "river", "silver", "timber",
	"umbra", "valley", "willow", "yellow", "zephyr", "stone", "cloud", "paper", "winter", "summer"}
