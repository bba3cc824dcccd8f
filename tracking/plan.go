package tracking

import (
	"fmt"
	"math/bits"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/internal/rel"
	"github.com/gomikro/gomikro/meta"
)

// Plan is the work of one flush, in the order a backend executes it:
// Inserts (parents before children), Fixups (foreign keys that had to
// wait for a later insert), Updates, PivotDeletes, PivotInserts, then
// Deletes (children before parents).
type Plan struct {
	Inserts      []*InsertBatch
	Fixups       []*UpdateBatch
	Updates      []*UpdateBatch
	PivotDeletes []*PivotBatch
	PivotInserts []*PivotBatch
	Deletes      []*DeleteBatch

	t *Tracker
	// saved holds, per versioned managed entry, its version before the
	// flush (new rows keep theirs in their snapshot slots: see Restore).
	saved []saved
	// one is the pooled memory of a plan planOne made (see Release).
	one *onePlan
}

// refHit is the entry of the object obj of entity e: the one found last
// for a reference while planning inserts (the rows of a bulk insert often
// share their parent; the tracked entries do not change while a plan is
// built).
type refHit struct {
	e   *meta.Entity
	obj unsafe.Pointer
	en  *Entry
}

type saved struct {
	en      *Entry
	version int64
}

// Empty reports whether the plan sends nothing.
func (p *Plan) Empty() bool {
	return len(p.Inserts)+len(p.Fixups)+len(p.Updates)+len(p.PivotDeletes)+len(p.PivotInserts)+len(p.Deletes) == 0
}

// Statements counts the batches (an upper bound of the statements sent).
func (p *Plan) Statements() int {
	return len(p.Inserts) + len(p.Fixups) + len(p.Updates) + len(p.PivotDeletes) + len(p.PivotInserts) + len(p.Deletes)
}

// InsertBatch inserts rows of one entity that write the same columns.
type InsertBatch struct {
	Entity *meta.Entity
	// Columns are written from the objects.
	Columns []*meta.Field
	// Return are read back into the objects: the generated key and the
	// defaulted columns left out of Columns.
	Return []*meta.Field
	Rows   []*Entry
}

// UpdateBatch updates the same columns of rows of one entity.
type UpdateBatch struct {
	Entity *meta.Entity
	// Columns are written from the objects (the version field included
	// when Versioned).
	Columns []*meta.Field
	Rows    []*Entry
	// Versioned: the statement must also match the old version (from
	// OldVersion) and report which rows it changed.
	Versioned bool
}

// OldVersion returns the version value row had before this flush.
func (b *UpdateBatch) OldVersion(row *Entry) any {
	return b.Entity.Version.Value(row.Snap).Interface()
}

// DeleteBatch deletes rows of one entity by primary key.
type DeleteBatch struct {
	Entity *meta.Entity
	Rows   []*Entry
	// Versioned: match the version too, and report which rows went.
	Versioned bool
}

// PivotBatch inserts or deletes rows of an m:n pivot table.
type PivotBatch struct {
	Pivot *meta.Pivot
	// Pairs hold (owner, target) objects; their keys are read when the
	// batch runs, after the inserts that assign them.
	Pairs [][2]unsafe.Pointer
}

