// Package sessionfile loads a capture file into a session for the tests
// and benchmarks of the session and the UI (sessiontest cannot: the
// session's own internal tests import it).
package sessionfile

import (
	"context"
	"testing"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/session"
)

// Load reads the capture at path into a new session that re-reads
// its packet fields from the file, as synfin -r does; the file stays open
// until the test ends.
func Load(tb testing.TB, path string) *session.Session {
	tb.Helper()
	src, err := capture.OpenFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { src.Close() })
	s := session.New(session.Config{})
	tb.Cleanup(func() { s.Close() })
	if err := s.Run(context.Background(), src, session.RunOptions{Reread: true}); err != nil {
		tb.Fatal(err)
	}
	return s
}
