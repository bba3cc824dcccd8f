package qbtest_test

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/internal/qbtest"
	"github.com/gomikro/gomikro/query"
	"github.com/gomikro/gomikro/sqlem"
	"github.com/gomikro/gomikro/sqlem/mysql"
	"github.com/gomikro/gomikro/sqlem/postgres"
	"github.com/gomikro/gomikro/sqlem/sqlite"
)

// dialects are the SQL dialects the fuzz targets render with: an ORM
// without a connection, enough for ToSQL.
func dialects(f *testing.F) []*sqlem.ORM {
	var out []*sqlem.ORM
	for _, d := range []sqlem.Dialect{postgres.Dialect{}, mysql.Dialect{}, sqlite.Dialect{}} {
		orm, err := sqlem.Open(gomikro.Config{Entities: qbtest.Entities()}, d, nil)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, orm)
	}
	return out
}

// FuzzQueryBuilder renders query-builder statements built from a fuzzed
// filter (JSON), value, alias, property name and shape on every dialect,
// without a database. Rendering may fail; when it succeeds:
//   - values are bound: the same statement with other values of the same
//     shape renders the same SQL text;
//   - identifiers are quoted: outside quoted identifiers and placeholders
//     the SQL holds only keywords, operators and gomikro's own t<n>
//     aliases;
//   - an UPDATE or DELETE without All() has a WHERE that is not constant
//     TRUE.
func FuzzQueryBuilder(f *testing.F) {
	seeds := []struct {
		filter, value, alias, prop string
		mode                       uint8
	}{
		{`{"title":"Go"}`, "x", "b", "title", 0},
		{`{"year":{"$gte":2000,"$lt":2010}}`, "y", "b", "-b.year", 0},
		{`{"author.name":{"$like":"A%"}}`, "'; DROP TABLE q_book; --", "b", "price", 1},
		{`{"id":{"$nin":[]}}`, "v", "b", "title", 3},
		{`{"$not":{"$or":[]}}`, "v", "b", "title", 1},
		{`{"$or":[{"year":{"$gt":2000}},{"meta":null}]}`, `" OR 1=1 --`, "bk", "year", 2},
		{`{"tags":{"name":{"$in":["a","b"]}}}`, "\x00", "b", "b.title desc", 4},
		{`{"meta":{"a":{"b":[1,{"c":null}]}}}`, "`x`", "b", "title", 5},
		{`{"b":{"title":{"$re":"^G"}}}`, "$1", "b", "count(*)", 6},
		{`{"author":{"$exists":true}}`, "?", "my_alias", "author", 6},
		{`{}`, "", "b", "", 3},
		{`{"id":[1,2,3]}`, "ü", "B", "Title", 1},
		{`{"title":{"$ne":null}}`, "x", "b", "title", 3},
		{`{"a.name":"x"}`, "x", "b", "a.name", 4},
	}
	for _, s := range seeds {
		f.Add(s.filter, s.value, s.alias, s.prop, s.mode)
	}
	orms := dialects(f)
	f.Fuzz(func(t *testing.T, filter, value, alias, prop string, mode uint8) {
		if len(filter) > 1024 || len(value) > 512 || len(alias) > 64 || len(prop) > 64 {
			return
		}
		var fm map[string]any
		d := json.NewDecoder(bytes.NewReader([]byte(filter)))
		d.UseNumber()
		if d.Decode(&fm) != nil {
			fm = nil
		}
		for _, orm := range orms {
			m := orm.EM().Fork()
			sql, args, err := build(m, fm, value, alias, prop, mode).ToSQL()
			if err != nil {
				continue
			}
			// Values bound: other values of the same shape, the same SQL.
			sql2, args2, err := build(m, rewrite(fm), "v", alias, prop, mode).ToSQL()
			if err == nil && (sql2 != sql || len(args2) != len(args)) {
				t.Fatalf("the SQL depends on the values:\n%s\n%s", sql, sql2)
			}
			checkIdentifiers(t, orm.Dialect(), sql)
			if mode%8 != 2 {
				checkWhere(t, sql)
			}
		}
	})
}

// build makes the statement of one fuzz input; mode picks its shape.
func build(m *sqlem.EntityManager, filter map[string]any, value, alias, prop string, mode uint8) *sqlem.QueryBuilder[qbtest.QBook] {
	qb := sqlem.QB[qbtest.QBook](m, alias)
	var where query.Filter = query.M(filter)
	if filter == nil {
		where = nil
	}
	switch mode % 8 {
	case 0:
		return qb.Where(where).Where(query.Eq("title", value)).OrderBy(prop).Limit(3).Offset(1)
	case 1:
		return qb.Set("title", value).Where(where)
	case 2:
		return qb.Set("title", value).Where(where).All()
	case 3:
		return qb.Delete().Where(where)
	case 4:
		return qb.JoinAndSelect(alias+".author", "a").Where(where).Where(query.M{"a.name": value}).OrderBy(prop)
	case 5:
		return qb.Update(map[string]any{prop: value}).Where(where).OrWhere(query.Like("title", value))
	case 6:
		return qb.Select(prop).GroupBy(prop).Where(where).Having(query.M{"year": query.M{"$gt": len(value)}})
	default:
		return qb.Delete().Where(where).OrWhere(query.Nin("title", value, value+"2"))
	}
}

