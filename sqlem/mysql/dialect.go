package mysql

import (
	"database/sql/driver"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/schema"
	"github.com/gomikro/gomikro/sqlem"
)

// Dialect is the MySQL/MariaDB dialect. Open sets it up from what the
// server can do.
type Dialect struct {
	// returning: INSERT ... RETURNING (MariaDB 10.5+).
	returning bool
	// step between the keys of one multi-row insert; 0 when they may not
	// be consecutive.
	step int64
	// tvc: table value constructors, VALUES (...), ... (MariaDB 10.3+).
	tvc bool
}

var (
	_ sqlem.Dialect        = Dialect{}
	_ sqlem.InsertIDs      = Dialect{}
	_ sqlem.BulkUpdater    = Dialect{}
	_ sqlem.ParamConverter = Dialect{}
	_ sqlem.LimitedValues  = Dialect{}
	_ schema.DropGuard     = Dialect{}
	_ schema.TableOptions  = Dialect{}
)

// QuoteIdent implements schema.Dialect: `name`, with backticks doubled.
func (Dialect) QuoteIdent(name string) string {
	return "`" + strings.ReplaceAll(name, "`", "``") + "`"
}

// ColumnType implements schema.Dialect. Floats are DOUBLE. A string without a length is
// LONGTEXT, unless it is unique or indexed: MySQL indexes VARCHAR, so it
// becomes VARCHAR(255).
func (Dialect) ColumnType(f *meta.Field) string {
	if f.ColumnType != "" {
		return f.ColumnType
	}
	switch f.Type {
	case meta.TypeBool:
		return "BOOLEAN"
	case meta.TypeInt16:
		return "SMALLINT"
	case meta.TypeInt32:
		return "INT"
	case meta.TypeInt64:
		return "BIGINT"
	case meta.TypeFloat32, meta.TypeFloat64:
		// Not FLOAT for float32: the text protocol sends a FLOAT with six
		// significant digits, so most float32 values would not read back.
		return "DOUBLE"
	case meta.TypeDecimal:
		return "DECIMAL(" + strconv.Itoa(f.Precision) + "," + strconv.Itoa(f.Scale) + ")"
	case meta.TypeString:
		switch {
		case f.Enum != nil:
			return enumType(f.Enum)
		case f.Length > 0:
			return "VARCHAR(" + strconv.Itoa(f.Length) + ")"
		case f.Unique || f.Indexed || f.Storage == meta.StoreRef || isKey(f):
			return "VARCHAR(255)"
		}
		return "LONGTEXT"
	case meta.TypeBytes:
		if f.Unique || f.Indexed || isKey(f) {
			return "VARBINARY(255)"
		}
		return "LONGBLOB"
	case meta.TypeTime:
		return "DATETIME(6)"
	case meta.TypeJSON:
		return "JSON"
	}
	return "LONGTEXT"
}

func isKey(f *meta.Field) bool {
	for _, k := range f.Entity.PK {
		if k == f {
			return true
		}
	}
	return false
}

// IdentityClause implements schema.Dialect.
func (Dialect) IdentityClause(*meta.Field) string { return " AUTO_INCREMENT" }

