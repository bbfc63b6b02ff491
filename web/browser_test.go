package web_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/synfin/synfin/diagram"
	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/i18n"
	"github.com/synfin/synfin/web"
)

// browser returns a headless-capable Chromium, or skips the test.
func browser(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("SYNFIN_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless_shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no Chromium found (install Debian's chromium, as .ci/run does when root, or set SYNFIN_CHROMIUM): the page is not checked in a browser")
	return ""
}

// dumpDOM opens url headless and returns the DOM after the page's script
// ran (the URL fragment is kept). Each call has its own profile, so that
// tests run at the same time do not share one.
func dumpDOM(t *testing.T, chromium, url string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu",
		"--user-data-dir="+t.TempDir(), "--no-first-run", "--dump-dom", "--virtual-time-budget=3000", url)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", chromium, err, stderr.String())
	}
	return string(out)
}

func elementText(t *testing.T, dom, id string) string {
	t.Helper()
	m := regexp.MustCompile(`id="` + id + `"[^>]*>([^<]*)<`).FindStringSubmatch(dom)
	if m == nil {
		t.Fatalf("no element #%s in the DOM:\n%.3000s", id, dom)
	}
	return m[1]
}

// writeFile writes the page of conns, made from a capture named source.
func writeFile(t *testing.T, conns []web.Conn, lang i18n.Lang, source string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "page.html")
	if err := os.WriteFile(path, []byte(write(t, conns, web.Options{Lang: lang, Source: source})), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestBrowserStep: Chromium opens a page at #conn=1&step=3 and shows step
// 3's states and explanation, in both languages; out-of-range fragments
// land on the nearest moment.
func TestBrowserStep(t *testing.T) {
	chromium := browser(t)
	path := filepath.Join("..", "testdata", "scenarios", "client-close.pcap")
	conns := collect(t, path, 0)
	steps := conns[0].Steps
	for _, c := range []struct {
		lang i18n.Lang
		head string // the explanation's first line at step 3
		pos  string
	}{
		{i18n.En, fmt.Sprintf("Packet #%d", steps[2].Packet), "Step 3 of"},
		{i18n.Zh, fmt.Sprintf("第%d个包", steps[2].Packet), "第3步"},
	} {
		page := writeFile(t, conns, c.lang, "client-close.pcap")
		dom := dumpDOM(t, chromium, "file://"+page+"#conn=1&step=3")
		want := steps[2].States
		if got := [2]string{elementText(t, dom, "client-state"), elementText(t, dom, "server-state")}; got != [2]string{want[fsm.Client].String(), want[fsm.Server].String()} {
			t.Errorf("%s step 3: states %v, want %v", c.lang, got, want)
		}
		if !strings.Contains(dom, c.head) || !strings.Contains(elementText(t, dom, "pos"), c.pos) {
			t.Errorf("%s step 3: explanation or position not shown (want %q, %q)", c.lang, c.head, c.pos)
		}
		if c.lang == i18n.Zh && !strings.Contains(dom, `<html lang="zh-Hans"`) {
			t.Error("zh page: html lang is not zh-Hans")
		}
	}
	page := writeFile(t, conns, i18n.En, "client-close.pcap")
	init := diagram.Initial(steps)
	last := steps[len(steps)-1].States
	for _, c := range []struct {
		frag string
		want [2]fsm.State
	}{
		{"#conn=1&step=999", last},           // past the end: the last step
		{"#conn=42&step=0", init},            // no connection 42: the first, before its first packet
	} {
		dom := dumpDOM(t, chromium, "file://"+page+c.frag)
		if got := [2]string{elementText(t, dom, "client-state"), elementText(t, dom, "server-state")}; got != [2]string{c.want[0].String(), c.want[1].String()} {
			t.Errorf("%s: states %v, want %v", c.frag, got, c.want)
		}
	}
}

// TestBrowserNoInjection: hostile payload bytes and file name show as
// text: no element of theirs exists in the DOM.
func TestBrowserNoInjection(t *testing.T) {
	chromium := browser(t)
	page := writeFile(t, []web.Conn{hostileConn()}, i18n.En, "x<script>alert(3)<")
	dom := dumpDOM(t, chromium, "file://"+page+"#conn=1&step=4")
	if n := strings.Count(strings.ToLower(dom), "<script"); n != 2 {
		t.Errorf("DOM has %d script elements, want 2", n)
	}
	if strings.Contains(dom, "<img") {
		t.Error("the payload's <img> became an element")
	}
	if !strings.Contains(dom, "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;!-- &lt;img src=x") {
		t.Errorf("the payload is not shown as text:\n%.4000s", dom)
	}
	if !strings.Contains(dom, "synfin replay: x&lt;script&gt;alert(3)&lt;") {
		t.Error("the file name is not shown as text in the title")
	}
}
