package lab

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/synfin/synfin/capture"
)

// quiet is how long the captures and polls go on after the traffic ends:
// TPACKET_V3 hands a block over when it retires (PITFALLS.md), and a
// retransmission may still be on its way.
const quiet = 1500 * time.Millisecond

// linkLatency is the relay's one-way delay: a 40 ms round trip, like a
// link across a city, and long enough for 1 ms polls to see the states
// that last one round trip.
const linkLatency = 20 * time.Millisecond

// Record makes the namespaces client, relay and server (named from
// prefix), runs scenario sc through the relay while capturing and polling
// sock_diag, and writes dir/<name>.<suffix>.pcap for each of Captures and
// dir/<name>.truth.json. The namespaces are deleted on return.
func Record(sc Scenario, dir, prefix string) (err error) {
	var made []*NS
	defer func() {
		for i := len(made) - 1; i >= 0; i-- {
			if cerr := made[i].Close(); cerr != nil && err == nil {
				err = cerr
			}
		}
	}()
	ns := map[string]*NS{}
	for _, h := range []string{"client", "relay", "server"} {
		n, err := NewNS(prefix + "-" + h)
		if err != nil {
			return err
		}
		made = append(made, n)
		ns[h] = n
	}
	c, r, s := ns["client"], ns["relay"], ns["server"]
	steps := [][]string{
		{r.Name, "link", "add", "name", "r0", "type", "veth", "peer", "name", "c0", "netns", c.Name},
		{r.Name, "link", "add", "name", "r1", "type", "veth", "peer", "name", "s0", "netns", s.Name},
		{r.Name, "link", "set", "r0", "promisc", "on", "up"},
		{r.Name, "link", "set", "r1", "promisc", "on", "up"},
		{c.Name, "addr", "add", clientAddr.String() + "/24", "dev", "c0"},
		{s.Name, "addr", "add", serverAddr.String() + "/24", "dev", "s0"},
		{c.Name, "link", "set", "c0", "up"},
		{s.Name, "link", "set", "s0", "up"},
	}
	for _, st := range steps {
		if err := ipCmd(append([]string{"-n"}, st...)...); err != nil {
			return err
		}
	}
	for _, kv := range sc.ClientSysctls {
		if err := c.Sysctl(kv); err != nil {
			return err
		}
	}
	relay, err := StartRelay(r, "r0", "r1", linkLatency, sc.Rules, sc.Lossy)
	if err != nil {
		return err
	}
	relayStopped := false
	defer func() {
		if !relayStopped {
			relay.Stop()
		}
	}()
	// Static neighbour entries: no ARP exchange through the relay holds
	// the first SYN back (a socket is in SYN_SENT from connect(), its SYN
	// would leave only once ARP resolved, a relay round trip later).
	cmac, err := macOf(c, "c0")
	if err != nil {
		return err
	}
	smac, err := macOf(s, "s0")
	if err != nil {
		return err
	}
	if err := c.IP("neigh", "replace", serverAddr.String(), "lladdr", smac, "dev", "c0", "nud", "permanent"); err != nil {
		return err
	}
	if err := s.IP("neigh", "replace", clientAddr.String(), "lladdr", cmac, "dev", "s0", "nud", "permanent"); err != nil {
		return err
	}

	type capt struct {
		src  *capture.LiveSource
		w    *capture.PcapWriter
		done chan error
	}
	var caps []*capt
	defer func() {
		for _, k := range caps {
			k.src.Close()
			<-k.done
			k.w.Close()
		}
	}()
	for _, cd := range Captures {
		path := filepath.Join(dir, sc.Name+"."+cd.Suffix+".pcap")
		if err := writable(path); err != nil {
			return err
		}
		w, err := capture.CreatePcap(path)
		if err != nil {
			return err
		}
		var src *capture.LiveSource
		if err := ns[cd.Host].Do(func() error {
			var err error
			src, err = capture.OpenLive(cd.Iface, cd.Filter, capture.LiveOptions{Timeout: 50 * time.Millisecond, Write: w})
			return err
		}); err != nil {
			w.Close()
			return err
		}
		k := &capt{src: src, w: w, done: make(chan error, 1)}
		caps = append(caps, k)
		go func() {
			for {
				_, err := src.Next()
				if errors.Is(err, capture.ErrTimeout) {
					continue
				}
				if errors.Is(err, io.EOF) {
					k.done <- nil
					return
				}
				if err != nil {
					k.done <- err
					return
				}
			}
		}()
	}
	truth := &Truth{Scenario: sc.Name, Description: sc.Doc, Client: clientAddr.String(), Server: serverAddr.String(),
		Polls: map[string]int{}, MaxGap: map[string]time.Duration{}, LinkLatency: linkLatency}
	for _, rl := range sc.Rules {
		truth.Rules = append(truth.Rules, rl.String())
	}
	if l := sc.Lossy; l != nil {
		truth.Rules = append(truth.Rules, fmt.Sprintf("random (seed %d): drop %.0f%%, duplicate %.0f%%, delay %.0f%% up to %v",
			l.Seed, 100*l.Drop, 100*l.Dup, 100*l.Delay, l.MaxDelay))
	}
	truth.Start = time.Now()
	polls := []*poller{
		startPoller("client", c, labPort, closedPort),
		startPoller("server", s, labPort, closedPort),
	}
	env := &Env{Client: c, Server: s, ClientAddr: clientAddr, ServerAddr: serverAddr}
	runErr := sc.Run(env)
	time.Sleep(quiet)
	var errs []error
	if runErr != nil {
		errs = append(errs, fmt.Errorf("%s: traffic: %w", sc.Name, runErr))
	}
	for _, k := range caps {
		k.src.Close()
		if err := <-k.done; err != nil {
			errs = append(errs, err)
		}
		if err := k.w.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	caps = nil
	truth.End = time.Now()
	for _, p := range polls {
		if err := p.finish(); err != nil {
			errs = append(errs, err)
		}
		truth.Polls[p.host] = p.polls
		truth.MaxGap[p.host] = p.maxGap
		for _, st := range p.order {
			truth.Sockets = append(truth.Sockets, *st)
		}
	}
	sort.SliceStable(truth.Sockets, func(i, j int) bool {
		return truth.Sockets[i].States[0].First.Before(truth.Sockets[j].States[0].First)
	})
	relayStopped = true
	log, rerr := relay.Stop()
	if rerr != nil {
		errs = append(errs, rerr)
	}
	truth.Relay = log
	truth.Notes = env.notes
	if d, err := MaxOneWay(filepath.Join(dir, sc.Name+".client.pcap"), filepath.Join(dir, sc.Name+".server.pcap")); err != nil {
		errs = append(errs, err)
	} else {
		truth.MaxOneWay = d
	}
	if err := truth.Save(filepath.Join(dir, sc.Name+".truth.json")); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// macOf returns the hardware address of iface in ns.
func macOf(ns *NS, iface string) (string, error) {
	var mac string
	err := ns.Do(func() error {
		ifc, err := net.InterfaceByName(iface)
		if err != nil {
			return err
		}
		mac = ifc.HardwareAddr.String()
		return nil
	})
	return mac, err
}

// Prefix names a recording's namespaces after this process, so that
// two recorders never share (or delete) each other's.
func Prefix(i int) string { return fmt.Sprintf("%s%d", ownPrefix(), i) }

func ownPrefix() string { return fmt.Sprintf("synfin-lab-%d-", os.Getpid()) }

// DeleteOwnNamespaces deletes the namespaces this process created (named
// by Prefix) that still exist: for an interrupted recording, whose
// deferred clean-up does not run.
func DeleteOwnNamespaces() error {
	ents, err := os.ReadDir("/run/netns")
	if err != nil {
		return err
	}
	var errs []error
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ownPrefix()) {
			if err := ipCmd("netns", "del", e.Name()); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}
