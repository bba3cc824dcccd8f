package mysql

import (
	"database/sql/driver"
	"errors"

	"github.com/go-sql-driver/mysql"

	"github.com/gomikro/gomikro/sqlem"
)

var (
	_ sqlem.Addresser      = Dialect{}
	_ sqlem.ConnClassifier = Dialect{}
)

// Address implements sqlem.Addresser: the DSN's address.
func (Dialect) Address(dsn string) string {
	c, err := mysql.ParseDSN(dsn)
	if err != nil {
		return ""
	}
	return c.Addr
}

// Server error numbers of refused credentials.
const (
	errAccessDenied   = 1045
	errDBAccessDenied = 1044
	errAccessNoPasswd = 1698
)

// AuthFailed implements sqlem.ConnClassifier.
func (Dialect) AuthFailed(err error) bool {
	var me *mysql.MySQLError
	if !errors.As(err, &me) {
		return false
	}
	switch me.Number {
	case errAccessDenied, errDBAccessDenied, errAccessNoPasswd:
		return true
	}
	return false
}

// ConnClosed implements sqlem.ConnClassifier: the driver's "invalid
// connection" is a connection the server closed.
func (Dialect) ConnClosed(err error) bool {
	return errors.Is(err, mysql.ErrInvalidConn) || errors.Is(err, driver.ErrBadConn)
}