// Build computes the plan of a flush over every tracked entity. It sets
// version fields of new and changed versioned entities; Restore undoes
// that (and keys read back) when the flush fails.
func (t *Tracker) Build() (*Plan, error) {
	// one is the first new entry; news lists them all once there are two.
	var one *Entry
	var news []*Entry
	var removed []*Entry
	var buf []*meta.Field
	type updKey struct {
		e    *meta.Entity
		cols string
	}
	var updates map[updKey]*UpdateBatch // made on the first update (a map literal costs a random seed)
	var updOrder []*UpdateBatch
	var lastUpd *UpdateBatch
	// The shape of the entries compared last: entries come in runs of
	// one type (the rows of a find).
	var sh *shape
	t.settleList()
	// The entries the last Sweep found unchanged, when nothing touched
	// the objects since: skipped a run of marked ones at a time.
	marks := t.takeMarks()
	entries := t.entries
	for i := 0; i < len(entries); i++ {
		if w := i >> 6; w < len(marks) {
			if m := marks[w] >> (uint(i) & 63); m&1 != 0 {
				i += bits.TrailingZeros64(^m) - 1
				continue
			}
		}
		en := entries[i]
		if en == nil {
			continue
		}
		switch en.State {
		case StateNew:
			switch {
			case one == nil:
				one = en
			case news == nil:
				// Room for every entry left: one allocation, however many
				// of them are new (persisted objects come last).
				news = append(make([]*Entry, 0, len(t.entries)-i+1), one, en)
			default:
				news = append(news, en)
			}
		case StateRemoved:
			removed = append(removed, en)
		case StateManaged, StateRef:
			var err error
			switch {
			case en.State == StateRef:
				buf, err = t.planRef(en, buf[:0])
			case en.Snap == nil:
				buf = buf[:0] // (as Changed)
			default:
				if sh == nil || sh.e != en.E {
					sh = t.shape(en.E)
				}
				buf, err = sh.changed(en, buf[:0])
			}
			if err != nil {
				return nil, err
			}
			if len(buf) == 0 {
				continue
			}
			for _, f := range buf {
				if f.PK {
					return nil, fmt.Errorf("gomikro: %s: the primary key of a managed %s changed from %v; remove the entity and persist a new one instead", f, f.Entity.Name, f.Value(en.Snap).Interface())
				}
			}
			if v := en.E.Version; v != nil && !slices.Contains(buf, v) {
				buf = append(buf, v)
			}
			b := lastUpd
			if b == nil || b.Entity != en.E || !slices.Equal(b.Columns, buf) {
				// Not the columns of the row before: find or start the batch.
				sig := colSig(en.E, buf)
				b = updates[updKey{en.E, sig}]
				if b == nil {
					b = &UpdateBatch{Entity: en.E, Columns: slices.Clone(buf), Versioned: en.E.Version != nil}
					if updates == nil {
						updates = map[updKey]*UpdateBatch{}
					}
					updates[updKey{en.E, sig}] = b
					updOrder = append(updOrder, b)
				}
				lastUpd = b
			}
			b.Rows = append(b.Rows, en)
		}
	}
	if one != nil && news == nil {
		if len(removed) == 0 && len(updOrder) == 0 {
			// One new entity and nothing else to write (a request saving
			// one object): no types to order.
			p, err := t.planOne(one)
			if err != nil {
				return nil, err
			}
			return p, nil
		}
		news = []*Entry{one}
	}
	p := &Plan{t: t}
	order := commitOrder(news, removed, updOrder)
	if err := p.planInserts(news, order); err != nil {
		return nil, err
	}
	for _, b := range updOrder {
		if b.Versioned {
			for _, en := range b.Rows {
				v := en.E.Version
				old := v.IntAt(en.Obj)
				p.saved = append(p.saved, saved{en: en, version: old})
				v.SetIntAt(en.Obj, old+1)
			}
		}
	}
	slices.SortStableFunc(updOrder, func(a, b *UpdateBatch) int { return order[a.Entity] - order[b.Entity] })
	p.Updates = updOrder
	p.planDeletes(removed, order)
	return p, nil
}

func colSig(e *meta.Entity, fs []*meta.Field) string {
	b := make([]byte, (len(e.Columns)+7)/8)
	for _, f := range fs {
		i := slices.Index(e.Columns, f)
		b[i/8] |= 1 << (i % 8)
	}
	return string(b)
}

