package i18n_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/synfin/synfin/demo"
	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/i18n"
)

func TestEveryReasonTranslated(t *testing.T) {
	known := i18n.ReasonArgs()
	for _, r := range fsm.Reasons() {
		if !i18n.HasReason(r) {
			t.Errorf("reason %q has no sentence", r)
			continue
		}
		en, zh := i18n.En.ReasonTemplate(r), i18n.Zh.ReasonTemplate(r)
		if en == "" || zh == "" {
			t.Errorf("reason %q: en %q, zh %q: both must be non-empty", r, en, zh)
		}
		if en == zh {
			t.Errorf("reason %q: zh is the English text", r)
		}
		checkParams(t, string(r), en, zh, known)
	}
}

func TestEveryNoteHasTag(t *testing.T) {
	rs := fsm.Reasons()
	first := slices.Index(rs, fsm.NoteSynRetransmit)
	if first < 0 {
		t.Fatal("fsm.Reasons() lacks NoteSynRetransmit")
	}
	for _, r := range append(rs[first:], fsm.Reason("joined-late")) {
		if !i18n.HasNoteTag(r) {
			t.Errorf("note %q has no short tag", r)
			continue
		}
		if i18n.En.NoteTag(r) == "" || i18n.Zh.NoteTag(r) == "" {
			t.Errorf("note %q: empty tag", r)
		}
	}
}

func TestEveryKeyTranslated(t *testing.T) {
	keys := i18n.Keys()
	if len(keys) < 50 {
		t.Fatalf("only %d keys", len(keys))
	}
	for _, k := range keys {
		en, zh := i18n.En.T(k), i18n.Zh.T(k)
		if en == "" || zh == "" {
			t.Errorf("key %q: en %q zh %q", k, en, zh)
		}
		checkParams(t, string(k), en, zh, nil)
	}
}

func TestStateGlosses(t *testing.T) {
	for _, s := range fsm.States() {
		for _, l := range i18n.Langs() {
			if l.StateGloss(s) == "" {
				t.Errorf("%v: no %v gloss", s, l)
			}
			if got := l.StateLabel(s); !strings.HasPrefix(got, s.String()) {
				t.Errorf("%v label %q does not start with the RFC name", l, got)
			}
		}
	}
	if got, want := i18n.Zh.StateLabel(fsm.SynSent), "SYN_SENT（请求连接）"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := i18n.Zh.StateLabel(fsm.TimeWait), "TIME_WAIT（等待2MSL）"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestDemoKinds(t *testing.T) {
	for _, k := range []demo.Kind{
		demo.KindListening, demo.KindBindError, demo.KindStopped, demo.KindAccepted,
		demo.KindChildStarted, demo.KindChildExited, demo.KindParentClosed, demo.KindParentKept,
		demo.KindConnecting, demo.KindConnected, demo.KindRefused, demo.KindSent, demo.KindReceived,
		demo.KindPeerClosed, demo.KindReset, demo.KindClosed, demo.KindHalfClosed, demo.KindAborted, demo.KindError,
	} {
		en, zh := i18n.En.DemoKind(string(k)), i18n.Zh.DemoKind(string(k))
		if en == string(k) && zh == string(k) || en == zh {
			t.Errorf("demo kind %q not translated: en %q zh %q", k, en, zh)
		}
	}
	if got := i18n.Zh.DemoKind("no-such-kind"); got != "no-such-kind" {
		t.Errorf("unknown kind: got %q", got)
	}
}

// checkParams checks that both texts use the same parameters and, when
// known is given, only parameters from it.
func checkParams(t *testing.T, name, en, zh string, known []string) {
	t.Helper()
	pe, pz := i18n.Params(en), i18n.Params(zh)
	se, sz := slices.Clone(pe), slices.Clone(pz)
	slices.Sort(se)
	slices.Sort(sz)
	if !slices.Equal(se, sz) {
		t.Errorf("%s: en uses %v, zh uses %v", name, pe, pz)
	}
	for _, p := range pe {
		if known != nil && !slices.Contains(known, p) {
			t.Errorf("%s: unknown parameter {%s}", name, p)
		}
	}
}

func TestFill(t *testing.T) {
	for _, c := range []struct{ tmpl, want string }{
		{"ack=x+1={x1}", "ack=x+1=1001"},
		{"{who} and {peer}", "client and ?"},
		{"no params", "no params"},
		{"{not closed", "{not closed"},
		{"{Bad Name} {x1}", "{Bad Name} 1001"},
		{"{}", "{}"},
	} {
		if got := i18n.Fill(c.tmpl, i18n.Args{"x1": 1001, "who": "client"}); got != c.want {
			t.Errorf("Fill(%q): got %q, want %q", c.tmpl, got, c.want)
		}
	}
}

func TestParseLang(t *testing.T) {
	for in, want := range map[string]i18n.Lang{
		"en": i18n.En, "zh": i18n.Zh, "ZH": i18n.Zh, "zh_CN.UTF-8": i18n.Zh, "zh-TW": i18n.Zh,
		"en_US.UTF-8": i18n.En, "chinese": i18n.Zh,
	} {
		got, err := i18n.ParseLang(in)
		if err != nil || got != want {
			t.Errorf("ParseLang(%q): got %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "fr", "zz"} {
		if _, err := i18n.ParseLang(bad); err == nil {
			t.Errorf("ParseLang(%q): no error", bad)
		}
	}
}

func TestFromLookup(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		want i18n.Lang
	}{
		{map[string]string{}, i18n.En},
		{map[string]string{"LANG": "zh_CN.UTF-8"}, i18n.Zh},
		{map[string]string{"LANG": "zh_CN.UTF-8", "LC_ALL": "C"}, i18n.En},
		{map[string]string{"LANG": "en_US.UTF-8", "LC_MESSAGES": "zh_TW"}, i18n.Zh},
		{map[string]string{"LC_ALL": "zh_HK.UTF-8", "LANG": "en_US"}, i18n.Zh},
		{map[string]string{"LANG": "C.UTF-8"}, i18n.En},
	} {
		got := i18n.FromLookup(func(k string) string { return c.env[k] })
		if got != c.want {
			t.Errorf("%v: got %v, want %v", c.env, got, c.want)
		}
	}
}

// zhAllowed are the ASCII words a Chinese text may show: protocol and
// flag names, RFC state names, API, option, errno and exception names,
// tools and proper names, keys of the keyboard, and the letters the
// course uses for numbers (x, y). Anything else in ASCII letters inside a
// Chinese sentence is an untranslated word.
var zhAllowed = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`
		TCP IP SYN ACK FIN RST PSH URG ECE CWR RFC ISN MSS MSL SACK TFO TSval TSecr PAWS synfin
		seq ack len x y
		socket() bind() listen() accept() connect() send() recv() close() shutdown()
		socket bind listen accept connect send recv close shutdown
		shutdown(SHUT_WR) SHUT_WR SO_REUSEADDR SO_LINGER setsockopt() tcp_close()
		errno ECONNREFUSED ECONNRESET EADDRINUSE EPIPE ETIMEDOUT ConnectionRefusedError ConnectionResetError
		fork() conn
		backlog ss sock_diag Linux Zeek tshark tcpdump Python C cookie challenge root
		JavaScript HTML SVG Mermaid pcap pcapng keep-alive
		demo summary diagram export lesson record`) { // the last line: synfin's subcommands
		m[w] = true
	}
	for _, w := range strings.Fields(`
		Enter Esc Tab Home End PgUp PgDn English`) {
		m[w] = true
	}
	for _, s := range fsm.States() {
		m[s.String()] = true
	}
	return m
}()

