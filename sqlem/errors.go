package sqlem

import (
	"errors"
	"fmt"
	"strings"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/meta"
)

// errNoInsertID: the dialect has neither RETURNING nor a driver that
// reports generated keys.
var errNoInsertID = errors.New("gomikro: the connection does not report generated keys")

// wrapErr names the entity and operation of a failed statement and turns
// constraint failures the dialect recognises into *gomikro.ConstraintError.
func (drv *driver) wrapErr(err error, e *meta.Entity, op string) error {
	constraint, column, kind := drv.d.Classify(err)
	if kind == nil {
		return fmt.Errorf("gomikro: %s %s: %w", op, e.Name, err)
	}
	ce := &gomikro.ConstraintError{Kind: kind, Entity: e.Name, Constraint: constraint, Err: err}
	if f := fieldOf(e, constraint, column); f != nil {
		ce.Field = f.Name
	}
	return fmt.Errorf("gomikro: %s %s: %w", op, e.Name, ce)
}

// fieldOf finds the field a constraint or column names: the column
// itself, or a constraint named by the schema generator
// (uq_<table>_<column>, fk_<table>_<column>).
func fieldOf(e *meta.Entity, constraint, column string) *meta.Field {
	if column != "" {
		for _, f := range e.Columns {
			if f.Column == column {
				return f
			}
		}
	}
	for _, prefix := range []string{"uq_", "fk_", "idx_"} {
		rest, ok := strings.CutPrefix(constraint, prefix+e.Table+"_")
		if !ok {
			continue
		}
		for _, f := range e.Columns {
			// A partial or expression index's name ends with a hash.
			if f.Column == rest || f.IndexOpts != nil && strings.HasPrefix(rest, f.Column+"_") && len(rest) == len(f.Column)+9 {
				return f
			}
		}
	}
	return nil
}

// txErr wraps a failure to begin or commit a transaction, translating a
// lock timeout, deadlock or deferred constraint into gomikro's error values.
func (drv *driver) txErr(op string, err error) error {
	if _, _, kind := drv.d.Classify(err); kind != nil {
		return fmt.Errorf("gomikro: %s: %w", op, &gomikro.ConstraintError{Kind: kind, Err: err})
	}
	return fmt.Errorf("gomikro: %s: %w", op, err)
}

// errNoPrepare: the executor cannot prepare statements.
var errNoPrepare = errors.New("gomikro: the connection does not prepare statements")
