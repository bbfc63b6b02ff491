//go:build !linux

package kernel

import (
	"context"
	"errors"
	"runtime"
)

type tracer struct{}

// Start returns a Watcher with no source: the kernel's sockets can only
// be read on Linux. Source says so.
func Start(ctx context.Context, opt Options) *Watcher {
	w := newWatcher(opt)
	w.source = "kernel: no source on " + runtime.GOOS + " (the tracepoint and sock_diag are Linux's)"
	return w
}

// Flush does nothing off Linux.
func (w *Watcher) Flush() {}

// CloseAll does nothing off Linux.
func CloseAll() {}

// Sockets needs Linux's sock_diag.
func Sockets() ([]Socket, error) {
	return nil, errors.New("reading the kernel's sockets (sock_diag) needs Linux")
}

// Owners needs Linux's /proc.
func Owners(inodes []uint32) map[uint32][]Owner { return map[uint32][]Owner{} }