// commitOrder ranks the entity types taking part so that referenced types
// come first. Cycles are broken where the DFS meets them; the instance
// level deferral in planInserts keeps such inserts correct.
func commitOrder(news, removed []*Entry, updates []*UpdateBatch) map[*meta.Entity]int {
	seen := map[*meta.Entity]bool{}
	var types []*meta.Entity
	var last *meta.Entity
	addT := func(e *meta.Entity) {
		if e == last {
			return // rows come in runs of one type
		}
		last = e
		if !seen[e] {
			seen[e] = true
			types = append(types, e)
		}
	}
	for _, en := range news {
		addT(en.E)
	}
	for _, en := range removed {
		addT(en.E)
	}
	for _, b := range updates {
		addT(b.Entity)
	}
	rank := map[*meta.Entity]int{}
	state := map[*meta.Entity]uint8{}
	n := 0
	var visit func(e *meta.Entity)
	visit = func(e *meta.Entity) {
		if state[e] != 0 {
			return
		}
		state[e] = 1
		for _, f := range e.Columns {
			if f.Storage == meta.StoreRef && f.Rel.Target != e {
				visit(f.Rel.Target)
				// A reference to a base may point to any of its subtypes.
				for _, d := range f.Rel.Target.Descendants() {
					if d != e {
						visit(d)
					}
				}
			}
		}
		state[e] = 2
		rank[e] = n
		n++
	}
	for _, e := range types {
		visit(e)
	}
	return rank
}

// onePlan is the plan of a flush that inserts one entity and writes
// nothing else, allocated in one piece with its batch; cols and ret hold
// the columns of entities with few (more spill to the heap).
type onePlan struct {
	Plan
	batch InsertBatch
	ins   [1]*InsertBatch
	rows  [1]*Entry
	saved [1]saved
	cols  [12]*meta.Field
	ret   [4]*meta.Field
}

// planOne is Build for a flush whose only write is the insert of en: what
// planInserts does for one row, without grouping rows by type and
// columns, or ordering types.
func (t *Tracker) planOne(en *Entry) (*Plan, error) {
	e := en.E
	op := onePlans.Get().(*onePlan)
	p := &op.Plan
	p.t, p.one = t, op
	// en is the only row pending: a reference to itself is deferred.
	var word [1]uint64
	pending := entrySet(word[:])
	if en.idx >= 64 {
		pending = newEntrySet(int(en.idx) + 1)
	}
	pending.add(en)
	// The uses of the dynamic columns decide the others': their lists
	// for those uses are shared by the flushes of the type.
	sh := t.shape(e)
	mask, same, err := p.rowMask(sh.dyn, en, pending, nil)
	if err != nil {
		return nil, err
	}
	var cols, ret []*meta.Field
	if same {
		cols, ret = sh.ins.get(sh.layout, mask)
	} else {
		var deferred []*meta.Field
		cols, ret, deferred, err = p.insertColumns(en, pending, op.cols[:0], op.ret[:0], nil)
		if err != nil {
			return nil, err
		}
		for _, f := range deferred {
			p.Fixups = append(p.Fixups, &UpdateBatch{Entity: e, Columns: []*meta.Field{f}, Rows: []*Entry{en}})
		}
	}
	op.rows[0] = en
	op.batch = InsertBatch{Entity: e, Columns: slices.Clip(cols), Return: slices.Clip(ret), Rows: op.rows[:]}
	op.ins[0] = &op.batch
	p.Inserts = op.ins[:]
	// Save the pre-flush state in the snapshot slot, so a failed flush can
	// restore what the database wrote back. Restore reads only the
	// returned columns and the version (and Committed overwrites the
	// slot): plain ones are saved one by one, without copying the object.
	if en.Snap == nil {
		slot := newSlots(sh.objs, 1)
		en.Snap = slot.take(e.Type.Size())
	}
	if plainFields(op.batch.Return) && (e.Version == nil || e.Version.Storage != meta.StoreEmbedded) {
		for _, f := range op.batch.Return {
			copyField(f, en.Snap, en.Obj)
		}
		if e.Version != nil {
			copyField(e.Version, en.Snap, en.Obj)
		}
	} else {
		reflect.NewAt(e.Type, en.Snap).Elem().Set(reflect.NewAt(e.Type, en.Obj).Elem())
	}
	op.saved[0] = saved{en: en}
	p.saved = op.saved[:]
	if v := e.Version; v != nil && v.IntAt(en.Obj) == 0 {
		v.SetIntAt(en.Obj, 1)
	}
	return p, nil
}

// onePlans holds the memory of plans of one insert, which a unit of work
// per request makes on every save (see Release).
var onePlans = sync.Pool{New: func() any { return new(onePlan) }}

