package ui

import (
	"fmt"
	"sort"
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/i18n"
	"github.com/synfin/synfin/session"
)

// StateColor is the colour of a state's family (fsm.State.Family). States
// are always written as words too: colour is never the only signal.
func StateColor(s fsm.State) tcell.Color {
	switch s.Family() {
	case "opening":
		return tcell.ColorYellow
	case "open":
		return tcell.ColorLime
	case "closing":
		return tcell.ColorOrange
	case "closed":
		return tcell.ColorSilver
	}
	return tcell.ColorWhite
}

// connContent is the connection list as a virtual table: rows are read
// from the session when drawn, so a list of 100k connections costs only
// the visible rows. Row 0 is the header; then connections, newest first,
// as they were at step pos.
type connContent struct {
	tview.TableContentReadOnly
	s    *session.Session
	lang i18n.Lang
	pos  int // cursor position the rows are shown at

	visible int // connections shown (with a step at or before pos)

	filter  session.Filter
	matched []uint64 // with a filter: matching IDs in order of first packet
	scanned uint64   // highest ID scanned for the filter
	dropped int      // session's First when matched was built

	cacheRow int
	cache    session.Row
	cacheOK  bool
}

// Column indexes.
const (
	colID = iota
	colClient
	colServer
	colCState
	colSState
	colPackets
	colBytes
	colDuration
	colHistory
	numCols
)

var colKeys = [numCols]i18n.Key{
	i18n.KeyColID, i18n.KeyColClient, i18n.KeyColServer, i18n.KeyColClientState,
	i18n.KeyColServerState, i18n.KeyColPackets, i18n.KeyColBytes, i18n.KeyColDuration, i18n.KeyColHistory,
}

// update re-reads the session at step pos. Cheap: a binary search, plus
// scanning the connections that appeared since the last update when a
// filter is set.
func (c *connContent) update(pos int) {
	c.pos = pos
	c.cacheOK = false
	if c.filter.Empty() {
		c.matched = nil
		c.visible = c.s.Visible(pos)
		return
	}
	if first := c.s.First(); first != c.dropped {
		// Steps were dropped: connections may be gone. Rescan.
		c.matched, c.scanned, c.dropped = nil, 0, first
	}
	add, last := c.s.Match(c.filter, c.scanned)
	c.matched = append(c.matched, add...)
	c.scanned = last
	c.visible = sort.Search(len(c.matched), func(k int) bool {
		f := c.s.FirstStepOf(c.matched[k])
		return f < 0 || f > pos
	})
}

func (c *connContent) setFilter(expr string) {
	c.filter = session.ParseFilter(expr)
	c.matched, c.scanned = nil, 0
	c.update(c.pos)
}

// idAt returns the connection shown on table row r (1-based), or 0.
func (c *connContent) idAt(r int) uint64 {
	row, ok := c.rowAt(r)
	if !ok {
		return 0
	}
	return row.ID
}

// rowOf returns the table row showing connection id, or -1.
func (c *connContent) rowOf(id uint64) int {
	var k int
	if c.filter.Empty() {
		k = c.s.IndexOf(id)
	} else {
		k = sort.Search(len(c.matched), func(i int) bool { return c.matched[i] >= id })
		if k == len(c.matched) || c.matched[k] != id {
			k = -1
		}
	}
	if k < 0 || k >= c.visible {
		return -1
	}
	return c.visible - k
}

func (c *connContent) rowAt(r int) (session.Row, bool) {
	if r < 1 || r > c.visible {
		return session.Row{}, false
	}
	if c.cacheOK && c.cacheRow == r {
		return c.cache, true
	}
	k := c.visible - r // newest first
	var (
		row session.Row
		ok  bool
	)
	if c.filter.Empty() {
		row, ok = c.s.RowAt(k, c.pos)
	} else {
		row, ok = c.s.RowOf(c.matched[k], c.pos)
	}
	c.cache, c.cacheRow, c.cacheOK = row, r, ok
	return row, ok
}

