package ui

import (
	"strings"

	"github.com/rivo/tview"

	"github.com/synfin/synfin/i18n"
)

// helpText lists every key, in the language, for the help page.
func helpText(l i18n.Lang, demo DemoControl) string {
	var b strings.Builder
	head := func(s string) { b.WriteString("[aqua::b]" + tview.Escape(s) + "[-::-]\n") }
	line := func(s string) { b.WriteString("  " + tview.Escape(s) + "\n") }
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
	if demo != nil {
		head(l.T(i18n.KeyHelpHeaderDemo))
		for _, h := range demo.Help(l) {
			line(Untrusted(h))
		}
	}
	b.WriteString("\n" + tview.Escape(l.T(i18n.KeyHelpClose)))
	return b.String()
}
