//go:build !unix

package session_test

import "time"

// cpuTime is not measured here: BenchmarkLoad reports 0 CPU seconds.
func cpuTime() time.Duration { return 0 }
