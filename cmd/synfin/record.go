package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/synfin/synfin/demo"
	"github.com/synfin/synfin/internal/privs"
)

const recordUsage = `Usage: synfin record --scenario NAME -w FILE [--kernel FILE.json] [--port N] [-n N] [-v]
       synfin record --list

Runs a demo scenario headless on loopback under a live capture filtered to
the scenario's ports, writes the capture to FILE (pcap), and prints the
kernel's view of the sockets (sock_diag) next to the states synfin
inferred from the packets, at each quiet moment of the scenario. Exits 1
if they disagree. Needs CAP_NET_RAW (or runs in a private network
namespace when the system allows it).

Flags:
`

func runRecord(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("record", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	name := fs.String("scenario", "", "scenario to run (see --list)")
	out := fs.String("w", "", "write the capture to this pcap file")
	port := fs.Uint("port", 0, "first port of the scenario (default: the scenario's own)")
	n := fs.Int("n", 0, "count for repeating scenarios (connections, lines); 0: the scenario's default")
	kernel := fs.String("kernel", "", "also save the kernel's view (sock_diag at each checkpoint) as JSON, to compare again later")
	list := fs.Bool("list", false, "list the scenarios")
	verbose := fs.Bool("v", false, "print the peers' events as they happen")
	if err := parseFlags(fs, args, recordUsage, e); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("record: unexpected argument %q", fs.Arg(0))
	}
	if *list {
		tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
		for _, s := range demo.Scenarios() {
			fmt.Fprintf(tw, "%s\t%s\n", s.Name, s.Desc)
		}
		return tw.Flush()
	}
	if *name == "" {
		return usagef("record: --scenario is required (synfin record --list shows them)")
	}
	sc, ok := demo.Lookup(*name)
	if !ok {
		return usagef("record: --scenario: unknown scenario %q (synfin record --list shows them)", *name)
	}
	if *out == "" {
		return usagef("record: -w FILE is required")
	}
	if *port > 65535-uint(sc.Ports) {
		return usagef("record: --port %d: must leave room for %d port(s) below 65536", *port, sc.Ports)
	}
	if *n < 0 {
		return usagef("record: -n must not be negative")
	}
	mode, err := demo.EnsureCapture()
	if err != nil {
		return fmt.Errorf("record: %w", err)
	}
	if mode == demo.ModeNamespace {
		return demo.RunInNamespace(ctx, append([]string{"record"}, args...), e.stdin, e.stdout, e.stderr)
	}
	opt := demo.RecordOptions{Base: uint16(*port), N: *n, Pcap: *out, Opened: func() {
		if err := privs.GiveToInvoker(*out); err != nil {
			fmt.Fprintf(e.stderr, "synfin: record: %v\n", err)
		}
		// The scenarios' fixed ports are above 1024; the crossing ones
		// attach socket filters (see privs.NetAdmin).
		var keep []privs.Cap
		if sc.Filters {
			keep = append(keep, privs.NetAdmin)
		}
		if err := privs.Drop(keep...); err != nil {
			fmt.Fprintf(e.stderr, "synfin: record: %v\n", err)
		}
	}}
	if *verbose {
		opt.Events = func(ev demo.Event) { fmt.Fprintln(e.stderr, ev) }
	}
	fmt.Fprintf(e.stdout, "scenario %s: %s\n", sc.Name, sc.Desc)
	rec, err := demo.Record(ctx, sc.Name, opt)
	if rec != nil {
		fmt.Fprintf(e.stdout, "captured %d packets (%d TCP segments) on lo with filter %q in %v, kernel drops %d; wrote %s\n",
			rec.Stats.Packets, rec.Stats.Segments, rec.Filter, rec.Duration.Round(1e6), rec.Stats.KernelDrops, *out)
		for _, note := range rec.Notes {
			fmt.Fprintf(e.stdout, "note: %s\n", note)
		}
		fmt.Fprintln(e.stdout)
		fmt.Fprint(e.stdout, rec.Comparison.Table(60))
	}
	if err != nil {
		return fmt.Errorf("record: %w", err)
	}
	if *kernel != "" {
		if err := demo.WriteKernelView(*kernel, rec.KernelView()); err != nil {
			return fmt.Errorf("record: --kernel: %w", err)
		}
		if err := privs.GiveToInvoker(*kernel); err != nil {
			return fmt.Errorf("record: --kernel: %w", err)
		}
	}
	if !rec.Comparison.OK() {
		return fmt.Errorf("record: the fsm disagrees with the kernel on %d endpoint state(s)", len(rec.Comparison.Mismatches))
	}
	if rec.Stats.KernelDrops > 0 {
		return fmt.Errorf("record: the kernel dropped %d packets: %s is incomplete", rec.Stats.KernelDrops, *out)
	}
	return nil
}
