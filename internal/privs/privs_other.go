//go:build !linux

package privs

// Drop does nothing outside Linux (no capabilities).
func Drop(keep ...Cap) error { return nil }

// Supported reports false: no capabilities outside Linux.
func Supported() bool { return false }
