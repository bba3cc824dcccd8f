package query

import (
	"fmt"
	"reflect"
	"regexp"
	"strings"
)

// Parse turns a filter into a condition tree. Maps are expanded
// recursively: a plain value becomes $eq, a list $in, an operator map the
// AND of its operators, a nested map of properties (or $and/$or/$not) a
// RelCond group (so does a Cond built by the helpers), and a dotted key
// one RelCond per dot. $and and $or take a
// list of filters ([]M, []any, []Filter, ...), $not one filter. Keys are
// read in sorted order, so the tree is deterministic.
//
// Parse checks shapes, not names: unknown operators, lists where lists
// belong, $exists with a bool, $like/$ilike/$re with a string, $re with a
// pattern that compiles, and no empty property names. Property names are
// checked by [Resolve].
//
// A nil filter and an empty M give nil: every row. Parse never widens a
// filter: an empty $in stays an empty $in (it matches nothing).
func Parse(f Filter) (Cond, error) {
	switch f := f.(type) {
	case nil:
		return nil, nil
	case M:
		return parseMap(f, "")
	case Cond:
		return parseCond(f, "")
	}
	return nil, fmt.Errorf("query: unsupported filter type %T", f)
}

// at names the property path prefix.key in error messages.
func at(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

func asMap(v any) (M, bool) {
	switch m := v.(type) {
	case M:
		return m, true
	case map[string]any:
		return M(m), true
	}
	return nil, false
}

// parseMap parses a filter map whose keys are relative to prefix (the path
// of the relation group it is nested in, for messages). An empty map
// gives nil.
func parseMap(m M, prefix string) (Cond, error) {
	if len(m) == 0 {
		return nil, nil
	}
	out := make(AndCond, 0, len(m))
	for _, k := range sortedKeys(m) {
		v := m[k]
		var c Cond
		var err error
		switch {
		case k == keyAnd || k == keyOr:
			var items []Cond
			items, err = parseList(prefix, k, v)
			if k == keyAnd {
				c = AndCond(items)
			} else {
				c = OrCond(items)
			}
		case k == keyNot:
			c, err = parseSub(at(prefix, k), prefix, v)
			c = NotCond{c}
		case strings.HasPrefix(k, "$"):
			where := ""
			if prefix != "" {
				where = prefix + ": "
			}
			if _, ok := opByName[k]; ok {
				return nil, fmt.Errorf("query: %soperator %s needs a property: write {\"prop\": {%q: ...}}", where, k, k)
			}
			return nil, fmt.Errorf("query: %sunknown operator %s", where, k)
		default:
			c, err = parseKey(prefix, k, v)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if len(out) == 1 {
		return out[0], nil
	}
	return out, nil
}

// parseList reads the list of filters of an $and or $or.
func parseList(prefix, op string, v any) ([]Cond, error) {
	where := at(prefix, op)
	if !isList(v) {
		return nil, fmt.Errorf("query: %s takes a list of filters, got %s", where, typeName(v))
	}
	rv := reflect.ValueOf(v)
	out := make([]Cond, rv.Len())
	for i := range out {
		c, err := parseSub(fmt.Sprintf("%s[%d]", where, i), prefix, rv.Index(i).Interface())
		if err != nil {
			return nil, err
		}
		out[i] = c
	}
	return out, nil
}

// parseSub parses one operand of $and, $or or $not: a map or a Filter.
// An empty one holds for every row.
func parseSub(where, prefix string, v any) (Cond, error) {
	var c Cond
	var err error
	if m, ok := asMap(v); ok {
		c, err = parseMap(m, prefix)
	} else if f, ok := v.(Filter); ok && f != nil {
		c, err = parseCond(asCond(f), prefix)
	} else if v == nil {
		return nil, fmt.Errorf("query: %s: nil is not a filter (query.M{} matches every row)", where)
	} else {
		return nil, fmt.Errorf("query: %s takes filters (query.M or conditions), got %s", where, typeName(v))
	}
	if c == nil && err == nil {
		c = AndCond{}
	}
	return c, err
}

// splitPath splits a dotted property path into its names.
func splitPath(prefix, path string) ([]string, error) {
	if path == "" {
		if prefix == "" {
			return nil, fmt.Errorf("query: empty property name")
		}
		return nil, fmt.Errorf("query: %s: empty property name", prefix)
	}
	segs := strings.Split(path, ".")
	for _, s := range segs {
		if s == "" {
			return nil, fmt.Errorf("query: %q: empty property name in the path", at(prefix, path))
		}
		if strings.HasPrefix(s, "$") {
			return nil, fmt.Errorf("query: %q: %s is an operator, not a property", at(prefix, path), s)
		}
	}
	return segs, nil
}

// nest wraps c, a condition on the last name of segs, in one RelCond per
// relation before it.
func nest(segs []string, c Cond) Cond {
	for i := len(segs) - 2; i >= 0; i-- {
		c = RelCond{Path: segs[i], C: c}
	}
	return c
}

// parseKey parses one "property: value" entry of a map.
func parseKey(prefix, key string, v any) (Cond, error) {
	segs, err := splitPath(prefix, key)
	if err != nil {
		return nil, err
	}
	c, err := parseProperty(at(prefix, key), segs[len(segs)-1], v)
	if err != nil {
		return nil, err
	}
	return nest(segs, c), nil
}

// parseProperty parses the value compared with the property name, whose
// full path (for messages) is where.
func parseProperty(where, name string, v any) (Cond, error) {
	if c, ok := v.(Cond); ok {
		// A condition under a property is a group on the related entity.
		inner, err := parseCond(c, where)
		if err != nil {
			return nil, err
		}
		return RelCond{Path: name, C: inner}, nil
	}
	m, ok := asMap(v)
	if !ok {
		if isImplicitList(v) {
			return Cmp{name, OpIn, v}, nil
		}
		return Cmp{name, OpEq, v}, nil
	}
	if isOperatorMap(m) {
		return parseOps(where, name, m)
	}
	inner, err := parseMap(m, where)
	if err != nil {
		return nil, err
	}
	if inner == nil {
		inner = AndCond{}
	}
	return RelCond{Path: name, C: inner, raw: m}, nil
}

// isOperatorMap tells an operator map ({"$gt": 1}) from a group of
// conditions on a related entity ({"name": "Ann"}). A map holding only
// $not is an operator map unless $not holds a group.
func isOperatorMap(m M) bool {
	other := false
	for k := range m {
		if _, ok := opByName[k]; ok {
			return true
		}
		if k != keyNot {
			other = true
		}
	}
	if other || len(m) == 0 {
		return false
	}
	inner, ok := asMap(m[keyNot])
	return !ok || len(inner) == 0 || isOperatorMap(inner)
}

// parseOps parses an operator map on the property name: the AND of its
// operators.
func parseOps(where, name string, m M) (Cond, error) {
	out := make(AndCond, 0, len(m))
	for _, k := range sortedKeys(m) {
		v := m[k]
		if k == keyNot {
			c, err := parseProperty(where, name, v)
			if err != nil {
				return nil, err
			}
			out = append(out, NotCond{c})
			continue
		}
		op, ok := opByName[k]
		switch {
		case ok:
		case k == keyAnd || k == keyOr:
			return nil, fmt.Errorf("query: %s: %s cannot be mixed with comparison operators in one map", where, k)
		case strings.HasPrefix(k, "$"):
			return nil, fmt.Errorf("query: %s: unknown operator %s", where, k)
		default:
			return nil, fmt.Errorf("query: %s: a map cannot mix operators and properties (%q)", where, k)
		}
		if err := checkShape(where, op, v); err != nil {
			return nil, err
		}
		out = append(out, Cmp{name, op, v})
	}
	if len(out) == 1 {
		return out[0], nil
	}
	return out, nil
}

// parseCond parses a condition tree built by the helpers (or by hand):
// it expands the maps inside, splits dotted paths and checks shapes. It
// never returns nil: a nil condition holds for every row.
func parseCond(c Cond, prefix string) (Cond, error) {
	if u, ok := c.(unwrapper); ok {
		c = u.unwrap()
	}
	switch c := c.(type) {
	case nil:
		return AndCond{}, nil
	case errCond:
		return nil, c.err
	case EntityCond:
		inner, err := parseCond(c.C, prefix)
		if err != nil {
			return nil, err
		}
		return EntityCond{Type: c.Type, C: inner}, nil
	case mapCond:
		x, err := parseMap(c.m, prefix)
		if x == nil && err == nil {
			x = AndCond{}
		}
		return x, err
	case badCond:
		return nil, fmt.Errorf("query: unsupported filter type %T", c.f)
	case Cmp:
		segs, err := splitPath(prefix, c.Path)
		if err != nil {
			return nil, err
		}
		if err := checkShape(at(prefix, c.Path), c.Op, c.Value); err != nil {
			return nil, err
		}
		return nest(segs, Cmp{segs[len(segs)-1], c.Op, c.Value}), nil
	case RelCond:
		segs, err := splitPath(prefix, c.Path)
		if err != nil {
			return nil, err
		}
		var inner Cond
		if c.C != nil {
			if inner, err = parseCond(c.C, at(prefix, c.Path)); err != nil {
				return nil, err
			}
		}
		return nest(segs, RelCond{Path: segs[len(segs)-1], C: inner, raw: c.raw}), nil
	case AndCond:
		out, err := parseConds(c, prefix)
		if err != nil {
			return nil, err
		}
		return AndCond(out), nil
	case OrCond:
		out, err := parseConds(c, prefix)
		if err != nil {
			return nil, err
		}
		return OrCond(out), nil
	case NotCond:
		inner, err := parseCond(c.C, prefix)
		if err != nil {
			return nil, err
		}
		return NotCond{inner}, nil
	}
	return nil, fmt.Errorf("query: unsupported condition type %T", c)
}

func parseConds(cs []Cond, prefix string) ([]Cond, error) {
	out := make([]Cond, len(cs))
	for i, c := range cs {
		x, err := parseCond(c, prefix)
		if err != nil {
			return nil, err
		}
		out[i] = x
	}
	return out, nil
}

// checkShape checks an operator's operand without metadata.
func checkShape(where string, op Op, v any) error {
	switch {
	case !op.Valid():
		return fmt.Errorf("query: %s: invalid operator %s", where, op)
	case op.isList():
		if !isList(v) {
			return fmt.Errorf("query: %s: %s takes a list, got %s", where, op, typeName(v))
		}
	case op == OpExists:
		if _, ok := v.(bool); !ok {
			return fmt.Errorf("query: %s: $exists takes true or false, got %s", where, typeName(v))
		}
	case op.isPattern():
		rv := reflect.ValueOf(v)
		if v == nil || rv.Kind() != reflect.String {
			return fmt.Errorf("query: %s: %s takes a string pattern, got %s", where, op, typeName(v))
		}
		if op == OpRe {
			if _, err := regexp.Compile(rv.String()); err != nil {
				return fmt.Errorf("query: %s: $re: invalid regular expression: %w", where, err)
			}
		}
	case op.isOrder():
		if v == nil {
			return fmt.Errorf("query: %s: %s cannot compare with null", where, op)
		}
	}
	return nil
}

// typeName names v's Go type for messages.
func typeName(v any) string {
	if v == nil {
		return "nil"
	}
	return reflect.TypeOf(v).String()
}
