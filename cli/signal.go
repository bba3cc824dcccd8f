package cli

import (
	"context"
	"os"
	"os/signal"
)

// signalContext is canceled by an interrupt, so that a long migration
// stops at a statement boundary and releases its lock.
func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt)
}
