package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/synfin/synfin/demo"
	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/i18n"
	"github.com/synfin/synfin/quiz"
)

// lessonAnswers are the answers the recordings must give, written down by
// hand from the packets (tshark -r testdata/scenarios/NAME.pcap) and the
// kernel's view at the checkpoints (NAME.kernel.json): a state, a label,
// or an outcome's ID. The product computes them from the recording; this
// table is the independent check.
var lessonAnswers = map[i18n.Key]string{
	i18n.KeyLqHs2: "x+1", i18n.KeyLqHs3: "ESTABLISHED", i18n.KeyLqLs4: "x+7|x+8", i18n.KeyLqHs4: "CLOSE_WAIT", i18n.KeyLqHs5: "TIME_WAIT",
	i18n.KeyLqTd1: "ack", i18n.KeyLqTd2: "TIME_WAIT", i18n.KeyLqTd3: "u+1", i18n.KeyLqTd4: "FIN_WAIT_1", i18n.KeyLqTd5: "TIME_WAIT",
	i18n.KeyLqTw1: "TIME_WAIT", i18n.KeyLqTw2: "eaddrinuse", i18n.KeyLqTw3: "accepted", i18n.KeyLqTw4: "same",
	i18n.KeyLqHc1: "zero", i18n.KeyLqHc2: "FIN_WAIT_2", i18n.KeyLqHc3: "yes", i18n.KeyLqHc4: "LAST_ACK",
	i18n.KeyLqRs1: "refused", i18n.KeyLqRs2: "reset", i18n.KeyLqRs4: "ESTABLISHED", i18n.KeyLqRs3: "rst",
	i18n.KeyLqBl1: "ESTABLISHED", i18n.KeyLqBl2: "2", i18n.KeyLqBl3: "dropped", i18n.KeyLqBl4: "accepted",
	i18n.KeyLqCc1: "LISTEN", i18n.KeyLqCc2: "same", i18n.KeyLqCc3: "tuple", i18n.KeyLqCc4: "ack", i18n.KeyLqCc5: "LAST_ACK",
	i18n.KeyLqLs1: "new", i18n.KeyLqLs2: "5", i18n.KeyLqLs3: "1",
	i18n.KeyLqSm1: "SYN_RECV", i18n.KeyLqSm2: "y+1", i18n.KeyLqSm3: "CLOSING", i18n.KeyLqSm4: "TIME_WAIT",
}

var flagWord = regexp.MustCompile(`\b(SYN|ACK|FIN|RST|PSH)\b`)

// TestLessonQuestions replays every lesson's part of the built-in
// recording and asks its questions, in both languages: 4 to 8 of them,
// each at a step of its own after the first (the TUI shows the first step
// at once), each answered by the recording as lessonAnswers says and
// as the tracker has it (ConnAt), the same answer in both languages, a
// state question's prompt naming none of the packet's flags nor the
// answer, and every explanation naming the answer.
func TestLessonQuestions(t *testing.T) {
	for _, les := range demo.LessonPlans() {
		t.Run(les.Name, func(t *testing.T) {
			s, err := lessonSession(context.Background(), les)
			if err != nil {
				t.Fatal(err)
			}
			var answers [2][]string
			for _, l := range i18n.Langs() {
				asked, err := quiz.Find(lessonQuestions(les.Name), s, l)
				if err != nil {
					t.Fatalf("%v: %v", l, err)
				}
				if n := len(asked); n < 4 || n > 8 {
					t.Errorf("%v: %d questions, want 4 to 8", l, n)
				}
				steps := map[int]bool{}
				for _, a := range asked {
					q, sp := a.Question, a.Spec
					if steps[q.Step] {
						t.Errorf("two questions before step %d", q.Step)
					}
					steps[q.Step] = true
					if q.Step == s.First() {
						t.Errorf("%q is asked before the first step, which is on screen at once", q.Text)
					}
					// At 80×24 the explanation pane has 6 lines of 78
					// columns: the question and its choices fit in them.
					lines := wrapLines(q.Text, 78)
					for _, c := range q.Choices {
						lines += wrapLines("  1  "+c, 78)
					}
					if lines > 6 {
						t.Errorf("%v: %q and its choices take %d lines, more than the 6 of the explanation pane at 80×24", l, q.Text, lines)
					}
					st, _ := s.Step(q.Step)
					got := q.Choices[q.Answer]
					want, ok := lessonAnswers[sp.Ask]
					if !ok {
						t.Errorf("no hand-checked answer for %s", sp.Ask)
					}
					switch sp.Kind {
					case quiz.StateAfter:
						c, _ := s.ConnAt(st.ConnID, q.Step)
						if got != c.State[sp.Who].String() {
							t.Errorf("%q: answer %s, the tracker has %v", q.Text, got, c.State[sp.Who])
						}
						if m := flagWord.FindString(q.Text); m != "" && st.Flags&flagOf(m) != 0 {
							t.Errorf("%q names the packet's flag %s", q.Text, m)
						}
						if strings.Contains(q.Text, got) {
							t.Errorf("%q gives its answer %s away", q.Text, got)
						}
						if !strings.Contains(q.Explain, got) {
							t.Errorf("explanation %q does not name the answer %s", q.Explain, got)
						}
					case quiz.AckLabel:
						if !strings.Contains(q.Explain, got) || !strings.Contains(q.Explain, i18n.Fill("{a}", i18n.Args{"a": st.RawAck})) {
							t.Errorf("explanation %q does not name the answer %s = %d", q.Explain, got, st.RawAck)
						}
					case quiz.Result:
						got = sp.Outs[q.Answer].ID
					}
					if ok && !strings.Contains("|"+want+"|", "|"+got+"|") {
						t.Errorf("%q: the recording answers %s, want %s", q.Text, got, want)
					}
					answers[l] = append(answers[l], got)
				}
			}
			if strings.Join(answers[0], ",") != strings.Join(answers[1], ",") {
				t.Errorf("answers differ by language: %v", answers)
			}
		})
	}
}

