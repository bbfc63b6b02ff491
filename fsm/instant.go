package fsm

import "time"

// instant is a capture time in 8 bytes rather than a time.Time's 24 (the
// tracker holds several per connection that it only compares and
// subtracts): Unix nanoseconds plus one, so that the zero instant is the
// zero time.Time, as in the fields it replaced. It keeps no location
// (none of its uses shows one) and no monotonic reading (capture times
// have none). Times from 1678 to 2262 go through exactly, but for the
// last nanosecond of 1969, which reads back as the zero time.
type instant int64

func instantOf(t time.Time) instant {
	if t.IsZero() {
		return 0
	}
	return instant(t.UnixNano() + 1)
}

// time returns the time a was made from (in UTC).
func (a instant) time() time.Time {
	if a == 0 {
		return time.Time{}
	}
	return time.Unix(0, int64(a)-1).UTC()
}
