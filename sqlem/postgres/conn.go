package postgres

import (
	"errors"
	"net"
	"strconv"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/gomikro/gomikro/sqlem"
)

var (
	_ sqlem.Addresser      = Dialect{}
	_ sqlem.ConnClassifier = Dialect{}
)

// Address implements sqlem.Addresser: host:port of the DSN.
func (Dialect) Address(dsn string) string {
	c, err := pgconn.ParseConfig(dsn)
	if err != nil {
		return ""
	}
	return net.JoinHostPort(c.Host, strconv.Itoa(int(c.Port)))
}

// AuthFailed implements sqlem.ConnClassifier: SQLSTATE class 28 (invalid
// authorization).
func (Dialect) AuthFailed(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && len(pe.Code) == 5 && pe.Code[:2] == "28"
}

// ConnClosed implements sqlem.ConnClassifier: pgx reports a closed
// connection as io.EOF, which every backend recognises.
func (Dialect) ConnClosed(error) bool { return false }
