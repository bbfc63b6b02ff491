package capture

import "time"

// SetFlushTimer replaces the writer's time.AfterFunc, so a test sees the
// delay asked for and decides when the flush runs.
func SetFlushTimer(w *PcapWriter, afterFunc func(time.Duration, func())) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.afterFunc = afterFunc
}
