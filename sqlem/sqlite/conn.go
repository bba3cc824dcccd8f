package sqlite

import "github.com/gomikro/gomikro/sqlem"

var _ sqlem.Addresser = Dialect{}

// Address implements sqlem.Addresser: the database file.
func (Dialect) Address(dsn string) string {
	if dsn == "" {
		return ":memory:"
	}
	return dsn
}
