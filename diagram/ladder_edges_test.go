package diagram_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/diagram"
	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/i18n"
)

// ladderStates reads the text ladder back: per role, the states written
// beside its line, in order, from the header's second line on.
func ladderStates(t *testing.T, text string) [2][]fsm.State {
	t.Helper()
	names := map[string]fsm.State{"?": fsm.Unknown}
	for _, e := range fsm.Edges() {
		names[e.From.String()], names[e.To.String()] = e.From, e.To
	}
	var out [2][]fsm.State
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	for _, ln := range lines[1:] {
		first, last := strings.Index(ln, "│"), strings.LastIndex(ln, "│")
		if first < 0 || first == last {
			t.Fatalf("not a ladder row: %q", ln)
		}
		for r, field := range [2]string{ln[:first], ln[last+len("│"):]} {
			name := strings.TrimSpace(field)
			if name == "" {
				continue
			}
			s, ok := names[name]
			if !ok {
				t.Fatalf("unknown state %q in row %q", name, ln)
			}
			out[r] = append(out[r], s)
		}
	}
	return out
}

// TestLadderDrawsOnlyEdges: reading each recorded scenario's text ladder
// down a role's line, each state follows the one before it by an edge of
// fsm.Edges() (RFC 9293 Figure 5 and §3.10.7): a packet that moves an
// endpoint twice gets a row for the state in the middle, so the ladder
// never draws ESTABLISHED → CLOSING (simultaneous-close.pcap's server).
func TestLadderDrawsOnlyEdges(t *testing.T) {
	legal := map[[2]fsm.State]bool{}
	for _, e := range fsm.Edges() {
		legal[[2]fsm.State{e.From, e.To}] = true
	}
	paths, _ := filepath.Glob(filepath.Join("..", "testdata", "scenarios", "*.pcap"))
	if len(paths) == 0 {
		t.Fatal("no recorded scenarios")
	}
	sawMiddle := false
	for _, path := range paths {
		for n := uint64(1); ; n++ {
			src, err := capture.OpenFile(path)
			if err != nil {
				t.Fatal(err)
			}
			conn, steps, total, ok, err := diagram.Collect(context.Background(), src, fsm.Config{}, n)
			src.Close()
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			if !ok {
				break
			}
			var buf bytes.Buffer
			if err := diagram.Text(&buf, &conn, steps, diagram.Options{Lang: i18n.En, Unfold: true}); err != nil {
				t.Fatal(err)
			}
			for r, seq := range ladderStates(t, buf.String()) {
				for i := 1; i < len(seq); i++ {
					from, to := seq[i-1], seq[i]
					if from != fsm.Unknown && !legal[[2]fsm.State{from, to}] {
						t.Errorf("%s conn %d: the %v's line goes %v → %v, not an edge of fsm.Edges():\n%s", filepath.Base(path), n, fsm.Role(r), from, to, buf.String())
					}
					if filepath.Base(path) == "simultaneous-close.pcap" && r == int(fsm.Server) && from == fsm.FinWait1 && to == fsm.Closing {
						sawMiddle = true
					}
				}
			}
			if n >= uint64(total) {
				break
			}
		}
	}
	if !sawMiddle {
		t.Error("simultaneous-close.pcap: the server's FIN_WAIT_1 between ESTABLISHED and CLOSING is not drawn")
	}
}
