package em

import (
	"fmt"
	"sync/atomic"

	"github.com/gomikro/gomikro"
)

// States of an EntityManager's guard.
const (
	guardIdle int32 = iota
	// guardBusy: an operation runs the ORM's own code.
	guardBusy
	// guardUser: an operation called user code (a hook, a subscriber),
	// which may call back into the EntityManager.
	guardUser
)

// guard detects an EntityManager used by two goroutines at once: every
// public operation that touches the identity map takes it (one
// compare-and-swap), and returns gomikro.ErrConcurrentUse when another
// operation holds it, unless that operation is running user code: then
// the call is taken to come from that code (a re-entrant call from a
// hook) and runs inside it.
type guard struct{ state atomic.Int32 }

// enter starts operation op. entered reports whether this call took the
// guard (leave releases it); false with a nil error is a call from user
// code inside another operation.
func (m *EntityManager) enter(op string) (entered bool, err error) {
	if m.g.state.CompareAndSwap(guardIdle, guardBusy) {
		return true, nil
	}
	if m.g.state.Load() == guardUser {
		return false, nil
	}
	return false, fmt.Errorf("%w: %s while another goroutine is in the middle of an operation on it; "+
		"fork one EntityManager per goroutine (orm.EM().Fork())", gomikro.ErrConcurrentUse, op)
}

// leave ends an operation that entered.
func (m *EntityManager) leave(entered bool) {
	if entered {
		m.g.state.Store(guardIdle)
	}
}

// userCode marks the start of a call into user code; endUserCode(prev)
// its end.
func (m *EntityManager) userCode() (prev int32) { return m.g.state.Swap(guardUser) }

func (m *EntityManager) endUserCode(prev int32) { m.g.state.Store(prev) }

// user runs fn, user code, marked as such.
func (m *EntityManager) user(fn func() error) error {
	prev := m.userCode()
	defer m.endUserCode(prev)
	return fn()
}
