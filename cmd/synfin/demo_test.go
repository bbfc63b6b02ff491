package main

import (
	"context"
	"testing"
	"time"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/session"
)

// TestSessionConnIDs: the demo's log numbers its lines as the connection
// list does, also when a fixed client port makes two connections on one
// 4-tuple (port-reuse), and for a refused connection.
func TestSessionConnIDs(t *testing.T) {
	for _, name := range []string{"port-reuse", "refused"} {
		t.Run(name, func(t *testing.T) {
			src, err := capture.OpenFile("../../testdata/scenarios/" + name + ".pcap")
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			s := session.New(session.Config{})
			if err := s.Run(context.Background(), src, session.RunOptions{}); err != nil {
				t.Fatal(err)
			}
			ids := sessionConnIDs(s)
			n := s.Info().Conns
			if n == 0 {
				t.Fatal("no connection")
			}
			for k := 0; k < n; k++ {
				row, _ := s.RowAt(k, s.Len())
				c, _ := s.ConnAt(row.ID, s.Len())
				// connect() is logged just before the SYN; the other
				// events while the connection lives (these are < 1 ms).
				for _, at := range []time.Time{c.FirstTime.Add(-time.Millisecond), c.FirstTime, c.FirstTime.Add(200 * time.Microsecond)} {
					got, ok := ids(c.Client, c.Server, at)
					if !ok || got != row.ID {
						t.Errorf("connection %d (%v→%v) at %v: got #%d %v", row.ID, c.Client, c.Server, at.Sub(c.FirstTime), got, ok)
					}
					// Asked from the server's side, with the roles swapped.
					if got, ok := ids(c.Server, c.Client, at); !ok || got != row.ID {
						t.Errorf("connection %d from the server's side: got #%d %v", row.ID, got, ok)
					}
				}
			}
			if name == "port-reuse" && n != 2 {
				t.Errorf("%d connections, want 2 on one 4-tuple", n)
			}
		})
	}
}
