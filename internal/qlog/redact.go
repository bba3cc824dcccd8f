package qlog

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Redact removes from a driver's error message the values it may carry:
// the text of any of params (the statement's bound values), quoted
// literals that hold part of one (servers truncate long values), and the
// detail fields that hold a row's values whatever they are (MongoDB's
// "dup key: { ... }", PostgreSQL's "Key (...)=(...)" and "Failing row
// contains (...)"). Error codes, constraint and column names stay, unless
// they share text with a value. It is the error text of the masked query
// log (gomikro.Config.MaskParams).
func Redact(msg string, params []any) string {
	for _, d := range details {
		msg = d.re.ReplaceAllString(msg, d.with)
	}
	msg = redactBraces(msg, "dup key: ")
	texts := paramTexts(params)
	if len(texts) == 0 {
		return msg
	}
	msg = redactQuoted(msg, texts)
	for _, t := range texts {
		msg = replaceToken(msg, t)
	}
	return msg
}

// details are the message parts that hold values of a row.
var details = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`(Key \([^)]*\))=\(.*\)( already exists| is not present in table| is still referenced from table|)`), "$1=(?)$2"},
	{regexp.MustCompile(`Failing row contains \(.*\)`), "Failing row contains (?)"},
}

// redactBraces replaces the balanced {...} after each marker with { ? }.
func redactBraces(msg, marker string) string {
	var b strings.Builder
	for {
		i := strings.Index(msg, marker)
		if i < 0 {
			break
		}
		j := i + len(marker)
		if j >= len(msg) || msg[j] != '{' {
			b.WriteString(msg[:j])
			msg = msg[j:]
			continue
		}
		depth, k := 0, j
		for ; k < len(msg); k++ {
			if msg[k] == '{' {
				depth++
			} else if msg[k] == '}' {
				depth--
				if depth == 0 {
					break
				}
			}
		}
		b.WriteString(msg[:j])
		b.WriteString("{ ? }")
		if k >= len(msg) {
			msg = ""
			break
		}
		msg = msg[k+1:]
	}
	b.WriteString(msg)
	return b.String()
}

// redactQuoted replaces the content of quoted literals ('...', "...",
// `...`) that hold part of a value, or that a value is part of.
func redactQuoted(msg string, texts []string) string {
	var b strings.Builder
	i := 0
	for i < len(msg) {
		c := msg[i]
		if c != '\'' && c != '"' && c != '`' {
			b.WriteByte(c)
			i++
			continue
		}
		j := strings.IndexByte(msg[i+1:], c)
		if j < 0 {
			b.WriteString(msg[i:])
			break
		}
		content := msg[i+1 : i+1+j]
		b.WriteByte(c)
		if holdsValue(content, texts) {
			b.WriteByte('?')
		} else {
			b.WriteString(content)
		}
		b.WriteByte(c)
		i += j + 2
	}
	return b.String()
}

// holdsValue reports whether a quoted literal shares a value's text: it
// contains one, or is a part of one (cut short with "..." or not).
func holdsValue(content string, texts []string) bool {
	c := strings.TrimSuffix(strings.TrimSuffix(content, "..."), "…")
	if c == "" {
		return false
	}
	for _, t := range texts {
		if t == c || (utf8.RuneCountInString(t) >= 2 && strings.Contains(c, t)) ||
			(utf8.RuneCountInString(c) >= 2 && strings.Contains(t, c)) {
			return true
		}
	}
	return false
}

// replaceToken replaces t in msg with ?: everywhere when it is long, as a
// whole token (not inside a longer word or number) when it is short.
func replaceToken(msg, t string) string {
	if len(t) >= 6 {
		return strings.ReplaceAll(msg, t, "?")
	}
	var b strings.Builder
	for {
		i := strings.Index(msg, t)
		if i < 0 {
			break
		}
		end := i + len(t)
		before, _ := utf8.DecodeLastRuneInString(msg[:i])
		after, _ := utf8.DecodeRuneInString(msg[end:])
		b.WriteString(msg[:i])
		if (i == 0 || !wordRune(before)) && (end == len(msg) || !wordRune(after)) {
			b.WriteString("?")
		} else {
			b.WriteString(t)
		}
		msg = msg[end:]
	}
	b.WriteString(msg)
	return b.String()
}

func wordRune(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

// maxTexts bounds the values a redaction looks for (a failed bulk
// statement may carry tens of thousands).
const maxTexts = 1 << 16

// paramTexts returns the text forms of params (elements of lists and maps
// included, the leaves of JSON text too), without duplicates, longest
// first.
func paramTexts(params []any) []string {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if s != "" && !seen[s] && len(out) < maxTexts {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, p := range params {
		textsOf(reflect.ValueOf(p), add, 0)
	}
	slices.SortFunc(out, func(a, b string) int { return len(b) - len(a) })
	return out
}

func textsOf(v reflect.Value, add func(string), depth int) {
	if !v.IsValid() || depth > 8 {
		return
	}
	if v.CanInterface() {
		switch x := v.Interface().(type) {
		case time.Time:
			add(x.Format(time.RFC3339Nano))
			add(x.UTC().Format(time.RFC3339Nano))
			add(x.UTC().Format("2006-01-02 15:04:05.999999"))
			add(x.UTC().Format("2006-01-02 15:04:05"))
			add(x.String())
			return
		case []byte:
			textOfString(string(x), add, depth)
			return
		case driver.Valuer:
			if v.Kind() == reflect.Pointer && v.IsNil() {
				return
			}
			if dv, err := x.Value(); err == nil && dv != nil {
				textsOf(reflect.ValueOf(dv), add, depth+1)
			}
			if s, ok := x.(fmt.Stringer); ok {
				add(s.String())
			}
			return
		}
	}
	switch v.Kind() {
	case reflect.String:
		textOfString(v.String(), add, depth)
	case reflect.Bool:
		add(strconv.FormatBool(v.Bool()))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		add(strconv.FormatInt(v.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		add(strconv.FormatUint(v.Uint(), 10))
	case reflect.Float32, reflect.Float64:
		add(strconv.FormatFloat(v.Float(), 'g', -1, 64))
		add(strconv.FormatFloat(v.Float(), 'f', -1, 64))
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			textsOf(v.Elem(), add, depth+1)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			textsOf(v.Index(i), add, depth+1)
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			textsOf(it.Value(), add, depth+1)
		}
	case reflect.Struct:
		// Key/value pairs (bson.E): the values, not the names.
		for i := range v.NumField() {
			if f := v.Type().Field(i); f.IsExported() && f.Name != "Key" {
				textsOf(v.Field(i), add, depth+1)
			}
		}
	default:
		if v.CanInterface() {
			add(fmt.Sprint(v.Interface()))
		}
	}
}

// textOfString adds s, and the leaves of s when it is a JSON document
// (a JSON column's parameter).
func textOfString(s string, add func(string), depth int) {
	add(s)
	t := strings.TrimSpace(s)
	if len(t) < 2 || (t[0] != '{' && t[0] != '[') {
		return
	}
	var doc any
	if json.Unmarshal([]byte(t), &doc) == nil {
		textsOf(reflect.ValueOf(doc), add, depth+1)
	}
}