// Release gives the memory of p back for the plans of later flushes. Call
// it once p has been committed and nothing refers to p or its batches any
// more (neither the caller nor the backend that executed it); p must not
// be used after. A plan that is not released is collected as garbage.
func (p *Plan) Release() {
	if op := p.one; op != nil && p == &op.Plan {
		*op = onePlan{}
		onePlans.Put(op)
	}
}

// plainFields reports whether no field of fs lives in an embeddable.
func plainFields(fs []*meta.Field) bool {
	for _, f := range fs {
		if f.Storage == meta.StoreEmbedded {
			return false
		}
	}
	return true
}

func (p *Plan) planInserts(news []*Entry, order map[*meta.Entity]int) error {
	if len(news) == 0 {
		return nil
	}
	pending := newEntrySet(len(p.t.entries))
	for _, en := range news {
		pending.add(en)
	}
	types := byType(news)
	slices.SortStableFunc(types, func(a, b typeRows) int { return order[a.e] - order[b.e] })
	fixups := map[*meta.Field]*UpdateBatch{}
	var colBuf, retBuf, defBuf []*meta.Field
	var single [1][]*Entry
	for _, tr := range types {
		e, rows := tr.e, tr.rows
		levels, err := p.selfLevels(e, rows, pending)
		if err != nil {
			return err
		}
		if levels == nil {
			single[0] = rows
			levels = single[:]
		}
		// The pre-flush state of rows without a snapshot slot goes to one
		// allocation for the type.
		var snaps slots
		sh := p.t.shape(e)
		objs, box := sh.objs, sh.box.Size()
		if n := countNoSnap(rows); n > 0 {
			snaps = newSlots(objs, n)
		}
		// Only the uses of dyn vary from row to row: a row whose uses are
		// those of the row before (mask) goes to the same batch.
		dyn := dynamicColumns(e)
		var hit refHit
		for _, level := range levels {
			var groups []*InsertBatch
			last, lastMask := -1, uint64(0)
			// While every row goes to the first batch (its Rows still nil),
			// its rows are the level's first solo rows: the level itself
			// when no row goes elsewhere.
			solo := 0
			add := func(i int, en *Entry) {
				if g0 := groups[0]; g0.Rows == nil {
					if i == 0 {
						solo++
						return
					}
					g0.Rows = append(make([]*Entry, 0, len(level)), level[:solo]...)
				}
				groups[i].Rows = append(groups[i].Rows, en)
			}
			for _, en := range level {
				mask, same, err := p.rowMask(dyn, en, pending, &hit)
				if err != nil {
					return err
				}
				if same && last >= 0 && mask == lastMask {
					add(last, en)
					saveNew(sh, en, &snaps, objs, box, groups[last].Return, false)
					continue
				}
				if colBuf == nil {
					colBuf = make([]*meta.Field, 0, len(e.Columns))
					retBuf = make([]*meta.Field, 0, len(e.Columns))
				}
				var deferred []*meta.Field
				colBuf, retBuf, deferred, err = p.insertColumns(en, pending, colBuf[:0], retBuf[:0], defBuf[:0])
				if err != nil {
					return err
				}
				defBuf = deferred
				for _, f := range deferred {
					fb := fixups[f]
					if fb == nil {
						fb = &UpdateBatch{Entity: e, Columns: []*meta.Field{f}}
						fixups[f] = fb
						p.Fixups = append(p.Fixups, fb)
					}
					fb.Rows = append(fb.Rows, en)
				}
				i := 0
				if len(groups) == 0 || !slices.Equal(groups[0].Columns, colBuf) || !slices.Equal(groups[0].Return, retBuf) {
					i = slices.IndexFunc(groups, func(g *InsertBatch) bool {
						return slices.Equal(g.Columns, colBuf) && slices.Equal(g.Return, retBuf)
					})
				}
				if i < 0 {
					// The batch keeps the buffers; the next row gets new ones.
					groups = append(groups, &InsertBatch{Entity: e, Columns: slices.Clip(colBuf), Return: slices.Clip(retBuf)})
					i = len(groups) - 1
					colBuf, retBuf = nil, nil
				}
				add(i, en)
				if same {
					last, lastMask = i, mask
				} else {
					last = -1
				}
				saveNew(sh, en, &snaps, objs, box, groups[i].Return, !same)
			}
			if len(groups) > 0 && groups[0].Rows == nil {
				groups[0].Rows = level[:solo:solo]
			}
			p.Inserts = append(p.Inserts, groups...)
			for _, en := range level {
				pending.del(en)
			}
		}
	}
	return nil
}

