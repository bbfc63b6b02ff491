package capture_test

import (
	"strings"
	"testing"

	"github.com/synfin/synfin/capture"
)

// TestFilterLimits: an expression too long or nested too deep is refused
// at once with one short line, instead of taking minutes (100,000 nested
// "!") or gigabytes (a million nested parentheses).
func TestFilterLimits(t *testing.T) {
	ok := []string{
		strings.Repeat("!", capture.MaxFilterDepth) + "port 80",
		strings.Repeat("(", capture.MaxFilterDepth) + "port 80" + strings.Repeat(")", capture.MaxFilterDepth),
		strings.Repeat("not ", capture.MaxFilterDepth/2) + strings.Repeat("(", capture.MaxFilterDepth/2) + "tcp" + strings.Repeat(")", capture.MaxFilterDepth/2),
	}
	for _, expr := range ok {
		if _, err := capture.ParseFilter(expr); err != nil {
			t.Errorf("%d bytes at the depth limit: %v", len(expr), err)
		}
	}
	bad := []struct{ name, expr, want string }{
		{"100000-not", strings.Repeat("!", 100000) + "port 80", "longer than"},
		{"1M-parens", strings.Repeat("(", 1000000) + "tcp" + strings.Repeat(")", 1000000), "longer than"},
		{"257-not", strings.Repeat("!", capture.MaxFilterDepth+1) + "port 80", "nested more than 256"},
		{"257-parens", strings.Repeat("(", capture.MaxFilterDepth+1) + "tcp" + strings.Repeat(")", capture.MaxFilterDepth+1), "nested more than 256"},
		{"deep-then-fine", strings.Repeat("( ! ", 200) + "tcp" + strings.Repeat(")", 200), "nested more than 256"},
		{"64KiB+1", strings.Repeat("port 1 or ", capture.MaxFilterBytes/10) + "port 65535", "longer than"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			_, err := capture.ParseFilter(c.expr)
			if err == nil {
				t.Fatalf("%d-byte expression accepted", len(c.expr))
			}
			msg := err.Error()
			if !strings.Contains(msg, c.want) || strings.Contains(msg, "\n") || len(msg) > 400 {
				t.Errorf("error %.500q: want one short line with %q", msg, c.want)
			}
		})
	}
	// Within the limits, a long flat expression parses (files do not have
	// BPF's 4096-instruction limit).
	long := strings.Repeat("port 1 or ", 6000) + "port 80"
	f, err := capture.ParseFilter(long)
	if err != nil {
		t.Fatalf("%d-byte flat expression: %v", len(long), err)
	}
	fr := testFrames(t)[0]
	if fr.seg == nil {
		t.Fatal("first test frame is not a TCP segment")
	}
	_ = f.MatchSegment(fr.seg)
}

// TestFilterHostileExprQuoted: the expression is quoted in errors, escape
// bytes escaped.
func TestFilterHostileExprQuoted(t *testing.T) {
	_, err := capture.ParseFilter("port \x1b]0;pwned\x07")
	if err == nil || strings.ContainsAny(err.Error(), "\x1b\x07") {
		t.Errorf("error %q: want the escape bytes quoted", err)
	}
}

// BenchmarkMatchSegmentNested: the same filter written plainly and under
// 250 "!" (an even number: the same meaning) costs the same per segment.
//
//	go test -run '^$' -bench MatchSegmentNested ./capture
func BenchmarkMatchSegmentNested(b *testing.B) {
	fr := testFrames(b)[0]
	for _, c := range []struct{ name, expr string }{
		{"plain", "tcp port 80 or host 10.9.9.9"},
		{"250-not", strings.Repeat("! ", 250) + "(tcp port 80 or host 10.9.9.9)"},
		{"250-parens", strings.Repeat("(", 250) + "tcp port 80 or host 10.9.9.9" + strings.Repeat(")", 250)},
	} {
		f, err := capture.ParseFilter(c.expr)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				f.MatchSegment(fr.seg)
			}
		})
	}
}
