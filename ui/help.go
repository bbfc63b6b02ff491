package ui

import (
	"strings"

	"github.com/rivo/tview"

	"github.com/synfin/synfin/i18n"
)

// helpText lists every key, in the language, for the help page, wrapped
// to w columns with the continuation lines indented under the text.
func helpText(l i18n.Lang, demo DemoControl, w int) string {
	var b strings.Builder
	head := func(s string) { b.WriteString("[aqua::b]" + tview.Escape(s) + "[-::-]\n") }
	line := func(s string) {
		for i, ln := range wrap(s, max(10, w-4)) {
			if i == 0 {
				b.WriteString("  " + tview.Escape(ln) + "\n")
			} else {
				b.WriteString("    " + tview.Escape(ln) + "\n")
			}
		}
	}
	head(l.T(i18n.KeyHelpHeaderPlay))
	for _, k := range []i18n.Key{i18n.KeyHelpPlay, i18n.KeyHelpStep, i18n.KeyHelpSpeed, i18n.KeyHelpEnds} {
		line(l.T(k))
	}
	line(l.T(i18n.KeyHelpPlayLive))
	head(l.T(i18n.KeyHelpHeaderView))
	for _, k := range []i18n.Key{i18n.KeyHelpUpDown, i18n.KeyHelpTab, i18n.KeyHelpFilter} {
		line(l.T(k))
	}
	line(l.T(i18n.KeyHelpFocus))
	line(l.T(i18n.KeyHelpEsc))
	for _, k := range []i18n.Key{i18n.KeyHelpZoom, i18n.KeyHelpFold, i18n.KeyHelpLang, i18n.KeyHelpHelp, i18n.KeyHelpQuit} {
		line(l.T(k))
	}
	line(l.T(i18n.KeyUIHelpPredict))
	line(l.T(i18n.KeyUIHelpAutoPause))
	if demo != nil {
		head(l.T(i18n.KeyHelpHeaderDemo))
		for _, h := range demo.Help(l) {
			line(Untrusted(h))
		}
	}
	return strings.TrimSuffix(b.String(), "\n")
}
