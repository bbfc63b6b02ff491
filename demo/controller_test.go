package demo

import (
	"net/netip"
	"testing"
	"time"
)

func TestController(t *testing.T) {
	if !inOwnNetns(t) {
		return
	}
	addr := loop(9750)
	c, err := NewController(ControllerConfig{Addr: addr, HoldOnEOF: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	log := c.Log()
	step := func(name string, act func(), want func(Event) bool) {
		t.Helper()
		from := log.Len()
		act()
		if _, _, err := log.Wait(from, 3*time.Second, want); err != nil {
			t.Fatalf("%s: %v\nevents: %v", name, err, log.Events()[from:])
		}
	}
	step("connect", c.Connect, Is("client 1", KindConnected))
	step("send", c.Send, func(e Event) bool { return e.Kind == KindReceived && e.Text == "hello from client 1" })
	step("server close", c.ServerClose, Is("client 1", KindPeerClosed))
	step("client close", c.ClientClose, Is("client 1", KindClosed))
	step("refused", c.Refused, Is("client (closed port)", KindRefused))
	step("unread", c.UnreadRST, func(e Event) bool { return e.Kind == KindReset && e.Who == "server" })
	step("connect", c.Connect, Is("client 3", KindConnected))
	step("half-close", c.HalfClose, Is("server", KindPeerClosed))
	step("abort", c.Abort, Is("client 3", KindAborted))
	step("burst", func() { c.Burst(2) }, Is("client 5", KindClosed))
	step("long", func() { c.Long(2) }, func(e Event) bool { return e.Kind == KindReceived && e.Text == "message 2" })
	c.Wait()
	if cl, err := c.target(netip.AddrPort{}); err != nil || cl.Closed() {
		t.Fatalf("the long connection did not stay open: %v", err)
	}
	step("close long", c.ClientClose, Is("client 6", KindClosed))
	step("stop", c.StopListening, Is("server", KindStopped))
	step("restart", func() { c.Restart(true) }, Is("server", KindListening))
	c.Wait()
	for _, e := range log.Events() {
		if e.Kind == KindError {
			t.Errorf("unexpected error event: %v", e)
		}
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	n := log.Len()
	c.Connect() // after Close: ignored
	time.Sleep(20 * time.Millisecond)
	if log.Len() != n {
		t.Errorf("an action after Close logged %v", log.Events()[n:])
	}
}
