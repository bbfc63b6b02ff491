package demo

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// LessonScenarios are the recordings, in order, that make up the lesson
// embedded in the binary: what the demo replays where live capture is
// impossible (no CAP_NET_RAW and no unprivileged user namespaces).
var LessonScenarios = []string{
	"client-close", "teardown", "server-close", "half-close", "refused", "abort",
	"unread-rst", "simultaneous-open", "simultaneous-close", "reuseaddr", "port-reuse",
	"short-connections", "long-connection", "backlog", "concurrent", "parent-copy",
}

// LessonPlan is one lesson of synfin lesson: the scenarios it runs live,
// in order. Where live capture is impossible, the same scenarios are in
// the built-in recording: Filter keeps their packets.
type LessonPlan struct {
	Name      string
	Scenarios []string
}

var lessonPlans = []LessonPlan{
	{"handshake", []string{"client-close"}},
	{"teardown", []string{"teardown", "server-close"}},
	{"time-wait", []string{"reuseaddr", "port-reuse"}},
	{"half-close", []string{"half-close"}},
	{"reset", []string{"refused", "abort", "unread-rst"}},
	{"backlog", []string{"backlog"}},
	{"concurrency", []string{"concurrent", "parent-copy"}},
	{"long-short", []string{"short-connections", "long-connection"}},
	{"simultaneous", []string{"simultaneous-open", "simultaneous-close"}},
	// The notes' server chapter.
	{"listen-queue", []string{"backlog", "concurrent"}},
	{"accept", []string{"client-close", "concurrent"}},
	{"process-thread", []string{"half-close", "concurrent", "parent-copy"}},
	{"so-reuseaddr", []string{"reuseaddr", "concurrent"}},
}

// LessonPlans lists the lessons in teaching order.
func LessonPlans() []LessonPlan {
	out := make([]LessonPlan, len(lessonPlans))
	for i, p := range lessonPlans {
		out[i] = LessonPlan{p.Name, append([]string(nil), p.Scenarios...)}
	}
	return out
}

// LookupLessonPlan finds a lesson by name.
func LookupLessonPlan(name string) (LessonPlan, bool) {
	for _, p := range LessonPlans() {
		if p.Name == name {
			return p, true
		}
	}
	return LessonPlan{}, false
}

// Filter returns the capture filter of the lesson's scenarios' ports
// (scenarios never share ports): applied to the built-in recording, it
// keeps this lesson's packets.
func (p LessonPlan) Filter() string {
	var parts []string
	for _, name := range p.Scenarios {
		sc, ok := Lookup(name)
		if !ok {
			continue
		}
		for i := range sc.Ports {
			parts = append(parts, fmt.Sprintf("port %d", sc.Base+i))
		}
	}
	return "tcp and (" + strings.Join(parts, " or ") + ")"
}

// lessonGap separates the recordings in the lesson's time line.
const lessonGap = 2 * time.Second

//go:generate go run ./internal/mklesson ../testdata/scenarios lesson.pcap

//go:embed lesson.pcap
var lesson []byte

// Lesson returns the embedded lesson capture (pcap).
func Lesson() []byte { return lesson }

// WriteLesson writes the lesson to a new temporary file and returns its
// path, for readers that take a file name; the caller removes it.
func WriteLesson() (string, error) {
	f, err := os.CreateTemp("", "synfin-lesson-*.pcap")
	if err != nil {
		return "", fmt.Errorf("built-in recording: %w", err)
	}
	if _, err := f.Write(lesson); err != nil {
		f.Close()
		os.Remove(f.Name())
		return "", fmt.Errorf("built-in recording: %w", err)
	}
	return f.Name(), f.Close()
}

// WriteLessonOf writes the packets of lesson p's scenarios, taken from the
// built-in recording, to a new temporary file and returns its path; the
// caller removes it. The file holds only this lesson, so its packets are
// numbered from 1, as a student counts them (a filter over the whole
// recording would keep the recording's numbers: #9 for the first packet
// of the second recording).
func WriteLessonOf(p LessonPlan) (string, error) {
	ports := map[uint16]bool{}
	for _, name := range p.Scenarios {
		if sc, ok := Lookup(name); ok {
			for i := range sc.Ports {
				ports[uint16(sc.Base+i)] = true
			}
		}
	}
	r, err := pcapgo.NewReader(bytes.NewReader(lesson))
	if err != nil {
		return "", fmt.Errorf("built-in recording: %w", err)
	}
	f, err := os.CreateTemp("", "synfin-lesson-*.pcap")
	if err != nil {
		return "", fmt.Errorf("built-in recording: %w", err)
	}
	fail := func(err error) (string, error) {
		f.Close()
		os.Remove(f.Name()) // created just now, by CreateTemp
		return "", fmt.Errorf("built-in recording: %w", err)
	}
	bw := bufio.NewWriter(f)
	pw := pcapgo.NewWriter(bw)
	if err := pw.WriteFileHeader(r.Snaplen(), r.LinkType()); err != nil {
		return fail(err)
	}
	var (
		eth     layers.Ethernet
		ip4     layers.IPv4
		ip6     layers.IPv6
		tcp     layers.TCP
		decoded []gopacket.LayerType
	)
	parser := gopacket.NewDecodingLayerParser(layers.LayerTypeEthernet, &eth, &ip4, &ip6, &tcp)
	parser.IgnoreUnsupported = true
	for {
		data, ci, err := r.ReadPacketData()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fail(err)
		}
		tcp.SrcPort, tcp.DstPort = 0, 0
		if err := parser.DecodeLayers(data, &decoded); err != nil || !slices.Contains(decoded, layers.LayerTypeTCP) {
			continue
		}
		if !ports[uint16(tcp.SrcPort)] && !ports[uint16(tcp.DstPort)] {
			continue
		}
		if err := pw.WritePacket(ci, data); err != nil {
			return fail(err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fail(err)
	}
	return f.Name(), f.Close()
}

// MergeRecordings writes the pcaps in paths, one after the other, into w
// as one microsecond pcap: each recording starts lessonGap after the
// previous one ended, so the lesson plays as one story. All must be
// Ethernet (loopback) captures, as synfin record writes them.
func MergeRecordings(w io.Writer, paths []string) error {
	pw := pcapgo.NewWriter(w)
	if err := pw.WriteFileHeader(65535, layers.LinkTypeEthernet); err != nil {
		return err
	}
	var next time.Time // where the next recording starts
	for _, p := range paths {
		if err := appendRecording(pw, p, &next); err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
	}
	return nil
}

func appendRecording(pw *pcapgo.Writer, path string, next *time.Time) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r, err := pcapgo.NewReader(f)
	if err != nil {
		return err
	}
	if r.LinkType() != layers.LinkTypeEthernet {
		return fmt.Errorf("link type %v, want Ethernet", r.LinkType())
	}
	var shift time.Duration
	first := true
	var last time.Time
	for {
		data, ci, err := r.ReadPacketData()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if first {
			if next.IsZero() {
				*next = ci.Timestamp
			}
			shift = next.Sub(ci.Timestamp)
			first = false
		}
		ci.Timestamp = ci.Timestamp.Add(shift).Truncate(time.Microsecond)
		ci.InterfaceIndex = 0
		if err := pw.WritePacket(ci, data); err != nil {
			return err
		}
		last = ci.Timestamp
	}
	*next = last.Add(lessonGap)
	return nil
}
