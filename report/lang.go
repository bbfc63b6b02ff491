package report

import (
	"fmt"
	"strings"

	"github.com/rivo/uniseg"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/i18n"
)

// The text table's language: its header and footer are in the language
// of --lang (i18n), its rows are the same in every language.

// textCols are the widths of textRow's columns; a negative width is
// right-aligned.
var textCols = [...]int{5, 21, 21, 11, 11, 6, 14, -7, -9, -11}

func (t *textWriter) header() error {
	l := t.lang
	names := [...]string{"#", l.T(i18n.KeySumClient), l.T(i18n.KeySumServer), l.T(i18n.KeySumClientState),
		l.T(i18n.KeySumServerState), l.T(i18n.KeySumConn), l.T(i18n.KeySumHistory), l.T(i18n.KeySumPackets),
		l.T(i18n.KeySumBytes), l.T(i18n.KeySumDuration)}
	// Padded by display width, as fmt's %-21s counts runes and a Chinese
	// character takes two columns.
	var b strings.Builder
	for i, n := range names {
		if i > 0 {
			b.WriteByte(' ')
		}
		w := textCols[i]
		pad := strings.Repeat(" ", max(0, abs(w)-uniseg.StringWidth(n)))
		if w < 0 {
			b.WriteString(pad + n)
		} else {
			b.WriteString(n + pad)
		}
	}
	b.WriteByte('\n')
	_, err := t.w.WriteString(b.String())
	return err
}

func (t *textWriter) footer(res Result) error {
	l, st := t.lang, res.Stats
	fmt.Fprint(t.w, "\n"+l.F(i18n.KeySumTotals, i18n.Args{"conns": res.Conns, "segments": st.Segments, "packets": st.Packets}))
	if st.KernelDrops > 0 {
		fmt.Fprint(t.w, l.F(i18n.KeySumDrops, i18n.Args{"n": st.KernelDrops}))
	}
	fmt.Fprintln(t.w, l.T(i18n.KeySumStop))
	if s := skipSummary(l, st); s != "" {
		fmt.Fprintln(t.w, l.F(i18n.KeySumSkipped, i18n.Args{"list": s}))
	}
	_, err := fmt.Fprintln(t.w, l.T(i18n.KeySumLegend))
	return err
}

// skipNames are capture.Skip's names in the languages, in its order.
var skipNames = [...]i18n.Key{
	capture.SkipNotIP: i18n.KeySkipNotIP, capture.SkipNotTCP: i18n.KeySkipNotTCP,
	capture.SkipFragment: i18n.KeySkipFragment, capture.SkipTruncated: i18n.KeySkipTruncated,
	capture.SkipLinkType: i18n.KeySkipLinkType, capture.SkipMalformed: i18n.KeySkipMalformed,
	capture.SkipDuplicate: i18n.KeySkipDuplicate,
}

// skipSummary is capture.Stats.SkipSummary in language l: "3 not TCP,
// 1 not IP", the most frequent first.
func skipSummary(l i18n.Lang, st capture.Stats) string {
	if l == i18n.En {
		return st.SkipSummary()
	}
	list := st.SkipCounts()
	parts := make([]string, len(list))
	for i, e := range list {
		name := e.Why.String()
		if int(e.Why) < len(skipNames) && skipNames[e.Why] != "" {
			name = l.T(skipNames[e.Why])
		}
		parts[i] = fmt.Sprintf("%s %d个", name, e.N)
	}
	return strings.Join(parts, "，")
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
