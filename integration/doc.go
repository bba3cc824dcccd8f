// Package integration gives a user's tests a real database server and a
// ready gomikro ORM on a fresh, isolated database, with the entities'
// schema created, dropped again when the test ends.
//
//	func TestBooks(t *testing.T) {
//		orm := integration.Postgres(t, gomikro.Config{Entities: []any{Author{}, Book{}}})
//		m := orm.EM().Fork()
//		if err := m.Persist(&Author{Name: "Ann"}); err != nil {
//			t.Fatal(err)
//		}
//		if err := m.Flush(t.Context()); err != nil {
//			t.Fatal(err)
//		}
//	}
//
// Servers, in this order of choice, per backend:
//
//   - the server of GOMIKRO_POSTGRES_DSN, GOMIKRO_MYSQL_DSN or
//     GOMIKRO_MONGO_URI when the variable is set (the user needs the
//     right to create databases there);
//   - else a container started with testcontainers-go (its postgres,
//     mysql or mariadb, and mongodb modules) when a Docker engine answers:
//     one container per image for the whole test binary, shared by every
//     test, started once, concurrently with the other backends when
//     [StartAll] or [Main] asks for several;
//   - else the test is skipped with a message that says what to install,
//     or fails when GOMIKRO_REQUIRE_DOCKER=1 (or GOMIKRO_REQUIRE_DB=1).
//
// Isolation is one database per test, whatever the server: on BackendPostgres
// a clone (CREATE DATABASE … TEMPLATE) of a template database that holds
// the entities' schema, built once per server and entity set, so a test
// pays for a file copy, not for its DDL; on MySQL/MariaDB a new database
// whose tables are created; on MongoDB a new database whose collections
// and indexes are created.
//
// Images are the official ones by default (postgres, mysql, mongo run as
// a one-node replica set so that transactions work) and are replaced by
// [WithImage] or by GOMIKRO_POSTGRES_IMAGE, GOMIKRO_MYSQL_IMAGE and
// GOMIKRO_MONGO_IMAGE; an image whose name contains "mariadb" is started
// with the mariadb module. Containers get 127.0.0.1 as their only DNS
// server: nothing in them needs to resolve outside names.
//
// This package is its own Go module, so that testcontainers-go and the
// Docker client never enter the go.mod of a project that only uses
// gomikro.
package integration
