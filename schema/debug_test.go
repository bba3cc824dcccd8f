package schema_test

import (
	"fmt"
	"strings"

	aschema "ariga.io/atlas/sql/schema"
)

// describe renders changes for failure messages.
func describe(cs []aschema.Change) string {
	var b strings.Builder
	for _, c := range cs {
		switch c := c.(type) {
		case *aschema.ModifyTable:
			fmt.Fprintf(&b, "modify table %s:\n", c.T.Name)
			for _, x := range c.Changes {
				switch x := x.(type) {
				case *aschema.ModifyColumn:
					fmt.Fprintf(&b, "  modify column %s kind=%v from %#v %#v %v to %#v %#v %v\n", x.From.Name, x.Change, x.From.Type.Type, x.From.Default, x.From.Attrs, x.To.Type.Type, x.To.Default, x.To.Attrs)
				case *aschema.ModifyIndex:
					fmt.Fprintf(&b, "  modify index %s kind=%v from %#v to %#v\n", x.From.Name, x.Change, x.From.Attrs, x.To.Attrs)
				case *aschema.ModifyForeignKey:
					fmt.Fprintf(&b, "  modify fk %s kind=%v from %#v to %#v\n", x.From.Symbol, x.Change, x.From, x.To)
				case *aschema.DropIndex:
					fmt.Fprintf(&b, "  drop index %s %v %#v\n", x.I.Name, x.I.Unique, x.I.Attrs)
				case *aschema.AddIndex:
					fmt.Fprintf(&b, "  add index %s %v %#v\n", x.I.Name, x.I.Unique, x.I.Attrs)
				default:
					fmt.Fprintf(&b, "  %T %#v\n", x, x)
				}
			}
		default:
			fmt.Fprintf(&b, "%T\n", c)
		}
	}
	return b.String()
}
