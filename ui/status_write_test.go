package ui

import (
	"strings"
	"testing"

	"github.com/synfin/synfin/i18n"
	"github.com/synfin/synfin/session"
)

// TestStatusWriteStopped: when the -w file stops (a full disk), the
// status line says so with the packets saved, in both languages, and a
// hostile reason reaches it escaped.
func TestStatusWriteStopped(t *testing.T) {
	for _, c := range []struct {
		lang i18n.Lang
		want string
	}{{i18n.En, "-w file stopped at 92 packets"}, {i18n.Zh, "第 92 个包后停止写入"}} {
		a, _, _ := testApp(t, nil, Live, c.lang)
		a.s.SetCounts(session.Counts{Packets: 240, WriteErr: "no space left on device\x1b]0;x\x07", Saved: 92})
		a.drawStatus()
		got := a.status.GetText(true)
		if !strings.Contains(got, c.want) || !strings.Contains(got, "no space left on device") {
			t.Errorf("%v: status %q lacks %q and the reason", c.lang, got, c.want)
		}
		if strings.ContainsAny(got, "\x1b\x07") {
			t.Errorf("raw escape bytes on the status line: %q", got)
		}
	}
}
