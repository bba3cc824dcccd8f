package mongoem_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/gomikro/gomikro"
	"github.com/gomikro/gomikro/em"
	"github.com/gomikro/gomikro/mongoem"
)

// TestTransactionOptions: MongoDB has no isolation levels, on any server;
// without transactions (FerretDB) the modes that need one fail with
// ErrNoTransactions, and those that run without one work.
func TestTransactionOptions(t *testing.T) {
	ctx := ctxT(t)
	orm, m := openShop(t)
	var ve *gomikro.ValidationError
	err := m.Transactional(ctx, func(ctx context.Context, tx *mongoem.EntityManager) error { return nil }, em.WithIsolation(em.Serializable))
	if !errors.As(err, &ve) || !strings.Contains(err.Error(), "isolation") {
		t.Fatalf("an isolation level on MongoDB: %v", err)
	}
	err = m.Transactional(ctx, func(ctx context.Context, tx *mongoem.EntityManager) error {
		return tx.Persist(&Label{Name: "outside"})
	}, em.WithPropagation(em.PropagationSupports))
	must(t, err)
	if n, err := em.Count[Label](ctx, orm.EM().Fork(), nil); err != nil || n != 1 {
		t.Fatalf("SUPPORTS without a transaction wrote %d labels (%v)", n, err)
	}
	err = m.Transactional(ctx, func(ctx context.Context, tx *mongoem.EntityManager) error { return nil }, em.ReadOnly())
	if orm.SupportsTransactions() {
		must(t, err)
	} else if !errors.Is(err, mongoem.ErrNoTransactions) {
		t.Fatalf("a read-only transaction without transactions on the server: %v", err)
	}
}