// asciiWords returns the runs of ASCII letters (with digits, '_' and a
// call's parentheses) in a text, template parameters removed.
func asciiWords(s string) []string {
	for _, p := range i18n.Params(s) {
		s = strings.ReplaceAll(s, "{"+p+"}", " ")
	}
	var out []string
	r := []rune(s)
	for i := 0; i < len(r); {
		if !isASCIILetter(r[i]) {
			i++
			continue
		}
		j := i
		for j < len(r) && (isASCIILetter(r[j]) || r[j] >= '0' && r[j] <= '9' || r[j] == '_' ||
			r[j] == '-' && j+1 < len(r) && isASCIILetter(r[j+1])) { // keep-alive, max-children
			j++
		}
		for i > 0 && r[i-1] == '-' { // a flag: --keep
			i--
		}
		if j < len(r) && r[j] == '(' { // a call: connect(), shutdown(SHUT_WR)
			if k := strings.IndexRune(string(r[j:]), ')'); k >= 0 {
				j += len([]rune(string(r[j:])[:k+1]))
			}
		}
		out = append(out, string(r[i:j]))
		i = j
	}
	return out
}

func isASCIILetter(c rune) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// zhTexts lists every Chinese text shown to a person, by name.
func zhTexts() map[string]string {
	m := map[string]string{}
	for _, k := range i18n.Keys() {
		m["key "+string(k)] = i18n.Zh.T(k)
	}
	for _, r := range fsm.Reasons() {
		m["reason "+string(r)] = i18n.Zh.ReasonTemplate(r)
		if i18n.HasNoteTag(r) {
			m["tag "+string(r)] = i18n.Zh.NoteTag(r)
		}
	}
	for _, s := range fsm.States() {
		m["gloss "+s.String()] = i18n.Zh.StateGloss(s)
	}
	return m
}

// TestChineseHasNoEnglish fails on an English word left in a Chinese
// text (the allow-list holds the names Chinese teachers keep in English),
// on half-width parentheses around Chinese words, and on " s" for seconds.
func TestChineseHasNoEnglish(t *testing.T) {
	for name, zh := range zhTexts() {
		for _, w := range asciiWords(zh) {
			// One letter is a key (q, z) or a variable; a word with '_' or
			// a call is code (tcp_fin_timeout, SO_LINGER, tcp_close()).
			if len(w) > 1 && !zhAllowed[w] && !strings.ContainsAny(w, "_(") && !strings.HasPrefix(w, "-") {
				t.Errorf("%s: English word %q in %q", name, w, zh)
			}
		}
		// A half-width "(" that does not open a call's argument list.
		for i, c := range zh {
			if c != '(' && c != ')' {
				continue
			}
			if c == '(' && i > 0 && isASCIILetter(rune(zh[i-1])) || c == ')' && strings.LastIndex(zh[:i], "(") > 0 && isASCIILetter(rune(zh[strings.LastIndex(zh[:i], "(")-1])) {
				continue
			}
			t.Errorf("%s: half-width parenthesis in %q: use （）", name, zh)
			break
		}
	}
}

func TestASCIIWords(t *testing.T) {
	got := asciiWords("{who}调用shutdown(SHUT_WR)后，SYN_SENT（请求连接）收到seq=x+1={x1}的mode 5，保活（keep-alive），--max-children")
	want := []string{"shutdown(SHUT_WR)", "SYN_SENT", "seq", "x", "mode", "keep-alive", "--max-children"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
