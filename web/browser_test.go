package web_test

import (
	"context"
	"fmt"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/synfin/synfin/diagram"
	"github.com/synfin/synfin/diagram/diagramtest"
	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/i18n"
	"github.com/synfin/synfin/quiz"
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
		{"#conn=1&step=999", last}, // past the end: the last step
		{"#conn=42&step=0", init},  // no connection 42: the first, before its first packet
	} {
		dom := dumpDOM(t, chromium, "file://"+page+c.frag)
		if got := [2]string{elementText(t, dom, "client-state"), elementText(t, dom, "server-state")}; got != [2]string{c.want[0].String(), c.want[1].String()} {
			t.Errorf("%s: states %v, want %v", c.frag, got, c.want)
		}
		// A link to a connection the page lacks says which one it shows.
		notice, want := elementText(t, dom, "notice"), ""
		if strings.Contains(c.frag, "conn=42") {
			want = i18n.En.F(i18n.KeyWebNoConn, i18n.Args{"asked": 42, "shown": 1})
		}
		if notice != want {
			t.Errorf("%s: notice %q, want %q", c.frag, notice, want)
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

// predictHarness loads the page in an iframe, presses keys in it as a
// student would, and writes what the page showed after each into
// <pre id="out"> (one line per moment: label|client|server|prompt|result|
// score|fragment).
const predictHarness = `<!DOCTYPE html><html><body>
<iframe id="f" src="page.html#conn=1&amp;step=0" width="1200" height="800"></iframe>
<pre id="out"></pre>
<script>
var f = document.getElementById('f');
f.onload = function () {
  var d = f.contentDocument, w = f.contentWindow, log = [];
  function key(k) { d.dispatchEvent(new w.KeyboardEvent('keydown', {key: k, bubbles: true})); }
  function txt(id) { return d.getElementById(id).textContent; }
  function snap(label) {
    log.push([label, txt('client-state'), txt('server-state'),
      d.getElementById('quiz').hidden ? '-' : txt('quiz-prompt'), txt('quiz-result'),
      d.getElementById('score').hidden ? '-' : txt('score'), w.location.hash].join('|'));
  }
  key('p'); key('ArrowRight'); snap('asked');
  key('ArrowRight'); snap('unanswered');
  key('%d'); snap('answered');
  key('ArrowRight'); snap('shown');
  key('ArrowRight'); key('%d'); snap('wrong');
  key('L'); log.push(['lang', d.documentElement.lang, txt('pos'), txt('quiz-result')].join('|'));
  document.getElementById('out').textContent = log.join('\n');
};
</script></body></html>`

// TestBrowserPredict: predict mode asks quiz.For's question before the
// first packet, waits for an answer, reveals and scores it, then shows
// the packet; a wrong answer is told with the right one.
func TestBrowserPredict(t *testing.T) {
	chromium := browser(t)
	path := filepath.Join("..", "testdata", "scenarios", "client-close.pcap")
	conns := collect(t, path, 0)
	steps := conns[0].Steps
	init := diagram.Initial(steps)
	q1, ok1 := quiz.For(&steps[0], init)
	q2, ok2 := quiz.For(&steps[1], steps[0].States)
	if !ok1 || !ok2 {
		t.Fatal("the handshake's first two packets ask no question")
	}
	wrong := (q2.Answer + 1) % len(q2.Choices)
	page := writeFile(t, conns, i18n.En, "client-close.pcap")
	got := runHarness(t, chromium, page, fmt.Sprintf(predictHarness, q1.Answer+1, wrong+1), 3000)
	st := func(s [2]fsm.State) string { return s[0].String() + "|" + s[1].String() }
	en := i18n.En
	want := []string{
		"asked|" + st(init) + "|" + q1.Prompt(en, &steps[0]) + "||-|#conn=1&step=0",
		"unanswered|" + st(init) + "|" + q1.Prompt(en, &steps[0]) + "||-|#conn=1&step=0",
		"answered|" + st(init) + "|" + q1.Prompt(en, &steps[0]) + "|" + en.F(i18n.KeyQuizRight, i18n.Args{"answer": q1.Choices[q1.Answer]}) + "|" + (quiz.Score{Asked: 1, Right: 1}).Text(en) + "|#conn=1&step=0",
		"shown|" + st(steps[0].States) + "|-||" + (quiz.Score{Asked: 1, Right: 1}).Text(en) + "|#conn=1&step=1",
		"wrong|" + st(steps[0].States) + "|" + q2.Prompt(en, &steps[1]) + "|" + en.F(i18n.KeyQuizWrong, i18n.Args{"answer": q2.Choices[q2.Answer]}) + "|" + (quiz.Score{Asked: 2, Right: 1}).Text(en) + "|#conn=1&step=1",
		"lang|zh-Hans|" + i18n.Zh.F(i18n.KeyWebStep, i18n.Args{"k": 1, "n": len(steps)}) + " · " + i18n.Zh.F(i18n.KeyWebPacket, i18n.Args{"n": steps[0].Packet}) + "|" + i18n.Zh.F(i18n.KeyQuizWrong, i18n.Args{"answer": q2.Choices[q2.Answer]}),
	}
	if len(got) != len(want) {
		t.Fatalf("harness lines:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("moment %d:\n got %s\nwant %s", i, got[i], want[i])
		}
	}
}

// TestBrowserPrint: printing gives one page, even for a ladder of 80
// rows (it is scaled to the page).
func TestBrowserPrint(t *testing.T) {
	chromium := browser(t)
	b := diagramtest.NewBuilder(fsm.Closed, fsm.Unknown)
	b.Handshake()
	for i := 0; i < 80; i++ { // retransmissions are never folded
		b.Seg(time.Millisecond, fsm.Client, fsm.PSH|fsm.ACK, 1, 1, "again", nil, fsm.NoteRetransmit)
	}
	page := writeFile(t, []web.Conn{{Conn: b.Conn(), Steps: b.Steps}}, i18n.Zh, "retx.pcap")
	pdf := filepath.Join(filepath.Dir(page), "page.pdf")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir="+t.TempDir(),
		"--no-first-run", "--no-pdf-header-footer", "--virtual-time-budget=3000", "--print-to-pdf="+pdf, "file://"+page+"#conn=1&step=5").CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	b2, err := os.ReadFile(pdf)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(b2, -1)); n != 1 {
		t.Errorf("printed %d pages, want 1", n)
	}
}

