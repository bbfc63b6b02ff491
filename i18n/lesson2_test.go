package i18n_test

import (
	"strings"
	"testing"

	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/i18n"
)

// TestIssue18Texts: the text defects of issue 18, in both languages.
func TestIssue18Texts(t *testing.T) {
	for _, l := range i18n.Langs() {
		// TIME_WAIT's reasons: old duplicates too, and Linux's fixed 60 s.
		for _, r := range []fsm.Reason{fsm.ReasonFinInFinWait2, fsm.ReasonFinAndAck, fsm.ReasonClosingAcked} {
			if s := l.ReasonTemplate(r); !strings.Contains(s, "RFC 1337") || !strings.Contains(s, "60") || !strings.Contains(s, "TCP_TIMEWAIT_LEN") {
				t.Errorf("%v %s: %q names no old duplicates (RFC 1337) or no fixed 60 s", l, r, s)
			}
		}
		// An RST after close() (LAST_ACK) reports nothing: it just closes.
		if s := l.ReasonTemplate(fsm.ReasonAborted); !strings.Contains(s, "LAST_ACK") || !strings.Contains(s, "§3.10.7.4") {
			t.Errorf("%v aborted: %q", l, s)
		}
		// The notes' multi-thread server.
		if s := l.T(i18n.KeyDemoModelGoroutine); strings.Contains(s, "goroutine") {
			t.Errorf("%v: model name %q", l, s)
		}
		// accept()'s socket: the notes' claim corrected, "accept()" first.
		if s := l.T(i18n.KeyDemoLogAccepted); !strings.HasPrefix(s, "accept()") {
			t.Errorf("%v: %q does not begin with accept()", l, s)
		}
	}
	// A refused SYN: there never was a connection to reset.
	if s := i18n.Zh.T(i18n.KeySegRst); !strings.Contains(s, "拒绝") {
		t.Errorf("zh RST headline %q says nothing of a refused request", s)
	}
	if s := i18n.Zh.ReasonTemplate(fsm.ReasonRefused); !strings.Contains(s, "从来没有建立过连接") {
		t.Errorf("zh refused %q", s)
	}
	if s := i18n.Zh.T(i18n.KeyDemoModelGoroutine); s != "多线程" {
		t.Errorf("zh model name %q, want 多线程", s)
	}
	sum := i18n.Zh.F(i18n.KeyAckSum, i18n.Args{"ack": 1, "sum": i18n.Zh.T(i18n.KeyAckSyn), "sender": "服务器", "receiver": "客户端"})
	if !strings.HasPrefix(sum, "ack=1（SYN占1个序号）：") {
		t.Errorf("zh ack sum %q, want ack=1（SYN占1个序号）：…", sum)
	}
	if s := i18n.Zh.T(i18n.KeyUI2KernelNotRead); s != "（本步未读取内核状态）" {
		t.Errorf("zh %q", s)
	}
	for _, k := range []i18n.Key{i18n.KeyExplAccept, i18n.KeyDemoLogAccepted, i18n.KeyLqHs2Why, i18n.KeyLqCc3Why, i18n.KeyLessonSoReuseaddr} {
		if en, zh := i18n.En.T(k), i18n.Zh.T(k); !strings.Contains(en, "notes say") || !strings.Contains(zh, "讲义说") {
			t.Errorf("%s does not say what the notes say and what really happens", k)
		}
	}
}
