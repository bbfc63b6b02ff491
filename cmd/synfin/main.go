// Command synfin shows how TCP connections open and close: it captures TCP
// segments (from a file, live, or from its own demo peers), follows both
// endpoints' states and shows them in a terminal UI or as a summary.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/synfin/synfin/demo"
)

const usageText = `synfin shows how TCP connections open and close.

Usage:
  synfin                          same as 'synfin demo'
  synfin demo [--scenario NAME] [--port N] [-w out.pcap] [--lang en|zh]
  synfin -r FILE [FILTER]         replay a capture in the TUI
  synfin -i IFACE [FILTER]        live capture in the TUI (default iface: loopback)
  synfin summary -r FILE [--format text|json|zeek]
  synfin record --scenario NAME -w FILE
  synfin server [--addr 127.0.0.1:7788] [--model goroutine|process|iterative] [--backlog N] [--max-children N]
  synfin client [--addr 127.0.0.1:7788]
  synfin diagram -r FILE [--conn N] [--format text|svg|mermaid]
  synfin export -r FILE [--conn N] [--lang en|zh] [-o OUT.html]

Run 'synfin COMMAND -h' for a command's flags.
`

// usageError is a command-line mistake: exit code 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return usageError{fmt.Sprintf(format, args...)}
}

// env is what a command may touch of the outside world.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

func main() {
	demo.MaybeRunChild() // the process-model demo server re-executes this binary
	// SIGHUP (the terminal went away: ssh dropped, tmux window killed) ends
	// synfin as SIGTERM does: the terminal is restored and -w files are
	// flushed, instead of the default of dying on the spot.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	code := run(ctx, os.Args[1:], env{os.Stdin, os.Stdout, os.Stderr})
	stop()
	os.Exit(code)
}

// run dispatches to a subcommand and maps its error to an exit code:
// 0 ok, 1 runtime error, 2 usage.
func run(ctx context.Context, args []string, e env) int {
	err := dispatch(ctx, args, e)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errHelp):
		return 0
	}
	fmt.Fprintf(e.stderr, "synfin: %v\n", err)
	var ue usageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}

// errHelp reports that -h was asked for and the usage printed.
var errHelp = errors.New("help requested")

func dispatch(ctx context.Context, args []string, e env) error {
	if len(args) == 0 {
		return runDemo(ctx, nil, e)
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(e.stdout, usageText)
		return errHelp
	case "demo":
		return runDemo(ctx, args[1:], e)
	case "summary":
		return runSummary(ctx, args[1:], e)
	case "record":
		return runRecord(ctx, args[1:], e)
	case "server":
		return runServer(ctx, args[1:], e)
	case "client":
		return runClient(ctx, args[1:], e)
	case "diagram":
		return runDiagram(ctx, args[1:], e)
	case "export":
		return runExport(ctx, args[1:], e)
	}
	if len(args[0]) > 0 && args[0][0] == '-' {
		// tcpdump style: synfin -r FILE, synfin -i IFACE, with options.
		return runInspect(ctx, args, e)
	}
	return usagef("unknown command %q (run 'synfin -h' for the list)", args[0])
}

// parseFlags parses a subcommand's args: for -h it prints usage and the
// flags' defaults and returns errHelp; a bad flag is a usage error.
func parseFlags(fs *flag.FlagSet, args []string, usage string, e env) error {
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(e.stdout, usage)
		fs.SetOutput(e.stdout)
		fs.PrintDefaults()
		return errHelp
	}
	if err != nil {
		return usagef("%s: %v", fs.Name(), err)
	}
	return nil
}
