package conformance

import (
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/query"
)

var enums = []Scenario{
	scenario(EnumValuesAreChecked),
}

// Status is a string enum: its Values method lists the values it may hold.
type Status string

// The values of Status.
const (
	StatusOpen   Status = "open"
	StatusClosed Status = "closed"
	StatusOnHold Status = "on 'hold'" // quotes in a value reach the DDL quoted
)

// Values declares Status an enum.
func (Status) Values() []Status { return []Status{StatusOpen, StatusClosed, StatusOnHold} }

// Priority is an integer enum.
type Priority int16

// The values of Priority.
const (
	PriorityLow  Priority = 1
	PriorityHigh Priority = 3
)

// Values declares Priority an enum.
func (Priority) Values() []Priority { return []Priority{PriorityLow, PriorityHigh} }

// Ticket has enum fields: a string one, an integer one, a nullable one.
type Ticket struct {
	ID       int64 `orm:"pk"`
	Title    string
	Status   Status `orm:"index"`
	Priority Priority
	Previous *Status
}

// EnumValuesAreChecked checks that enum values round-trip and filter, and
// that a value outside the declared set is refused at flush, before
// anything is sent, naming Entity.Field — on insert and on update, with
// the unit of work usable after the value is fixed. The database also
// holds the set (an enum type or a CHECK), so a raw write could not slip
// past; the schema tests check the DDL.
func EnumValuesAreChecked(t *testing.T, h *Harness) {
	n := &atomic.Int64{}
	g := h.Open(gomikro.Config{Entities: []any{Ticket{}}, Logger: slog.New(counter{n: n, on: &atomic.Pointer[func()]{}})})
	m := g.Fork()
	a := &Ticket{Title: "a", Status: StatusOpen, Priority: PriorityHigh}
	b := &Ticket{Title: "b", Status: StatusOnHold, Priority: PriorityLow, Previous: ptr(StatusClosed)}
	must(t, m.Persist(a, b))
	must(t, m.Flush(h.Ctx))

	got, err := em.Find[Ticket](h.Ctx, g.Fork(), query.In("status", StatusOnHold, StatusClosed))
	must(t, err)
	if len(got) != 1 || got[0].Status != StatusOnHold || got[0].Priority != PriorityLow || got[0].Previous == nil || *got[0].Previous != StatusClosed {
		t.Fatalf("tickets on hold: %+v", got)
	}

	wantErr := func(op, field string, err error) {
		t.Helper()
		var ce *gomikro.ConstraintError
		if !errors.Is(err, gomikro.ErrCheckViolation) || !errors.As(err, &ce) || ce.Entity != "Ticket" || ce.Field != field ||
			!strings.Contains(err.Error(), "Ticket."+field) || !strings.Contains(err.Error(), "not a value of") {
			t.Fatalf("%s: %v, want ErrCheckViolation naming Ticket.%s", op, err, field)
		}
	}
	for _, c := range []struct {
		name, field string
		set         func(*Ticket)
	}{
		{"string", "Status", func(x *Ticket) { x.Status = "reopened" }},
		{"empty string", "Status", func(x *Ticket) { x.Status = "" }},
		{"integer", "Priority", func(x *Ticket) { x.Priority = 2 }},
		{"pointer", "Previous", func(x *Ticket) { x.Previous = ptr(Status("gone")) }},
	} {
		t.Run(strings.ReplaceAll(c.name, " ", "_"), func(t *testing.T) {
			m := g.Fork()
			bad := &Ticket{Title: "bad " + c.name, Status: StatusOpen, Priority: PriorityLow}
			c.set(bad)
			must(t, m.Persist(bad))
			before := n.Load()
			wantErr("insert", c.field, m.Flush(h.Ctx))
			if sent := n.Load() - before; sent > 0 {
				t.Errorf("insert: %d statements were sent before the value was refused", sent)
			}
			// Fixed, the same unit of work flushes.
			*bad = Ticket{Title: bad.Title, Status: StatusClosed, Priority: PriorityHigh}
			must(t, m.Flush(h.Ctx))

			// Update of a stored row.
			m = g.Fork()
			x, err := em.FindOneOrFail[Ticket](h.Ctx, m, query.Eq("id", a.ID))
			must(t, err)
			c.set(x)
			before = n.Load()
			wantErr("update", c.field, m.Flush(h.Ctx))
			if sent := n.Load() - before; sent > 0 {
				t.Errorf("update: %d statements were sent before the value was refused", sent)
			}
			again, err := em.FindOneOrFail[Ticket](h.Ctx, g.Fork(), query.Eq("id", a.ID))
			must(t, err)
			if again.Status != StatusOpen || again.Priority != PriorityHigh || again.Previous != nil {
				t.Fatalf("update: the row changed: %+v", again)
			}
		})
	}
}
