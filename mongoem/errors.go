package mongoem

import (
	"context"
	"errors"
	"fmt"
	"strings"

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
	codeInternalError      = 1
)

// ferretUnique reports whether w is FerretDB's report of a unique index
// violated by an update: an InternalError whose only structure is its
// message, which carries the storage's own error — SQLite's extended code
// 2067 (SQLITE_CONSTRAINT_UNIQUE) or PostgreSQL's SQLSTATE 23505. FerretDB
// reports duplicate keys of inserts with code 11000; this is the one case
// classified by message text, because FerretDB gives nothing else.
func ferretUnique(w writeErr) bool {
	if w.code != codeInternalError {
		return false
	}
	msg, _ := w.raw.Lookup("errmsg").StringValueOK()
	return strings.Contains(msg, "UNIQUE constraint failed") && strings.Contains(msg, "(2067)") ||
		strings.Contains(msg, "SQLSTATE 23505")
}

// ferretIndexField names the field of the unique index a FerretDB
// message names (FerretDB prefixes gomikro's index name with the table's).
func ferretIndexField(w writeErr, in *entInfo) string {
	if in == nil {
		return ""
	}
	msg, _ := w.raw.Lookup("errmsg").StringValueOK()
	for _, f := range in.e.Columns {
		if f.Unique && f.UniqueName == "" && strings.Contains(msg, "_uniq_"+in.coll+"_"+in.path[f]+"'") {
			return f.Name
		}
	}
	return ""
}

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
	case codeInternalError:
		if ferretUnique(w) {
			return &gomikro.ConstraintError{Kind: gomikro.ErrUniqueViolation, Entity: entity, Field: ferretIndexField(w, in), Err: err}
		}
	case codeDocumentValidation:
		ce := &gomikro.ConstraintError{Kind: gomikro.ErrCheckViolation, Entity: entity, Constraint: "$jsonSchema", Err: err}
		if p := validationPath(w.raw); p != "" && fieldOf != nil {
			if f := fieldOf(p); f != nil {
				ce.Field = f.Name
			}
		}
		return ce
	case codeWriteConflict:
		return fmt.Errorf("%w: %w", gomikro.ErrDeadlock, err)
	case codeLockTimeout, codeMaxTimeExpired:
		return fmt.Errorf("%w: %w", gomikro.ErrLockTimeout, err)
	}
	return err
}

// validationPath returns the document path of the first property a
// DocumentValidationFailure reports (MongoDB 5.0 and later describe the
// failed $jsonSchema rules in errInfo.details): a property whose value
// did not match, or a required one that is missing. "" when the error
// says neither.
func validationPath(raw bson.Raw) string {
	if raw == nil {
		return ""
	}
	rules, ok := raw.Lookup("errInfo", "details", "schemaRulesNotSatisfied").ArrayOK()
	if !ok {
		return ""
	}
	vals, err := rules.Values()
	if err != nil {
		return ""
	}
	for _, v := range vals {
		rule, ok := v.DocumentOK()
		if !ok {
			continue
		}
		if props, ok := rule.Lookup("propertiesNotSatisfied").ArrayOK(); ok {
			if pv, err := props.Values(); err == nil && len(pv) > 0 {
				if d, ok := pv[0].DocumentOK(); ok {
					if name, ok := d.Lookup("propertyName").StringValueOK(); ok {
						return name
					}
				}
			}
		}
		if missing, ok := rule.Lookup("missingProperties").ArrayOK(); ok {
			if mv, err := missing.Values(); err == nil && len(mv) > 0 {
				if name, ok := mv[0].StringValueOK(); ok {
					return name
				}
			}
		}
	}
	return ""
}

// Server error codes of a write stopped midway: it may have applied
// part of its documents.
var interruptedCodes = []int{
	11600, // InterruptedAtShutdown
	11601, // Interrupted
	11602, // InterruptedDueToReplStateChange
	50,    // MaxTimeMSExpired
	262,   // ExceededTimeLimit
	189,   // PrimarySteppedDown
	91,    // ShutdownInProgress
}

// inDoubt reports whether a write that failed with err may have changed
// documents on the server without the reply saying which: no reply came
// (the connection broke, the context ended, the driver timed out), the
// server stopped it midway, or it was applied and its write concern
// failed. A server that refused the write answers otherwise.
func inDoubt(err error) bool {
	if err == nil {
		return false
	}
	if mongo.IsNetworkError(err) || mongo.IsTimeout(err) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var se mongo.ServerError
	if errors.As(err, &se) {
		if se.HasErrorLabel("NetworkError") || se.HasErrorLabel("RetryableWriteError") {
			return true
		}
		for _, c := range interruptedCodes {
			if se.HasErrorCode(c) {
				return true
			}
		}
	}
	var bwe mongo.BulkWriteException
	if errors.As(err, &bwe) && bwe.WriteConcernError != nil {
		return true
	}
	var we mongo.WriteException
	return errors.As(err, &we) && we.WriteConcernError != nil
}

// applied returns how many writes of an ordered batch that failed with
// err the server applied — those before the first write error it
// reported — and whether that is known. It is not when the write is in
// doubt (see inDoubt) or the reply names no failing write (a command
// error: the driver may have sent the batch in several commands).
func applied(err error) (n int, known bool) {
	if inDoubt(err) {
		return 0, false
	}
	if w, ok := firstWriteError(err); ok && w.index >= 0 {
		return w.index, true
	}
	return 0, false
}

// commitInDoubt reports whether a commitTransaction that failed with err
// may have committed: the server or driver labelled it
// UnknownTransactionCommitResult (after the driver's own retry), or no
// reply came. A TransientTransactionError or a refusal by the server
// means the transaction did not commit.
func commitInDoubt(err error) bool {
	var se mongo.ServerError
	if errors.As(err, &se) {
		if se.HasErrorLabel("UnknownTransactionCommitResult") {
			return true
		}
		if se.HasErrorLabel("TransientTransactionError") {
			return false
		}
	}
	return mongo.IsNetworkError(err) || mongo.IsTimeout(err) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// commitError is the error of a failed commitTransaction: one matching
// gomikro.ErrCommitUnknown when it may have committed.
func commitError(err error) error {
	if commitInDoubt(err) {
		return fmt.Errorf("gomikro: commit: the reply was lost, the transaction may or may not have committed (%w): %w", gomikro.ErrCommitUnknown, err)
	}
	return fmt.Errorf("gomikro: commit: %w", translate(err, nil, nil))
}