func flagOf(name string) fsm.Flags {
	return map[string]fsm.Flags{"SYN": fsm.SYN, "ACK": fsm.ACK, "FIN": fsm.FIN, "RST": fsm.RST, "PSH": fsm.PSH}[name]
}

// TestLessonKernelAgrees: the answers no packet shows agree with the
// kernel's own view at the scenario's checkpoints (sock_diag, recorded
// with the capture): bind() fails because a TIME_WAIT socket holds the
// server's port; the parent's copy keeps the server's socket in
// CLOSE_WAIT; two connections wait in the accept queue while the third
// client is still in SYN_SENT.
func TestLessonKernelAgrees(t *testing.T) {
	type sock struct{ Local, Remote, State string }
	type kv struct {
		Checkpoints []struct {
			Label   string
			Sockets []sock
		}
	}
	at := func(scenario, label string) []sock {
		b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "scenarios", scenario+".kernel.json"))
		if err != nil {
			t.Fatal(err)
		}
		var k kv
		if err := json.NewDecoder(bytes.NewReader(b)).Decode(&k); err != nil {
			t.Fatal(err)
		}
		for _, c := range k.Checkpoints {
			if c.Label == label {
				return c.Sockets
			}
		}
		t.Fatalf("%s: no checkpoint %q", scenario, label)
		return nil
	}
	count := func(socks []sock, local, state string) int {
		n := 0
		for _, s := range socks {
			if strings.HasSuffix(s.Local, local) && s.State == state {
				n++
			}
		}
		return n
	}
	if n := count(at("reuseaddr", "server stopped, its old connection in TIME_WAIT"), ":7920", "TIME_WAIT"); n != 1 {
		t.Errorf("reuseaddr: %d TIME_WAIT sockets on :7920 when bind() is retried, want 1 (the reason for EADDRINUSE)", n)
	}
	if n := count(at("parent-copy", "child closed and exited, the parent's copy open"), ":7960", "CLOSE_WAIT"); n != 1 {
		t.Errorf("parent-copy: %d CLOSE_WAIT sockets on :7960 after the child's close(), want 1 (no FIN sent)", n)
	}
	q := at("backlog", "accept queue full, third SYN dropped")
	if n, w := count(q, ":7910", "ESTABLISHED"), count(q, "", "SYN_SENT"); n != 2 || w != 1 {
		t.Errorf("backlog: %d queued connections and %d client in SYN_SENT, want 2 (backlog + 1) and 1", n, w)
	}
}

// TestLessonPrint: --print writes, in both languages, each question on a
// line of its own starting "N. ", its choices indented under it, and the
// answer after them; it needs no terminal.
func TestLessonPrint(t *testing.T) {
	for _, lang := range []string{"en", "zh"} {
		for _, les := range demo.LessonPlans() {
			var out, errb bytes.Buffer
			if code := run(context.Background(), []string{"lesson", les.Name, "--print", "--lang", lang}, env{stdout: &out, stderr: &errb}); code != 0 {
				t.Fatalf("%s --print --lang %s: exit %d: %s", les.Name, lang, code, errb.String())
			}
			lines := strings.Split(out.String(), "\n")
			n, choices, answers := 0, 0, 0
			for _, ln := range lines {
				switch {
				case regexp.MustCompile(`^[1-8]\. \S`).MatchString(ln):
					n++
					if choices != 0 && answers != n-1 {
						t.Errorf("%s: question %d starts before the answer of the one before", les.Name, n)
					}
				case regexp.MustCompile(`^   [1-4]\) \S`).MatchString(ln):
					choices++
				case strings.HasPrefix(ln, "   Answer: ") || strings.HasPrefix(ln, "   答案："):
					answers++
				}
			}
			if n < 4 || answers != n || choices < 2*n {
				t.Errorf("%s --lang %s: %d questions, %d answers, %d choices:\n%s", les.Name, lang, n, answers, choices, out.String())
			}
		}
	}
}

// wrapLines is how many lines of width w text takes wrapped at spaces
// (English) or anywhere (Chinese, two columns a character): a close
// estimate of the explanation pane's wrapping.
func wrapLines(text string, w int) int {
	lines, col, word := 1, 0, 0
	for _, r := range text + " " {
		cw := 1
		if r >= 0x1100 {
			cw = 2
		}
		switch {
		case r == ' ':
			if col+word > w {
				lines++
				col = word
			} else {
				col += word
			}
			word = 0
			col++
		case cw == 2:
			if col+word+cw > w {
				lines++
				col = word
			}
			col += word + cw
			word = 0
		default:
			word += cw
		}
	}
	return lines
}
