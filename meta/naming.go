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
	// JoinColumnName names the foreign-key column of an m:1 or owning 1:1
	// field that references the target's primary-key column pkColumn.
	JoinColumnName(field, pkColumn string) string
	// PivotTableName names the pivot table of an owning m:n field.
	PivotTableName(ownerTable, field string) string
}

// SnakeCase is the default NamingStrategy: Go names in snake_case
// (BookTag → book_tag, CreatedAt → created_at, Author → author_id,
// Book.Tags → book_tags).
type SnakeCase struct{}

// TableName implements NamingStrategy.
func (SnakeCase) TableName(entity string) string { return ToSnake(entity) }

// ColumnName implements NamingStrategy.
func (SnakeCase) ColumnName(field string) string { return ToSnake(field) }

// JoinColumnName implements NamingStrategy.
func (SnakeCase) JoinColumnName(field, pkColumn string) string {
	return ToSnake(field) + "_" + pkColumn
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
