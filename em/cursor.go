package em

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"unsafe"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/query"
)

// ErrInvalidCursor is matched by the error of FindByCursor given a cursor
// that is not one of its own (damaged, edited, or made for another entity
// or order).
var ErrInvalidCursor = errors.New("gomikro: invalid cursor")

// CursorOptions say which page FindByCursor returns: First items after
// the cursor After (from the start when empty), or Last items before the
// cursor Before (from the end when empty); exactly one of First and Last
// is set. OrderBy is the order, as for the OrderBy option ("-year",
// "title"); the primary key is added as the last term unless the order
// is unique already (it holds the key or a unique NOT NULL column).
// Every order term must be a scalar column holding no NULL.
type CursorOptions struct {
	First  int
	After  string
	Last   int
	Before string
	// OrderBy is the order; empty: by primary key.
	OrderBy []string
	// IncludeCount asks for Page.TotalCount (one more query, a count).
	IncludeCount bool
}

// Page is one page of FindByCursor.
type Page[T any] struct {
	// Items are the page's entities, in the order asked for (backward
	// pages too), managed by the EntityManager.
	Items []*T
	// StartCursor and EndCursor point at the first and last items ("" on
	// an empty page): pass EndCursor as After for the next page,
	// StartCursor as Before for the previous one.
	StartCursor, EndCursor string
	// HasNextPage: going forward (First), whether more items follow;
	// going backward (Last), whether a Before cursor was given.
	HasNextPage bool
	// HasPrevPage: going backward (Last), whether more items precede;
	// going forward (First), whether an After cursor was given.
	HasPrevPage bool
	// TotalCount is the number of entities matching the filter, with
	// IncludeCount; -1 otherwise.
	TotalCount int64
}

