//go:build unix

package report_test

import "syscall"

// cpuNs is the CPU time (user and system) the process used so far: on a
// busy machine, a fairer measure than the wall clock.
func cpuNs() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano() + ru.Stime.Nano())
}
