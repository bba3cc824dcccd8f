package mysql

import (
	"strconv"
	"strings"

	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/sqlem"
	"github.com/gomikro/gomikro/tracking"
)

// BulkUpdate implements sqlem.BulkUpdater: one UPDATE joined to a derived
// table of the new values: on MariaDB a table value constructor (WITH v
// (c0, ...) AS (VALUES (...), ...)), which costs the server about half
// of the other form; on MySQL SELECT ... UNION ALL SELECT .... Versioned batches go row by row, since MySQL
// cannot say which rows an UPDATE matched.
func (d Dialect) BulkUpdate(b *tracking.UpdateBatch, rows []*tracking.Entry, v sqlem.ValueReader) (string, []any, bool, error) {
	if b.Versioned {
		return "", nil, false, nil
	}
	e := b.Entity
	pk := e.PK[0]
	cols := append([]*meta.Field{pk}, b.Columns...)
	var s strings.Builder
	args := make([]any, 0, len(rows)*len(cols))
	s.Grow(len(rows) * 4 * len(cols))
	s.WriteString("UPDATE ")
	s.WriteString(d.QuoteIdent(e.Table))
	s.WriteString(" AS t JOIN (")
	gets := make([]func(*tracking.Entry) (any, error), len(cols))
	for j, f := range cols {
		gets[j] = v.Getter(f)
	}
	if d.tvc {
		// MariaDB's table value constructor: one query block for all the
		// rows, where UNION ALL parses and plans one SELECT a row.
		s.WriteString("WITH v (")
		for j := range cols {
			if j > 0 {
				s.WriteString(", ")
			}
			s.WriteString("c")
			s.WriteString(strconv.Itoa(j))
		}
		s.WriteString(") AS (VALUES ")
	}
	for i, r := range rows {
		switch {
		case d.tvc && i > 0:
			s.WriteString(", (")
		case d.tvc:
			s.WriteString("(")
		case i > 0:
			s.WriteString(" UNION ALL SELECT ")
		default:
			s.WriteString("SELECT ")
		}
		for j, get := range gets {
			if j > 0 {
				s.WriteString(", ")
			}
			x, err := get(r)
			if err != nil {
				return "", nil, false, err
			}
			args = append(args, d.ConvertParam(x))
			s.WriteString("?")
			if i == 0 && !d.tvc {
				s.WriteString(" AS c")
				s.WriteString(strconv.Itoa(j))
			}
		}
		if d.tvc {
			s.WriteString(")")
		}
	}
	if d.tvc {
		s.WriteString(") SELECT * FROM v")
	}
	s.WriteString(") AS v ON t.")
	s.WriteString(d.QuoteIdent(pk.Column))
	s.WriteString(" = v.c0 SET ")
	for i, f := range b.Columns {
		if i > 0 {
			s.WriteString(", ")
		}
		s.WriteString("t.")
		s.WriteString(d.QuoteIdent(f.Column))
		s.WriteString(" = v.c")
		s.WriteString(strconv.Itoa(i + 1))
	}
	return s.String(), args, true, nil
}
