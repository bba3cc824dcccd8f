package conformance

import (
	"slices"
	"strings"
	"testing"

	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/ref"
)

// TextFormKeys checks that a key type with a text form (a fixed-size array with
// MarshalText, like bson.ObjectID) works as a primary key, as a foreign
// key and as a plain column, and filters, references and Create accept
// either the Go value or its text form.
func TextFormKeys(t *testing.T, h *Harness) {
	north, south := Code{1, 2, 3, 4}, Code{0xa, 0xb, 0xc, 0xd}
	m := h.EM()
	wn, ws := &Warehouse{Code: north, Name: "North"}, &Warehouse{Code: south, Name: "South"}
	must(t, m.Persist(&Shelf{Label: "n1", Warehouse: ref.To(wn), Spare: south}))
	must(t, m.Persist(&Shelf{Label: "n2", Warehouse: ref.To(wn), Spare: north}))
	must(t, m.Persist(&Shelf{Label: "s1", Warehouse: ref.To(ws), Spare: north}))
	must(t, m.Flush(h.Ctx))

	m = h.EM()
	w, err := em.FindOneOrFail[Warehouse](h.Ctx, m, query.Eq("code", north), em.Populate("Shelves"))
	must(t, err)
	if w.Code != north || w.Name != "North" {
		t.Fatalf("found %+v, want the North warehouse", w)
	}
	var labels []string
	for _, s := range w.Shelves.Items() {
		labels = append(labels, s.Label)
		if s.Warehouse.Get() != w {
			t.Fatalf("shelf %s: its warehouse is not the managed object", s.Label)
		}
	}
	if slices.Sort(labels); !slices.Equal(labels, []string{"n1", "n2"}) {
		t.Fatalf("North's shelves: %v, want [n1 n2]", labels)
	}
	// The text form names the same row and the same object.
	same, err := em.FindOneOrFail[Warehouse](h.Ctx, m, query.Eq("code", "01020304"))
	must(t, err)
	if same != w {
		t.Fatal("finding by the text form returned another object")
	}
	for _, id := range []any{north, "01020304"} {
		r, err := em.GetReference[Warehouse](m, id)
		must(t, err)
		if r != w {
			t.Fatalf("GetReference(%v) is not the managed object", id)
		}
	}

	// Filters on the foreign key, a plain text-form column and a
	// relation path; populate of the reference.
	shelves, err := em.Find[Shelf](h.Ctx, m, query.And(
		query.In("warehouse", north, south),
		query.Eq("spare", north),
		query.Eq("warehouse.name", "South"),
	), em.Populate("Warehouse"))
	must(t, err)
	if len(shelves) != 1 || shelves[0].Label != "s1" || shelves[0].Spare != north || shelves[0].Warehouse.Get().Code != south {
		t.Fatalf("shelves of South with spare %x: %+v", north, shelves)
	}
	n, err := em.Count[Shelf](h.Ctx, m, query.M{"warehouse": "0a0b0c0d"})
	must(t, err)
	if n != 1 {
		t.Fatalf("shelves by the warehouse's text form: %d, want 1", n)
	}

	// Changes are tracked and written; an unchanged flush sends nothing.
	s1 := shelves[0]
	s1.Spare = Code{9, 9, 9, 9}
	s1.Warehouse = ref.To(w)
	must(t, m.Flush(h.Ctx))
	before := h.Count()
	must(t, m.Flush(h.Ctx))
	if d := h.Count() - before; d != 0 {
		t.Fatalf("an unchanged flush sent %d statements", d)
	}
	m = h.EM()
	got, err := em.FindOneOrFail[Shelf](h.Ctx, m, query.Eq("label", "s1"))
	must(t, err)
	if got.Spare != (Code{9, 9, 9, 9}) {
		t.Fatalf("after the update: %+v", got)
	}
	if wh, err := got.Warehouse.Load(h.Ctx); err != nil || wh.Code != north {
		t.Fatalf("s1's warehouse after the update: %v, %v; want North", wh, err)
	}

	// Create from a map with text forms; a bad text names the field.
	c, err := em.Create[Shelf](m, map[string]any{"label": "s2", "warehouse": "0a0b0c0d", "spare": "0f0f0f0f"})
	must(t, err)
	must(t, m.Flush(h.Ctx))
	if c.Spare != (Code{0xf, 0xf, 0xf, 0xf}) {
		t.Fatalf("created spare %x", c.Spare)
	}
	if _, err := em.Create[Shelf](m, map[string]any{"label": "bad", "spare": "zz"}); err == nil || !strings.Contains(err.Error(), "Shelf.Spare") {
		t.Fatalf("a bad text form: %v, want an error naming Shelf.Spare", err)
	}

	// Removal by text-form keys.
	m = h.EM()
	all, err := em.FindAll[Shelf](h.Ctx, m)
	must(t, err)
	for _, s := range all {
		must(t, m.Remove(s))
	}
	ws2, err := em.FindOneOrFail[Warehouse](h.Ctx, m, query.Eq("code", south))
	must(t, err)
	must(t, m.Remove(ws2))
	must(t, m.Flush(h.Ctx))
	if n, err := em.Count[Warehouse](h.Ctx, h.EM(), nil); err != nil || n != 1 {
		t.Fatalf("warehouses left: %d, %v; want 1", n, err)
	}
}
