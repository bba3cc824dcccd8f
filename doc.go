// Package gomikro is a data-mapper ORM for Go built on generics, in the
// spirit of MikroORM: a Unit of Work with an Identity Map and automatic
// change tracking, typed repositories and references, and backends whose
// own capabilities are methods of their own EntityManager.
//
// This package holds what every backend shares: the [Config] passed to a
// backend's Open, and the errors callers test for. The EntityManager
// lives in package em, typed access in package repo, and the backends in
// sqlem/postgres (and, later, the other dialects and mongoem).
package gomikro
