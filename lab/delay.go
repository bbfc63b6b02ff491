package lab

import (
	"errors"
	"io"
	"net/netip"
	"time"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/fsm"
)

// segKey identifies one transmission of a segment: a network duplicate
// has the same key (same TSval), a retransmission another.
type segKey struct {
	src, dst netip.AddrPort
	seq, ack fsm.Seq
	flags    fsm.Flags
	len      uint32
	tsval    uint32
}

// MaxOneWay measures the longest time a segment took between the two
// captures of one recording (the client's and the server's veth): the
// link latency plus what the relay and a busy machine added. Segments
// seen more than once (duplicates) are paired in order.
func MaxOneWay(clientPcap, serverPcap string) (time.Duration, error) {
	read := func(p string) (map[segKey][]time.Time, error) {
		src, err := capture.OpenFile(p)
		if err != nil {
			return nil, err
		}
		defer src.Close()
		m := map[segKey][]time.Time{}
		for {
			s, err := src.Next()
			if errors.Is(err, io.EOF) {
				return m, nil
			}
			if err != nil {
				return nil, err
			}
			k := segKey{s.Src, s.Dst, s.Seq, s.Ack, s.Flags, s.Len, s.Options.TSval}
			m[k] = append(m[k], s.Time)
		}
	}
	c, err := read(clientPcap)
	if err != nil {
		return 0, err
	}
	s, err := read(serverPcap)
	if err != nil {
		return 0, err
	}
	var worst time.Duration
	for k, ct := range c {
		for i, st := range s[k] {
			if i >= len(ct) {
				break
			}
			d := st.Sub(ct[i])
			if d < 0 {
				d = -d
			}
			worst = max(worst, d)
		}
	}
	return worst, nil
}
