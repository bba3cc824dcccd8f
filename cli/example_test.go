package cli_test

import (
	"context"
	"fmt"
	"os"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/cli"
	"github.com/gomikro/gomikro/sqlem/sqlite"
)

type Todo struct {
	ID    int64  `orm:"pk"`
	Title string `orm:"length=100"`
	Done  *bool  `orm:"nullable=false,default=false"`
}

// An application's main calls cli.Main with its entities; Run is the
// same without the exit, for tests.
func ExampleRun() {
	cfg := cli.Config{
		Name: "todo",
		ORM:  gomikro.Config{Entities: []any{Todo{}}},
		Open: sqlite.Open,
	}
	code := cli.Run(context.Background(), cfg, []string{"schema:update", "--dump", "--dsn", ":memory:"}, os.Stdout, os.Stderr)
	fmt.Println("exit code", code)
	// Output:
	// CREATE TABLE `todo` (`id` integer NOT NULL, `title` varchar NOT NULL, `done` boolean NOT NULL DEFAULT 0, PRIMARY KEY (`id`));
	// exit code 0
}
