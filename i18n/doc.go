// Package i18n holds every sentence synfin shows to a person, in English
// and Chinese: the explanation of each fsm.Reason, state glosses, and the
// labels and help texts of the terminal UI.
//
// Texts with numbers are templates with named parameters in braces, e.g.
// "ack=x+1={x1}", filled by Lang.F / Lang.Reason from an Args map; a
// parameter the caller does not supply is printed as "?". State names stay
// in RFC spelling (SYN_SENT, TIME_WAIT) in both languages.
//
// The package is pure data plus lookups: safe for concurrent use.
//
// # Adding texts
//
// Every key is declared with def(key, English, Chinese); the tests check
// that neither is empty and that both use the same parameters. New keys
// go in a file named for the work that adds them (quiz_keys.go,
// safety_keys.go), so parallel work does not collide in keys.go. The
// Chinese is written as a Chinese networking teacher writes it (三次握手,
// 四次挥手, 主动关闭方, 半关闭, 复位).
//
// Texts never hold data from a capture: callers escape what they insert
// (ui.Untrusted, tview.Escape) before it reaches a terminal.
package i18n
