// Package mysql is gomikro's MySQL and MariaDB backend, on
// github.com/go-sql-driver/mysql.
//
// Open adjusts the connection settings gomikro relies on: times parsed
// into time.Time in UTC (parseTime, loc=UTC, time_zone '+00:00'), strict
// SQL mode (a value that does not fit its column is an error, never
// truncated), matched rather than changed rows in affected counts
// (clientFoundRows, for version checks), and parameters interpolated by
// the driver (interpolateParams: one round trip a statement instead of
// prepare, execute and close; the driver escapes every value).
//
// Tables are created with the utf8mb4_bin collation, so that string
// comparison, LIKE and unique constraints are case-sensitive as on the
// other dialects ($ilike is the case-insensitive match).
//
// Generated keys: a multi-row INSERT reports its first key
// (LAST_INSERT_ID) and the rows took first, first+step, ... where step is
// auto_increment_increment, which holds when innodb_autoinc_lock_mode is 0
// or 1; gomikro reads keys so whenever the key is all there is to read
// back (no result rows to send). With lock mode 2 (interleaved, MySQL 8's
// default) the keys of one statement may not be consecutive: MariaDB 10.5
// and later read them with INSERT ... RETURNING, MySQL 8 inserts rows
// whose keys the database generates one statement each; set
// innodb_autoinc_lock_mode=1 for multi-row inserts. Columns with database
// defaults are read back by RETURNING on MariaDB 10.5 and later, with one
// SELECT by key after the inserts on MySQL 8.
package mysql