// saveNew saves in the snapshot slot of the new row en (taken from
// snaps, of type objs and size box, when it has none) what Restore puts
// back into the object if the flush fails: the columns ret, which the
// backend writes, and the version, which Build sets from 0 to 1. With
// full (a row whose references wait for a follow-up update, whose undo
// reads them from the slot too) it copies the whole object. ret are
// columns the row holds zero values in (that is why they are read back),
// so a fresh slot, zero itself, needs only the version.
func saveNew(sh *shape, en *Entry, snaps *slots, objs reflect.Type, box uintptr, ret []*meta.Field, full bool) {
	fresh := en.Snap == nil
	if fresh {
		if snaps.free == 0 {
			*snaps = newSlots(objs, 1) // not reached: planInserts counted them all
		}
		en.Snap = snaps.take(box)
	}
	v := en.E.Version
	if full {
		sh.copyObj(en.Snap, en.Obj)
	} else {
		if !fresh {
			for _, f := range ret {
				f.Value(en.Snap).Set(f.Value(en.Obj))
			}
		}
		if v != nil {
			v.SetIntAt(en.Snap, v.IntAt(en.Obj))
		}
	}
	if v != nil && v.IntAt(en.Obj) == 0 {
		v.SetIntAt(en.Obj, 1)
	}
}

// insColsCache keeps, for one entity type, the columns written and read
// back by a one-row insert per mask of the uses of its dynamic columns
// (rowMask), which a unit of work per request plans on every save. The
// lists are shared and never modified. Reads are one atomic load; the
// few writes copy the list.
type insColsCache struct {
	m  atomic.Pointer[[]insCols]
	mu sync.Mutex // serializes writes
}

type insCols struct {
	mask      uint64
	cols, ret []*meta.Field
}

// maxInsCols bounds the masks an insColsCache keeps.
const maxInsCols = 16

// get returns the columns of l's type written and read back by an insert
// whose dynamic columns have the uses mask (bit i: l.dyn[i] is read
// back, the others are written).
func (c *insColsCache) get(l *layout, mask uint64) (cols, ret []*meta.Field) {
	if m := c.m.Load(); m != nil {
		for i := range *m {
			if ic := &(*m)[i]; ic.mask == mask {
				return ic.cols, ic.ret
			}
		}
	}
	j := 0
	for _, f := range l.e.Columns {
		if j < len(l.dyn) && l.dyn[j] == f {
			j++
			if mask&(1<<(j-1)) != 0 {
				ret = append(ret, f)
				continue
			}
		}
		cols = append(cols, f)
	}
	cols, ret = slices.Clip(cols), slices.Clip(ret)
	c.mu.Lock()
	defer c.mu.Unlock()
	var old []insCols
	if m := c.m.Load(); m != nil {
		old = *m
	}
	for i := range old {
		if old[i].mask == mask {
			return old[i].cols, old[i].ret // stored meanwhile
		}
	}
	if len(old) < maxInsCols {
		next := append(slices.Clip(old), insCols{mask, cols, ret})
		c.m.Store(&next)
	}
	return cols, ret
}

// dynamicColumns returns the columns of e whose use in an insert depends
// on the row (see columnUse); every other column is written.
func dynamicColumns(e *meta.Entity) []*meta.Field {
	var out []*meta.Field
	for _, f := range e.Columns {
		if f.Generated || f.Default != nil || f.Storage == meta.StoreRef {
			out = append(out, f)
		}
	}
	return out
}

