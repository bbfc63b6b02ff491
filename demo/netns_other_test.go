//go:build !linux

package demo

import "testing"

// inOwnNetns skips the calling test: the demo's peers use fixed ports,
// which only a private network namespace (Linux) keeps away from the
// machine's other programs.
func inOwnNetns(t *testing.T) bool {
	t.Helper()
	t.Skip("needs Linux: this test's fixed ports run in a private network namespace")
	return false
}

// InOwnNetns is inOwnNetns for the package's external tests.
var InOwnNetns = inOwnNetns
