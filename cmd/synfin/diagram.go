package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/synfin/synfin/diagram"
	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/i18n"
	"github.com/synfin/synfin/session"
)

const diagramUsage = `Usage: synfin diagram -r FILE [--conn N] [--format text|svg|mermaid] [--lang en|zh] [FILTER]

Draws the sequence (ladder) diagram of one TCP connection of a capture:
client and server as two lines, one arrow per segment with its flags and
relative seq/ack, each side's state written where it changes. Runs of
data segments are folded into one line unless --unfold is given.

  text     the drawing the terminal UI shows, without colour
  svg      a standalone SVG image
  mermaid  a Mermaid sequenceDiagram (paste into Markdown)

Connections are numbered from 1 in order of their first packet, as in
'synfin summary'. FILTER is a tcpdump-style expression.

Flags:
`

func runDiagram(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("diagram", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	file := fs.String("r", "", "capture file to read (pcap or pcapng, gzip ok)")
	conn := fs.Uint64("conn", 1, "number of the connection to draw (1 = the first)")
	format := fs.String("format", "text", "output: "+strings.Join(diagram.Formats, ", "))
	langFlag := fs.String("lang", "", "language of the labels: en or zh (default: from LC_ALL, LC_MESSAGES, LANG)")
	width := fs.Int("width", 80, "text: width in columns (at least 40)")
	unfold := fs.Bool("unfold", false, "draw every data segment instead of folding runs of them")
	tw := fs.Duration("time-wait", fsm.DefaultTimeWait, "how long TIME_WAIT lasts (2MSL) in capture time")
	if err := parseFlags(fs, args, diagramUsage, e); err != nil {
		return err
	}
	if *file == "" {
		return usagef("diagram: -r FILE is required (a .pcap or .pcapng capture)")
	}
	if *conn == 0 {
		return usagef("diagram: --conn counts from 1 (the first connection)")
	}
	valid := false
	for _, f := range diagram.Formats {
		valid = valid || f == *format
	}
	if !valid {
		return usagef("diagram: --format %q: want one of %s", *format, strings.Join(diagram.Formats, ", "))
	}
	lang := i18n.FromEnv()
	if *langFlag != "" {
		l, err := i18n.ParseLang(*langFlag)
		if err != nil {
			return usagef("diagram: --lang %q: want en or zh", *langFlag)
		}
		lang = l
	}
	if *width < 40 {
		return usagef("diagram: --width %d: want at least 40 columns", *width)
	}
	if *tw <= 0 {
		return usagef("diagram: --time-wait must be positive, got %s", *tw)
	}
	src, err := openFiltered(*file, strings.Join(fs.Args(), " "))
	if err != nil {
		return err
	}
	defer src.Close()
	col, err := diagram.CollectConn(ctx, src, session.Config{FSM: fsm.Config{TimeWait: *tw}}, *conn)
	c, steps, ok := col.Conn, col.Steps, col.OK
	if err != nil && !strings.Contains(err.Error(), strconv.Quote(*file)) {
		err = fmt.Errorf("%q: %w", *file, err) // capture's errors name the file already
	}
	if err != nil && !ok {
		return fmt.Errorf("diagram: %w", err)
	}
	if !ok {
		// Numbers are the tracker's connection IDs, as in the UI and
		// summary; the range offered is the IDs really held.
		if col.Held == 0 {
			return fmt.Errorf("diagram: %s", col.Missing(strconv.Quote(*file), *conn))
		}
		return usagef("diagram: %s", col.Missing(strconv.Quote(*file), *conn))
	}
	if werr := diagram.Write(e.stdout, *format, &c, steps, diagram.Options{Lang: lang, Width: *width, Unfold: *unfold}); werr != nil {
		return fmt.Errorf("diagram: writing: %w", werr)
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		// A damaged tail: the diagram above shows what could be read.
		return fmt.Errorf("diagram: %w (the diagram shows the packets read before it)", err)
	}
	return err
}
