package diagram

import (
	"bufio"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/i18n"
	"github.com/synfin/synfin/session"
)

// Formats lists the export formats, for flags and messages.
var Formats = []string{"text", "svg", "mermaid"}

// Write exports the ladder of conn in the named format.
func Write(w io.Writer, format string, conn *fsm.Conn, steps []session.Step, opt Options) error {
	switch format {
	case "text", "":
		return Text(w, conn, steps, opt)
	case "svg":
		return SVG(w, conn, steps, opt)
	case "mermaid":
		return Mermaid(w, conn, steps, opt)
	}
	return fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats, ", "))
}

// Collect reads src to the end through a session store and returns
// connection id as it ended, with all its steps, and the number of
// connections still held (see CollectConn for the IDs they carry). ok is
// false when no connection has that id.
func Collect(ctx context.Context, src session.Source, cfg fsm.Config, id uint64) (conn fsm.Conn, steps []session.Step, conns int, ok bool, err error) {
	c, err := CollectConn(ctx, src, session.Config{FSM: cfg}, id)
	return c.Conn, c.Steps, c.Held, c.OK, err
}

// header returns the role names with addresses.
func header(conn *fsm.Conn, lang i18n.Lang) (client, server string) {
	client, server = lang.Role(fsm.Client), lang.Role(fsm.Server)
	if conn.Client.IsValid() {
		client += " " + conn.Client.String()
		server += " " + conn.Server.String()
	}
	return client, server
}

// rowText is what a row says, format-neutral.
type rowText struct {
	kind    RowKind
	from    fsm.Role // segment: sender
	label   string   // segment label, fold or timer text
	note    string   // note tags
	states  [2]fsm.State
	changed [2]bool
	// steps[first:end] are the steps the row shows
	first, end int
}

func texts(conn *fsm.Conn, steps []session.Step, opt Options) (initial [2]fsm.State, rows []rowText) {
	l := NewLadder(200, opt.Lang) // wide: never compact
	steps, l.Corrected = Corrected(conn, steps)
	initial, _ = initialStates(steps)
	for _, r := range Rows(steps, !opt.Unfold, -1) {
		t := rowText{kind: r.Kind, first: r.Step, end: r.Step + 1}
		if r.Kind == RowFold {
			t.end = r.End
		}
		switch r.Kind {
		case RowThen:
			t.states, t.changed = rowStates(steps, r.Step, r.Then)
		case RowFold:
			var bytes uint64
			for i := r.Step; i < r.End; i++ {
				bytes += uint64(steps[i].Len)
			}
			t.label = opt.Lang.F(i18n.KeyLadderFold, i18n.Args{"n": r.End - r.Step, "bytes": bytes})
		case RowTimer, RowSide:
			s := &steps[r.Step]
			t.label = opt.Lang.T(i18n.KeyLadderTimer)
			if r.Kind == RowSide {
				t.label = opt.Lang.F(i18n.KeyLadderSide, i18n.Args{"n": s.Packet})
			}
			t.states, t.changed = rowStates(steps, r.Step, 0)
		default:
			s := &steps[r.Step]
			t.from = s.From
			t.label, t.note = l.labels(s, 1000)
			t.states, t.changed = rowStates(steps, r.Step, 0)
		}
		rows = append(rows, t)
	}
	return initial, rows
}

func initialStates(steps []session.Step) ([2]fsm.State, [2]bool) { return initial(steps) }

// Initial returns both endpoints' states before the first step, as the
// ladder's header writes them (UNKNOWN where nothing was assumed).
func Initial(steps []session.Step) [2]fsm.State {
	st, _ := initial(steps)
	return st
}

