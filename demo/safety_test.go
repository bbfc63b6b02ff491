package demo

import (
	"context"
	"os"
	"testing"
	"time"
)

func TestEscape(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"hello", "hello"},
		{"你好，世界", "你好，世界"},
		{"\x1b]0;title\x07", `\x1b]0;title\x07`},
		{"\x1b[2Jclear", `\x1b[2Jclear`},
		{"nel\u0085csi\u009b", `nel\u0085csi\u009b`},
		{"tab\tcr\r", `tab\tcr\r`},
		{"bad \xff utf8", `bad \xff utf8`},
		{`back\slash`, `back\\slash`},
		{"zero\u200bwidth", `zero\u200bwidth`},
	} {
		if got := Escape(c.in); got != c.want {
			t.Errorf("Escape(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if got, want := Quote(`say "hi"`+"\x1b"), `"say \"hi\"\x1b"`; got != want {
		t.Errorf("Quote = %q, want %q", got, want)
	}
}

// TestMaxChildren: with MaxChildren 2, the process-model server starts
// no third child while two serve; it says so, and accepts the third
// client once a child has ended.
func TestMaxChildren(t *testing.T) {
	log := &EventLog{}
	srv, err := StartServer(ServerConfig{Addr: loop(0), Model: Process, MaxChildren: 2, Events: log.Sink()})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	addr := srv.ListenAddr()
	var cs []*Client
	defer func() {
		for _, c := range cs {
			c.Release()
		}
	}()
	for i := range 3 {
		c, err := Dial(context.Background(), addr, DialOptions{Name: "client", Events: log.Sink()})
		if err != nil {
			t.Fatalf("client %d: %v", i+1, err)
		}
		cs = append(cs, c)
	}
	started := func(c *Client) func(Event) bool {
		return func(e Event) bool { return e.Kind == KindChildStarted && e.Remote == c.Local() }
	}
	for _, c := range cs[:2] {
		if _, _, err := log.Wait(0, 5*time.Second, started(c)); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := log.Wait(0, 5*time.Second, Is("", KindChildLimit)); err != nil {
		t.Fatal(err)
	}
	// The third connection waits in the backlog: its child starts only
	// after a child has exited.
	if err := cs[0].Close(); err != nil {
		t.Fatal(err)
	}
	_, third, err := log.Wait(0, 5*time.Second, started(cs[2]))
	if err != nil {
		t.Fatal(err)
	}
	_, exited, err := log.Wait(0, 5*time.Second, Is("", KindChildExited))
	if err != nil {
		t.Fatal(err)
	}
	if exited > third {
		t.Errorf("the third child started (event %d) before any child ended (event %d): more than 2 at once\n%v", third, exited, log.Events())
	}
}

// TestWriteKernelViewRefuses: the --kernel file is never written through
// a symbolic link or into something that is not a regular file.
func TestWriteKernelViewRefuses(t *testing.T) {
	dir := t.TempDir()
	target := dir + "/target"
	if err := os.WriteFile(target, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := dir + "/link.json"
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if err := WriteKernelView(link, KernelView{Scenario: "x"}); err == nil {
		t.Error("WriteKernelView wrote through a symbolic link")
	}
	if b, _ := os.ReadFile(target); string(b) != "keep" {
		t.Errorf("the link's target was changed: %q", b)
	}
	if err := WriteKernelView(dir, KernelView{Scenario: "x"}); err == nil {
		t.Error("WriteKernelView wrote to a directory")
	}
	ok := dir + "/ok.json"
	for range 2 { // a second write replaces the first
		if err := WriteKernelView(ok, KernelView{Scenario: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	if kv, err := ReadKernelView(ok); err != nil || kv.Scenario != "x" {
		t.Errorf("read back: %+v, %v", kv, err)
	}
}
