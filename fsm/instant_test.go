package fsm

import (
	"testing"
	"time"
)

// TestInstantRoundTrip: what the tracker does with an instant (subtract
// it, add to it, read its Unix nanoseconds) gives what it gave with the
// time.Time it replaced, the zero time included.
func TestInstantRoundTrip(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 5, time.UTC)
	for _, tm := range []time.Time{
		{},
		time.Unix(0, 0),
		time.Unix(0, 1),
		time.Unix(1, 999_999_999).In(time.FixedZone("x", 3600)),
		now,
		now.Add(time.Hour),
		time.Date(2200, 5, 5, 1, 2, 3, 4, time.UTC),
	} {
		a := instantOf(tm)
		if !a.time().Equal(tm) {
			t.Errorf("%v: reads back as %v", tm, a.time())
		}
		if got, want := now.Sub(a.time()), now.Sub(tm); got != want {
			t.Errorf("%v: now.Sub = %v, want %v", tm, got, want)
		}
		if got, want := a.time().Add(DefaultLinger).UnixNano(), tm.Add(DefaultLinger).UnixNano(); got != want {
			t.Errorf("%v: Add(linger).UnixNano = %d, want %d", tm, got, want)
		}
	}
}
