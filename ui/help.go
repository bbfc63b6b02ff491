package ui

import (
	"strings"

	"github.com/rivo/tview"

	"github.com/synfin/synfin/i18n"
)

// UI texts that package i18n does not have yet. They are kept here, in
// one table, so they can move there as keys.
type txt int

const (
	txtFocused txt = iota
	txtReadError
	txtMemDropped
	txtHelpHint
	txtRealTime
	txtRate
	txtHelpFocus
	txtHelpEsc
	txtHelpPlayLive
	txtDemoModel
	txtHelpHeaderPlay
	txtHelpHeaderView
	txtHelpHeaderDemo
	txtHelpClose
)

var texts = map[txt][2]string{
	txtFocused:        {"only conn #%d", "仅连接#%d"},
	txtReadError:      {"read error: %s", "读取错误：%s"},
	txtMemDropped:     {"oldest %d steps dropped (memory cap)", "已丢弃最早的%d步（内存上限）"},
	txtHelpHint:       {"? help", "? 帮助"},
	txtRealTime:       {"real time ×%g", "实时×%g"},
	txtRate:           {"%g pkt/s", "%g包/秒"},
	txtHelpFocus:      {"Enter: show only the selected connection's packets (← → step through it)", "Enter：只看所选连接的包（← → 在其中单步）"},
	txtHelpEsc:        {"Esc: back to all connections; clear the filter", "Esc：回到全部连接；清除筛选"},
	txtHelpPlayLive:   {"live and demo: End follows the newest packet; space or ← pauses while capture goes on", "实时和演示：End 跟随最新的包；空格或 ← 暂停，抓包继续"},
	txtDemoModel:      {"server model: %s", "服务器模型：%s"},
	txtHelpHeaderPlay: {"Playback", "回放"},
	txtHelpHeaderView: {"Panes", "窗格"},
	txtHelpHeaderDemo: {"Demo", "演示"},
	txtHelpClose:      {"(any key closes this help)", "（按任意键关闭帮助）"},
}

func text(l i18n.Lang, t txt) string {
	m := texts[t]
	if l == i18n.Zh && m[1] != "" {
		return m[1]
	}
	return m[0]
}

// helpText lists every key, in the language, for the help page.
func helpText(l i18n.Lang, demo DemoControl) string {
	var b strings.Builder
	head := func(s string) { b.WriteString("[aqua::b]" + tview.Escape(s) + "[-::-]\n") }
	line := func(s string) { b.WriteString("  " + tview.Escape(s) + "\n") }
	head(text(l, txtHelpHeaderPlay))
	for _, k := range []i18n.Key{i18n.KeyHelpPlay, i18n.KeyHelpStep, i18n.KeyHelpSpeed, i18n.KeyHelpEnds} {
		line(l.T(k))
	}
	line(text(l, txtHelpPlayLive))
	head(text(l, txtHelpHeaderView))
	for _, k := range []i18n.Key{i18n.KeyHelpUpDown, i18n.KeyHelpTab, i18n.KeyHelpFilter} {
		line(l.T(k))
	}
	line(text(l, txtHelpFocus))
	line(text(l, txtHelpEsc))
	for _, k := range []i18n.Key{i18n.KeyHelpFold, i18n.KeyHelpLang, i18n.KeyHelpHelp, i18n.KeyHelpQuit} {
		line(l.T(k))
	}
	if demo != nil {
		head(text(l, txtHelpHeaderDemo))
		for _, h := range demo.Help(l) {
			line(Untrusted(h))
		}
	}
	b.WriteString("\n" + tview.Escape(text(l, txtHelpClose)))
	return b.String()
}
