package qbtest

import (
	"errors"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/sqlem"
)

// QShape is the base of a single-table hierarchy.
type QShape struct {
	ID   int64  `orm:"pk"`
	Kind string `orm:"discriminator"`
	Name string
}

// QCircle extends QShape.
type QCircle struct {
	QShape `orm:"extends,discriminator=circle"`
	Radius float64
}

// QSquare extends QShape.
type QSquare struct {
	QShape `orm:"extends,discriminator=square"`
	Side   float64
}

// inheritance: the builder of a subtype matches its rows only, with
// filters on its own and its base's fields; the builder of the base reads
// the base's own rows and refuses a subtype's row (which em.Find returns
// as its type).
func inheritance(e *env) {
	o := e.open(gomikro.Config{Entities: []any{QShape{}, QCircle{}, QSquare{}}})
	m := o.EM().Fork()
	e.must(m.Persist(&QCircle{QShape: QShape{Name: "c1"}, Radius: 1}, &QCircle{QShape: QShape{Name: "c2"}, Radius: 2},
		&QSquare{QShape: QShape{Name: "s1"}, Side: 3}, &QShape{Name: "plain"}))
	e.must(m.Flush(e.ctx))

	f := o.EM().Fork()
	cs, err := sqlem.QB[QCircle](f, "c").Where(query.Gt("radius", 1.5)).GetResult(e.ctx)
	e.must(err)
	if len(cs) != 1 || cs[0].Name != "c2" || cs[0].Kind != "circle" {
		e.t.Fatalf("circles with radius > 1.5: %+v", cs)
	}
	n, err := sqlem.QB[QSquare](f, "s").Count(e.ctx)
	e.must(err)
	if n != 1 {
		e.t.Fatalf("squares: %d", n)
	}
	// The base's own rows.
	plain, err := sqlem.QB[QShape](f, "s").Where(query.Eq("kind", "q_shape")).GetResult(e.ctx)
	e.must(err)
	if len(plain) != 1 || plain[0].Name != "plain" {
		e.t.Fatalf("plain shapes: %+v", plain)
	}
	_, err = sqlem.QB[QShape](f, "s").Where(query.Eq("name", "s1")).GetResult(e.ctx)
	var ve *gomikro.ValidationError
	if !errors.As(err, &ve) {
		e.t.Fatalf("builder of the base over a square's row: %v", err)
	}
	// em.Find of the base returns it as a square.
	all, err := em.Find[QShape](e.ctx, f, nil, em.OrderBy("name"))
	e.must(err)
	if len(all) != 4 {
		e.t.Fatalf("%d shapes", len(all))
	}
	if s, ok := em.As[QSquare](f, all[3]); !ok || s.Side != 3 {
		e.t.Fatalf("s1: %v %v", s, ok)
	}
}
