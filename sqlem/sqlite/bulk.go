package sqlite

import (
	"strconv"
	"strings"

	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/sqlem"
	"github.com/gomikro/gomikro/tracking"
)

// BulkUpdate implements sqlem.BulkUpdater: one UPDATE ... FROM (VALUES
// ...) for the rows of a batch, matching the old version when the entity
// has one and returning the keys of the rows it changed.
func (d Dialect) BulkUpdate(b *tracking.UpdateBatch, rows []*tracking.Entry, v sqlem.ValueReader) (string, []any, bool, error) {
	e := b.Entity
	pk := e.PK[0]
	cols := append([]*meta.Field{pk}, b.Columns...)
	width := len(cols)
	if b.Versioned {
		width++
	}
	var s strings.Builder
	args := make([]any, 0, len(rows)*width)
	s.WriteString("UPDATE ")
	s.WriteString(d.QuoteIdent(e.Table))
	s.WriteString(" AS t SET ")
	for i, f := range b.Columns {
		if i > 0 {
			s.WriteString(", ")
		}
		s.WriteString(d.QuoteIdent(f.Column))
		s.WriteString(" = v.column")
		s.WriteString(strconv.Itoa(i + 2))
	}
	s.WriteString(" FROM (VALUES ")
	gets := make([]func(*tracking.Entry) (any, error), len(cols))
	for j, f := range cols {
		gets[j] = v.Getter(f)
	}
	for i, r := range rows {
		if i > 0 {
			s.WriteString(", ")
		}
		s.WriteString("(")
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
		}
		if b.Versioned {
			args = append(args, b.OldVersion(r))
			s.WriteString(", ?")
		}
		s.WriteString(")")
	}
	s.WriteString(") AS v WHERE t.")
	s.WriteString(d.QuoteIdent(pk.Column))
	s.WriteString(" = v.column1")
	if b.Versioned {
		s.WriteString(" AND t.")
		s.WriteString(d.QuoteIdent(e.Version.Column))
		s.WriteString(" = v.column")
		s.WriteString(strconv.Itoa(width))
		s.WriteString(" RETURNING ")
		s.WriteString(d.QuoteIdent(pk.Column))
	}
	return s.String(), args, true, nil
}

var _ sqlem.BulkUpdateSizer = Dialect{}

// BulkUpdateRows implements sqlem.BulkUpdateSizer: 250 rows a statement.
// SQLite's UPDATE ... FROM (VALUES ...) costs more per row the more rows
// one statement carries; callgrind, 10,000 one-column updates in one
// transaction, statements of 100 rows: 157M instructions; 250: 152M;
// 500: 156M; 1,000: 163M; 10,922 (the parameter limit): 173M. Through a
// flush (BenchmarkUpdate10k): 160M at 250 rows, 179M at the limit.
func (Dialect) BulkUpdateRows(int) int { return 250 }
