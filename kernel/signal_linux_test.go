//go:build linux

package kernel

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// signalContext is what cmd/synfin's main does.
func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}
