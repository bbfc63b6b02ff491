package i18n

import (
	"fmt"
	"os"
	"strings"

	"github.com/synfin/synfin/fsm"
)

// Lang is a language of the user interface.
type Lang uint8

// Supported languages.
const (
	En Lang = iota // English
	Zh             // Simplified Chinese
)

// Langs lists the supported languages.
func Langs() []Lang { return []Lang{En, Zh} }

func (l Lang) String() string {
	if l == Zh {
		return "zh"
	}
	return "en"
}

// ParseLang reads a language name as given to --lang: "en", "zh", or a
// locale such as "zh_CN.UTF-8" or "en_US".
func ParseLang(s string) (Lang, error) {
	v := strings.ToLower(strings.TrimSpace(s))
	switch {
	case v == "en" || v == "english" || strings.HasPrefix(v, "en_") || strings.HasPrefix(v, "en-"):
		return En, nil
	case v == "zh" || v == "cn" || v == "chinese" || strings.HasPrefix(v, "zh_") || strings.HasPrefix(v, "zh-") || strings.HasPrefix(v, "zh."):
		return Zh, nil
	}
	return En, fmt.Errorf("unknown language %q (want en or zh)", s)
}

// FromEnv picks the language from the locale environment: the first
// non-empty of LC_ALL, LC_MESSAGES and LANG (POSIX precedence); a value
// starting with "zh" gives Chinese, anything else English.
func FromEnv() Lang { return FromLookup(os.Getenv) }

// FromLookup is FromEnv with an injected getenv, for tests.
func FromLookup(getenv func(string) string) Lang {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := getenv(name); v != "" {
			if strings.HasPrefix(strings.ToLower(v), "zh") {
				return Zh
			}
			return En
		}
	}
	return En
}

// Args are the named parameters of a template.
type Args map[string]any

// msg is one text in every language.
type msg [2]string

func (m msg) in(l Lang) string {
	if int(l) < len(m) && m[l] != "" {
		return m[l]
	}
	return m[En]
}

// Key names a UI text. Keys are declared with def, which records both
// translations, so a key cannot exist without them.
type Key string

var texts = map[Key]msg{}
var keyOrder []Key

func def(key, en, zh string) Key {
	k := Key(key)
	if _, dup := texts[k]; dup {
		panic("i18n: duplicate key " + key)
	}
	texts[k] = msg{en, zh}
	keyOrder = append(keyOrder, k)
	return k
}

// Keys lists every UI text key in declaration order.
func Keys() []Key { return append([]Key(nil), keyOrder...) }

// T returns the text of key k. An unknown key is returned as is.
func (l Lang) T(k Key) string {
	m, ok := texts[k]
	if !ok {
		return string(k)
	}
	return m.in(l)
}

// F returns the text of key k with its parameters filled from a.
func (l Lang) F(k Key, a Args) string { return Fill(l.T(k), a) }

// Reason returns the sentence explaining r, filled from a (see ReasonArgs
// for the parameters the sentences use). An unknown key is returned as is.
func (l Lang) Reason(r fsm.Reason, a Args) string {
	m, ok := reasons[r]
	if !ok {
		return string(r)
	}
	return Fill(m.in(l), a)
}

// HasReason reports whether r has a sentence.
func HasReason(r fsm.Reason) bool { _, ok := reasons[r]; return ok }

// NoteTag returns a short tag for a note reason (e.g. "retx"), used where
// there is no room for a sentence, such as beside an arrow of the ladder.
func (l Lang) NoteTag(r fsm.Reason) string {
	m, ok := noteTags[r]
	if !ok {
		return string(r)
	}
	return m.in(l)
}

// HasNoteTag reports whether r has a short tag.
func HasNoteTag(r fsm.Reason) bool { _, ok := noteTags[r]; return ok }

// Role returns the localized name of an endpoint role ("client", "客户端").
func (l Lang) Role(r fsm.Role) string {
	if r == fsm.Client {
		return l.T(KeyClient)
	}
	return l.T(KeyServer)
}

// StateGloss returns a short description of a state in the language, e.g.
// "请求连接" for SYN_SENT.
func (l Lang) StateGloss(s fsm.State) string {
	if int(s) < len(stateGloss) {
		return stateGloss[s].in(l)
	}
	return ""
}

// StateLabel returns the RFC name followed by its gloss:
// "SYN_SENT（请求连接）" in Chinese, "SYN_SENT (waiting for SYN+ACK)" in English.
func (l Lang) StateLabel(s fsm.State) string {
	g := l.StateGloss(s)
	if g == "" {
		return s.String()
	}
	if l == Zh {
		return s.String() + "（" + g + "）"
	}
	return s.String() + " (" + g + ")"
}

// Sentence returns s with its first letter upper-cased when it is an
// ASCII lower-case letter: the reason texts start in lower case so they
// can also follow a colon; a sentence starts with a capital. Other
// texts, Chinese among them, are returned as they are.
func Sentence(s string) string {
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		return string(s[0]-'a'+'A') + s[1:]
	}
	return s
}

// Fill replaces each {name} in tmpl by a[name] (fmt's %v); a name missing
// from a becomes "?". Braces that do not enclose a plain name are kept.
func Fill(tmpl string, a Args) string {
	if !strings.Contains(tmpl, "{") {
		return tmpl
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			b.WriteString(tmpl)
			return b.String()
		}
		j := strings.IndexByte(tmpl[i:], '}')
		if j < 0 || !isName(tmpl[i+1:i+j]) {
			b.WriteString(tmpl[:i+1])
			tmpl = tmpl[i+1:]
			continue
		}
		b.WriteString(tmpl[:i])
		if v, ok := a[tmpl[i+1:i+j]]; ok {
			fmt.Fprint(&b, v)
		} else {
			b.WriteByte('?')
		}
		tmpl = tmpl[i+j+1:]
	}
}

func isName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// Params returns the parameter names used in tmpl, in order of first use.
func Params(tmpl string) []string {
	var out []string
	seen := map[string]bool{}
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			return out
		}
		j := strings.IndexByte(tmpl[i:], '}')
		if j < 0 {
			return out
		}
		if n := tmpl[i+1 : i+j]; isName(n) {
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
			tmpl = tmpl[i+j+1:]
		} else {
			tmpl = tmpl[i+1:]
		}
	}
}

// ReasonTemplate returns the raw template of reason r in language l.
func (l Lang) ReasonTemplate(r fsm.Reason) string { return reasons[r].in(l) }
