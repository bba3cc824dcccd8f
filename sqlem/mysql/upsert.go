package mysql

import (
	"errors"
	"strings"

	"github.com/gomikro/gomikro/sqlem"
)

var _ sqlem.Upserter = Dialect{}

// Upsert implements sqlem.Upserter: INSERT ... ON DUPLICATE KEY UPDATE
// col = VALUES(col), which MySQL and MariaDB both accept. MySQL detects
// the conflicting key itself, so conflict only serves to keep a row as it
// is: col = col on its first column (INSERT IGNORE would also swallow
// other errors, such as a value that does not fit).
func (Dialect) Upsert(insert string, conflict, update []string) (string, error) {
	var b strings.Builder
	b.WriteString(insert)
	b.WriteString(" ON DUPLICATE KEY UPDATE ")
	if len(update) == 0 {
		if len(conflict) == 0 {
			return "", errors.New("MySQL keeps a conflicting row only with its key: give its properties to OnConflict")
		}
		b.WriteString(conflict[0] + " = " + conflict[0])
		return b.String(), nil
	}
	for i, c := range update {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(c + " = VALUES(" + c + ")")
	}
	return b.String(), nil
}

var _ sqlem.UpsertReturner = Dialect{}

// UpsertReturning implements sqlem.UpsertReturner: MariaDB 10.5+ returns
// every row of INSERT ... ON DUPLICATE KEY UPDATE ... RETURNING as the
// statement left it (inserted or updated); MySQL has no RETURNING.
func (d Dialect) UpsertReturning() bool { return d.returning }
