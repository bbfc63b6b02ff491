package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/capture/capturetest"
	"github.com/synfin/synfin/diagram"
	"github.com/synfin/synfin/diagram/diagramtest"
	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/i18n"
	"github.com/synfin/synfin/quiz"
	"github.com/synfin/synfin/view"
	"github.com/synfin/synfin/web"
)

// hostile is text a capture could carry: it tries to end the script
// element, open a comment, add markup and break a JavaScript string.
const hostile = "</script><script>alert(1)</script><!-- <img src=x onerror=alert(2)> \u2028\u2029 </SCRIPT >"

// hostileConn is the client-close lesson with hostile payload bytes.
func hostileConn() web.Conn {
	b := diagramtest.ClientClose()
	st := &b.Steps[3] // the client's data segment
	st.Payload, st.Len = []byte(hostile), uint32(len(hostile))
	return web.Conn{Conn: b.Conn(), Steps: b.Steps}
}

var dataRE = regexp.MustCompile(`(?s)<script type="application/json" id="data">(.*?)</script>`)

type pageData struct {
	Lang  string               `json:"lang"`
	File  string               `json:"file"`
	UI    map[string][2]string `json:"ui"`
	Strs  []string             `json:"strs"`
	Conns []struct {
		ID     uint64    `json:"id"`
		Final  [2]string `json:"final"`
		Init   [2]string `json:"init"`
		Ladder [2][]int  `json:"ladder"`
		Steps  []struct {
			Packet uint64      `json:"p"`
			States [2]string   `json:"s"`
			Box    [2]int      `json:"b"`
			Edges  []int       `json:"e"`
			Expl   [2][][3]any `json:"x"`
			Revs   [2][]string `json:"r"`
			Quiz   *quizData   `json:"q"`
		} `json:"steps"`
	} `json:"conns"`
}

type quizData struct {
	Kind    string    `json:"k"`
	Prompt  [2]string `json:"p"`
	Choices []string  `json:"ch"`
	Answer  int       `json:"a"`
}

func parse(t *testing.T, page string) pageData {
	t.Helper()
	m := dataRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no data script in the page")
	}
	var d pageData
	if err := json.Unmarshal([]byte(m[1]), &d); err != nil {
		t.Fatalf("page data is not JSON: %v", err)
	}
	return d
}

func write(t *testing.T, conns []web.Conn, opt web.Options) string {
	t.Helper()
	var b bytes.Buffer
	if err := web.Write(&b, conns, opt); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestPageEscapes: nothing from a capture (payload, file name) can end
// the data script, open a comment or add markup; the text arrives intact
// in the data.
func TestPageEscapes(t *testing.T) {
	page := write(t, []web.Conn{hostileConn()}, web.Options{Lang: i18n.En, Source: "<script>alert(3)</script>&.pcap"})
	if n := strings.Count(strings.ToLower(page), "<script"); n != 2 {
		t.Errorf("page has %d <script tags, want the 2 of the template", n)
	}
	if n := strings.Count(strings.ToLower(page), "</script"); n != 2 {
		t.Errorf("page has %d </script, want the 2 of the template", n)
	}
	if strings.Contains(page, "<!--") || strings.Contains(page, "<img") {
		t.Error("capture text reached the page as markup")
	}
	if strings.ContainsAny(page, "\u2028\u2029") {
		t.Error("raw U+2028/U+2029 in the page (they end a JavaScript line)")
	}
	if !strings.Contains(page, "<title>synfin replay: &lt;script&gt;alert(3)&lt;/script&gt;&amp;.pcap</title>") {
		t.Error("file name not escaped in <title>")
	}
	d := parse(t, page)
	if d.File != "<script>alert(3)</script>&.pcap" {
		t.Errorf("file name in the data = %q", d.File)
	}
	found := false
	for _, s := range d.Strs {
		found = found || strings.Contains(s, "</script><script>alert(1)</script><!-- <img src=x")
	}
	if !found {
		t.Error("the payload preview did not reach the data intact")
	}
}

// TestPageMatchesTUI: the page's data are the TUI's: the states of every
// step, the explanation lines view.Explain builds, the quiz.For
// questions, one ladder row group per row of the diagram.
func TestPageMatchesTUI(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join("..", "testdata", "scenarios", "*.pcap"))
	if len(paths) == 0 {
		t.Fatal("no recorded scenarios")
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) { matchesTUI(t, path) })
	}
}

