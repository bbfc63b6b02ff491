package capture_test

import (
	"bufio"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/fsm"
)

// corpusDir finds ../shared/corpus beside the module root (the folder
// holding go.mod), or returns "" when there is none: a user's clone has no
// corpus.
func corpusDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
	c := filepath.Join(dir, "..", "shared", "corpus")
	if _, err := os.Stat(filepath.Join(c, "pcaps")); err != nil {
		return ""
	}
	return c
}

// refPacket is one row of corpus/reference/<file>.packets.tsv: a TCP
// segment as tshark 4.0 (two passes, default TCP preferences) saw it.
type refPacket struct {
	frame          uint64
	epoch          string // seconds.nanoseconds
	flags          string // e.g. "ACK+PSH", AE (the old NS bit) dropped
	seqRaw, ackRaw uint32
	len            uint32
	vlan           string
	stream         string
	dir            string // "A>B" or "B>A"
}

func readReference(t *testing.T, path string) []refPacket {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("reference: %v", err)
	}
	defer f.Close()
	var out []refPacket
	var cols map[string]int
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		fields := strings.Split(line, "\t")
		if cols == nil { // the header line names the columns
			cols = map[string]int{}
			for i, name := range fields {
				cols[name] = i
			}
			for _, need := range []string{"frame", "time_epoch", "flags", "seq_raw", "ack_raw", "len", "vlan", "stream", "dir"} {
				if _, ok := cols[need]; !ok {
					t.Fatalf("%s: no column %q in %q", path, need, line)
				}
			}
			continue
		}
		get := func(name string) string {
			if i := cols[name]; i < len(fields) {
				return fields[i]
			}
			return ""
		}
		num := func(name string) uint64 {
			v, err := strconv.ParseUint(get(name), 10, 64)
			if err != nil {
				t.Fatalf("%s: column %s: %v in %q", path, name, err, line)
			}
			return v
		}
		flags := strings.TrimSuffix(strings.ReplaceAll(get("flags"), "+AE", ""), "AE")
		out = append(out, refPacket{
			frame: num("frame"), epoch: get("time_epoch"), flags: flags,
			seqRaw: uint32(num("seq_raw")), ackRaw: uint32(num("ack_raw")), len: uint32(num("len")),
			vlan: get("vlan"), stream: get("stream"), dir: get("dir"),
		})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// readStreams reads the stream rows of corpus/reference/<file>.tsv: for
// each tshark stream, its endpoints A (sender of the first segment) and B.
func readStreams(t *testing.T, path string) map[string][2]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reference: %v", err)
	}
	out := map[string][2]string{}
	var cols map[string]int
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		f := strings.Split(line, "\t")
		if cols == nil {
			cols = map[string]int{}
			for i, name := range f {
				cols[name] = i
			}
			continue
		}
		if f[cols["kind"]] != "stream" {
			continue
		}
		ep := func(a, p string) string {
			return netip.AddrPortFrom(netip.MustParseAddr(f[cols[a]]), uint16(must(strconv.Atoi(f[cols[p]])))).String()
		}
		out[f[cols["stream"]]] = [2]string{ep("src", "sport"), ep("dst", "dport")}
	}
	return out
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// refFlags spells flags as reference.py does (its FLAG_BITS order).
func refFlags(f fsm.Flags) string {
	var names []string
	for _, x := range []struct {
		f fsm.Flags
		n string
	}{{fsm.SYN, "SYN"}, {fsm.ACK, "ACK"}, {fsm.FIN, "FIN"}, {fsm.RST, "RST"}, {fsm.PSH, "PSH"}, {fsm.URG, "URG"}, {fsm.ECE, "ECE"}, {fsm.CWR, "CWR"}} {
		if f&x.f != 0 {
			names = append(names, x.n)
		}
	}
	if len(names) == 0 {
		return "NONE"
	}
	return strings.Join(names, "+")
}

