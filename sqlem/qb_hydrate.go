package sqlem

import (
	"fmt"
	"reflect"
	"unsafe"

	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/internal/rel"
	"github.com/gomikro/gomikro/meta"
)

// rowReader hydrates the rows of a select with joins.
type rowReader struct {
	sink  *em.RowSink
	parts []*partReader
	dests []any
	objs  []unsafe.Pointer // the current row's objects, by part
	roots []unsafe.Pointer
	seen  map[unsafe.Pointer]bool // roots seen, when joins repeat them
	colls []*collFill
}

// collFill gathers the items of a joined collection per owner.
type collFill struct {
	part   int
	f      *meta.Field
	owners []unsafe.Pointer
	items  map[unsafe.Pointer][]unsafe.Pointer
	pairs  map[[2]unsafe.Pointer]bool
}

// partReader reads one entity of a row. The root is scanned into a new
// object per row; joined entities into a scratch object, which becomes a
// new object only when the identity map does not hold the row yet.
type partReader struct {
	qpart
	direct   bool
	nullable bool
	scratch  unsafe.Pointer
	cols     []qcol
	dests    []any
	// embs are the columns of nullable embeddables, roots those
	// embeddables (nil when there are none).
	embs  []*embDest
	roots []*meta.Embedded
}

// qcol is how one column is scanned.
type qcol struct {
	f    *meta.Field
	typ  unsafe.Pointer // the field itself (type word of *GoType)
	fk   reflect.Value  // a NOT NULL reference's key scratch
	key  *keyDest       // a reference's key, NULL allowed
	json bool           // a JSON column (direct mode)
	null reflect.Value  // **GoType scratch of a left-joined column
}

func newRowReader(pl *selPlan, sink *em.RowSink) *rowReader {
	rr := &rowReader{sink: sink}
	n := 0
	for _, p := range pl.parts {
		n += len(p.e.Reads)
	}
	rr.dests = make([]any, n)
	rr.objs = make([]unsafe.Pointer, len(pl.parts))
	if pl.sc.toMany {
		rr.seen = map[unsafe.Pointer]bool{}
	}
	for i, p := range pl.parts {
		pr := &partReader{qpart: p, direct: i == 0, nullable: p.j != nil && p.j.left}
		pr.dests = rr.dests[p.first : p.first+len(p.e.Reads)]
		if !pr.direct {
			pr.scratch = p.e.New()
		}
		for k, f := range p.e.Reads {
			c := qcol{f: f}
			switch {
			case f.Storage == meta.StoreRef && !f.Nullable && !pr.nullable && isPlainKey(f.Rel.Target.PK[0].GoType):
				c.fk = reflect.New(f.Rel.Target.PK[0].GoType)
				pr.dests[k] = c.fk.Interface()
			case f.Storage == meta.StoreRef:
				c.key = newKeyDest(f.Rel.Target.PK[0].GoType)
				pr.dests[k] = c.key
			case f.Storage == meta.StoreEmbedded:
				d := newEmbDest(f)
				pr.embs = append(pr.embs, d)
				pr.dests[k] = d.dest()
			case encoded(f) && pr.direct:
				c.json = true
			case encoded(f):
				pr.dests[k] = &encodedDest{f: f, p: f.Ptr(pr.scratch)}
			case pr.direct:
				c.typ = typeWord(f.GoType)
			case pr.nullable && f.Storage != meta.StorePointer:
				c.null = reflect.New(reflect.PointerTo(f.GoType))
				pr.dests[k] = c.null.Interface()
			default:
				pr.dests[k] = reflect.NewAt(f.GoType, f.Ptr(pr.scratch)).Interface()
			}
			pr.cols = append(pr.cols, c)
		}
		if pr.embs != nil {
			pr.roots = p.e.NullableRoots()
		}
		rr.parts = append(rr.parts, pr)
		if p.j != nil && p.j.field.Rel.Collection && p.parent >= 0 {
			rr.colls = append(rr.colls, &collFill{part: i, f: p.j.field, items: map[unsafe.Pointer][]unsafe.Pointer{}, pairs: map[[2]unsafe.Pointer]bool{}})
		}
	}
	return rr
}

