package sqlem

import (
	"database/sql"
	"fmt"
	"sync"

	"github.com/gomikro/gomikro/schema"
)

// SQLDBer is implemented by pools that can lend a database/sql handle
// (the schema tools work over database/sql).
type SQLDBer interface {
	SQLDB() *sql.DB
}

// sqlDB is the handle an ORM lends, made once.
type sqlDB struct {
	mu    sync.Mutex
	db    *sql.DB
	owned bool // made by SQLDBer: the ORM closes it
}

func (h *sqlDB) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.owned && h.db != nil {
		_ = h.db.Close()
	}
	h.db = nil
}

// SQLDB returns a database/sql handle over the ORM's pool, for the
// schema tools and migrations. It is the same handle every time and
// lives as long as the ORM: do not close it.
func (o *ORM) SQLDB() (*sql.DB, error) {
	if db := DB(o.drv.pool); db != nil {
		return db, nil
	}
	h := &o.sqldb
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.db != nil {
		return h.db, nil
	}
	if s, ok := o.drv.pool.(SQLDBer); ok {
		h.db, h.owned = s.SQLDB(), true
		return h.db, nil
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
