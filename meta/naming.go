package meta

import (
	"strings"
	"unicode"
)

// NamingStrategy chooses database names for entities, fields and pivot
// tables. Replace it through the ORM config to follow another convention.
type NamingStrategy interface {
	// TableName names the table of an entity from its Go struct name.
	TableName(entity string) string
	// ColumnName names the column of a scalar field from its Go field name.
	ColumnName(field string) string
	// JoinColumnName names a foreign-key column that references the
	// primary-key column pkColumn of another table. For an m:1 or owning
	// 1:1 reference, owner is the Go name of the reference field; for the
	// two columns of an m:n pivot table, owner is the table name of the
	// side the column references.
	JoinColumnName(owner, pkColumn string) string
	// PivotTableName names the pivot table of an owning m:n field.
	PivotTableName(ownerTable, field string) string
}

// SnakeCase is the default NamingStrategy: Go names in snake_case
// (BookTag → book_tag, CreatedAt → created_at, Author → author_id,
// Book.Tags → book_tags). A foreign-key column is the owner's snake_case
// form, "_", and the referenced key column (MikroORM's joinColumnName),
// except that a key column that already begins with that form is used as
// it is: a reference Artist to a key column artist_id is artist_id, not
// artist_artist_id.
type SnakeCase struct{}

// TableName implements NamingStrategy.
func (SnakeCase) TableName(entity string) string { return ToSnake(entity) }

// ColumnName implements NamingStrategy.
func (SnakeCase) ColumnName(field string) string { return ToSnake(field) }

// JoinColumnName implements NamingStrategy.
func (SnakeCase) JoinColumnName(owner, pkColumn string) string {
	base := ToSnake(owner)
	if pkColumn == base || strings.HasPrefix(pkColumn, base+"_") {
		return pkColumn
	}
	return base + "_" + pkColumn
}

// PivotTableName implements NamingStrategy.
func (SnakeCase) PivotTableName(ownerTable, field string) string {
	return ownerTable + "_" + ToSnake(field)
}

// ToSnake converts a Go identifier to snake_case, keeping initialisms
// together: ID → id, UserID → user_id, HTTPServer → http_server.
func ToSnake(s string) string {
	rs := []rune(s)
	var b strings.Builder
	b.Grow(len(s) + 4)
	for i, r := range rs {
		if unicode.IsUpper(r) {
			if i > 0 && rs[i-1] != '_' {
				prevLower := unicode.IsLower(rs[i-1]) || unicode.IsDigit(rs[i-1])
				nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
				if prevLower || (nextLower && unicode.IsUpper(rs[i-1])) {
					b.WriteByte('_')
				}
			}
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
