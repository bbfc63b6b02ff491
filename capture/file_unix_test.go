//go:build unix

package capture_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/gopacket/gopacket/layers"

	"github.com/synfin/synfin/capture"
)

// A named pipe has no size: OpenFile must read it, not call it empty
// (synfin -r <(zcat x.pcap.gz), synfin -r /dev/stdin).
func TestFileFromPipe(t *testing.T) {
	f := ethFixture(t)
	data := tbPcap(t, layers.LinkTypeEthernet, false, 65535, f.pkts...)
	for _, c := range []struct {
		name string
		data []byte
		err  string // "" for success
	}{
		{"pcap", data, ""},
		{"nothing", nil, "empty input (0 bytes)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "fifo")
			if err := syscall.Mkfifo(path, 0o600); err != nil {
				t.Skipf("mkfifo: %v", err)
			}
			go func() {
				w, err := os.OpenFile(path, os.O_WRONLY, 0)
				if err != nil {
					return
				}
				w.Write(c.data)
				w.Close()
			}()
			s, err := capture.OpenFile(path)
			if c.err != "" {
				if err == nil {
					s.Close()
					t.Fatal("OpenFile succeeded")
				}
				checkErrorMessage(t, err, path, c.err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			segs, err := readAll(t, s)
			checkRead(t, segs, s.Stats(), err, f.want, f.stats, false)
		})
	}
}