// SVG writes the ladder as a standalone SVG sequence diagram. All text is
// XML-escaped.
func SVG(w io.Writer, conn *fsm.Conn, steps []session.Step, opt Options) error {
	const (
		cx   = 170 // client line; state names (≤ 11 columns) fit left of it
		top  = 70
		rowH = 34
		colW = 8 // px per column of 13px monospace, rounded up
	)
	init, rows := texts(conn, steps, opt)
	// The lines are as far apart as the longest label needs.
	longest := 0
	for _, r := range rows {
		n := width(r.label)
		if r.note != "" {
			n += 1 + width(r.note)
		}
		longest = max(longest, n)
	}
	cl, sl := header(conn, opt.Lang)
	span := max(320, colW*longest+48, colW*(width(cl)+width(sl))/2+40)
	sx := cx + span
	width := sx + cx
	height := top + 40 + rowH*len(rows) + 20
	bw := bufio.NewWriter(w)
	p := func(format string, a ...any) { fmt.Fprintf(bw, format, a...) }
	p(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	p(`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="%s" font-size="13">`+"\n", width, height, width, height, FontFamily)
	p(`<defs><marker id="head" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#333"/></marker></defs>` + "\n")
	p(`<rect width="100%%" height="100%%" fill="white"/>` + "\n")
	p(`<text x="%d" y="24" text-anchor="middle" font-weight="bold" fill="#1f6fb2">%s</text>`+"\n", cx, esc(cl))
	p(`<text x="%d" y="24" text-anchor="middle" font-weight="bold" fill="#c05800">%s</text>`+"\n", sx, esc(sl))
	p(`<line x1="%d" y1="34" x2="%d" y2="%d" stroke="#1f6fb2" stroke-width="2"/>`+"\n", cx, cx, height-10)
	p(`<line x1="%d" y1="34" x2="%d" y2="%d" stroke="#c05800" stroke-width="2"/>`+"\n", sx, sx, height-10)
	state := func(y int, r fsm.Role, s fsm.State) {
		if r == fsm.Client {
			p(`<text x="%d" y="%d" text-anchor="end" font-weight="bold" fill="#1f6fb2">%s</text>`+"\n", cx-8, y+4, esc(s.String()))
		} else {
			p(`<text x="%d" y="%d" text-anchor="start" font-weight="bold" fill="#c05800">%s</text>`+"\n", sx+8, y+4, esc(s.String()))
		}
	}
	if len(steps) > 0 {
		state(top-16, fsm.Client, init[fsm.Client])
		state(top-16, fsm.Server, init[fsm.Server])
	}
	for i, r := range rows {
		y := top + 20 + i*rowH
		if opt.RowGroups {
			if i > 0 {
				p("</g>\n")
			}
			p(`<g class="row" data-first="%d" data-end="%d"><rect class="hl" x="0" y="%d" width="%d" height="%d" fill="none"/>`+"\n", r.first, r.end, y-rowH/2-4, width, rowH)
		}
		switch r.kind {
		case RowFold:
			p(`<text x="%d" y="%d" text-anchor="middle" fill="#777" font-style="italic">%s</text>`+"\n", (cx+sx)/2, y+4, esc(r.label))
			continue
		case RowTimer, RowSide:
			p(`<text x="%d" y="%d" text-anchor="middle" fill="#777" font-style="italic">%s</text>`+"\n", (cx+sx)/2, y+4, esc(r.label))
		case RowThen: // the states only
		default:
			x1, x2 := cx, sx
			if r.from == fsm.Server {
				x1, x2 = sx, cx
			}
			p(`<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#333" stroke-width="1.5" marker-end="url(#head)"/>`+"\n", x1, y, x2, y)
			p(`<text x="%d" y="%d" text-anchor="middle">%s`, (cx+sx)/2, y-6, esc(r.label))
			if r.note != "" {
				p(` <tspan fill="#c00000">%s</tspan>`, esc(r.note))
			}
			p("</text>\n")
		}
		for role := fsm.Client; role <= fsm.Server; role++ {
			if r.changed[role] {
				state(y, role, r.states[role])
			}
		}
	}
	if opt.RowGroups && len(rows) > 0 {
		p("</g>\n")
	}
	p("</svg>\n")
	return bw.Flush()
}

// FontFamily is the SVG's (and the web page's) font list: a monospace
// face for the Latin labels, then the CJK families common on Linux, macOS
// and Windows for Chinese text, then any sans-serif.
const FontFamily = `'DejaVu Sans Mono', Menlo, Consolas, monospace, ` + CJKFonts

// CJKFonts lists common Simplified Chinese font families, falling back to
// sans-serif.
const CJKFonts = `'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', 'WenQuanYi Micro Hei', sans-serif`

// esc escapes text for XML character data and attribute values.
func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s)) // also escapes control characters
	return b.String()
}

// Mermaid writes the ladder as a Mermaid sequenceDiagram. Text is escaped
// with Mermaid's entity codes so that no label can end a line or start
// markup.
func Mermaid(w io.Writer, conn *fsm.Conn, steps []session.Step, opt Options) error {
	init, rows := texts(conn, steps, opt)
	bw := bufio.NewWriter(w)
	p := func(format string, a ...any) { fmt.Fprintf(bw, format, a...) }
	cl, sl := header(conn, opt.Lang)
	p("sequenceDiagram\n")
	p("    participant C as %s\n", merm(cl))
	p("    participant S as %s\n", merm(sl))
	note := func(r fsm.Role, s string) {
		if r == fsm.Client {
			p("    Note left of C: %s\n", merm(s))
		} else {
			p("    Note right of S: %s\n", merm(s))
		}
	}
	if len(steps) > 0 {
		note(fsm.Client, init[fsm.Client].String())
		note(fsm.Server, init[fsm.Server].String())
	}
	for _, r := range rows {
		switch r.kind {
		case RowFold:
			p("    Note over C,S: %s\n", merm(r.label))
			continue
		case RowTimer, RowSide:
			p("    Note over C,S: %s\n", merm(r.label))
		case RowThen: // the states only
		default:
			text := r.label
			if r.note != "" {
				text += " " + r.note
			}
			if r.from == fsm.Client {
				p("    C->>S: %s\n", merm(text))
			} else {
				p("    S->>C: %s\n", merm(text))
			}
		}
		for role := fsm.Client; role <= fsm.Server; role++ {
			if r.changed[role] {
				note(role, r.states[role].String())
			}
		}
	}
	return bw.Flush()
}

// merm escapes text for a Mermaid message or note: characters that could
// end the statement, start a comment or markup become entity codes, and
// control characters are dropped.
func merm(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '#' || r == ';' || r == '<' || r == '>' || r == '&':
			fmt.Fprintf(&b, "#%d;", r)
		case r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0:
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