// rowMask checks the dynamic columns dyn of the new row en and returns
// their uses as a bit set (bit i: dyn[i] is read back); same is false
// when the mask cannot stand for the row's columns (a reference waits for
// a follow-up UPDATE, or there are too many columns), and the caller
// chooses them with insertColumns.
func (p *Plan) rowMask(dyn []*meta.Field, en *Entry, pending entrySet, hit *refHit) (mask uint64, same bool, err error) {
	if len(dyn) > 64 {
		return 0, false, nil
	}
	for i, f := range dyn {
		u, err := p.columnUse(f, en, pending, hit)
		switch {
		case err != nil:
			return 0, false, err
		case u == useDefer:
			return 0, false, nil
		case u == useReturn:
			mask |= 1 << i
		}
	}
	return mask, true, nil
}

// typeRows are the new rows of one entity type.
type typeRows struct {
	e    *meta.Entity
	rows []*Entry
}

// byType splits rows by entity type, in the order the types first come,
// keeping the order of rows; the lists share one allocation. Rows come
// in runs of one type, so the map is asked only where a run starts.
func byType(rows []*Entry) []typeRows {
	var types []typeRows
	var at map[*meta.Entity]int
	cur := -1
	find := func(e *meta.Entity) int {
		if cur >= 0 && types[cur].e == e {
			return cur
		}
		if len(types) == 0 {
			types = append(types, typeRows{e: e})
			return 0
		}
		if at == nil {
			at = make(map[*meta.Entity]int, 4)
			for i, t := range types {
				at[t.e] = i
			}
		}
		i, ok := at[e]
		if !ok {
			i = len(types)
			at[e] = i
			types = append(types, typeRows{e: e})
		}
		return i
	}
	// First count, then fill slices cut from one array.
	counts := make([]int, 0, 4)
	for _, en := range rows {
		cur = find(en.E)
		if cur == len(counts) {
			counts = append(counts, 0)
		}
		counts[cur]++
	}
	if len(types) == 1 {
		types[0].rows = rows
		return types
	}
	all := make([]*Entry, len(rows))
	off := 0
	for i, n := range counts {
		types[i].rows = all[off : off : off+n]
		off += n
	}
	cur = -1
	for _, en := range rows {
		cur = find(en.E)
		types[cur].rows = append(types[cur].rows, en)
	}
	return types
}

// countNoSnap counts the entries without a snapshot slot.
func countNoSnap(rows []*Entry) int {
	n := 0
	for _, en := range rows {
		if en.Snap == nil {
			n++
		}
	}
	return n
}

// selfLevels splits the new rows of one type so that a row referencing
// another new row of the same type comes in a later level; nil when the
// type has no self-reference (rows are one level).
func (p *Plan) selfLevels(e *meta.Entity, rows []*Entry, pending entrySet) ([][]*Entry, error) {
	var selfRefs []*meta.Field
	for _, f := range e.Columns {
		if f.Storage == meta.StoreRef && f.Rel.Target == e {
			selfRefs = append(selfRefs, f)
		}
	}
	if len(selfRefs) == 0 {
		return nil, nil // one level: rows
	}
	level := map[*Entry]int{}
	var depth func(en *Entry, guard int) int
	depth = func(en *Entry, guard int) int {
		if d, ok := level[en]; ok {
			return d
		}
		if guard > len(rows) {
			return 0 // a cycle: insertColumns defers the reference
		}
		d := 0
		for _, f := range selfRefs {
			r := rel.RefAt(f.Ptr(en.Obj))
			if r.Ptr == nil {
				continue
			}
			if other, ok := p.t.Entry(e, r.Ptr); ok && other != en && pending.has(other) && other.E == e {
				d = max(d, depth(other, guard+1)+1)
			}
		}
		level[en] = d
		return d
	}
	maxD := 0
	for _, en := range rows {
		maxD = max(maxD, depth(en, 0))
	}
	out := make([][]*Entry, maxD+1)
	for _, en := range rows {
		out[level[en]] = append(out[level[en]], en)
	}
	return out, nil
}

