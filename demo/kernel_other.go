//go:build !linux

package demo

import "errors"

// KernelSockets needs Linux's sock_diag.
func KernelSockets(ports ...uint16) ([]KernelSocket, error) {
	return nil, errors.New("reading the kernel's view of sockets (sock_diag) needs Linux")
}
