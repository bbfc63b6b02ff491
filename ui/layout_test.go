package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/i18n"
	"github.com/synfin/synfin/session"
	"github.com/synfin/synfin/session/sessiontest"
)

// scenarioApp replays a recorded scenario (testdata/scenarios) with the
// real panes.
func scenarioApp(t testing.TB, name string, mode Mode, lang i18n.Lang, demo DemoControl) *App {
	t.Helper()
	src, err := capture.OpenFile(filepath.Join("..", "testdata", "scenarios", name+".pcap"))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	s := session.New(session.Config{})
	if err := s.Run(context.Background(), src, session.RunOptions{}); err != nil {
		t.Fatal(err)
	}
	return New(Config{Session: s, Mode: mode, Source: name + ".pcap", Lang: lang, Demo: demo,
		Ladder: NewLadder(), States: NewStateDiagram(), Explain: NewExplain(),
		Clock: func() time.Time { return sessiontest.Start }})
}

// shortNames are the abbreviations students do not recognise (issue 9
// defect 8): no layout may show them.
var shortNames = []string{"FIN_WT", "TIME_WT", "CLOSE_WT", "ESTAB ", "ESTAB│", " s0 a1", "SYN_RCVD"}

// TestLayouts keeps the three designed screens (80×24, 100×30, 160×45) in
// both languages, on the client-close recording at its FIN+ACK (step 7):
// full state names everywhere, the explanation's changes visible, the
// compact RFC figure at 100×30 and the full one at 160×45.
func TestLayouts(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {100, 30}, {160, 45}} {
		for _, lang := range i18n.Langs() {
			name := fmt.Sprintf("screen-%dx%d-%s", sz[0], sz[1], lang)
			t.Run(name, func(t *testing.T) {
				a := scenarioApp(t, "client-close", Replay, lang, nil)
				for range 6 {
					a.HandleKey(key(tcell.KeyRight))
				}
				got := screenText(t, a, sz[0], sz[1])
				for _, s := range shortNames {
					if strings.Contains(got, s) {
						t.Errorf("screen shows the abbreviation %q:\n%s", s, got)
					}
				}
				for _, want := range []string{"LAST_ACK", "TIME_WAIT", "CLOSE_WAIT", "FIN_WAIT_1"} {
					if !strings.Contains(got, want) {
						t.Errorf("screen lacks %s", want)
					}
				}
				// The explanation shows the change, not just its heading.
				if !strings.Contains(got, "→ LAST_ACK") {
					t.Errorf("the explanation's state change is not visible:\n%s", got)
				}
				if sz[0] >= 100 && !strings.Contains(got, "connect()") && !strings.Contains(got, a.lang.T(i18n.KeyEdgePassiveOpen)) {
					t.Errorf("no RFC figure at %dx%d:\n%s", sz[0], sz[1], got)
				}
				if w := statusLine(got); tcellWidth(w) > sz[0] || !strings.Contains(w, "?") {
					t.Errorf("status bar %q does not fit or lost the help key", w)
				}
				screenGolden(t, name, got)
			})
		}
	}
}

func statusLine(screen string) string {
	lines := strings.Split(strings.TrimRight(screen, "\n"), "\n")
	return lines[len(lines)-1]
}

func tcellWidth(s string) int {
	n := 0
	for _, r := range s {
		n += runeWidth(r)
	}
	return n
}

// TestDemoFirstScreen is defect 12 of issue 9: the demo's first screen
// says what to press to begin, at 80×24 and 100×30, in both languages.
func TestDemoFirstScreen(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {100, 30}} {
		for _, lang := range i18n.Langs() {
			name := fmt.Sprintf("demo-first-%dx%d-%s", sz[0], sz[1], lang)
			t.Run(name, func(t *testing.T) {
				a := New(Config{Session: session.New(session.Config{}), Mode: Demo, Source: "demo lo :7788", Lang: lang,
					Demo: &fakeDemo{}, Ladder: NewLadder(), States: NewStateDiagram(), Explain: NewExplain(), Clock: func() time.Time { return sessiontest.Start }})
				got := screenText(t, a, sz[0], sz[1])
				want := map[i18n.Lang]string{i18n.En: "Press c to connect a client", i18n.Zh: "按 c 让客户端连接"}[lang]
				if !strings.Contains(got, want) {
					t.Errorf("first demo screen does not say what to press (%q):\n%s", want, got)
				}
				screenGolden(t, name, got)
			})
		}
	}
}
