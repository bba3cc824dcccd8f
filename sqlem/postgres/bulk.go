package postgres

import (
	"strings"

	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/sqlem"
	"github.com/gomikro/gomikro/tracking"
)

// arrayType is the cast of an array parameter for column f.
func (d Dialect) arrayType(f *meta.Field) string {
	t := d.ColumnType(f)
	if i := strings.IndexByte(t, '('); i > 0 && f.Type == meta.TypeString {
		// varchar(n)[] would truncate silently on cast; let the column check.
		t = "text"
	}
	return t + "[]"
}

// BulkInsert implements sqlem.BulkInserter: one INSERT ... SELECT FROM
// unnest(arrays) for any number of rows. Rows come out of unnest in array
// order (WITH ORDINALITY ... ORDER BY makes it explicit), so generated
// keys ascend with it.
func (d Dialect) BulkInsert(b *tracking.InsertBatch, rows []*tracking.Entry, v sqlem.ValueReader) (string, []any, bool, error) {
	if len(b.Columns) == 0 || len(rows) == 1 {
		// One row: plain VALUES is cheaper to encode and plan.
		return "", nil, false, nil
	}
	var s strings.Builder
	args := make([]any, 0, len(b.Columns))
	s.WriteString("INSERT INTO ")
	s.WriteString(d.QuoteIdent(b.Entity.Table))
	s.WriteString(" (")
	for i, f := range b.Columns {
		if i > 0 {
			s.WriteString(", ")
		}
		s.WriteString(d.QuoteIdent(f.Column))
	}
	s.WriteString(") SELECT ")
	for i, f := range b.Columns {
		if i > 0 {
			s.WriteString(", ")
		}
		// No cast to the column's type: the assignment converts, and
		// refuses a value too long for a varchar(n), where an explicit
		// cast would cut it.
		s.WriteString("u.")
		s.WriteString(d.QuoteIdent(f.Column))
	}
	s.WriteString(" FROM unnest(")
	for i, f := range b.Columns {
		col, err := v.Column(f, rows)
		if err != nil {
			return "", nil, false, err
		}
		args = append(args, col)
		if i > 0 {
			s.WriteString(", ")
		}
		s.WriteString(d.Placeholder(i + 1))
		s.WriteString("::")
		s.WriteString(d.arrayType(f))
	}
	s.WriteString(") WITH ORDINALITY AS u(")
	for _, f := range b.Columns {
		s.WriteString(d.QuoteIdent(f.Column))
		s.WriteString(", ")
	}
	s.WriteString("gomikro_ord) ORDER BY u.gomikro_ord")
	if len(b.Return) > 0 {
		s.WriteString(" RETURNING ")
		for i, f := range sqlem.Returning(b) {
			if i > 0 {
				s.WriteString(", ")
			}
			s.WriteString(d.QuoteIdent(f.Column))
		}
	}
	return s.String(), args, true, nil
}

// BulkUpdate implements sqlem.BulkUpdater: UPDATE ... FROM unnest(arrays),
// matching the old version when the entity has one and returning the keys
// of the rows it changed.
func (d Dialect) BulkUpdate(b *tracking.UpdateBatch, rows []*tracking.Entry, v sqlem.ValueReader) (string, []any, bool, error) {
	e := b.Entity
	pk := e.PK[0]
	cols := append([]*meta.Field{pk}, b.Columns...)
	var s strings.Builder
	args := make([]any, 0, len(cols)+1)
	s.WriteString("UPDATE ")
	s.WriteString(d.QuoteIdent(e.Table))
	s.WriteString(" AS t SET ")
	for i, f := range b.Columns {
		if i > 0 {
			s.WriteString(", ")
		}
		s.WriteString(d.QuoteIdent(f.Column))
		s.WriteString(" = u.")
		s.WriteString(d.QuoteIdent(f.Column)) // no cast: see BulkInsert
	}
	s.WriteString(" FROM unnest(")
	for i, f := range cols {
		col, err := v.Column(f, rows)
		if err != nil {
			return "", nil, false, err
		}
		args = append(args, col)
		if i > 0 {
			s.WriteString(", ")
		}
		s.WriteString(d.Placeholder(i + 1))
		s.WriteString("::")
		s.WriteString(d.arrayType(f))
	}
	if b.Versioned {
		old := make([]int64, len(rows))
		for i, r := range rows {
			old[i] = e.Version.IntAt(r.Snap)
		}
		args = append(args, old)
		s.WriteString(", ")
		s.WriteString(d.Placeholder(len(args)))
		s.WriteString("::bigint[]")
	}
	s.WriteString(") AS u(")
	for i, f := range cols {
		if i > 0 {
			s.WriteString(", ")
		}
		s.WriteString(d.QuoteIdent(f.Column))
	}
	if b.Versioned {
		s.WriteString(", gomikro_old_version")
	}
	s.WriteString(") WHERE t.")
	s.WriteString(d.QuoteIdent(pk.Column))
	s.WriteString(" = u.")
	s.WriteString(d.QuoteIdent(pk.Column))
	if b.Versioned {
		s.WriteString(" AND t.")
		s.WriteString(d.QuoteIdent(e.Version.Column))
		s.WriteString(" = u.gomikro_old_version RETURNING t.")
		s.WriteString(d.QuoteIdent(pk.Column))
	}
	return s.String(), args, true, nil
}
