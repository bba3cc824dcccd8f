// Package schema keeps a SQL database's schema in line with the
// entities.
//
//   - Generator renders the DDL of the entities for a dialect: create
//     (tables, keys, unique constraints, indexes, foreign keys, pivot
//     tables), drop, and a dump as SQL text.
//   - Syncer compares the live database with the entities and plans the
//     changes: the entities become an Atlas schema model
//     (ariga.io/atlas/sql/schema) with the names and types of the
//     Generator's DDL, Atlas's driver for the dialect inspects the
//     database, diffs and renders the plan. Destructive changes are held
//     back unless Options allow them; renames declared with renamedFrom=
//     become renames. GenerateEntities goes the other way, from tables
//     to Go structs.
//   - Migrator creates migrations from the diff and runs them with
//     goose's Provider: a version table, a checksum table, one lock per
//     database, files from an embed.FS or a directory, and migrations
//     written in Go.
//
// The dialect packages (sqlem/postgres, sqlem/mysql, sqlem/sqlite)
// implement the capability interfaces this package declares (Dialect,
// Inspector, Migrations, ...); package cli puts commands on top.
package schema
