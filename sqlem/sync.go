package sqlem

import (
	"database/sql"
	"fmt"

	"github.com/gomikro/gomikro/schema"
)

// SQLDBer is implemented by pools that can lend a database/sql handle
// (the schema tools work over database/sql).
type SQLDBer interface {
	SQLDB() *sql.DB
}

// SQLDB returns a database/sql handle over the ORM's pool, for the
// schema tools and migrations. Closing it does not close the ORM.
func (o *ORM) SQLDB() (*sql.DB, error) {
	if db := DB(o.drv.pool); db != nil {
		return db, nil
	}
	if s, ok := o.drv.pool.(SQLDBer); ok {
		return s.SQLDB(), nil
	}
	return nil, fmt.Errorf("gomikro: the pool %T lends no database/sql handle", o.drv.pool)
}

// Syncer returns the schema comparer of the registered entities: diff
// against the live database, safe update, and the base of migrations.
func (o *ORM) Syncer() (*schema.Syncer, error) {
	db, err := o.SQLDB()
	if err != nil {
		return nil, err
	}
	return schema.NewSyncer(o.drv.reg, o.drv.d, db)
}
