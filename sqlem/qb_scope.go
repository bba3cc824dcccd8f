package sqlem

import (
	"fmt"
	"reflect"
	"regexp"
	"strings"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/query"
)

// scope is what the conditions of one (sub-)query can name: its root
// alias, its joins' aliases and those of the queries around it.
type scope struct {
	parent  *scope
	root    string
	rootE   *meta.Entity
	byAlias map[string]*meta.Entity
	joins   []*rjoin
	toMany  bool // a join multiplies the root rows
	// rootSQL, when set, is how the root is named in SQL instead of its
	// alias (DELETE names its table: not every dialect aliases it).
	rootSQL string
	drv     *driver
}

// rjoin is a join resolved against metadata.
type rjoin struct {
	qbJoin
	parent string
	field  *meta.Field
	target *meta.Entity
}

// sqlName returns how alias is written in SQL.
func (sc *scope) sqlName(b *builder, alias string) string {
	if alias == sc.root && sc.rootSQL != "" {
		return sc.rootSQL
	}
	return b.q(alias)
}

// touched returns the entity types the query reads: its root first, then
// the joined ones.
func (sc *scope) touched() []*meta.Entity {
	out := make([]*meta.Entity, 0, 1+len(sc.joins))
	out = append(out, sc.rootE)
	for _, j := range sc.joins {
		out = append(out, j.target)
	}
	return out
}

func (sc *scope) lookup(alias string) (*meta.Entity, bool) {
	for s := sc; s != nil; s = s.parent {
		if e, ok := s.byAlias[alias]; ok {
			return e, true
		}
	}
	return nil, false
}

var (
	aliasRe    = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	internalRe = regexp.MustCompile(`^[tT][0-9]+$`)
	asRe       = regexp.MustCompile(`(?is)^(.*?)\s+as\s+([A-Za-z_][A-Za-z0-9_]*)$`)
	aggRe      = regexp.MustCompile(`(?is)^(count|sum|avg|min|max)\s*\(\s*(distinct\s+)?(.*?)\s*\)$`)
	dirRe      = regexp.MustCompile(`(?is)^(.*?)\s+(asc|desc)$`)
)

func checkAlias(alias string) error {
	if !aliasRe.MatchString(alias) {
		return fmt.Errorf("gomikro: query builder: alias %q is not an identifier (letters, digits, _)", alias)
	}
	if internalRe.MatchString(alias) {
		return fmt.Errorf("gomikro: query builder: alias %q: aliases t<digits> are gomikro's own; choose another", alias)
	}
	return nil
}

// rootEntity resolves the builder's entity.
func (s *qbState) rootEntity() (*meta.Entity, error) {
	if err := s.ready(); err != nil {
		return nil, err
	}
	reg := s.m.drv.reg
	var t reflect.Type
	switch v := s.entity.(type) {
	case nil:
		return nil, &gomikro.ValidationError{Msg: "CreateQueryBuilder: no entity given"}
	case string:
		e, ok := reg.ByName(v)
		if !ok {
			return nil, &gomikro.ValidationError{Msg: fmt.Sprintf("CreateQueryBuilder: no registered entity is called %q", v)}
		}
		return e, nil
	case reflect.Type:
		t = v
	default:
		t = reflect.TypeOf(v)
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
	}
	e, ok := reg.Of(t)
	if !ok || e.Type != t {
		return nil, &gomikro.ValidationError{Msg: fmt.Sprintf("%s is not a registered entity (add it to Config.Entities)", t)}
	}
	return e, nil
}

