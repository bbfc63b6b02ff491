package demo

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"time"

	"github.com/synfin/synfin/fsm"
)

// KernelView is the kernel's side of a recording, saved next to its pcap
// so the fsm can be checked against the kernel again later, without
// privileges: what sock_diag reported before the scenario (Baseline) and
// at each checkpoint.
type KernelView struct {
	Scenario    string           `json:"scenario"`
	Base        uint16           `json:"base_port"`
	Notes       []string         `json:"notes,omitempty"`
	Baseline    []kernelSockJSON `json:"baseline"`
	Checkpoints []checkpointJSON `json:"checkpoints"`
}

type kernelSockJSON struct {
	Local  netip.AddrPort `json:"local"`
	Remote netip.AddrPort `json:"remote"`
	State  string         `json:"state"`
}

type checkpointJSON struct {
	Label   string           `json:"label"`
	Start   time.Time        `json:"start"`
	End     time.Time        `json:"end"`
	Sockets []kernelSockJSON `json:"sockets"`
}

func socksJSON(ks []KernelSocket) []kernelSockJSON {
	out := make([]kernelSockJSON, len(ks))
	for i, k := range ks {
		out[i] = kernelSockJSON{k.Local, k.Remote, k.State.String()}
	}
	return out
}

func socksFromJSON(js []kernelSockJSON) ([]KernelSocket, error) {
	out := make([]KernelSocket, len(js))
	for i, j := range js {
		st, ok := fsm.ParseState(j.State)
		if !ok || st == fsm.Unknown {
			return nil, fmt.Errorf("unknown TCP state %q", j.State)
		}
		out[i] = KernelSocket{Local: j.Local, Remote: j.Remote, State: st}
	}
	return out, nil
}

// KernelView returns the kernel's side of the recording.
func (rec *Recording) KernelView() KernelView {
	kv := KernelView{Scenario: rec.Scenario.Name, Base: rec.Base, Notes: rec.Notes, Baseline: socksJSON(rec.Baseline)}
	for _, cp := range rec.Checkpoints {
		kv.Checkpoints = append(kv.Checkpoints, checkpointJSON{cp.Label, cp.Start, cp.End, socksJSON(cp.Sockets)})
	}
	return kv
}

// Parts returns the baseline and checkpoints for Compare.
func (kv KernelView) Parts() (baseline []KernelSocket, cps []Checkpoint, err error) {
	if baseline, err = socksFromJSON(kv.Baseline); err != nil {
		return nil, nil, err
	}
	for _, c := range kv.Checkpoints {
		socks, err := socksFromJSON(c.Sockets)
		if err != nil {
			return nil, nil, fmt.Errorf("checkpoint %q: %w", c.Label, err)
		}
		cps = append(cps, Checkpoint{Label: c.Label, Start: c.Start, End: c.End, Sockets: socks})
	}
	return baseline, cps, nil
}

// WriteKernelView writes kv as indented JSON to path. It never follows a
// symbolic link and writes only to a regular file (as root, a device or
// a link planted at path must not be written through).
func WriteKernelView(path string, kv KernelView) error {
	b, err := json.MarshalIndent(kv, "", "  ")
	if err != nil {
		return err
	}
	f, err := openNoFollow(path)
	if err != nil {
		return err
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = fmt.Errorf("%q is not a regular file", path)
	}
	if err == nil {
		err = f.Truncate(0)
	}
	if err == nil {
		_, err = f.Write(append(b, '\n'))
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// ReadKernelView reads a file written by WriteKernelView.
func ReadKernelView(path string) (KernelView, error) {
	var kv KernelView
	b, err := os.ReadFile(path)
	if err != nil {
		return kv, err
	}
	if err := json.Unmarshal(b, &kv); err != nil {
		return kv, fmt.Errorf("%s: %w", path, err)
	}
	return kv, nil
}
