package query

import (
	"errors"
	"strconv"
)

// ErrUnknownProperty is matched (errors.Is) by the errors Resolve returns
// for a property the entity does not have.
var ErrUnknownProperty = errors.New("query: unknown property")

// propertyError is an unknown property of an entity; path is the full
// path the property was reached by.
type propertyError struct{ entity, name, path string }

func (e *propertyError) Error() string {
	s := "query: " + e.entity + " has no property " + strconv.Quote(e.name)
	if e.path != e.name {
		s += " (in " + strconv.Quote(e.path) + ")"
	}
	return s
}

func (e *propertyError) Unwrap() error { return ErrUnknownProperty }