// playHarness plays the page at 4×, pauses the moment step 4 is shown
// (a MutationObserver presses space), checks a second later that it
// stayed paused, then follows a fragment typed into the address bar.
const playHarness = `<!DOCTYPE html><html><body>
<iframe id="f" src="page.html" width="1200" height="800"></iframe>
<pre id="out"></pre>
<script>
var f = document.getElementById('f');
f.onload = function () {
  var d = f.contentDocument, w = f.contentWindow, log = [];
  function key(k) { d.dispatchEvent(new w.KeyboardEvent('keydown', {key: k, bubbles: true})); }
  function snap(label) { log.push([label, d.getElementById('client-state').textContent, d.getElementById('server-state').textContent, w.location.hash].join('|')); }
  var speed = d.getElementById('speed');
  speed.value = '4';
  speed.dispatchEvent(new Event('change'));
  var mo = new w.MutationObserver(function () {
    if (w.location.hash !== '#conn=1&step=4') return;
    mo.disconnect();
    key(' '); snap('played');
    setTimeout(function () {
      snap('paused');
      w.location.hash = '#conn=1&step=%d';
      setTimeout(function () {
        snap('followed');
        key('End'); snap('end');
        key('Home'); snap('home');
        document.getElementById('out').textContent = log.join('\n');
      }, 50);
    }, 1000);
  });
  mo.observe(d.getElementById('pos'), {childList: true, characterData: true, subtree: true});
  key(' ');
};
</script></body></html>`

// TestBrowserPlay: play steps forward and pause stops it; a fragment
// changed later is followed; End and Home jump.
func TestBrowserPlay(t *testing.T) {
	chromium := browser(t)
	conns := collect(t, filepath.Join("..", "testdata", "scenarios", "client-close.pcap"), 0)
	steps := conns[0].Steps
	page := writeFile(t, conns, i18n.En, "client-close.pcap")
	got := runHarness(t, chromium, page, fmt.Sprintf(playHarness, len(steps)-2), 8000)
	st := func(k int) string {
		s := diagram.Initial(steps)
		if k > 0 {
			s = steps[k-1].States
		}
		return s[0].String() + "|" + s[1].String() + "|" + fmt.Sprintf("#conn=1&step=%d", k)
	}
	n := len(steps)
	want := []string{"played|" + st(4), "paused|" + st(4), "followed|" + st(n-2), "end|" + st(n), "home|" + st(0)}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("harness:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// runHarness writes harness (a page that drives page.html in an iframe
// and records what it saw in <pre id="out">) beside page, lets Chromium
// run it for budgetMs of virtual time, and returns the recorded lines.
func runHarness(t *testing.T, chromium, page, harness string, budgetMs int) []string {
	t.Helper()
	path := filepath.Join(filepath.Dir(page), "harness.html")
	if err := os.WriteFile(path, []byte(harness), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files",
		"--user-data-dir="+t.TempDir(), "--no-first-run", "--dump-dom", fmt.Sprintf("--virtual-time-budget=%d", budgetMs), "file://"+path).Output()
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?s)<pre id="out">(.*?)</pre>`).FindStringSubmatch(string(out))
	if m == nil || m[1] == "" {
		t.Fatalf("the harness recorded nothing:\n%.3000s", out)
	}
	return strings.Split(html.UnescapeString(m[1]), "\n")
}