// insertColumns chooses the columns a new row writes: every column but a
// zero generated key, zero fields with a database default (read back
// instead) and references to rows inserted later in this flush (deferred
// to a follow-up UPDATE).
// The columns are appended to cols, ret and deferred, which may be
// buffers of the caller.
func (p *Plan) insertColumns(en *Entry, pending entrySet, cols, ret, deferred []*meta.Field) ([]*meta.Field, []*meta.Field, []*meta.Field, error) {
	for _, f := range en.E.Columns {
		u, err := p.columnUse(f, en, pending, nil)
		if err != nil {
			return nil, nil, nil, err
		}
		switch u {
		case useReturn:
			ret = append(ret, f)
		case useDefer:
			deferred = append(deferred, f)
		default:
			cols = append(cols, f)
		}
	}
	return cols, ret, deferred, nil
}

// colUse is what the insert of a new row does with one column.
type colUse uint8

const (
	useWrite  colUse = iota // written from the object
	useReturn               // left out and read back (zero generated key or defaulted field)
	useDefer                // written by a follow-up UPDATE (a reference to a row inserted later)
)

// columnUse decides the use of column f in the insert of en, refusing a
// reference the flush cannot write. Only columns dynamicColumns lists
// can be anything but useWrite. hit, when not nil, remembers the entry
// of the last reference looked up.
func (p *Plan) columnUse(f *meta.Field, en *Entry, pending entrySet, hit *refHit) (colUse, error) {
	switch {
	case f.Generated:
		if f.GoType == int64Type && f.Storage == meta.StorePlain {
			if *(*int64)(f.Ptr(en.Obj)) == 0 {
				return useReturn, nil
			}
		} else if isZeroAt(f, en.Obj) {
			return useReturn, nil
		}
	case f.Default != nil && f.Storage != meta.StoreRef:
		if isZeroAt(f, en.Obj) {
			return useReturn, nil
		}
	case f.Storage == meta.StoreRef:
		r := rel.RefAt(f.Ptr(en.Obj))
		if r.Ptr != nil {
			var target *Entry
			ok := false
			if hit != nil && hit.obj == r.Ptr && hit.e == f.Rel.Target {
				target, ok = hit.en, true
			} else {
				target, ok = p.t.Entry(f.Rel.Target, r.Ptr)
				if ok && hit != nil {
					*hit = refHit{f.Rel.Target, r.Ptr, target}
				}
			}
			if !ok {
				return 0, fmt.Errorf("gomikro: %s references a %s that is not persisted; persist it or enable cascade", f, f.Rel.Target.Name)
			}
			if target.State == StateRemoved {
				return 0, fmt.Errorf("gomikro: %s references a %s that is being removed", f, f.Rel.Target.Name)
			}
			if pending.has(target) {
				// Inserted later in this flush, or in this very batch.
				if !f.Nullable {
					return 0, fmt.Errorf("gomikro: %s references a new %s that can only be inserted after it (a cycle); make %s nullable so the reference can be set by a follow-up UPDATE", f, f.Rel.Target.Name, f.Name)
				}
				return useDefer, nil
			}
		} else if r.ID == nil && !f.Nullable {
			return 0, &gomikro.ConstraintError{Kind: gomikro.ErrNotNullViolation, Entity: f.Entity.Name, Field: f.Name,
				Err: fmt.Errorf("%s is required (the reference is empty and the column is NOT NULL)", f)}
		}
	}
	return useWrite, nil
}

func (p *Plan) planDeletes(removed []*Entry, order map[*meta.Entity]int) {
	byType := map[*meta.Entity]*DeleteBatch{}
	for _, en := range removed {
		b := byType[en.E]
		if b == nil {
			b = &DeleteBatch{Entity: en.E, Versioned: en.E.Version != nil}
			byType[en.E] = b
			p.Deletes = append(p.Deletes, b)
		}
		b.Rows = append(b.Rows, en)
	}
	// Children (higher rank: they reference the others) go first.
	slices.SortStableFunc(p.Deletes, func(a, b *DeleteBatch) int { return order[b.Entity] - order[a.Entity] })
}