// FindByCursor returns a page of the entities of type T matching where,
// by cursor (keyset) pagination as MikroORM's findByCursor: the page
// after (or before) the row a cursor points at, found by a condition on
// the order columns ("year < ? OR year = ? AND id > ?"), not by an
// offset, so pages stay stable while rows are added and cost the same
// deep in the list. opts may add Populate and the filter options;
// OrderBy, Limit and Offset come from c.
//
// Cursors are opaque strings, checked on the way back in: a damaged or
// edited cursor, or one made for another entity or order, is an error
// matching ErrInvalidCursor. They are checksummed, not signed: they hold
// the order columns' values of one row, readable by whoever has them.
func FindByCursor[T any](ctx context.Context, m Manager, where query.Filter, c CursorOptions, opts ...FindOption) (*Page[T], error) {
	e, ok := m.manager().c.reg.Of(reflect.TypeFor[T]())
	if !ok || e.Type != reflect.TypeFor[T]() {
		return nil, &gomikro.ValidationError{Msg: fmt.Sprintf("%s is not a registered entity (add it to Config.Entities)", reflect.TypeFor[T]())}
	}
	var o findOptions
	for _, opt := range opts {
		opt(&o)
	}
	if len(o.orderBy) > 0 || o.limit != 0 || o.offset != 0 {
		return nil, &gomikro.ValidationError{Msg: fmt.Sprintf("FindByCursor %s: give the order in CursorOptions.OrderBy and the page size in First or Last, not as options", e.Name)}
	}
	order, err := cursorOrder(e, c.OrderBy)
	if err != nil {
		return nil, err
	}
	backward := c.Last > 0
	n, cur := c.First, c.After
	switch {
	case c.First < 0 || c.Last < 0:
		return nil, &gomikro.ValidationError{Msg: fmt.Sprintf("FindByCursor %s: First(%d) and Last(%d) must not be negative", e.Name, c.First, c.Last)}
	case c.First > 0 && c.Last > 0 || c.First == 0 && c.Last == 0:
		return nil, &gomikro.ValidationError{Msg: fmt.Sprintf("FindByCursor %s: set exactly one of First and Last", e.Name)}
	case c.First > 0 && c.Before != "" || c.Last > 0 && c.After != "":
		return nil, &gomikro.ValidationError{Msg: fmt.Sprintf("FindByCursor %s: After goes with First, Before with Last", e.Name)}
	case backward:
		n, cur = c.Last, c.Before
	}
	// The direction of travel: backward reverses every term.
	travel := slices.Clone(order)
	if backward {
		for i := range travel {
			travel[i].desc = !travel[i].desc
		}
	}
	conds := []query.Filter{where}
	if cur != "" {
		vals, err := decodeCursor(e, order, cur)
		if err != nil {
			return nil, err
		}
		conds = append(conds, afterCond(travel, vals))
	}
	props := make([]string, len(travel))
	for i, t := range travel {
		props[i] = t.String()
	}
	fopts := append(slices.Clip(opts), OrderBy(props...), Limit(n+1))
	items, err := Find[T](ctx, m, query.And(conds...), fopts...)
	if err != nil {
		return nil, err
	}
	more := len(items) > n
	if more {
		items = items[:n]
	}
	if backward {
		slices.Reverse(items)
	}
	p := &Page[T]{Items: items, TotalCount: -1}
	if backward {
		p.HasPrevPage, p.HasNextPage = more, c.Before != ""
	} else {
		p.HasNextPage, p.HasPrevPage = more, c.After != ""
	}
	if len(items) > 0 {
		if p.StartCursor, err = encodeCursor(e, order, unsafe.Pointer(items[0])); err != nil {
			return nil, err
		}
		if p.EndCursor, err = encodeCursor(e, order, unsafe.Pointer(items[len(items)-1])); err != nil {
			return nil, err
		}
	}
	if c.IncludeCount {
		if p.TotalCount, err = Count[T](ctx, m, where, opts...); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// orderTerm is one term of a cursor's order.
type orderTerm struct {
	f    *meta.Field
	desc bool
}

func (t orderTerm) String() string {
	if t.desc {
		return "-" + t.f.Name
	}
	return t.f.Name
}

// cursorOrder resolves the order of a cursor query and makes it unique.
func cursorOrder(e *meta.Entity, props []string) ([]orderTerm, error) {
	var out []orderTerm
	unique := false
	for _, s := range props {
		desc := strings.HasPrefix(s, "-")
		name := strings.TrimPrefix(s, "-")
		f, ok := e.Field(name)
		if !ok || f.Column == "" {
			return nil, fmt.Errorf("gomikro: FindByCursor: %s has no column property %q", e.Name, name)
		}
		if f.Rel != nil {
			return nil, fmt.Errorf("gomikro: FindByCursor: %s is a relation; order a cursor by scalar columns", f)
		}
		if slices.ContainsFunc(out, func(t orderTerm) bool { return t.f == f }) {
			return nil, fmt.Errorf("gomikro: FindByCursor: %s appears twice in the order", f)
		}
		out = append(out, orderTerm{f: f, desc: desc})
		if f.Unique && f.UniqueName == "" && !f.Nullable || f.PK && len(e.PK) == 1 {
			unique = true
		}
	}
	if !unique {
		for _, pk := range e.PK {
			if pk.Rel != nil {
				return nil, fmt.Errorf("gomikro: FindByCursor: %s has a reference in its primary key (%s); order the cursor by scalar columns that make it unique", e.Name, pk)
			}
			if !slices.ContainsFunc(out, func(t orderTerm) bool { return t.f == pk }) {
				out = append(out, orderTerm{f: pk})
			}
		}
	}
	return out, nil
}

// afterCond is the condition for the rows after the cursor values vals
// in the order terms: (a > va) OR (a = va AND b > vb) OR ..., with < for
// descending terms.
func afterCond(terms []orderTerm, vals []any) query.Filter {
	ors := make([]query.Filter, 0, len(terms))
	for i, t := range terms {
		and := make([]query.Filter, 0, i+1)
		for j := range i {
			and = append(and, query.Eq(terms[j].f.Name, vals[j]))
		}
		if t.desc {
			and = append(and, query.Lt(t.f.Name, vals[i]))
		} else {
			and = append(and, query.Gt(t.f.Name, vals[i]))
		}
		ors = append(ors, query.And(and...))
	}
	return query.Or(ors...)
}

// cursorData is what a cursor holds.
type cursorData struct {
	Entity string            `json:"e"`
	Order  []string          `json:"o"`
	Values []json.RawMessage `json:"v"`
}

const cursorSumLen = 12

func cursorSum(payload []byte) []byte {
	s := sha256.Sum256(append([]byte("gomikro cursor\x00"), payload...))
	return s[:cursorSumLen]
}

func orderSig(order []orderTerm) []string {
	out := make([]string, len(order))
	for i, t := range order {
		out[i] = t.String()
	}
	return out
}

// encodeCursor returns the cursor of the entity obj of e in order.
func encodeCursor(e *meta.Entity, order []orderTerm, obj unsafe.Pointer) (string, error) {
	d := cursorData{Entity: e.Name, Order: orderSig(order)}
	for _, t := range order {
		v := t.f.Value(obj)
		if v.Kind() == reflect.Pointer && v.IsNil() {
			return "", fmt.Errorf("gomikro: FindByCursor: %s is NULL in a row of the page; a cursor's order columns must hold no NULL", t.f)
		}
		b, err := json.Marshal(v.Interface())
		if err != nil {
			return "", fmt.Errorf("gomikro: FindByCursor: %s: %w", t.f, err)
		}
		d.Values = append(d.Values, b)
	}
	payload, err := json.Marshal(d)
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(append(payload, cursorSum(payload)...)), nil
}

// decodeCursor checks cursor against e and order and returns its values,
// of the order fields' Go types.
func decodeCursor(e *meta.Entity, order []orderTerm, cursor string) ([]any, error) {
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil || len(raw) <= cursorSumLen {
		return nil, fmt.Errorf("%w for %s: not a cursor FindByCursor made", ErrInvalidCursor, e.Name)
	}
	payload, sum := raw[:len(raw)-cursorSumLen], raw[len(raw)-cursorSumLen:]
	if !bytes.Equal(sum, cursorSum(payload)) {
		return nil, fmt.Errorf("%w for %s: the checksum does not match (damaged or edited)", ErrInvalidCursor, e.Name)
	}
	var d cursorData
	if err := json.Unmarshal(payload, &d); err != nil {
		return nil, fmt.Errorf("%w for %s: %v", ErrInvalidCursor, e.Name, err)
	}
	if want := orderSig(order); d.Entity != e.Name || !slices.Equal(d.Order, want) || len(d.Values) != len(order) {
		return nil, fmt.Errorf("%w: made for %s ordered by %s, used for %s ordered by %s", ErrInvalidCursor,
			d.Entity, strings.Join(d.Order, ","), e.Name, strings.Join(want, ","))
	}
	vals := make([]any, len(order))
	for i, t := range order {
		p := reflect.New(t.f.GoType)
		if err := json.Unmarshal(d.Values[i], p.Interface()); err != nil {
			return nil, fmt.Errorf("%w for %s: the value of %s: %v", ErrInvalidCursor, e.Name, t.f.Name, err)
		}
		vals[i] = p.Elem().Interface()
	}
	return vals, nil
}
