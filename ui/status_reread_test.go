package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/synfin/synfin/i18n"
	"github.com/synfin/synfin/internal/sessionfile"
)

// TestStatusRereadFailed: when a step's packet cannot be read again from
// its file (rewritten since), the status line says the raw numbers and
// payloads are missing, in both languages.
func TestStatusRereadFailed(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "testdata", "scenarios", "client-close.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		lang i18n.Lang
		want string
	}{{i18n.En, "the file changed since it was read"}, {i18n.Zh, "文件在读取之后被改动"}} {
		path := filepath.Join(t.TempDir(), "x.pcap")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		s := sessionfile.Load(t, path)
		a := New(Config{Session: s, Mode: Replay, Source: "x.pcap", Lang: c.lang,
			Ladder: NewLadder(), States: NewStateDiagram(), Explain: NewExplain()})
		a.drawStatus()
		if got := a.status.GetText(true); strings.Contains(got, c.want) {
			t.Fatalf("%v: status %q before the file changed", c.lang, got)
		}
		if err := os.WriteFile(path, data[:30], 0o600); err != nil { // cut short
			t.Fatal(err)
		}
		screenText(t, a, 80, 24) // draws the panes: they read the steps
		a.drawStatus()
		if got := a.status.GetText(true); !strings.Contains(got, c.want) {
			t.Errorf("%v: status %q lacks %q", c.lang, got, c.want)
		}
	}
}
