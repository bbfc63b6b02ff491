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
