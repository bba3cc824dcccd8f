package mysql

// OneRowPerInsert makes Open act as on a server whose keys of one
// multi-row insert may not be consecutive (innodb_autoinc_lock_mode=2).
func OneRowPerInsert() Option {
	return func(o *options) { o.noReturning, o.step = true, -1 }
}

// MariaDBReturning exposes the version check to the tests.
var MariaDBReturning = mariaDBReturning

// ColumnOf exposes the message parser to the tests.
var ColumnOf = columnOf
