package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/sqlem"
)

var (
	_ sqlem.Dialect       = Dialect{}
	_ sqlem.LimitedValues = Dialect{}
)

// ValueLimits implements sqlem.LimitedValues: text cannot hold NUL.
func (Dialect) ValueLimits() sqlem.ValueLimits { return sqlem.ValueLimits{NoNUL: true} }

// Placeholder implements sqlem.Dialect: $1, $2, ...
func (Dialect) Placeholder(n int) string { return "$" + strconv.Itoa(n) }

// Returning implements sqlem.Dialect.
func (Dialect) Returning() bool { return true }

// MaxParams implements sqlem.Dialect: the protocol's limit.
func (Dialect) MaxParams() int { return 65535 }

// EncodeJSON implements sqlem.Dialect: pgx sends a string as JSON text.
func (Dialect) EncodeJSON(b []byte) any { return string(b) }

// ILike implements sqlem.Dialect.
func (Dialect) ILike(lhs, p string) string { return lhs + " ILIKE " + p }

// Regexp implements sqlem.Dialect.
func (Dialect) Regexp(lhs, p string) string { return lhs + " ~ " + p }

// LimitOffset implements sqlem.Dialect.
func (Dialect) LimitOffset(limit, offset int) string {
	s := ""
	if limit > 0 {
		s += " LIMIT " + strconv.Itoa(limit)
	}
	if offset > 0 {
		s += " OFFSET " + strconv.Itoa(offset)
	}
	return s
}

// Lock implements sqlem.Dialect.
func (Dialect) Lock(m sqlem.LockMode) string {
	switch m {
	case sqlem.LockForUpdate:
		return " FOR UPDATE"
	case sqlem.LockForShare:
		return " FOR SHARE"
	case sqlem.LockForUpdateSkipLocked:
		return " FOR UPDATE SKIP LOCKED"
	case sqlem.LockForUpdateNoWait:
		return " FOR UPDATE NOWAIT"
	}
	return ""
}

// Classify implements sqlem.Dialect by SQLSTATE.
func (Dialect) Classify(err error) (constraint, column string, kind error) {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return "", "", nil
	}
	switch pe.Code {
	case "23505":
		kind = gomikro.ErrUniqueViolation
	case "23503":
		kind = gomikro.ErrForeignKeyViolation
	case "23502":
		kind = gomikro.ErrNotNullViolation
	case "23514", "22001", "22003", "22P02", "22007", "22008":
		kind = gomikro.ErrCheckViolation
	case "40P01", "40001":
		kind = gomikro.ErrDeadlock
	case "55P03":
		kind = gomikro.ErrLockTimeout
	default:
		return "", "", nil
	}
	return pe.ConstraintName, pe.ColumnName, kind
}

// NotApplied implements sqlem.FailureClassifier: the server answered with
// an error, which ended the statement (and the transaction). pgconn's
// SafeToRetry is not asked: when the reply to a sent statement is lost,
// pgconn v5.12 reports the closed connection it left behind, which it
// marks safe to retry; a lost COMMIT reply is resolved by TxStatus instead.
func (Dialect) NotApplied(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe)
}

// TxIDSQL implements sqlem.TxResolver.
func (Dialect) TxIDSQL() string { return "SELECT txid_current()" }

// TxStatus implements sqlem.TxResolver with txid_status, which knows the
// fate of every recent transaction id.
func (Dialect) TxStatus(ctx context.Context, x sqlem.Executor, id int64) (committed, done bool, err error) {
	rows, err := x.Query(ctx, "SELECT txid_status($1)", id)
	if err != nil {
		return false, false, err
	}
	defer rows.Close()
	var status *string
	if rows.Next() {
		if err := rows.Scan(&status); err != nil {
			return false, false, err
		}
	}
	if err := rows.Close(); err != nil {
		return false, false, err
	}
	if status == nil {
		return false, false, fmt.Errorf("transaction %d is too old for txid_status", id)
	}
	switch *status {
	case "committed":
		return true, true, nil
	case "aborted":
		return false, true, nil
	}
	return false, false, nil
}
