package gomikro

import "errors"

// ErrReadOnly is matched (errors.Is) by the error of a write refused on a
// read-only entity: Persist, Remove or Upsert of a virtual entity (see
// meta.Virtual). The error names the entity.
var ErrReadOnly = errors.New("gomikro: read-only entity")