// rewrite returns the filter with every string replaced by "s" and every
// number by 7 (or 7.5): the same shape, other values.
func rewrite(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	return rewriteValue(m).(map[string]any)
}

func rewriteValue(v any) any {
	switch x := v.(type) {
	case string:
		return "s"
	case json.Number:
		if strings.ContainsAny(string(x), ".eE") {
			return json.Number("7.5")
		}
		return json.Number("7")
	case []any:
		out := make([]any, len(x))
		for i, y := range x {
			out[i] = rewriteValue(y)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, y := range x {
			out[k] = rewriteValue(y)
		}
		return out
	}
	return v
}

var (
	placeholder = regexp.MustCompile(`\$[0-9]+|\?`)
	word        = regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_]*`)
	ownAlias    = regexp.MustCompile(`^t[0-9]+$`)
	keywords    = map[string]bool{}
)

func init() {
	for _, k := range strings.Fields(`SELECT DISTINCT FROM WHERE AND OR NOT IN IS NULL TRUE FALSE LIKE ILIKE
		AS JOIN LEFT INNER ON ORDER BY ASC DESC LIMIT OFFSET UPDATE SET DELETE EXISTS GROUP HAVING
		COUNT SUM AVG MIN MAX LOWER UPPER REGEXP FOR SHARE NOWAIT SKIP LOCKED LOCK MODE COLLATE
		CAST INTEGER BIGINT TEXT CASE WHEN THEN ELSE END NULLS FIRST LAST ALL ANY`) {
		keywords[k] = true
	}
}

// checkIdentifiers fails when the SQL holds a word that is neither a
// keyword nor inside a quoted identifier.
func checkIdentifiers(t *testing.T, d sqlem.Dialect, sql string) {
	t.Helper()
	q := d.QuoteIdent("")[:1]
	var rest strings.Builder
	in := false
	for i := 0; i < len(sql); i++ {
		c := sql[i : i+1]
		switch {
		case in && c == q && i+1 < len(sql) && sql[i+1:i+2] == q:
			i++ // a doubled quote inside an identifier
		case c == q:
			in = !in
			rest.WriteString(" ")
		case !in:
			rest.WriteString(c)
		}
	}
	if in {
		t.Fatalf("unbalanced identifier quotes in %s", sql)
	}
	outside := placeholder.ReplaceAllString(rest.String(), " ")
	if strings.ContainsAny(outside, "'\"`;") || strings.Contains(outside, "--") || strings.Contains(outside, "/*") {
		t.Fatalf("quotes, a semicolon or a comment outside identifiers: %s", sql)
	}
	for _, w := range word.FindAllString(outside, -1) {
		if !keywords[strings.ToUpper(w)] && !ownAlias.MatchString(w) {
			t.Fatalf("unquoted word %q in %s", w, sql)
		}
	}
}

// checkWhere fails for an UPDATE or DELETE whose WHERE is missing or
// constant TRUE.
func checkWhere(t *testing.T, sql string) {
	t.Helper()
	if !strings.HasPrefix(sql, "UPDATE") && !strings.HasPrefix(sql, "DELETE") {
		return
	}
	_, where, ok := strings.Cut(sql, " WHERE ")
	if !ok {
		t.Fatalf("%s without WHERE", sql)
	}
	if v, constant := evalConst(where); constant && v {
		t.Fatalf("%s: its WHERE is always true", sql)
	}
}

// evalConst evaluates a WHERE clause made only of TRUE, FALSE, NOT, AND,
// OR and parentheses; constant is false for anything else.
func evalConst(s string) (value, constant bool) {
	toks := strings.Fields(strings.NewReplacer("(", " ( ", ")", " ) ").Replace(s))
	for _, tk := range toks {
		switch tk {
		case "TRUE", "FALSE", "NOT", "AND", "OR", "(", ")":
		default:
			return false, false
		}
	}
	p := &constParser{toks: toks}
	v := p.or()
	return v, p.i == len(toks)
}

type constParser struct {
	toks []string
	i    int
}

func (p *constParser) peek() string {
	if p.i < len(p.toks) {
		return p.toks[p.i]
	}
	return ""
}

func (p *constParser) or() bool {
	v := p.and()
	for p.peek() == "OR" {
		p.i++
		v = p.and() || v
	}
	return v
}

func (p *constParser) and() bool {
	v := p.not()
	for p.peek() == "AND" {
		p.i++
		v = p.not() && v
	}
	return v
}

func (p *constParser) not() bool {
	if p.peek() == "NOT" {
		p.i++
		return !p.not()
	}
	switch p.peek() {
	case "(":
		p.i++
		v := p.or()
		if p.peek() == ")" {
			p.i++
		}
		return v
	case "TRUE":
		p.i++
		return true
	}
	p.i++
	return false
}
