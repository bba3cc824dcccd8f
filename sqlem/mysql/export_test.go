package mysql

// OneRowPerInsert makes Open act as on a MySQL server whose keys of one
// multi-row insert may not be consecutive (innodb_autoinc_lock_mode=2):
// no RETURNING, no table value constructors.
func OneRowPerInsert() Option {
	return func(o *options) { o.noReturning, o.step, o.noTVC = true, -1, true }
}

// ReturningNoStep makes Open act as on a MariaDB whose keys of one
// multi-row insert may not be consecutive: multi-row inserts read their
// keys with RETURNING.
func ReturningNoStep() Option {
	return func(o *options) { o.step = -1 }
}

// MariaDBReturning exposes the version check to the tests.
var MariaDBReturning = mariaDBReturning

// ColumnOf exposes the message parser to the tests.
var ColumnOf = columnOf
