package main

import (
	"context"
	"strings"
	"testing"

	"github.com/rivo/uniseg"
)

// setLocale sets the locale variables i18n.FromEnv reads (LC_ALL first).
func setLocale(t *testing.T, lang string) {
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", lang)
}

// TestSummaryLang: the text table's header and footer follow --lang, then
// the locale; json and zeek stay English whatever the language.
func TestSummaryLang(t *testing.T) {
	file := "../../testdata/scenarios/refused.pcap"
	ctx := context.Background()
	for _, c := range []struct {
		name, locale string
		args         []string
		want, not    []string
	}{
		{"flag zh", "C", []string{"--lang", "zh"}, []string{"客户端状态", "服务器状态", "字节数", "共1个连接，2个包中有2个TCP报文段。", "状态是抓包结束时的最终状态"}, []string{"CLIENT", "connections"}},
		{"LANG zh", "zh_CN.UTF-8", nil, []string{"客户端状态", "共1个连接"}, []string{"CLIENT"}},
		{"flag en beats LANG", "zh_CN.UTF-8", []string{"--lang", "en"}, []string{"CLIENT", "1 connections, 2 TCP segments in 2 packets.", "states are final"}, []string{"客户端"}},
		{"default en", "en_US.UTF-8", nil, []string{"#     CLIENT                SERVER                CLIENT      SERVER      CONN   HISTORY        PACKETS     BYTES    DURATION\n"}, []string{"客户端"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			setLocale(t, c.locale)
			code, out, stderr := runCmd(ctx, "", append([]string{"summary", "-r", file}, c.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("%q missing from:\n%s", w, out)
				}
			}
			for _, w := range c.not {
				if strings.Contains(out, w) {
					t.Errorf("%q should not be in:\n%s", w, out)
				}
			}
		})
	}

	// The Chinese header lines up with the rows: every column starts where
	// the English one does (display width, a Chinese character is two).
	setLocale(t, "C")
	_, en, _ := runCmd(ctx, "", "summary", "-r", file, "--lang", "en")
	_, zh, _ := runCmd(ctx, "", "summary", "-r", file, "--lang", "zh")
	enHead, zhHead := strings.SplitN(en, "\n", 2)[0], strings.SplitN(zh, "\n", 2)[0]
	if ew, zw := uniseg.StringWidth(enHead), uniseg.StringWidth(zhHead); ew != zw {
		t.Errorf("header widths: en %d, zh %d\n%s\n%s", ew, zw, enHead, zhHead)
	}
	if strings.SplitN(en, "\n", 3)[1] != strings.SplitN(zh, "\n", 3)[1] {
		t.Errorf("the rows differ between languages:\n%s\n%s", en, zh)
	}

	for _, format := range []string{"json", "zeek"} {
		_, en, _ := runCmd(ctx, "", "summary", "-r", file, "--format", format, "--lang", "en")
		_, zh, _ := runCmd(ctx, "", "summary", "-r", file, "--format", format, "--lang", "zh")
		setLocale(t, "zh_CN.UTF-8")
		_, env, _ := runCmd(ctx, "", "summary", "-r", file, "--format", format)
		setLocale(t, "C")
		if en == "" || zh != en || env != en {
			t.Errorf("%s must not depend on the language:\nen %q\nzh %q\nLANG=zh %q", format, en, zh, env)
		}
	}

	code, _, stderr := runCmd(ctx, "", "summary", "-r", file, "--lang", "fr")
	if code != 2 || !strings.Contains(stderr, `--lang "fr": want en or zh`) {
		t.Errorf("--lang fr: exit %d, %q", code, stderr)
	}
}

// TestDiagramLang: the diagram's header (the role names) follows --lang,
// then the locale.
func TestDiagramLang(t *testing.T) {
	file := "../../testdata/scenarios/client-close.pcap"
	ctx := context.Background()
	for _, c := range []struct {
		name, locale string
		args         []string
		want, not    string
	}{
		{"flag zh", "C", []string{"--lang", "zh"}, "客户端 127.0.0.1:", "client 127.0.0.1:"},
		{"LANG zh", "zh_CN.UTF-8", nil, "客户端 127.0.0.1:", "client 127.0.0.1:"},
		{"LC_ALL beats LANG", "zh_CN.UTF-8", nil, "", ""},
		{"flag en beats LANG", "zh_CN.UTF-8", []string{"--lang", "en"}, "client 127.0.0.1:", "客户端"},
		{"svg zh", "C", []string{"--lang", "zh", "--format", "svg"}, "客户端", "client 127.0.0.1:"},
		{"mermaid zh", "C", []string{"--lang", "zh", "--format", "mermaid"}, "客户端", "client 127.0.0.1:"},
	} {
		t.Run(c.name, func(t *testing.T) {
			setLocale(t, c.locale)
			if c.want == "" { // LC_ALL=C overrides LANG=zh
				t.Setenv("LC_ALL", "C")
				c.want, c.not = "client 127.0.0.1:", "客户端"
			}
			code, out, stderr := runCmd(ctx, "", append([]string{"diagram", "-r", file}, c.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if !strings.Contains(out, c.want) || strings.Contains(out, c.not) {
				t.Errorf("want %q and not %q in:\n%s", c.want, c.not, out)
			}
		})
	}
}
