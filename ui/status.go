package ui

import (
	"strings"

	"github.com/rivo/tview"

	"github.com/synfin/synfin/i18n"
	"github.com/synfin/synfin/session"
)

// spinner turns while a file loads, so a big file visibly progresses.
var spinner = []string{"|", "/", "-", "\\"}

// drawStatus writes the status bar: playback first (what the class looks
// at) and the help key, then the source and its counters, then the
// language. What does not fit a narrow screen is cut from the right.
func (a *App) drawStatus() {
	l := a.lang
	info := a.s.Info()
	pos := a.cur.Pos()
	var parts []string

	// Playback.
	var state string
	switch {
	case a.cur.Following():
		state = "[lime]▶ " + l.T(i18n.KeyStatusFollow) + "[-]"
	case a.play.Playing():
		state = "[lime]▶ " + l.T(i18n.KeyStatusPlaying) + "[-]"
	default:
		state = "[yellow]‖ " + l.T(i18n.KeyStatusPaused) + "[-]"
	}
	parts = append(parts, state)
	total := info.Steps
	if pos >= 0 {
		parts = append(parts, tview.Escape(l.F(i18n.KeyStatusPos, i18n.Args{"pos": pos + 1, "total": total})))
	} else {
		parts = append(parts, tview.Escape(l.T(i18n.KeyWaitingPacket)))
	}
	if info.Done && info.Err == nil && a.cfg.Mode == Replay && pos == info.Steps-1 && pos >= 0 {
		parts = append(parts, tview.Escape(l.T(i18n.KeyStatusDone)))
	}
	if !a.cur.Following() {
		parts = append(parts, tview.Escape(l.F(i18n.KeyStatusSpeed, i18n.Args{"speed": speedText(l, a.play.Speed())})))
	}
	if f := a.cur.Focused(); f != 0 {
		parts = append(parts, tview.Escape(l.F(i18n.KeyStatusFocused, i18n.Args{"n": f})))
	}
	parts = append(parts, tview.Escape(l.T(i18n.KeyStatusHelpHint)))

	// Source.
	src := tview.Escape(Untrusted(a.cfg.Source))
	switch {
	case info.Err != nil:
		parts = append(parts, "[red]"+tview.Escape(l.F(i18n.KeyStatusReadError, i18n.Args{"err": Untrusted(info.Err.Error())}))+"[-]")
	case !info.Done && a.cfg.Mode == Replay:
		spin := spinner[(info.Steps/4096)%len(spinner)]
		parts = append(parts, "[aqua]"+spin+" "+tview.Escape(l.F(i18n.KeyStatusLoading, i18n.Args{"name": Untrusted(a.cfg.Source), "n": info.Counts.Packets}))+"[-]")
	default:
		if a.cfg.Mode != Replay {
			src = "[red]●[-] " + tview.Escape(l.T(i18n.KeyStatusLive)) + " " + src
		}
		parts = append(parts, src)
		parts = append(parts, tview.Escape(l.F(i18n.KeyStatusPackets, i18n.Args{"n": info.Counts.Packets})))
	}
	if info.Counts.Drops > 0 {
		parts = append(parts, "[red]"+tview.Escape(l.F(i18n.KeyStatusDrops, i18n.Args{"n": info.Counts.Drops}))+"[-]")
	}
	if info.Counts.Skipped > 0 {
		parts = append(parts, tview.Escape(l.F(i18n.KeyStatusSkipped, i18n.Args{"n": info.Counts.Skipped})))
	}
	if info.Dropped > 0 {
		msg := l.F(i18n.KeyStatusMemDropped, i18n.Args{"n": info.Dropped})
		if info.DropWhy == session.DropKeep {
			msg = l.F(i18n.KeyStatusKeepDropped, i18n.Args{"n": info.Dropped, "keep": info.Keep})
		}
		parts = append(parts, "[orange]"+tview.Escape(msg)+"[-]")
	}
	parts = append(parts, l.String())
	a.status.SetText(" " + strings.Join(parts, " · "))
}

// speedText names a playback speed in the language.
func speedText(l i18n.Lang, s Speed) string {
	if s.Rate == 0 {
		return l.F(i18n.KeyStatusRealTime, i18n.Args{"x": s.RealTime})
	}
	return l.F(i18n.KeyStatusRate, i18n.Args{"x": s.Rate})
}
