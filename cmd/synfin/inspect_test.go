package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/i18n"
	"github.com/synfin/synfin/ui"
)

// shotScreen is a simulation screen that keeps a copy of its text at
// every Show, taken on the UI goroutine: the test reads the copy, never
// the screen tview is drawing on.
type shotScreen struct {
	tcell.SimulationScreen
	w, h int
	mu   sync.Mutex
	text string
}

func (s *shotScreen) Init() error {
	err := s.SimulationScreen.Init()
	s.SimulationScreen.SetSize(s.w, s.h) // Init reset it to 80×25
	return err
}

func (s *shotScreen) Show() {
	s.SimulationScreen.Show()
	cells, w, h := s.GetContents()
	var b strings.Builder
	for y := range h {
		for x := range w {
			b.WriteString(string(cells[y*w+x].Runes))
		}
		b.WriteByte('\n')
	}
	s.mu.Lock()
	s.text = b.String()
	s.mu.Unlock()
}

func (s *shotScreen) shot() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.text
}

// waitScreen waits until the screen shows all of want.
func waitScreen(t *testing.T, scr *shotScreen, want ...string) string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		got := scr.shot()
		ok := true
		for _, w := range want {
			ok = ok && strings.Contains(got, w)
		}
		if ok {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("screen never showed %q:\n%s", want, got)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestReplayTUI runs the whole TUI (tview's event loop, the pump, the
// capture reader) on a simulation screen over a recorded scenario: keys
// go in as a user types them and the screen is read back.
func TestReplayTUI(t *testing.T) {
	src, err := capture.OpenFile("../../testdata/scenarios/client-close.pcap")
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	scr := &shotScreen{SimulationScreen: tcell.NewSimulationScreen("UTF-8"), w: 100, h: 30}
	done := make(chan error, 1)
	go func() {
		done <- runTUI(context.Background(), tuiRun{
			src: src, name: "client-close.pcap", mode: ui.Replay, lang: i18n.En,
			fsm: fsm.Config{}, log: slog.New(slog.NewTextHandler(io.Discard, nil)), screen: scr,
		})
	}()
	waitScreen(t, scr, "step 1/", "SYN_SENT", "client-close.pcap", "Client state Server state Pkts Bytes Duration History")
	scr.InjectKey(tcell.KeyEnd, 0, tcell.ModNone)
	last := waitScreen(t, scr, "end of capture", "TIME_WAIT")
	scr.InjectKey(tcell.KeyLeft, 0, tcell.ModNone)
	waitScreen(t, scr, "step 7/")
	scr.InjectKey(tcell.KeyRight, 0, tcell.ModNone)
	again := waitScreen(t, scr, "end of capture")
	if again != last {
		t.Errorf("back then forward changed the screen:\n%s\nwas\n%s", again, last)
	}
	scr.InjectKey(tcell.KeyRune, '?', tcell.ModNone)
	waitScreen(t, scr, "play / pause")
	scr.InjectKey(tcell.KeyRune, ' ', tcell.ModNone) // does nothing in the help
	scr.InjectKey(tcell.KeyRune, '?', tcell.ModNone) // closes it
	scr.InjectKey(tcell.KeyRune, 'q', tcell.ModNone)
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("runTUI = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("q did not quit")
	}
}

func TestInspectErrors(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"-r", "x.pcap", "-i", "lo"}, 2, "-r and -i: choose one"},
		{[]string{"-r", "x.pcap", "-w", "y.pcap"}, 2, `-w "y.pcap": saving works with -i only`},
		{[]string{"-r", "x.pcap", "--lang", "fr"}, 2, `--lang "fr": want en or zh`},
		{[]string{"-r", "x.pcap", "--time-wait", "-1s"}, 2, "--time-wait"},
		{[]string{"-r", "x.pcap", "tcp", "port", "banana"}, 2, "filter"},
		{[]string{"-r", "x.pcap", "--bogus"}, 2, "flag provided but not defined"},
		{[]string{"-r", "x.pcap", "port", "80", "--lang", "fr"}, 2, `--lang "fr"`}, // flags after the filter
		{[]string{"-r", "../../testdata/scenarios/client-close.pcap", "port", "80", "--lang", "zh"}, 1, "needs a terminal"},
		{[]string{"-r", "../../testdata/scenarios/client-close.pcap"}, 1, "needs a terminal"},
		{[]string{"-r", "/nonexistent/x.pcap"}, 1, "/nonexistent/x.pcap"},
		{[]string{"demo", "--port", "0"}, 2, "--port 0"},
		{[]string{"demo", "--model", "fork"}, 2, "--model"},
		{[]string{"demo", "--scenario", "nope"}, 2, `unknown scenario "nope"`},
		{[]string{"demo", "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"--lang", "zh"}, 1, "needs a terminal"},                   // flags only: the demo
		{[]string{"--lang", "zh", "--port", "7801"}, 1, "needs a terminal"}, // demo flags too
		{[]string{"--port", "x"}, 2, "demo: invalid value"},
		{[]string{}, 1, "needs a terminal"},
	}
	for _, tt := range tests {
		var out, errb bytes.Buffer
		code := run(context.Background(), tt.args, env{strings.NewReader(""), &out, &errb})
		if code != tt.code || !strings.Contains(errb.String(), tt.want) || strings.Count(errb.String(), "\n") != 1 {
			t.Errorf("synfin %s: exit %d, stderr %q; want exit %d and one line with %q", strings.Join(tt.args, " "), code, errb.String(), tt.code, tt.want)
		}
	}
	for _, args := range [][]string{{"-r", "x", "-h"}, {"demo", "-h"}} {
		var out, errb bytes.Buffer
		if code := run(context.Background(), args, env{strings.NewReader(""), &out, &errb}); code != 0 || !strings.Contains(out.String(), "Usage: synfin") {
			t.Errorf("synfin %s: exit %d, stdout %q", strings.Join(args, " "), code, out.String())
		}
	}
}

// TestDemoLessonFallback: where live capture is impossible the demo
// replays the built-in recording, says so on screen, and says why after.
func TestDemoLessonFallback(t *testing.T) {
	scr := &shotScreen{SimulationScreen: tcell.NewSimulationScreen("UTF-8"), w: 100, h: 30}
	var stderr strings.Builder
	done := make(chan error, 1)
	go func() {
		done <- replayLesson(context.Background(), env{stderr: &stderr},
			tuiRun{lang: i18n.En, screen: scr}, "", errors.New("operation not permitted (needs CAP_NET_RAW)"))
	}()
	waitScreen(t, scr, "built-in recording", "step 1/", "SYN_SENT")
	scr.InjectKey(tcell.KeyEnd, 0, tcell.ModNone)
	waitScreen(t, scr, "end of capture", "TIME_WAIT")
	scr.InjectKey(tcell.KeyRune, 'q', tcell.ModNone)
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("replayLesson = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("q did not quit")
	}
	if !strings.Contains(stderr.String(), "CAP_NET_RAW") || strings.Count(stderr.String(), "\n") != 1 {
		t.Errorf("after quitting, want one line saying why; got %q", stderr.String())
	}
}
