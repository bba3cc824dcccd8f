package sqlem

import (
	"github.com/gomikro/gomikro/meta"
	"github.com/gomikro/gomikro/schema"
)

// checkIndexOpts refuses partial and expression indexes (where= and
// expr=) on a dialect without them (MySQL and MariaDB: MariaDB has
// neither, MySQL no partial indexes).
func checkIndexOpts(reg *meta.Registry, d Dialect) error {
	if _, ok := d.(schema.PartialIndexes); ok {
		return nil
	}
	for _, e := range reg.Entities() {
		for _, f := range e.Columns {
			if o := f.IndexOpts; o != nil {
				opt := "where="
				if o.Where == "" {
					opt = "expr="
				}
				return &meta.Error{Entity: e.Name, Field: f.Name, Msg: opt + ": this database has no partial or expression indexes (PostgreSQL and SQLite have them)"}
			}
		}
	}
	return nil
}
