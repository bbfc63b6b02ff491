package ui

import (
	"strings"

	"github.com/rivo/uniseg"

	"github.com/rivo/tview"

	"github.com/synfin/synfin/i18n"
	"github.com/synfin/synfin/session"
)

// spinner turns while a file loads, so a big file visibly progresses.
var spinner = []string{"|", "/", "-", "\\"}

// drawStatus writes the status bar: playback first (what the class looks
// at) and the help key, then the source and its counters, then the
// language. What does not fit the screen's width is left out, least
// important first (the language, the counts, end of capture, the speed);
// the source is only cut at the right edge.
func (a *App) drawStatus() {
	l := a.lang
	info := a.s.Info()
	pos := a.cur.Pos()
	var parts []statusPart
	add := func(prio int, text string) { parts = append(parts, statusPart{text: text, prio: prio}) }

	// Playback.
	switch {
	case a.cur.Following():
		add(0, "[lime]▶ "+tview.Escape(l.T(i18n.KeyStatusFollow))+"[-]")
	case a.play.Playing():
		add(0, "[lime]▶ "+tview.Escape(l.T(i18n.KeyStatusPlaying))+"[-]")
	default:
		add(0, "[yellow]‖ "+tview.Escape(l.T(i18n.KeyStatusPaused))+"[-]")
	}
	total := info.Steps
	if pos >= 0 {
		add(0, tview.Escape(l.F(i18n.KeyStatusPos, i18n.Args{"pos": pos + 1, "total": total})))
	} else {
		add(0, tview.Escape(l.T(i18n.KeyWaitingPacket)))
	}
	if info.Done && info.Err == nil && a.cfg.Mode == Replay && pos == info.Steps-1 && pos >= 0 {
		add(1, tview.Escape(l.T(i18n.KeyStatusDone)))
	}
	if !a.cur.Following() {
		add(1, tview.Escape(l.F(i18n.KeyStatusSpeed, i18n.Args{"speed": speedText(l, a.play.Speed())})))
	}
	if f := a.cur.Focused(); f != 0 {
		add(1, tview.Escape(l.F(i18n.KeyStatusFocused, i18n.Args{"n": f})))
	}
	for _, x := range a.statusExtra() {
		add(0, x)
	}
	add(0, tview.Escape(l.T(i18n.KeyStatusHelpHint)))

	// Source.
	srcPrefix := ""
	if a.cfg.Mode != Replay {
		srcPrefix = "[red]●[-] " + tview.Escape(l.T(i18n.KeyStatusLive)) + " "
	}
	switch {
	case info.Err != nil:
		add(0, "[red]"+tview.Escape(l.F(i18n.KeyStatusReadError, i18n.Args{"err": Untrusted(info.Err.Error())}))+"[-]")
	case !info.Done && a.cfg.Mode == Replay:
		spin := spinner[(info.Steps/4096)%len(spinner)]
		add(2, "[aqua]"+spin+" "+tview.Escape(l.F(i18n.KeyStatusLoading, i18n.Args{"name": Untrusted(a.cfg.Source), "n": info.Counts.Packets}))+"[-]")
	default:
		// Never left out (a recording must say so), only shortened.
		parts = append(parts, statusPart{prio: 0, cutPrefix: srcPrefix, cut: Untrusted(a.cfg.Source)})
		add(5, tview.Escape(l.F(i18n.KeyStatusPackets, i18n.Args{"n": info.Counts.Packets})))
	}
	if info.Counts.Drops > 0 {
		add(1, "[red]"+tview.Escape(l.F(i18n.KeyStatusDrops, i18n.Args{"n": info.Counts.Drops}))+"[-]")
	}
	if info.Counts.WriteErr != "" {
		add(0, "[red]"+tview.Escape(l.F(i18n.KeyStatusWriteStopped, i18n.Args{"n": info.Counts.Saved, "err": Untrusted(info.Counts.WriteErr)}))+"[-]")
	}
	if info.Counts.Skipped > 0 {
		add(5, tview.Escape(l.F(i18n.KeyStatusSkipped, i18n.Args{"n": info.Counts.Skipped})))
	}
	if info.Dropped > 0 {
		msg := l.F(i18n.KeyStatusMemDropped, i18n.Args{"n": info.Dropped})
		if info.DropWhy == session.DropKeep {
			msg = l.F(i18n.KeyStatusKeepDropped, i18n.Args{"n": info.Dropped, "keep": info.Keep})
		}
		add(2, "[orange]"+tview.Escape(msg)+"[-]")
	}
	if info.Reread != nil {
		add(0, "[orange]"+tview.Escape(l.T(i18n.KeyStatusRereadFailed))+"[-]")
	}
	add(6, l.String())
	a.status.SetText(" " + fitStatus(parts, a.statusWidth()))
}

