package sqlem

import (
	"context"
	"fmt"
	"time"

	"github.com/gomikro/gomikro"
)

// resolveTimeout bounds how long a lost COMMIT reply is looked into;
// resolvePoll is the pause between two looks while the server still runs
// the transaction.
const (
	resolveTimeout = 5 * time.Second
	resolvePoll    = 20 * time.Millisecond
)

// notApplied reports whether a failed statement surely took no effect.
func (drv *driver) notApplied(err error) bool {
	fc, ok := drv.d.(FailureClassifier)
	return ok && fc.NotApplied(err)
}

// commit sends COMMIT on x, once every statement of the transaction has
// been read, and tells what became of it: nil only if it committed, an
// ordinary error only if it surely did not, otherwise (after asking the
// server where the dialect can) an error matching gomikro.ErrCommitUnknown.
func (drv *driver) commit(ctx context.Context, x Executor, tx *txState) error {
	if err := ctx.Err(); err != nil {
		drv.abort(ctx, x, "ROLLBACK")
		return fmt.Errorf("gomikro: not committed: %w", err)
	}
	cctx := ctx
	if inProcess(drv.d) {
		cctx = context.WithoutCancel(ctx) // see InProcess
	}
	_, err := x.Exec(cctx, "COMMIT")
	if err == nil {
		return nil
	}
	if drv.notApplied(err) {
		// Refused by the server (which ended the transaction) or never
		// sent (the transaction is still open): roll back what is left.
		drv.abort(ctx, x, "ROLLBACK")
		return drv.txErr("commit", err)
	}
	return drv.resolve(ctx, tx, err)
}

// abort rolls back after a failure; its own error changes nothing for the
// caller, whose transaction did not commit either way.
func (drv *driver) abort(ctx context.Context, x Executor, stmt string) {
	_, _ = x.Exec(context.WithoutCancel(ctx), stmt)
}

// resolve finds out, where the dialect can, whether the transaction whose
// COMMIT reply was lost committed.
func (drv *driver) resolve(ctx context.Context, tx *txState, cause error) error {
	r, ok := drv.d.(TxResolver)
	if !ok {
		return commitUnknown(cause, "the server offers no way to ask whether it committed")
	}
	if tx == nil || !tx.hasID {
		return commitUnknown(cause, "the transaction's id was not recorded (no flush ran in it)")
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), resolveTimeout)
	defer cancel()
	x := drv.log.wrap(drv.pool)
	var last error
	for {
		committed, done, err := r.TxStatus(rctx, x, tx.id)
		switch {
		case err == nil && done && committed:
			return nil
		case err == nil && done:
			return fmt.Errorf("gomikro: not committed: the server rolled back transaction %d after the reply to COMMIT was lost: %w", tx.id, cause)
		case err != nil:
			last = err
		}
		select {
		case <-rctx.Done():
			why := fmt.Sprintf("transaction %d was still running after %v", tx.id, resolveTimeout)
			if last != nil {
				why = fmt.Sprintf("asking the server about transaction %d failed: %v", tx.id, last)
			}
			return commitUnknown(cause, why)
		case <-time.After(resolvePoll):
		}
	}
}

// commitUnknown is the error of a COMMIT whose outcome cannot be known.
func commitUnknown(cause error, why string) error {
	return fmt.Errorf("%w: the reply to COMMIT was lost and %s; reload before deciding to write again: %w",
		gomikro.ErrCommitUnknown, why, cause)
}

// singleUnknown is the error of a flush's only statement (run without a
// transaction) that may have been applied.
func singleUnknown(cause error) error {
	return fmt.Errorf("%w: the flush's only statement was sent and its reply was lost; reload before deciding to write again: %w",
		gomikro.ErrCommitUnknown, cause)
}