// row reads one row.
func (rr *rowReader) row(rows Rows) error {
	for _, p := range rr.parts {
		if p.direct {
			obj := rr.sink.Alloc(p.e)
			rr.objs[0] = obj
			for k := range p.cols {
				c := &p.cols[k]
				switch {
				case c.typ != nil:
					p.dests[k] = ifaceOf(c.typ, c.f.Ptr(obj))
				case c.json:
					p.dests[k] = &encodedDest{f: c.f, p: c.f.Ptr(obj)}
				}
			}
		} else {
			reflect.NewAt(p.e.Type, p.scratch).Elem().SetZero()
		}
	}
	if err := rows.Scan(rr.dests...); err != nil {
		return fmt.Errorf("gomikro: scan %s: %w", rr.parts[0].e.Name, err)
	}
	for i, p := range rr.parts {
		obj, err := p.finish(rr.sink, rr.objs[i])
		if err != nil {
			return err
		}
		rr.objs[i] = obj
	}
	root := rr.objs[0]
	if rr.seen == nil || !rr.seen[root] {
		if rr.seen != nil {
			rr.seen[root] = true
		}
		rr.roots = append(rr.roots, root)
	}
	for i, p := range rr.parts[1:] {
		if p.parent < 0 || rr.objs[p.parent] == nil {
			continue
		}
		owner, obj := rr.objs[p.parent], rr.objs[i+1]
		f := p.j.field
		if f.Storage == meta.StoreRef && obj != nil && rr.sink.Detached() {
			// Detached rows are not linked through the identity map.
			r := refAt(f, owner)
			r.Ptr, r.ID = obj, nil
			continue
		}
		if f.Storage == meta.StoreNone && !f.Rel.Collection {
			// Inverse 1:1: the joined row is the owner's other side.
			r := refAt(f, owner)
			if obj != nil && r.Ptr == nil {
				r.Ptr, r.ID = obj, nil
			} else if obj == nil && r.IsPending() {
				r.ID = nil
			}
		}
	}
	for _, c := range rr.colls {
		owner := rr.objs[rr.parts[c.part].parent]
		if owner == nil {
			continue
		}
		if _, ok := c.items[owner]; !ok {
			c.owners = append(c.owners, owner)
			c.items[owner] = nil
		}
		obj := rr.objs[c.part]
		if obj == nil || c.pairs[[2]unsafe.Pointer{owner, obj}] {
			continue
		}
		c.pairs[[2]unsafe.Pointer{owner, obj}] = true
		c.items[owner] = append(c.items[owner], obj)
	}
	return nil
}

// setCollections fills the joined collections of every owner read.
func (rr *rowReader) setCollections() {
	for _, c := range rr.colls {
		for _, o := range c.owners {
			rr.sink.SetCollection(c.f, o, c.items[o])
		}
	}
}

// finish turns the scanned columns of p into a managed object; nil when a
// left join found no row.
func (p *partReader) finish(sink *em.RowSink, obj unsafe.Pointer) (unsafe.Pointer, error) {
	if !p.direct {
		if p.nullable && p.absent() {
			return nil, nil
		}
		for k := range p.cols {
			c := &p.cols[k]
			if !c.null.IsValid() {
				continue
			}
			v, fv := c.null.Elem(), c.f.Value(p.scratch)
			if v.IsNil() {
				fv.SetZero()
			} else {
				fv.Set(v.Elem())
			}
		}
		if m, ok := sink.Managed(p.e, p.scratch); ok {
			return m, nil
		}
		obj = sink.Alloc(p.e)
		reflect.NewAt(p.e.Type, obj).Elem().Set(reflect.NewAt(p.e.Type, p.scratch).Elem())
	}
	if p.embs != nil {
		for _, m := range p.roots {
			m.ClearAt(obj)
		}
		for _, d := range p.embs {
			d.store(obj)
		}
	}
	for k := range p.cols {
		c := &p.cols[k]
		switch {
		case c.fk.IsValid():
			refAt(c.f, obj).Ptr = sink.Ref(c.f.Rel.Target, c.fk.UnsafePointer())
		case c.key != nil && c.key.valid:
			refAt(c.f, obj).Ptr = sink.Ref(c.f.Rel.Target, c.key.v.UnsafePointer())
		}
	}
	return sink.Row(p.e, obj)
}

// absent reports whether a left join found no row: its key is NULL.
func (p *partReader) absent() bool {
	for k := range p.cols {
		c := &p.cols[k]
		if !c.f.PK {
			continue
		}
		switch {
		case c.null.IsValid():
			return c.null.Elem().IsNil()
		case c.key != nil:
			return !c.key.valid
		}
		return false
	}
	return false
}

// refAt returns the reference state of the relation field f of obj.
func refAt(f *meta.Field, obj unsafe.Pointer) *rel.Ref { return rel.RefAt(f.Ptr(obj)) }
