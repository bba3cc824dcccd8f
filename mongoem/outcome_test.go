package mongoem

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/gomikro/gomikro"
)

// TestCommitOutcome classifies failed commitTransaction errors as the
// driver returns them: only a commit that may have committed matches
// gomikro.ErrCommitUnknown.
func TestCommitOutcome(t *testing.T) {
	for _, c := range []struct {
		name    string
		err     error
		unknown bool
	}{
		{"unknown commit result label", mongo.CommandError{Code: 91, Name: "ShutdownInProgress", Labels: []string{"UnknownTransactionCommitResult", "RetryableWriteError"}}, true},
		{"network error with the label", mongo.CommandError{Labels: []string{"NetworkError", "UnknownTransactionCommitResult"}, Wrapped: errors.New("connection reset")}, true},
		{"write concern timeout with the label", mongo.WriteException{WriteConcernError: &mongo.WriteConcernError{Code: 64, Name: "WriteConcernFailed"}, Labels: []string{"UnknownTransactionCommitResult"}}, true},
		{"context ended in flight", fmt.Errorf("connection(x) incomplete read of message header: %w", context.DeadlineExceeded), true},
		{"context cancelled in flight", fmt.Errorf("incomplete read: %w", context.Canceled), true},
		{"transient transaction error", mongo.CommandError{Code: 112, Name: "WriteConflict", Labels: []string{"TransientTransactionError"}}, false},
		{"no such transaction", mongo.CommandError{Code: 251, Name: "NoSuchTransaction", Labels: []string{"TransientTransactionError"}}, false},
		{"server refusal", mongo.CommandError{Code: 13, Name: "Unauthorized"}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := commitError(c.err)
			if got := errors.Is(err, gomikro.ErrCommitUnknown); got != c.unknown {
				t.Fatalf("commitError(%v) = %v: matches ErrCommitUnknown %v, want %v", c.err, err, got, c.unknown)
			}
			if !errors.Is(err, c.err) && !errors.As(err, new(mongo.ServerError)) {
				t.Fatalf("the cause is not in the chain of %v", err)
			}
		})
	}
}

// TestWriteOutcome classifies failed writes: known only when the server
// answered with the write that failed; in doubt when no reply came.
func TestWriteOutcome(t *testing.T) {
	dup := mongo.WriteError{Index: 3, Code: 11000, Message: "E11000 duplicate key"}
	for _, c := range []struct {
		name    string
		err     error
		doubt   bool
		applied int
		known   bool
	}{
		{"duplicate key at #4 (bulk)", mongo.BulkWriteException{WriteErrors: []mongo.BulkWriteError{{WriteError: dup}}}, false, 3, true},
		{"duplicate key at #4 (insertMany)", mongo.WriteException{WriteErrors: []mongo.WriteError{dup}}, false, 3, true},
		{"write concern failed", mongo.BulkWriteException{WriteErrors: []mongo.BulkWriteError{{WriteError: dup}}, WriteConcernError: &mongo.WriteConcernError{Code: 64}}, true, 0, false},
		{"network error", mongo.CommandError{Labels: []string{"NetworkError"}, Wrapped: errors.New("EOF")}, true, 0, false},
		{"context deadline", fmt.Errorf("read: %w", context.DeadlineExceeded), true, 0, false},
		{"interrupted", mongo.CommandError{Code: 11601, Name: "Interrupted"}, true, 0, false},
		{"time limit", mongo.CommandError{Code: 50, Name: "MaxTimeMSExpired"}, true, 0, false},
		{"refused command", mongo.CommandError{Code: 13, Name: "Unauthorized"}, false, 0, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := inDoubt(c.err); got != c.doubt {
				t.Errorf("inDoubt = %v, want %v", got, c.doubt)
			}
			n, known := applied(c.err)
			if n != c.applied || known != c.known {
				t.Errorf("applied = %d, %v; want %d, %v", n, known, c.applied, c.known)
			}
		})
	}
}
