package diagram_test

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/capture/capturetest"
	"github.com/synfin/synfin/diagram"
	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/session"
)

// TestCollectNumbersPastTheCap: on a capture bigger than the session's
// step bound, the numbers offered are the IDs really held, and each of
// them can be drawn; the number of connections is the highest ID, not
// the count held. Before, "pick --conn between 1 and N" offered 1 (dropped)
// and stopped at N = the count held, while later IDs worked.
func TestCollectNumbersPastTheCap(t *testing.T) {
	path := filepath.Join(t.TempDir(), "many.pcap")
	const conns = 1000
	if err := capturetest.WriteSyntheticPcap(path, conns); err != nil {
		t.Fatal(err)
	}
	collect := func(id uint64) diagram.Collected {
		t.Helper()
		src, err := capture.OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		defer src.Close()
		c, err := diagram.CollectConn(context.Background(), src, session.Config{MaxSteps: 4096, FSM: fsm.Config{TimeWait: time.Millisecond}}, id)
		if err != nil && c.OK {
			t.Logf("connection %d: %v", id, err)
		}
		return c
	}
	c := collect(1)
	if c.OK {
		t.Fatalf("connection 1 held with 4096 steps for %d connections: the test needs a capture past the bound", conns)
	}
	if c.Seen != conns || c.Last != conns || c.Held >= conns || c.First <= 1 {
		t.Fatalf("Seen %d Held %d First %d Last %d; want %d seen, fewer held, the first ones dropped", c.Seen, c.Held, c.First, c.Last, conns)
	}
	msg := c.Missing(strconv.Quote(path), 1)
	m := regexp.MustCompile(`numbered (\d+) to (\d+)`).FindStringSubmatch(msg)
	if m == nil {
		t.Fatalf("message %q offers no range", msg)
	}
	lo, _ := strconv.ParseUint(m[1], 10, 64)
	hi, _ := strconv.ParseUint(m[2], 10, 64)
	if lo != c.First || hi != conns {
		t.Errorf("offered %d to %d, want %d to %d", lo, hi, c.First, conns)
	}
	for _, id := range []uint64{lo, (lo + hi) / 2, hi} {
		if got := collect(id); !got.OK || got.Conn.ID != id {
			t.Errorf("connection %d, offered in %q, cannot be drawn", id, msg)
		}
	}
	past := collect(conns+1).Missing(`"many.pcap"`, conns+1)
	if want := fmt.Sprintf("numbered %d to %d", c.First, conns); !regexp.MustCompile(regexp.QuoteMeta(want)).MatchString(past) {
		t.Errorf("past the end: %q, want %q", past, want)
	}
}
