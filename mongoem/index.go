package mongoem

import "github.com/gomikro/gomikro/meta"

// checkIndexOpts refuses the SQL partial and expression indexes (where=
// and expr=): their SQL text means nothing to MongoDB.
func checkIndexOpts(reg *meta.Registry) error {
	for _, e := range reg.Entities() {
		for _, f := range e.Columns {
			if o := f.IndexOpts; o != nil {
				opt := "where="
				if o.Where == "" {
					opt = "expr="
				}
				return &meta.Error{Entity: e.Name, Field: f.Name, Msg: opt + ": an SQL condition or expression has no meaning on MongoDB (create such an index on the native collection)"}
			}
		}
	}
	return nil
}
