package mysql_test

import (
	"context"
	"fmt"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/sqlem/mysql"
)

// Open a MySQL or MariaDB database in go-sql-driver's DSN form; the ORM's
// EM() is a *sqlem.EntityManager.
func ExampleOpen() {
	ctx := context.Background()
	orm, err := mysql.Open(ctx, gomikro.Config{
		DSN:      "app:secret@tcp(127.0.0.1:3306)/bookstore",
		Entities: []any{Note{}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer orm.Close()
	fmt.Println(orm.IsConnected(ctx))
}