func matchesTUI(t *testing.T, path string) {
	conns := collect(t, path, 0)
	d := parse(t, write(t, conns, web.Options{Lang: i18n.Zh, Source: filepath.Base(path)}))
	if d.Lang != "zh" || len(d.Conns) != len(conns) {
		t.Fatalf("lang %q, %d connections; want zh, %d", d.Lang, len(d.Conns), len(conns))
	}
	for ci, c := range conns {
		pc := d.Conns[ci]
		if pc.ID != c.Conn.ID || len(pc.Steps) != len(c.Steps) {
			t.Fatalf("connection %d: id %d, %d steps; want %d, %d", ci, pc.ID, len(pc.Steps), c.Conn.ID, len(c.Steps))
		}
		init := diagram.Initial(c.Steps)
		if pc.Init != [2]string{init[0].String(), init[1].String()} {
			t.Errorf("conn %d: init %v, want %v", c.Conn.ID, pc.Init, init)
		}
		before := init
		for i, st := range c.Steps {
			ps := pc.Steps[i]
			if want := [2]string{st.States[0].String(), st.States[1].String()}; ps.States != want || ps.Packet != st.Packet {
				t.Errorf("conn %d step %d: states %v packet %d, want %v %d", c.Conn.ID, i+1, ps.States, ps.Packet, want, st.Packet)
			}
			fig := view.FullFigure()
			box, edges, _ := fig.Lit(c.Steps[:i+1], i)
			if ps.Box != box || fmt.Sprint(ps.Edges) != fmt.Sprint(edges) && len(edges)+len(ps.Edges) > 0 {
				t.Errorf("conn %d step %d: figure lit %v %v, the pane's %v %v", c.Conn.ID, i+1, ps.Box, ps.Edges, box, edges)
			}
			for li, l := range i18n.Langs() {
				want := view.Explain(c.At(i), c.Steps[:i+1], i, l)
				got := ps.Expl[li]
				if len(got) != len(want) {
					t.Fatalf("conn %d step %d %s: %d explanation lines, want %d", c.Conn.ID, i+1, l, len(got), len(want))
				}
				for k := range want {
					if s := d.Strs[int(got[k][2].(float64))]; s != want[k].Text || got[k][0] != want[k].Kind.Class() {
						t.Errorf("conn %d step %d %s line %d: %q %v, want %q %q", c.Conn.ID, i+1, l, k, s, got[k][0], want[k].Text, want[k].Kind.Class())
					}
				}
			}
			q, ok := quiz.For(&st, before)
			switch {
			case ok != (ps.Quiz != nil):
				t.Errorf("conn %d step %d: quiz on page %v, quiz.For %v", c.Conn.ID, i+1, ps.Quiz != nil, ok)
			case ok:
				if ps.Quiz.Answer != q.Answer || strings.Join(ps.Quiz.Choices, ",") != strings.Join(q.Choices, ",") ||
					ps.Quiz.Prompt[1] != q.Prompt(i18n.Zh, &st) {
					t.Errorf("conn %d step %d: quiz %+v, want %+v", c.Conn.ID, i+1, ps.Quiz, q)
				}
			}
			before = st.States
		}
		for li := range pc.Ladder {
			var svg strings.Builder
			for _, k := range pc.Ladder[li] {
				svg.WriteString(d.Strs[k] + "\n")
			}
			rows := diagram.Rows(c.Steps, true, -1)
			if n := strings.Count(svg.String(), `<g class="row"`); n != len(rows) {
				t.Errorf("conn %d ladder %d: %d row groups, want %d", c.Conn.ID, li, n, len(rows))
			}
		}
	}
}

// TestPageRevisions: a step that corrected a belief says so in both
// languages, and the step whose change was withdrawn says a later packet
// corrected it.
func TestPageRevisions(t *testing.T) {
	b := diagramtest.SimultaneousClose()
	conn := b.Conn()
	b.Steps[4].Revisions = []fsm.Revision{{Packet: 4, Endpoint: fsm.Server, Believed: []fsm.State{fsm.CloseWait}, CorrectedBy: 5, Reason: fsm.ReasonSimultaneousClose}}
	b.Steps[3].Changes = append(b.Steps[3].Changes, fsm.Transition{Packet: 4, Endpoint: fsm.Server, From: fsm.Established, To: fsm.CloseWait, Reason: fsm.ReasonFinReceived})
	conn.Transitions = append(conn.Transitions, fsm.Transition{Packet: 4, Endpoint: fsm.Server, From: fsm.Established, To: fsm.CloseWait, Reason: fsm.ReasonFinReceived, WithdrawnBy: 5})
	d := parse(t, write(t, []web.Conn{{Conn: conn, Steps: b.Steps}}, web.Options{Lang: i18n.En}))
	steps := d.Conns[0].Steps
	if r := steps[4].Revs; len(r[0]) != 1 || !strings.Contains(r[0][0], "Packet #5 shows that the server was not in CLOSE_WAIT") || !strings.Contains(r[1][0], "第5个包表明，此前认为服务器自第4个包起处于CLOSE_WAIT是错的") {
		t.Errorf("correcting step: %q", r)
	}
	if r := steps[3].Revs; len(r[0]) != 1 || !strings.Contains(r[0][0], "(#5)") || !strings.Contains(r[0][0], "CLOSE_WAIT") {
		t.Errorf("corrected step: %q", r)
	}
	if r := steps[2].Revs; len(r[0]) != 0 {
		t.Errorf("step without revision: %q", r)
	}
}

