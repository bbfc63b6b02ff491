package session_test

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/internal/sessionfile"
	"github.com/synfin/synfin/session"
)

// memOnly hides a source's Offset and Reread: its session keeps every
// packet field in memory.
type memOnly struct{ session.Source }

// rereadCaptures lists the captures of the repository and of the shared
// corpus (when present).
func rereadCaptures(t *testing.T) []string {
	var files []string
	for _, g := range []string{"../testdata/*/*.pcap", "../capture/testdata/*.pcap*", "../../shared/corpus/pcaps/*.pcap*"} {
		m, err := filepath.Glob(g)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 50 {
		t.Fatalf("found %d captures, want the repository's testdata", len(files))
	}
	return files
}

// TestRereadEqualsMemory reads every capture twice, once keeping the
// packet fields in memory and once re-reading them from the file: every
// step (all its fields), every connection as of every 7th step and at
// the end must be the same.
func TestRereadEqualsMemory(t *testing.T) {
	var reread, files int
	spillDir := t.TempDir()
	for _, path := range rereadCaptures(t) {
		load := func(file bool, spill string) (*session.Session, *capture.FileSource) {
			src, err := capture.OpenFile(path)
			if err != nil {
				return nil, nil
			}
			t.Cleanup(func() { src.Close() })
			s := session.New(session.Config{FSM: fsm.Config{}})
			t.Cleanup(func() { s.Close() })
			var in session.Source = memOnly{src}
			if file {
				in = src
			}
			s.Run(context.Background(), in, session.RunOptions{Spill: spill, Reread: true})
			return s, src
		}
		mem, _ := load(false, "")
		if mem == nil {
			continue // not a capture synfin reads (the error tests' files)
		}
		files++
		fil, src := load(true, "")
		if files%2 == 0 {
			// Half of them through a spill file instead (a pipe, a
			// gzip file): the same again.
			fil, _ = load(false, spillDir)
		}
		if _, ok := src.Offset(); ok && strings.HasSuffix(path, ".gz") {
			t.Errorf("%s: Offset ok on a gzip file", path)
		}
		mi, fi := mem.Info(), fil.Info()
		if mi.Steps != fi.Steps || mi.Conns != fi.Conns || fi.Reread != nil {
			t.Fatalf("%s: memory %+v, file %+v", path, mi, fi)
		}
		for i := 0; i < mi.Steps; i++ {
			a, _ := mem.Step(i)
			b, ok := fil.Step(i)
			if !ok || !reflect.DeepEqual(a, b) {
				t.Fatalf("%s: step %d:\nmemory %+v\n  file %+v", path, i, a, b)
			}
			if a.Packet != 0 && !a.Side {
				reread++
			}
			if i%7 != 0 && i != mi.Steps-1 {
				continue
			}
			if id, same := sameConnsAt(mem, fil, i); !same {
				t.Fatalf("%s: connection %d at step %d differs", path, id, i)
			}
		}
		if fi := fil.Info(); fi.Reread != nil {
			t.Errorf("%s: %v", path, fi.Reread)
		}
	}
	// Through a capture filter, as synfin -r FILE 'tcp port 7830' reads.
	filtered := func(file bool) *session.Session {
		src, err := capture.OpenFileFiltered("../testdata/scenarios/abort.pcap", "tcp port 7830")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { src.Close() })
		s := session.New(session.Config{})
		var in session.Source = memOnly{src}
		if file {
			in = src
		}
		s.Run(context.Background(), in, session.RunOptions{Reread: true})
		return s
	}
	a, b := filtered(false), filtered(true)
	if a.Len() == 0 || a.Len() != b.Len() {
		t.Fatalf("filtered: %d steps in memory, %d from the file", a.Len(), b.Len())
	}
	for i := 0; i < a.Len(); i++ {
		x, _ := a.Step(i)
		y, _ := b.Step(i)
		if !reflect.DeepEqual(x, y) {
			t.Fatalf("filtered: step %d:\nmemory %+v\n  file %+v", i, x, y)
		}
	}
	if left, _ := os.ReadDir(spillDir); len(left) != 0 {
		t.Errorf("spill files left in %s: %v", spillDir, left)
	}
	t.Logf("%d captures, %d steps re-read from their file or a spill file", files, reread)
	if reread < 1000 {
		t.Errorf("only %d steps re-read", reread)
	}
}

// TestRereadChangedFile: a packet that is not the one recorded any more
// (the file was rewritten) shows without its packet fields, and Info
// says why, rather than showing another packet's numbers.
func TestRereadChangedFile(t *testing.T) {
	data, err := os.ReadFile("../testdata/scenarios/abort.pcap")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "x.pcap")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	s := sessionfile.Load(t, path)
	before, _ := s.Step(0)
	if before.RawSeq == 0 || before.Window == 0 {
		t.Fatalf("step 0 = %+v, want its packet's fields", before)
	}
	// Rewrite the file in place: the same length, another sequence
	// number in every packet (bytes 38-41 of an Ethernet/IPv4 frame,
	// after the 24-byte file header and 16-byte record header).
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte{0xde, 0xad, 0xbe, 0xef}, 24+16+38); err != nil {
		t.Fatal(err)
	}
	f.Close()
	after, _ := s.Step(0)
	if after.RawSeq != 0 || after.Window != 0 || after.Payload != nil || s.Info().Reread == nil {
		t.Errorf("after the file changed: step 0 = %+v, Info().Reread = %v; want no packet fields and a reason", after, s.Info().Reread)
	}
	if after.Packet != before.Packet || after.Seq != before.Seq || !reflect.DeepEqual(after.Changes, before.Changes) {
		t.Errorf("what the session keeps changed: %+v, was %+v", after, before)
	}
}

// TestRereadWhileReading reads steps (re-reading their packets) while the
// pump still reads the file and records, as the UI does: run with -race.
func TestRereadWhileReading(t *testing.T) {
	for _, spill := range []string{"", t.TempDir()} {
		src, err := capture.OpenFile("../testdata/scenarios/short-connections.pcap")
		if err != nil {
			t.Fatal(err)
		}
		s := session.New(session.Config{})
		var in session.Source = src
		if spill != "" {
			in = memOnly{src}
		}
		done := make(chan error, 1)
		go func() { done <- s.Run(context.Background(), in, session.RunOptions{Reread: true, Spill: spill}) }()
		for running := true; running; {
			select {
			case err := <-done:
				if err != nil {
					t.Fatal(err)
				}
				running = false
			default:
			}
			if n := s.Len(); n > 0 {
				st, _ := s.Step(n - 1)
				s.ConnSteps(st.ConnID, n-1, 64)
				s.ConnAt(st.ConnID, n-1)
			}
		}
		if err := s.Info().Reread; err != nil {
			t.Error(err)
		}
		s.Close()
		src.Close()
	}
}

// sameConnsAt reports whether sessions a and b list the same rows and
// the same connections as of step i, and the first connection that
// differs.
func sameConnsAt(a, b *session.Session, i int) (uint64, bool) {
	for k := 0; k < a.Visible(i); k++ {
		ra, _ := a.RowAt(k, i)
		rb, _ := b.RowAt(k, i)
		ca, _ := a.ConnAt(ra.ID, i)
		cb, _ := b.ConnAt(rb.ID, i)
		if !reflect.DeepEqual(ra, rb) || !reflect.DeepEqual(ca, cb) {
			return ra.ID, false
		}
	}
	return 0, a.Visible(i) == b.Visible(i)
}