// newScope resolves the root and the joins of the builder inside parent.
func (s *qbState) newScope(parent *scope) (*scope, error) {
	e, err := s.rootEntity()
	if err != nil {
		return nil, err
	}
	sc := &scope{parent: parent, root: s.alias, rootE: e, byAlias: map[string]*meta.Entity{}, drv: s.m.drv}
	add := func(alias string, e *meta.Entity) error {
		if err := checkAlias(alias); err != nil {
			return err
		}
		if _, dup := sc.lookup(alias); dup {
			return fmt.Errorf("gomikro: query builder on %s: alias %q is used twice", sc.rootE.Name, alias)
		}
		if tptLevels(e) != nil {
			return fmt.Errorf("gomikro: query builder on %s: %w", e.Name, errTPTUnsupported)
		}
		sc.byAlias[alias] = e
		return nil
	}
	if err := add(s.alias, e); err != nil {
		return nil, err
	}
	for _, j := range s.joins {
		pa, name, ok := strings.Cut(j.path, ".")
		if !ok {
			pa, name = s.alias, j.path
		}
		pe, ok := sc.byAlias[pa]
		if !ok {
			return nil, fmt.Errorf("gomikro: query builder on %s: join %q: no alias %q (join the way there first)", e.Name, j.path, pa)
		}
		f, ok := pe.Field(name)
		if !ok {
			return nil, fmt.Errorf("gomikro: query builder on %s: join %q: %s has no property %q: %w", e.Name, j.path, pe.Name, name, query.ErrUnknownProperty)
		}
		if f.Rel == nil {
			return nil, fmt.Errorf("gomikro: query builder on %s: join %q: %s is not a relation", e.Name, j.path, f)
		}
		if err := add(j.alias, f.Rel.Target); err != nil {
			return nil, err
		}
		sc.joins = append(sc.joins, &rjoin{qbJoin: j, parent: pa, field: f, target: f.Rel.Target})
		if f.Rel.Collection {
			sc.toMany = true
		}
	}
	return sc, nil
}

// rootEmbedded reports whether path, whose first segment is first, names
// a property of an embeddable of the root entity ("address.city") rather
// than a property of the alias first.
func (sc *scope) rootEmbedded(first, path string) bool {
	if _, known := sc.lookup(first); known {
		return false
	}
	f, ok := sc.rootE.Field(path)
	return ok && f.Embed != nil
}

// column resolves a property path ("b.title", or "title" on the root) to
// its quoted column.
func (sc *scope) column(b *builder, path, clause string) (string, *meta.Field, error) {
	alias, name := sc.root, path
	if a, n, ok := strings.Cut(path, "."); ok && !sc.rootEmbedded(a, path) {
		alias, name = a, n
		if _, known := sc.lookup(alias); !known {
			if f, ok := sc.rootE.Field(alias); ok && f.Rel != nil {
				return "", nil, fmt.Errorf("gomikro: query builder %s: %q crosses the relation %s: join it and use the join's alias", clause, path, f)
			}
			return "", nil, fmt.Errorf("gomikro: query builder %s: %q: no alias %q, and %s has no relation of that name: %w", clause, path, alias, sc.rootE.Name, query.ErrUnknownProperty)
		}
	}
	e, _ := sc.lookup(alias)
	f, ok := e.Field(name)
	if strings.Contains(name, ".") && (!ok || f.Embed == nil) {
		return "", nil, fmt.Errorf("gomikro: query builder %s: %q crosses a relation: join it and use the join's alias", clause, path)
	}
	if !ok {
		return "", nil, fmt.Errorf("gomikro: query builder %s: %s has no property %q: %w", clause, e.Name, name, query.ErrUnknownProperty)
	}
	if f.Column == "" {
		return "", nil, fmt.Errorf("gomikro: query builder %s: %s is a relation without a column; join it and name the joined alias's properties", clause, f)
	}
	for s := sc; s != nil; s = s.parent {
		if _, ok := s.byAlias[alias]; ok {
			return b.col(s.sqlName(b, alias), f), f, nil
		}
	}
	return b.col(b.q(alias), f), f, nil
}

// expr renders a property path or an aggregate of one; name is the
// column name it gets by default.
func (sc *scope) expr(b *builder, s, clause string) (sql, name string, err error) {
	s = strings.TrimSpace(s)
	if m := aggRe.FindStringSubmatch(s); m != nil {
		fn := strings.ToUpper(m[1])
		arg := m[3]
		inner := "*"
		if arg != "*" || m[2] != "" {
			if inner, _, err = sc.column(b, arg, clause); err != nil {
				return "", "", err
			}
		} else if fn != "COUNT" {
			return "", "", fmt.Errorf("gomikro: query builder %s: %s(*) is not an aggregate", clause, fn)
		}
		if m[2] != "" {
			inner = "DISTINCT " + inner
		}
		return fn + "(" + inner + ")", strings.ToLower(m[1]), nil
	}
	col, f, err := sc.column(b, s, clause)
	if err != nil {
		return "", "", err
	}
	return col, f.Column, nil
}