func collect(t *testing.T, path string, id uint64) []web.Conn {
	t.Helper()
	src, err := capture.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	conns, _, err := web.Collect(context.Background(), src, fsm.Config{}, id)
	if err != nil || len(conns) == 0 {
		t.Fatalf("Collect %s: %d connections, %v", path, len(conns), err)
	}
	return conns
}

// TestPageSize: a 1,000-packet capture (100 connections, all exported)
// makes a page under 2 MB.
func TestPageSize(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k.pcap")
	if err := capturetest.WriteSyntheticPcap(path, 1000/capturetest.PacketsPerConn); err != nil {
		t.Fatal(err)
	}
	conns := collect(t, path, 0)
	if len(conns) != 100 {
		t.Fatalf("%d connections, want 100", len(conns))
	}
	for _, l := range i18n.Langs() {
		page := write(t, conns, web.Options{Lang: l, Source: "k.pcap"})
		t.Logf("%s: %d bytes for 1,000 packets", l, len(page))
		if len(page) >= 2<<20 {
			t.Errorf("%s: page of a 1,000-packet capture is %d bytes, want < 2 MB", l, len(page))
		}
		for _, ext := range []string{"http://", "https://", "//cdn", "@import", "url(http"} {
			if strings.Contains(page, ext) && ext != "http://" {
				t.Errorf("page refers to the network: %q", ext)
			}
		}
		// The only http:// is the SVG namespace.
		if n, ns := strings.Count(page, "http://"), strings.Count(page, "http://www.w3.org/2000/svg"); n != ns {
			t.Errorf("page has %d http:// of which %d are the SVG namespace", n, ns)
		}
	}
}

// TestFragmentParsing runs the page's own fragment parser under Node
// (skipped where Node is missing; the browser test covers it too).
func TestFragmentParsing(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		if node, err = exec.LookPath("nodejs"); err != nil {
			t.Skip("node not found: the fragment parser is tested in the browser test only")
		}
	}
	js := filepath.Join(t.TempDir(), "page.js")
	src, err := os.ReadFile(filepath.Join("assets", "page.js"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(js, src, 0o644); err != nil {
		t.Fatal(err)
	}
	conns := `[{id: 1, n: 10}, {id: 2, n: 4}, {id: 7, n: 3}]`
	var hashes, wants []string
	for _, c := range []struct{ hash, want string }{
		{"#conn=1&step=3", `{"ci":0,"k":3}`},
		{"#step=3&conn=2", `{"ci":1,"k":3}`},
		{"#conn=7&step=2", `{"ci":2,"k":2}`},
		{"conn=2&step=1", `{"ci":1,"k":1}`},
		{"#conn=2&step=99", `{"ci":1,"k":4}`},            // past the end: the last step
		{"#conn=3&step=2", `{"ci":0,"k":2,"missing":3}`}, // no connection 3: the first, and says so
		{"#conn=2", `{"ci":1,"k":0}`},                    // no step: before the first packet
		{"", `{"ci":0,"k":0}`},                           //
		{"#conn=-1&step=x", `{"ci":0,"k":0}`},            // garbage ignored
		{"#conn=2&step=1e3", `{"ci":1,"k":0}`},           //
		{"#conn=2&&step=2&", `{"ci":1,"k":2}`},           //
		{"#step=0002&conn=02", `{"ci":1,"k":2}`},         // leading zeros are numbers
		{"#conn=1&step=9999999999", `{"ci":0,"k":0}`},
	} {
		hashes = append(hashes, c.hash)
		wants = append(wants, c.want)
	}
	hj, _ := json.Marshal(hashes)
	script := fmt.Sprintf(`const p = require(%q); for (const h of %s) console.log(JSON.stringify(p.resolveMoment(p.parseFragment(h), %s)));`, js, hj, conns)
	out, err := exec.Command(node, "-e", script).CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	got := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(got) != len(wants) {
		t.Fatalf("node printed %q", out)
	}
	for i := range wants {
		if got[i] != wants[i] {
			t.Errorf("%q: %s, want %s", hashes[i], got[i], wants[i])
		}
	}
	script = fmt.Sprintf(`const p = require(%q); process.stdout.write(p.fragmentOf(3, 5) + " " + p.fill("a {x} {y}", {x: 1}));`, js)
	out, err = exec.Command(node, "-e", script).CombinedOutput()
	if err != nil || string(out) != "#conn=3&step=5 a 1 ?" {
		t.Errorf("fragmentOf/fill: %q %v", out, err)
	}
}
