package qlog

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestRedact(t *testing.T) {
	const s = "S3CRET-alice@example.com"
	long := "S3CRET" + strings.Repeat("x", 300)
	when := time.Date(2024, 5, 6, 7, 8, 9, 123456000, time.UTC)
	cases := []struct {
		name   string
		msg    string
		params []any
		want   string
		hidden []string
	}{
		{"MariaDBDuplicate", "Error 1062 (23000): Duplicate entry '" + s + "' for key 'uq_author_email'", []any{"Ann", s, nil, false},
			"Error 1062 (23000): Duplicate entry '?' for key 'uq_author_email'", nil},
		{"MariaDBTruncated", "Error 1062 (23000): Duplicate entry '" + long[:64] + "...' for key 'uq_publisher_name'", []any{long},
			"Error 1062 (23000): Duplicate entry '?' for key 'uq_publisher_name'", nil},
		{"MariaDBComposite", "Error 1062 (23000): Duplicate entry '978-3-16-S3CRET-7' for key 'PRIMARY'", []any{"978-3-16-S3CRET", 7},
			"Error 1062 (23000): Duplicate entry '?' for key 'PRIMARY'", nil},
		{"MariaDBIncorrectValue", "Error 1366 (22007): Incorrect integer value: 'S3CRET' for column `db`.`author`.`age` at row 1", []any{"S3CRET"},
			"Error 1366 (22007): Incorrect integer value: '?' for column `db`.`author`.`age` at row 1", nil},
		{"PostgresInvalidInput", `ERROR: invalid input syntax for type bigint: "S3CRET" (SQLSTATE 22P02)`, []any{"S3CRET"},
			`ERROR: invalid input syntax for type bigint: "?" (SQLSTATE 22P02)`, nil},
		{"PostgresDetail", `duplicate key value violates unique constraint "uq_author_email": Key (email)=(` + s + `) already exists.`, nil,
			`duplicate key value violates unique constraint "uq_author_email": Key (email)=(?) already exists.`, nil},
		{"PostgresFailingRow", `new row violates check constraint "c": Failing row contains (1, S3CRET, 2).`, nil,
			`new row violates check constraint "c": Failing row contains (?).`, nil},
		{"PgxEncode", `failed to encode args[1]: unable to encode "S3CRET" into binary format for int8 (OID 20): cannot find encode plan`, []any{1, "S3CRET"},
			`failed to encode args[?]: unable to encode "?" into binary format for int8 (OID 20): cannot find encode plan`, nil}, // the value 1 too
		{"MongoDupKey", `write exception: write errors: [E11000 duplicate key error collection: db.author index: email_1 dup key: { email: "` + s + `" }]`, nil,
			`write exception: write errors: [E11000 duplicate key error collection: db.author index: email_1 dup key: { ? }]`, nil},
		{"MongoDupKeyNested", `E11000 duplicate key error collection: db.edition index: _id_ dup key: { _id: { isbn: "S3CRET", printing: 2 } }`, nil,
			`E11000 duplicate key error collection: db.edition index: _id_ dup key: { ? }`, nil},
		{"UnquotedValue", "value S3CRET is out of range", []any{"S3CRET"}, "value ? is out of range", nil},
		{"ShortValueAsToken", "Error 1264 (22003): Out of range value for column 'age' at row 1: 77", []any{77},
			"Error 1264 (22003): Out of range value for column 'age' at row 1: ?", nil},
		{"ShortValueInsideWord", "Error 1062 (23000): Duplicate entry '1' for key 'uq_x1'", []any{1},
			"Error 1062 (23000): Duplicate entry '?' for key 'uq_x1'", nil},
		{"ListElements", `Duplicate entry 'S3CRET' for key 'name'`, []any{[]string{"a", "S3CRET"}}, `Duplicate entry '?' for key 'name'`, nil},
		{"JSONLeaves", `invalid value "S3CRET" in JSON`, []any{`{"k":["S3CRET"]}`}, `invalid value "?" in JSON`, nil},
		{"Bytes", `Duplicate entry 'S3CRET' for key 'name'`, []any{[]byte("S3CRET")}, `Duplicate entry '?' for key 'name'`, nil},
		{"Pointer", `Duplicate entry 'S3CRET' for key 'name'`, []any{ptr("S3CRET")}, `Duplicate entry '?' for key 'name'`, nil},
		{"Time", "Duplicate entry '2024-05-06 07:08:09.123456' for key 'at'", []any{when}, "Duplicate entry '?' for key 'at'", nil},
		{"Float", "Out of range value 1.5e+300 for column 'price'", []any{1.5e300}, "Out of range value ? for column 'price'", nil},
		{"KeyValuePairs", `dup: "S3CRET"`, []any{[]kv{{Key: "email", Value: "S3CRET"}}}, `dup: "?"`, nil},
		{"NothingToHide", "ERROR: relation \"nope\" does not exist (SQLSTATE 42P01)", []any{"x1"}, "ERROR: relation \"nope\" does not exist (SQLSTATE 42P01)", nil},
		{"UnbalancedQuote", "Duplicate entry 'O'Brien-S3CRET' for key 'name'", []any{"O'Brien-S3CRET"}, "", []string{"S3CRET", "Brien"}},
	}
	for _, c := range cases {
		got := Redact(c.msg, c.params)
		if c.want != "" && got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
		for _, h := range c.hidden {
			if strings.Contains(got, h) {
				t.Errorf("%s: %q still in %s", c.name, h, got)
			}
		}
	}
}

type kv struct {
	Key   string
	Value any
}

func ptr[T any](v T) *T { return &v }

func TestMaskedLogRedactsTheError(t *testing.T) {
	var buf bytes.Buffer
	l := New(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})), true)
	l.LogParams(context.Background(), time.Now(), -1, errors.New("Duplicate entry 'S3CRET' for key 'k'"), []any{"S3CRET"}, slog.String("sql", "INSERT"))
	if out := buf.String(); strings.Contains(out, "S3CRET") || !strings.Contains(out, "Duplicate entry '?' for key 'k'") {
		t.Fatalf("masked: %s", out)
	}
	buf.Reset()
	l = New(slog.New(slog.NewTextHandler(&buf, nil)), false)
	l.LogParams(context.Background(), time.Now(), -1, errors.New("Duplicate entry 'S3CRET' for key 'k'"), []any{"S3CRET"})
	if !strings.Contains(buf.String(), "S3CRET") {
		t.Fatalf("unmasked logs lost the error text: %s", buf.String())
	}
}

func FuzzRedact(f *testing.F) {
	f.Add("Duplicate entry 'S3CRET' for key 'k'", "S3CRET")
	f.Add(`dup key: { _id: { a: "x" } }`, "x")
	f.Add(`Key (a)=(b) already exists`, "b")
	f.Add("'''", "'")
	f.Fuzz(func(t *testing.T, msg, secret string) {
		if len(msg) > 4096 || len(secret) > 256 {
			return
		}
		got := Redact(msg, []any{secret})
		if len(secret) >= 6 && strings.Contains(got, secret) {
			t.Fatalf("Redact(%q, %q) = %q keeps the value", msg, secret, got)
		}
	})
}