// AddPivot schedules pivot rows: insert when add is true, else delete.
func (p *Plan) AddPivot(pv *meta.Pivot, owner, target unsafe.Pointer, add bool) {
	list := &p.PivotDeletes
	if add {
		list = &p.PivotInserts
	}
	for _, b := range *list {
		if b.Pivot == pv {
			pair := [2]unsafe.Pointer{owner, target}
			if !slices.Contains(b.Pairs, pair) {
				b.Pairs = append(b.Pairs, pair)
			}
			return
		}
	}
	*list = append(*list, &PivotBatch{Pivot: pv, Pairs: [][2]unsafe.Pointer{{owner, target}}})
}

// Restore undoes what Build and the backend wrote into the objects of a
// flush that failed: generated keys, read-back defaults and versions.
func (p *Plan) Restore() {
	// New rows: their snapshot slots hold their state before the flush
	// (what the backend may have written back is in their batch's
	// Return columns).
	for _, b := range p.Inserts {
		for _, en := range b.Rows {
			if en.State != StateNew || en.Snap == nil {
				continue
			}
			for _, f := range b.Return {
				f.Value(en.Obj).Set(f.Value(en.Snap))
			}
			if v := en.E.Version; v != nil {
				v.Value(en.Obj).Set(v.Value(en.Snap))
			}
			en.Snap = nil
		}
	}
	for _, s := range p.saved {
		if en := s.en; en.State == StateManaged || en.State == StateRef {
			en.E.Version.SetIntAt(en.Obj, s.version)
		}
	}
}

// Committed records a successful flush: new rows become managed with
// their keys, removed rows are forgotten, and every written entity gets
// a fresh snapshot.
func (p *Plan) Committed() error {
	t := p.t
	settled := false
	for _, b := range p.Inserts {
		if len(b.Rows) == 0 {
			continue
		}
		if !settled {
			// The new keys go into the key index: the finds' entries
			// first (a flush without inserts leaves them unindexed), in
			// tables made large enough for both.
			t.settleList()
			if t.unmapped.to > t.unmapped.from {
				t.mapListed(p.Inserts)
			}
			settled = true
		}
		// Every row of a batch is of b.Entity: one index and shape for all.
		x, s := t.index(b.Entity), t.shape(b.Entity)
		ik := IntKey(b.Entity)
		for j, en := range b.Rows {
			var k Key
			var ok bool
			if ik != nil {
				k, ok = IntKeyAt(ik, en.Obj)
			} else {
				k, ok = KeyOf(en.E, en.Obj)
			}
			if !ok {
				return fmt.Errorf("gomikro: %s: no primary key after insert", en.E.Name)
			}
			if j == 0 {
				x.reserve(k, len(b.Rows))
			}
			if en.HasKey {
				x.del(en.Key, en)
			}
			en.Key, en.HasKey = k, true
			x.put(k, en)
			en.State = StateManaged
			if en.Snap == nil && en.paired {
				en.Snap = pairSnap(en.Obj, s.snapOff)
			}
			if err := s.takeSnapshot(en); err != nil {
				return err
			}
		}
	}
	for _, b := range p.Updates {
		for _, en := range b.Rows {
			if err := t.Snapshot(en); err != nil {
				return err
			}
		}
	}
	for _, b := range p.Fixups {
		for _, en := range b.Rows {
			if err := t.Snapshot(en); err != nil {
				return err
			}
		}
	}
	for _, b := range p.Deletes {
		for _, en := range b.Rows {
			t.Detach(en)
		}
	}
	return nil
}

// entrySet is a set of tracked entries, a bit per position in
// Tracker.entries (Entry.idx): no hashing on the bulk insert path.
type entrySet []uint64

func newEntrySet(n int) entrySet { return make(entrySet, (n+63)/64) }

func (s entrySet) add(en *Entry) { s[en.idx/64] |= 1 << (en.idx % 64) }

func (s entrySet) del(en *Entry) { s[en.idx/64] &^= 1 << (en.idx % 64) }

func (s entrySet) has(en *Entry) bool {
	i := int(en.idx / 64)
	return i < len(s) && s[i]&(1<<(en.idx%64)) != 0
}
