package fsm

// Seq is a TCP sequence number. Comparisons are modulo 2^32 (RFC 9293
// §3.4): a is "less than" b when the signed 32-bit difference a-b is
// negative, which survives wrap-around as long as the two numbers are less
// than 2^31 apart.
type Seq uint32

// LessThan reports whether s comes before v in sequence space.
func (s Seq) LessThan(v Seq) bool { return int32(s-v) < 0 }

// LessEq reports whether s comes before or equals v.
func (s Seq) LessEq(v Seq) bool { return s == v || s.LessThan(v) }

// Add returns s advanced by n, wrapping at 2^32.
func (s Seq) Add(n uint32) Seq { return s + Seq(n) }

// Sub returns the distance from v to s (s - v), wrapping at 2^32.
func (s Seq) Sub(v Seq) uint32 { return uint32(s - v) }

// InWindow reports whether s lies in [first, first+size). A zero-size
// window contains only first itself, as in the RFC 9293 §3.10.7.4
// acceptability test for a zero window.
func (s Seq) InWindow(first Seq, size uint32) bool {
	if size == 0 {
		return s == first
	}
	return s.Sub(first) < size
}