// DefaultClause implements schema.Dialect.
func (Dialect) DefaultClause(f *meta.Field) string {
	d := f.Default
	if d == nil {
		return ""
	}
	if d.Now {
		return "CURRENT_TIMESTAMP(6)"
	}
	switch f.Type {
	case meta.TypeString:
		s := "'" + strings.ReplaceAll(strings.ReplaceAll(d.Value, `\`, `\\`), "'", "''") + "'"
		if f.Length == 0 {
			// TEXT columns take an expression default only (MySQL 8.0.13+).
			return "(" + s + ")"
		}
		return s
	case meta.TypeBool:
		if b, _ := strconv.ParseBool(d.Value); b {
			return "TRUE"
		}
		return "FALSE"
	}
	return d.Value // validated as a number by meta
}

// DropTable implements schema.Dialect.
func (d Dialect) DropTable(table string) []string {
	return []string{"DROP TABLE IF EXISTS " + d.QuoteIdent(table)}
}

// SupportsTransactionalDDL implements schema.Dialect: MySQL commits
// around every DDL statement.
func (Dialect) SupportsTransactionalDDL() bool { return false }

// DropPrologue implements schema.DropGuard.
func (Dialect) DropPrologue() []string { return []string{"SET FOREIGN_KEY_CHECKS = 0"} }

// DropEpilogue implements schema.DropGuard.
func (Dialect) DropEpilogue() []string { return []string{"SET FOREIGN_KEY_CHECKS = 1"} }

// TableOptions implements schema.TableOptions.
func (Dialect) TableOptions() string {
	return " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"
}

// DefaultValues renders an insert of a row whose columns all default.
func (Dialect) DefaultValues() string { return "() VALUES ()" }

// InsertIDStep implements sqlem.InsertIDs.
func (d Dialect) InsertIDStep() int64 { return d.step }

// Placeholder implements sqlem.Dialect.
func (Dialect) Placeholder(int) string { return "?" }

// Returning implements sqlem.Dialect: INSERT ... RETURNING on MariaDB
// 10.5 and later.
func (d Dialect) Returning() bool { return d.returning }

// MaxParams implements sqlem.Dialect: the protocol's limit for prepared
// statements.
func (Dialect) MaxParams() int { return 65535 }

// ValueLimits implements sqlem.LimitedValues: FLOAT and DOUBLE hold
// neither NaN nor infinities.
func (Dialect) ValueLimits() sqlem.ValueLimits { return sqlem.ValueLimits{NoNaN: true, NoInf: true} }

// zeroTime is how the zero time.Time is sent: the driver would send
// '0000-00-00', which strict mode refuses, and reads this back as the
// zero time.
const zeroTime = "0001-01-01 00:00:00"

// ConvertParam implements sqlem.ParamConverter: times are sent in UTC
// (the session's time zone) truncated to the microseconds DATETIME(6)
// keeps, so that the server neither rounds them (MySQL) nor truncates
// them differently from the other backends; the zero time is sent as
// 0001-01-01.
func (Dialect) ConvertParam(v any) any {
	if t, ok := v.(time.Time); ok {
		if t.IsZero() {
			return zeroTime
		}
		return t.UTC().Truncate(time.Microsecond)
	}
	return v
}

// EncodeJSON implements sqlem.Dialect.
func (Dialect) EncodeJSON(b []byte) any { return string(b) }

// ILike implements sqlem.Dialect.
func (Dialect) ILike(lhs, p string) string { return "LOWER(" + lhs + ") LIKE LOWER(" + p + ")" }

// Regexp implements sqlem.Dialect.
func (Dialect) Regexp(lhs, p string) string { return lhs + " REGEXP " + p }

// LimitOffset implements sqlem.Dialect. An OFFSET needs a LIMIT.
func (Dialect) LimitOffset(limit, offset int) string {
	switch {
	case limit > 0 && offset > 0:
		return " LIMIT " + strconv.Itoa(limit) + " OFFSET " + strconv.Itoa(offset)
	case limit > 0:
		return " LIMIT " + strconv.Itoa(limit)
	case offset > 0:
		return " LIMIT 18446744073709551615 OFFSET " + strconv.Itoa(offset)
	}
	return ""
}

// Lock implements sqlem.Dialect. LOCK IN SHARE MODE is understood by
// MySQL and MariaDB alike.
func (Dialect) Lock(m sqlem.LockMode) string {
	switch m {
	case sqlem.LockForUpdate:
		return " FOR UPDATE"
	case sqlem.LockForShare:
		return " LOCK IN SHARE MODE"
	case sqlem.LockForUpdateSkipLocked:
		return " FOR UPDATE SKIP LOCKED"
	case sqlem.LockForUpdateNoWait:
		return " FOR UPDATE NOWAIT"
	}
	return ""
}

// Server error numbers.
const (
	errDupEntry        = 1062
	errNoReferencedRow = 1452
	errRowIsReferenced = 1451
	errBadNull         = 1048
	errDataTooLong     = 1406
	errOutOfRange      = 1264
	errTruncated       = 1265
	errIncorrectValue  = 1366
	errTruncWrongValue = 1292
	errCheck           = 3819
	errCheckMaria      = 4025
	errLockWait        = 1205
	errDeadlock        = 1213
	errNoWait          = 3572
)

var (
	quotedKey = regexp.MustCompile(`for key '(?:[^'.]*\.)?([^']+)'`)
	fkName    = regexp.MustCompile("CONSTRAINT `([^`]+)`")
)

// Classify implements sqlem.Dialect by server error number.
func (Dialect) Classify(err error) (constraint, column string, kind error) {
	var me *mysql.MySQLError
	if !errors.As(err, &me) {
		return "", "", nil
	}
	switch me.Number {
	case errDupEntry:
		kind = gomikro.ErrUniqueViolation
		if m := quotedKey.FindStringSubmatch(me.Message); m != nil {
			constraint = m[1]
		}
	case errNoReferencedRow, errRowIsReferenced:
		kind = gomikro.ErrForeignKeyViolation
		if m := fkName.FindStringSubmatch(me.Message); m != nil {
			constraint = m[1]
		}
	case errBadNull:
		kind = gomikro.ErrNotNullViolation
	case errDataTooLong, errOutOfRange, errTruncated, errIncorrectValue, errTruncWrongValue, errCheck:
		kind = gomikro.ErrCheckViolation
	case errCheckMaria:
		kind = gomikro.ErrCheckViolation
		if m := fkName.FindStringSubmatch(me.Message); m != nil {
			constraint = m[1]
			// A column's own CHECK is named after it: `table.column`.
			if i := strings.LastIndexByte(constraint, '.'); i >= 0 {
				column = constraint[i+1:]
			}
		}
	case errDeadlock:
		kind = gomikro.ErrDeadlock
	case errLockWait, errNoWait:
		kind = gomikro.ErrLockTimeout
	default:
		return "", "", nil
	}
	if c := columnOf(me.Message); c != "" {
		column = c
	}
	return constraint, column, kind
}

// NotApplied implements sqlem.FailureClassifier: the server answered with
// an error, or the driver reports a bad connection, which go-sql-driver
// does only when it sent nothing. MySQL cannot be asked afterwards
// whether a transaction committed, so a COMMIT that failed otherwise has
// an unknown outcome.
func (Dialect) NotApplied(err error) bool {
	var me *mysql.MySQLError
	return errors.As(err, &me) || errors.Is(err, driver.ErrBadConn)
}

// columnOf finds the column a server message names after "column ": as
// 'col' (MySQL, and MariaDB for most errors) or as `db`.`table`.`col`
// (MariaDB's incorrect-value errors), backticks doubled inside.
func columnOf(msg string) string {
	i := strings.Index(msg, "olumn ")
	if i < 1 || msg[i-1] != 'c' && msg[i-1] != 'C' {
		return ""
	}
	rest := msg[i+len("olumn "):]
	if strings.HasPrefix(rest, "'") {
		if j := strings.IndexByte(rest[1:], '\''); j >= 0 {
			return rest[1 : 1+j]
		}
		return ""
	}
	var last string
	for strings.HasPrefix(rest, "`") {
		var b strings.Builder
		j := 1
		for ; j < len(rest); j++ {
			if rest[j] == '`' {
				if j+1 < len(rest) && rest[j+1] == '`' {
					b.WriteByte('`')
					j++
					continue
				}
				break
			}
			b.WriteByte(rest[j])
		}
		if j >= len(rest) {
			return "" // unterminated
		}
		last = b.String()
		rest = rest[j+1:]
		if !strings.HasPrefix(rest, ".`") {
			break
		}
		rest = rest[1:]
	}
	return last
}

// PrepareInserts implements sqlem's choice of prepared statements for
// the chunks of a big insert: they then travel in the binary protocol,
// which spares the client formatting, escaping and interpolating every
// value into the text (about a sixth of the client's instructions for
// 10,000 rows), and the server parsing them, for one more round trip.
func (Dialect) PrepareInserts() bool { return true }
