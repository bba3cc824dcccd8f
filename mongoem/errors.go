package mongoem

import (
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/meta"
)

// MongoDB server error codes gomikro classifies.
const (
	codeDuplicateKey       = 11000
	codeDuplicateKeyLegacy = 11001
	codeDuplicateKeyUpdate = 12582
	codeDocumentValidation = 121
	codeWriteConflict      = 112
	codeLockTimeout        = 24
	codeMaxTimeExpired     = 50
)

// writeErr is one failed write of a batch: its index and server error.
type writeErr struct {
	index int
	code  int
	raw   bson.Raw
}

// firstWriteError returns the first write error of err, if it carries any.
func firstWriteError(err error) (writeErr, bool) {
	var bwe mongo.BulkWriteException
	if errors.As(err, &bwe) && len(bwe.WriteErrors) > 0 {
		w := bwe.WriteErrors[0]
		return writeErr{w.Index, w.Code, w.Raw}, true
	}
	var we mongo.WriteException
	if errors.As(err, &we) && len(we.WriteErrors) > 0 {
		w := we.WriteErrors[0]
		return writeErr{w.Index, w.Code, w.Raw}, true
	}
	var ce mongo.CommandError
	if errors.As(err, &ce) {
		return writeErr{-1, int(ce.Code), ce.Raw}, true
	}
	return writeErr{-1, 0, nil}, false
}

// translate classifies a driver error by its server code into gomikro's
// errors: duplicate keys become a *gomikro.ConstraintError matching
// ErrUniqueViolation naming the entity (and, when the server reports the
// index's key pattern, the field). in names the entity written, if any.
func translate(err error, in *entInfo, fieldOf func(path string) *meta.Field) error {
	if err == nil {
		return nil
	}
	w, ok := firstWriteError(err)
	if !ok {
		return err
	}
	entity := ""
	if in != nil {
		entity = in.e.Name
	}
	switch w.code {
	case codeDuplicateKey, codeDuplicateKeyLegacy, codeDuplicateKeyUpdate:
		ce := &gomikro.ConstraintError{Kind: gomikro.ErrUniqueViolation, Entity: entity, Err: err}
		if kp, ok := w.raw.Lookup("keyPattern").DocumentOK(); ok && fieldOf != nil {
			if elems, err := kp.Elements(); err == nil && len(elems) > 0 {
				if f := fieldOf(elems[0].Key()); f != nil {
					ce.Field = f.Name
				}
			}
		}
		return ce
	case codeDocumentValidation:
		return &gomikro.ConstraintError{Kind: gomikro.ErrCheckViolation, Entity: entity, Err: err}
	case codeWriteConflict:
		return fmt.Errorf("%w: %w", gomikro.ErrDeadlock, err)
	case codeLockTimeout, codeMaxTimeExpired:
		return fmt.Errorf("%w: %w", gomikro.ErrLockTimeout, err)
	}
	return err
}
