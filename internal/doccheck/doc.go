// Package doccheck holds the test that builds the documentation's Go code:
// every ```go block of README.md and every Go code block of a doc comment
// (package docs and the docs of declarations).
//
// The convention the test applies:
//
//   - A README block tagged go is always Go and must compile; use ```text
//     (or sh, sql, console) for anything else. A doc-comment code block is
//     Go when it parses as Go; blocks that do not (shell commands, SQL,
//     lists of struct fields) are prose.
//   - A block is a whole file when it parses as declarations (its package
//     clause and imports are optional); otherwise it is a fragment of
//     statements, compiled inside a function that returns error. A line
//     that is only "..." stands for elided code.
//   - Every block becomes a package of its own, beside a prelude that
//     declares what the examples take as given: the model types Author,
//     Book and Tag (unless the block declares its own), the variables ctx
//     (context.Context), orm (*sqlem.ORM), m (*sqlem.EntityManager), err,
//     mux (*http.ServeMux), addr and dsn (strings), and stand-ins for an application's
//     packages (entities.All, migrations.FS). The project's packages and
//     the standard ones an example uses are imported by their names
//     (em, query, repo, ref, sqlem, sqlite, postgres, mysql, mongoem,
//     gomikro, context, http, ...).
//   - In a fragment, variables the fragment declares at its top level
//     may be left unused (the fragment is the middle of a program), as may
//     a value computed at its top level (query.M{...} on a line of its own).
//
// All blocks are built by one go build per module; a failure names the
// README or source line of the block (//line directives).
package doccheck
