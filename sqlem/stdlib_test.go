package sqlem

import (
	"errors"
	"testing"
)

// nilResult is a sql.Result that panics as database/sql's does when the
// driver gave none (a nil pointer dereference).
type nilResult struct{ p *int64 }

func (r nilResult) LastInsertId() (int64, error) { return *r.p, nil }
func (r nilResult) RowsAffected() (int64, error) { return *r.p, nil }

// okResult is a sql.Result of a statement that inserted n rows from id.
type okResult struct{ id, n int64 }

func (r okResult) LastInsertId() (int64, error) { return r.id, nil }
func (r okResult) RowsAffected() (int64, error) { return r.n, nil }

// TestMissingResult: a result the driver did not give is errNoResult from
// lastID and affected, not a panic; a result given is read.
func TestMissingResult(t *testing.T) {
	if id, n, err := lastID(nilResult{}, nil); !errors.Is(err, errNoResult) || id != 0 || n != 0 {
		t.Fatalf("lastID of no result = %d, %d, %v", id, n, err)
	}
	if n, err := affected(nilResult{}, nil); !errors.Is(err, errNoResult) || n != 0 {
		t.Fatalf("affected of no result = %d, %v", n, err)
	}
	if id, n, err := lastID(okResult{7, 2}, nil); err != nil || id != 7 || n != 2 {
		t.Fatalf("lastID = %d, %d, %v", id, n, err)
	}
	boom := errors.New("boom")
	if _, _, err := lastID(nil, boom); err != boom {
		t.Fatalf("lastID of a failed statement = %v", err)
	}
}