func (c *connContent) GetRowCount() int    { return c.visible + 1 }
func (c *connContent) GetColumnCount() int { return numCols }

func (c *connContent) GetCell(r, col int) *tview.TableCell {
	if col < 0 || col >= numCols {
		return nil
	}
	if r == 0 {
		return tview.NewTableCell(tview.Escape(c.lang.T(colKeys[col]))).
			SetTextColor(tcell.ColorAqua).SetAttributes(tcell.AttrBold).SetSelectable(false)
	}
	row, ok := c.rowAt(r)
	if !ok {
		return nil
	}
	cell := tview.NewTableCell("")
	switch col {
	case colID:
		cell.SetText(fmt.Sprint(row.ID)).SetAlign(tview.AlignRight)
	case colClient:
		cell.SetText(tview.Escape(row.Client.String()))
	case colServer:
		cell.SetText(tview.Escape(row.Server.String()))
	case colCState, colSState:
		st := row.States[col-colCState]
		cell.SetText(st.String()).SetTextColor(StateColor(st))
	case colPackets:
		cell.SetText(fmt.Sprint(row.Packets)).SetAlign(tview.AlignRight)
	case colBytes:
		cell.SetText(humanBytes(row.Bytes)).SetAlign(tview.AlignRight)
	case colDuration:
		d, timer := c.durations(row)
		text := shortDuration(d)
		if timer > 0 {
			// The TIME_WAIT timer, apart: it is not traffic.
			text += " [::d]+" + shortDuration(timer) + " 2MSL[::-]"
		}
		cell.SetText(text).SetAlign(tview.AlignRight)
	case colHistory:
		h := row.History
		if row.JoinedLate {
			h += " (" + c.lang.T(i18n.KeyJoinedLateMark) + ")"
		}
		cell.SetText(tview.Escape(h)).SetExpansion(1)
	}
	return cell
}

// durations splits a row's duration: the time from the first to the last
// packet of the connection, and the time after it until the timers that
// fired since (TIME_WAIT's 2MSL), 0 when none did. Row.Duration runs to
// the latest step, timer steps included: a connection would seem to last
// a minute because of its TIME_WAIT.
func (c *connContent) durations(row session.Row) (d, timer time.Duration) {
	steps := c.s.ConnSteps(row.ID, c.pos, 4)
	k := len(steps) - 1
	for k >= 0 && (steps[k].Timer() || steps[k].Side) {
		k--
	}
	if k == len(steps)-1 || k < 0 {
		return row.Duration, 0
	}
	d = steps[k].Time.Sub(steps[0].Time) + row.Duration - steps[len(steps)-1].Time.Sub(steps[0].Time)
	for _, st := range steps[k+1:] {
		if st.Side {
			return d, 0 // a segment of the next connection ended it
		}
	}
	return d, row.Duration - d
}

// humanBytes writes a byte count in at most 6 characters.
func humanBytes(n uint64) string {
	switch {
	case n < 10000:
		return fmt.Sprint(n)
	case n < 10000<<10:
		return fmt.Sprintf("%dk", n>>10)
	case n < 10000<<20:
		return fmt.Sprintf("%dM", n>>20)
	}
	return fmt.Sprintf("%dG", n>>30)
}

// shortDuration writes a duration in at most 7 characters.
func shortDuration(d time.Duration) string {
	switch {
	case d < 0:
		return "-"
	case d < time.Millisecond:
		return fmt.Sprintf("%dµs", d.Microseconds())
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	case d < time.Minute:
		return fmt.Sprintf("%.2fs", d.Seconds())
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}

// newConnTable builds the list's table around its content.
func newConnTable(c *connContent) *tview.Table {
	t := tview.NewTable().SetContent(c).SetFixed(1, 0).SetSelectable(true, false)
	t.SetSelectedStyle(tcell.StyleDefault.Background(tcell.ColorNavy).Foreground(tcell.ColorWhite).Attributes(tcell.AttrBold))
	t.SetBorder(true)
	return t
}
