package main

import (
	"strconv"
	"strings"
	"unicode"
)

// flagError rewrites an error of the flag package as one line: the flag
// package prints the word it rejects as typed, and a word from a script
// or a pasted filter may hold a newline or an escape sequence (a filter's
// first word starting with "-" reaches the flag parser). The word is
// quoted; anything else non-printable is escaped.
func flagError(err error) string {
	msg := err.Error()
	for _, prefix := range []string{
		"flag provided but not defined: ",
		"bad flag syntax: ",
		"flag needs an argument: ",
	} {
		if word, ok := strings.CutPrefix(msg, prefix); ok {
			return prefix + strconv.Quote(word)
		}
	}
	return escapeLine(msg)
}

// escapeLine keeps printable text (Chinese included) and writes every
// other rune as Go escapes it (\n, \x1b, \a).
func escapeLine(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsPrint(r) {
			b.WriteRune(r)
			continue
		}
		q := strconv.QuoteRune(r)
		b.WriteString(q[1 : len(q)-1])
	}
	return b.String()
}
