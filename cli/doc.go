// Package cli is gomikro's command line: MikroORM's commands
// (schema:create, schema:update, schema:drop, schema:fresh,
// migration:create, migration:up, migration:down, migration:list,
// migration:pending, migration:check, migration:fresh, debug,
// generate-entities and seeder:run) over the application's own entities
// and seeders (package seed; schema:fresh --seed seeds after creating).
//
// Go cannot load an application's entities at run time, so the CLI is a
// package the application's main calls with its configuration:
//
//	func main() {
//		cli.Main(cli.Config{
//			ORM:        gomikro.Config{Entities: entities.All},
//			Open:       postgres.Open,
//			Migrations: schema.MigrateConfig{FS: migrations.FS, Dir: "migrations"},
//		})
//	}
//
// The DSN comes from --dsn, else the GOMIKRO_DSN environment variable,
// else the configuration. Exit codes: 0 done, 1 failed (migration:check:
// the migrations and the entities disagree), 2 usage.
package cli
