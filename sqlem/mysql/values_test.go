package mysql_test

import (
	"context"
	"errors"
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/sqlem/mysql"
)

func TestColumnOf(t *testing.T) {
	for msg, want := range map[string]string{
		"Data too long for column 'body' at row 1":                                           "body",
		"Out of range value for column 'n' at row 1":                                         "n",
		"Column 'e' cannot be null":                                                          "e",
		"Incorrect datetime value: '2020-13-01' for column `test`.`tx`.`d` at row 1":         "d",
		"Incorrect string value: '\\xE6\\x97' for column `db`.`t``x`.`a``b.c` at row 1":      "a`b.c",
		"Incorrect integer value: 'x' for column `tx`.`a` at row 1":                          "a",
		"Incorrect integer value: 'x' for column `unterminated":                              "",
		"Duplicate entry 'x' for key 'uq_t_email'":                                           "",
		"Truncated incorrect DOUBLE value: 'column '":                                        "",
		"Incorrect decimal value: '' for column `gomikro_test_1`.`values_note`.`day` at row": "day",
	} {
		if got := mysql.ColumnOf(msg); got != want {
			t.Errorf("%q: column %q, want %q", msg, got, want)
		}
	}
}

// ValuesNote has columns of explicit types that only the server checks,
// so that its value errors come back: MariaDB names the column as
// `db`.`table`.`column` in some of them, as 'column' in others.
type ValuesNote struct {
	ID    int64  `orm:"pk"`
	Day   string `orm:"type=DATE,nullable"`
	Tiny  int    `orm:"type=TINYINT"`
	Latin string `orm:"type=VARCHAR(10) CHARACTER SET latin1"`
	Small string `orm:"type=VARCHAR(3)"`
	Pos   int    `orm:"type=INT CHECK (pos >= 0),nullable"`
}

// TestServerValueErrorsNameTheField: every value error the server
// reports is ErrCheckViolation naming ValuesNote.<Field>, and the flush
// writes nothing.
func TestServerValueErrorsNameTheField(t *testing.T) {
	ctx := context.Background()
	orm := openFresh(t, gomikro.Config{Entities: []any{ValuesNote{}}})
	for _, c := range []struct {
		field string
		set   func(n *ValuesNote)
	}{
		{"Day", func(n *ValuesNote) { n.Day = "2020-13-01" }}, // 1292, `db`.`table`.`col`
		{"Latin", func(n *ValuesNote) { n.Latin = "日本" }},     // 1366, `db`.`table`.`col`
		{"Tiny", func(n *ValuesNote) { n.Tiny = 300 }},        // 1264, 'col'
		{"Small", func(n *ValuesNote) { n.Small = "abcd" }},   // 1406, 'col'
		{"Pos", func(n *ValuesNote) { n.Pos = -1 }},           // 4025, CONSTRAINT `table.col`
	} {
		m := orm.EM().Fork()
		good, bad := &ValuesNote{Day: "2020-01-01"}, &ValuesNote{Day: "2020-01-01"}
		c.set(bad)
		if err := m.Persist(good, bad); err != nil {
			t.Fatal(err)
		}
		err := m.Flush(ctx)
		var ce *gomikro.ConstraintError
		if !errors.Is(err, gomikro.ErrCheckViolation) || !errors.As(err, &ce) || ce.Entity != "ValuesNote" || ce.Field != c.field {
			t.Errorf("%s: %v, want ErrCheckViolation naming ValuesNote.%s", c.field, err, c.field)
		}
		if n, err := em.Count[ValuesNote](ctx, orm.EM().Fork(), nil); err != nil || n != 0 {
			t.Fatalf("%s: %d rows written by the failed flush (%v)", c.field, n, err)
		}
	}
}
