package query

import (
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"
)

// Parse turns a filter into a condition tree, expanding maps. It checks
// shapes (operators, lists) but not property names; Resolve does that.
// A nil filter or an empty map gives nil: every row.
func Parse(f Filter) (Cond, error) {
	switch f := f.(type) {
	case nil:
		return nil, nil
	case M:
		if len(f) == 0 {
			return nil, nil
		}
		return parseMap(f)
	case Cond:
		return expand(f)
	}
	return nil, fmt.Errorf("query: unsupported filter type %T", f)
}

// expand parses the maps inside a helper-built tree.
func expand(c Cond) (Cond, error) {
	switch c := c.(type) {
	case mapCond:
		return parseMap(c.m)
	case badCond:
		return nil, fmt.Errorf("query: unsupported filter type %T", c.f)
	case Cmp:
		if err := checkShape(c.Path, c.Op, c.Value); err != nil {
			return nil, err
		}
		return c, nil
	case RelCond:
		inner, err := expand(c.C)
		if err != nil {
			return nil, err
		}
		c.C = inner
		return c, nil
	case AndCond:
		out, err := mapAll(c, expand)
		return AndCond(out), err
	case OrCond:
		out, err := mapAll(c, expand)
		return OrCond(out), err
	case NotCond:
		y, err := expand(c.C)
		if err != nil {
			return nil, err
		}
		return NotCond{y}, nil
	}
	return nil, fmt.Errorf("query: unsupported condition %T", c)
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

func sortedKeys(m M) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func parseMap(m M) (Cond, error) {
	var out AndCond
	for _, k := range sortedKeys(m) {
		v := m[k]
		switch {
		case k == "":
			return nil, fmt.Errorf("query: empty property name")
		case k == "$and" || k == "$or":
			items, err := filterList(k, v)
			if err != nil {
				return nil, err
			}
			if k == "$and" {
				out = append(out, AndCond(items))
			} else {
				out = append(out, OrCond(items))
			}
		case k == "$not":
			c, err := parseValueFilter(k, v)
			if err != nil {
				return nil, err
			}
			out = append(out, NotCond{c})
		case strings.HasPrefix(k, "$"):
			return nil, fmt.Errorf("query: operator %s needs a property (write {\"prop\": {%q: ...}})", k, k)
		default:
			c, err := parseProperty(k, v)
			if err != nil {
				return nil, err
			}
			out = append(out, c)
		}
	}
	if len(out) == 1 {
		return out[0], nil
	}
	return out, nil
}

// filterList reads the list of an $and / $or.
func filterList(op string, v any) ([]Cond, error) {
	rv := reflect.ValueOf(v)
	if v == nil || rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
		return nil, fmt.Errorf("query: %s takes a list of filters, got %T", op, v)
	}
	out := make([]Cond, 0, rv.Len())
	for i := range rv.Len() {
		c, err := parseValueFilter(op, rv.Index(i).Interface())
		if err != nil {
			return nil, err
		}
		if c == nil {
			c = AndCond{}
		}
		out = append(out, c)
	}
	return out, nil
}

func parseValueFilter(op string, v any) (Cond, error) {
	if m, ok := asMap(v); ok {
		c, err := parseMap(m)
		if c == nil && err == nil {
			c = AndCond{}
		}
		return c, err
	}
	if f, ok := v.(Filter); ok {
		c, err := Parse(f)
		if c == nil && err == nil {
			c = AndCond{}
		}
		return c, err
	}
	return nil, fmt.Errorf("query: %s takes filters, got %T", op, v)
}

// parseProperty reads one "property: value" entry.
func parseProperty(path string, v any) (Cond, error) {
	if m, ok := asMap(v); ok {
		nOps := 0
		for k := range m {
			if strings.HasPrefix(k, "$") {
				nOps++
			}
		}
		switch {
		case len(m) == 0:
			return RelCond{Path: path, C: AndCond{}, raw: m}, nil
		case nOps == 0:
			inner, err := parseMap(m)
			if err != nil {
				return nil, err
			}
			return RelCond{Path: path, C: inner, raw: m}, nil
		case nOps != len(m):
			return nil, fmt.Errorf("query: %s mixes operators and properties in one map", path)
		}
		var out AndCond
		for _, k := range sortedKeys(m) {
			if k == "$not" {
				inner, err := parseProperty(path, m[k])
				if err != nil {
					return nil, err
				}
				out = append(out, NotCond{inner})
				continue
			}
			op, ok := opByName[k]
			if !ok {
				return nil, fmt.Errorf("query: %s: unknown operator %s", path, k)
			}
			if err := checkShape(path, op, m[k]); err != nil {
				return nil, err
			}
			out = append(out, Cmp{path, op, m[k]})
		}
		if len(out) == 1 {
			return out[0], nil
		}
		return out, nil
	}
	if isList(v) {
		return Cmp{path, OpIn, v}, nil
	}
	return Cmp{path, OpEq, v}, nil
}

func isList(v any) bool {
	if v == nil {
		return false
	}
	if _, ok := v.([]byte); ok {
		return false
	}
	k := reflect.TypeOf(v).Kind()
	return k == reflect.Slice || k == reflect.Array
}

// checkShape validates an operator's value independently of metadata.
func checkShape(path string, op Op, v any) error {
	switch op {
	case OpIn, OpNin:
		if !isList(v) {
			return fmt.Errorf("query: %s %s takes a list, got %T", path, op, v)
		}
	case OpExists:
		if _, ok := v.(bool); !ok {
			return fmt.Errorf("query: %s $exists takes true or false, got %T", path, v)
		}
	case OpLike, OpIlike:
		if _, ok := v.(string); !ok {
			return fmt.Errorf("query: %s %s takes a string pattern, got %T", path, op, v)
		}
	case OpRe:
		s, ok := v.(string)
		if !ok {
			return fmt.Errorf("query: %s $re takes a string, got %T", path, v)
		}
		if _, err := regexp.Compile(s); err != nil {
			return fmt.Errorf("query: %s $re: %w", path, err)
		}
	case OpGt, OpGte, OpLt, OpLte:
		if v == nil {
			return fmt.Errorf("query: %s %s cannot compare with nil", path, op)
		}
	}
	if path == "" {
		return fmt.Errorf("query: empty property name")
	}
	return nil
}