// statusPart is one item of the status bar; a higher prio is left out
// first when the bar is too narrow. A part with cut set is plain text
// (shown after cutPrefix) that may be shortened instead of left out.
type statusPart struct {
	text      string // with tview tags, escaped
	prio      int
	cutPrefix string
	cut       string
}

func (p statusPart) render(cut int) string {
	if p.cut == "" {
		return p.text
	}
	c := p.cut
	if cut > 0 {
		h, _ := truncate(c, max(8, uniseg.StringWidth(c)-cut-1))
		c = h + "…"
	}
	return p.cutPrefix + tview.Escape(c)
}

const statusSep = " · "

// fitStatus joins the parts that fit in w columns (w ≤ 0: all), leaving
// out the least important ones first (prio ≥ 2), then shortening the
// cuttable part, then leaving out prio 1.
func fitStatus(parts []statusPart, w int) string {
	keep := make([]bool, len(parts))
	for i := range keep {
		keep[i] = true
	}
	cut := 0
	width := func() int {
		n := 1 - uniseg.StringWidth(statusSep) // the leading space
		for i, p := range parts {
			if keep[i] {
				n += tview.TaggedStringWidth(p.render(cut)) + uniseg.StringWidth(statusSep)
			}
		}
		return n
	}
	drop := func(minPrio int) bool {
		worst := -1
		for i, p := range parts {
			if keep[i] && p.prio >= minPrio && (worst < 0 || p.prio >= parts[worst].prio) {
				worst = i
			}
		}
		if worst < 0 {
			return false
		}
		keep[worst] = false
		return true
	}
	for w > 0 && width() > w && drop(2) {
	}
	if over := width() - w; w > 0 && over > 0 {
		cut = over
	}
	for w > 0 && width() > w && drop(1) {
	}
	var out []string
	for i, p := range parts {
		if keep[i] {
			out = append(out, p.render(cut))
		}
	}
	return strings.Join(out, statusSep)
}

// truncate cuts s to at most w columns.
func truncate(s string, w int) (string, bool) {
	if uniseg.StringWidth(s) <= w {
		return s, false
	}
	h, _ := cut(s, w)
	return h, true
}

// statusWidth is the status bar's width: the screen's, as the bar spans
// it on every page (0 before the first draw: no limit).
func (a *App) statusWidth() int {
	_, _, w, _ := a.pages.GetRect()
	return w
}

// speedText names a playback speed in the language.
func speedText(l i18n.Lang, s Speed) string {
	if s.Rate == 0 {
		return l.F(i18n.KeyStatusRealTime, i18n.Args{"x": s.RealTime})
	}
	return l.F(i18n.KeyStatusRate, i18n.Args{"x": s.Rate})
}

// statusExtra is what a mode adds to the status bar's playback part (the
// predict mode's score).
func (a *App) statusExtra() []string {
	var out []string
	if a.pr.on {
		sc := a.pr.score
		out = append(out, "[aqua]"+tview.Escape(a.lang.F(i18n.KeyUIStatusPredict, i18n.Args{"right": sc.Right, "asked": sc.Asked}))+"[-]")
	}
	if a.pr.autoPause {
		out = append(out, "[aqua]"+tview.Escape(a.lang.T(i18n.KeyUIStatusAutoPause))+"[-]")
	}
	return out
}