// corpusExceptions lists the captures where synfin and tshark may
// legitimately disagree, and why. Empty: on every capture of the corpus
// the decoder returns exactly the segments tshark shows, frame for frame.
// (zeek__tcp__truncated-header.pcap, snaplen 68, cuts its SYN's options:
// tshark shows that SYN and so does synfin, which reads the options
// captured; see Decoder.)
var corpusExceptions = map[string]string{}

// TestCorpus reads every capture of the shared corpus and checks that the
// TCP segments decoded are the ones tshark shows: same frame numbers,
// timestamps, addresses and ports, flags, raw sequence and acknowledgment numbers, payload
// lengths and VLAN ids.
func TestCorpus(t *testing.T) {
	dir := corpusDir(t)
	if dir == "" {
		t.Skip("no ../shared/corpus beside the module root: the public reference captures are not in this checkout")
	}
	pcaps, err := filepath.Glob(filepath.Join(dir, "pcaps", "*.pcap*"))
	if err != nil || len(pcaps) == 0 {
		t.Fatalf("no captures in %s/pcaps (%v)", dir, err)
	}
	for _, p := range pcaps {
		name := filepath.Base(p)
		t.Run(name, func(t *testing.T) {
			if why, ok := corpusExceptions[name]; ok {
				t.Skip(why)
			}
			s, err := capture.OpenFile(p)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			segs, err := readAll(t, s)
			if err != nil {
				t.Fatalf("after %d segments: %v", len(segs), err)
			}
			ref := readReference(t, filepath.Join(dir, "reference", name+".packets.tsv"))
			streams := readStreams(t, filepath.Join(dir, "reference", name+".tsv"))
			st := s.Stats()
			if uint64(len(segs)) != st.Segments {
				t.Errorf("Stats.Segments %d, but %d segments returned", st.Segments, len(segs))
			}
			if len(segs) != len(ref) {
				t.Errorf("%d TCP segments, tshark shows %d (stats: %d packets, skipped: %s)", len(segs), len(ref), st.Packets, st.SkipSummary())
			}
			for i := 0; i < min(len(segs), len(ref)); i++ {
				g, r := segs[i], ref[i]
				if g.Packet != r.frame {
					t.Fatalf("segment %d is packet %d, tshark's is frame %d", i, g.Packet, r.frame)
				}
				var diffs []string
				check := func(what string, got, want any) {
					if got != want {
						diffs = append(diffs, fmt.Sprintf("%s %v, tshark %v", what, got, want))
					}
				}
				check("time", fmt.Sprintf("%d.%09d", g.Time.Unix(), g.Time.Nanosecond()), r.epoch)
				check("flags", refFlags(g.Flags), r.flags)
				ab, ok := streams[r.stream]
				if !ok {
					t.Fatalf("frame %d: stream %s has no stream row", r.frame, r.stream)
				}
				if r.dir == "B>A" {
					ab[0], ab[1] = ab[1], ab[0]
				}
				check("src", g.Src.String(), ab[0])
				check("dst", g.Dst.String(), ab[1])
				check("seq", uint32(g.Seq), r.seqRaw)
				check("len", g.Len, r.len)
				// tshark shows the raw acknowledgment field only when ACK is set.
				if g.Flags.Has(fsm.ACK) || r.ackRaw != 0 {
					check("ack", uint32(g.Ack), r.ackRaw)
				}
				wantVLAN := uint32(0)
				if r.vlan != "" {
					v, err := strconv.ParseUint(r.vlan, 10, 32)
					if err != nil {
						t.Fatalf("frame %d: vlan %q", r.frame, r.vlan)
					}
					wantVLAN = uint32(v)
				}
				// reference.py asks tshark for the last occurrence of
				// vlan.id: the innermost tag, the low 12 bits of ours.
				check("inner vlan", g.VLAN&0xfff, wantVLAN)
				if len(diffs) > 0 {
					t.Errorf("frame %d: %s", r.frame, strings.Join(diffs, "; "))
				}
			}
		})
	}
}
