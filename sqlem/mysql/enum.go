package mysql

import (
	"strings"

	"github.com/gomikro/gomikro/meta"
)

// enumType is the ENUM column type of a string enum; the values are
// case-sensitive, so the keyword is written as the server reports it.
func enumType(en *meta.Enum) string {
	return "enum(" + strings.Join(en.Literals(), ",") + ")"
}

// NativeEnum implements schema.NativeEnums: a string enum is an ENUM
// column, an integer one gets a CHECK constraint.
func (Dialect) NativeEnum(f *meta.Field) bool {
	return f.ColumnType == "" && f.Enum != nil && f.Enum.IsString()
}
