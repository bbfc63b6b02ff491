//go:build linux

package demo

import (
	"bytes"
	"regexp"
	"testing"

	"github.com/synfin/synfin/capture"
)

// inOwnNetns gives the calling top-level test a network namespace of its
// own, so that its fixed ports (the scenarios', the closed port after the
// demo's) meet no other test run on this machine. Outside one, it runs
// the test binary again with just this test inside a private user and
// network namespace, logs its output, fails if it failed, and returns
// false: the caller returns. Inside, it brings loopback up and returns
// true.
func inOwnNetns(t *testing.T) bool {
	t.Helper()
	if capture.InPrivateNetns() {
		if err := capture.BringLoopbackUp(); err != nil {
			t.Fatal(err)
		}
		return true
	}
	cmd, err := capture.PrivateNetnsCommand("-test.run=^"+regexp.QuoteMeta(t.Name())+"$", "-test.v", "-test.count=1")
	if err != nil {
		t.Skipf("no private network namespace for this test's fixed ports: %v", err)
	}
	out, err := cmd.CombinedOutput()
	t.Logf("in a private network namespace:\n%s", out)
	if err != nil {
		if !bytes.Contains(out, []byte("=== RUN")) {
			t.Skipf("no private network namespace for this test's fixed ports: %v", err)
		}
		t.Fatalf("the run in a private network namespace failed: %v", err)
	}
	if bytes.Contains(out, []byte("--- SKIP: "+t.Name()+" ")) {
		t.Skip("skipped in the private network namespace (see above)")
	}
	return false
}

// InOwnNetns is inOwnNetns for the package's external tests.
var InOwnNetns = inOwnNetns
