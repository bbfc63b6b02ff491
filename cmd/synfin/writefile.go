package main

import (
	"errors"
	"log/slog"
	"sync"

	"github.com/synfin/synfin/capture"
	"github.com/synfin/synfin/session"
)

// sourceCounts returns the status bar's counters for src. The first time
// it sees that the -w file stopped being written (a full disk), it logs
// it, once; the status bar keeps showing it and the command's exit status
// tells it at the end (closeWriter).
func sourceCounts(src capture.Source, log *slog.Logger) func() session.Counts {
	var once sync.Once
	return func() session.Counts {
		st := src.Stats()
		c := session.Counts{Packets: st.Packets, Segments: st.Segments, Skipped: st.SkippedTotal(), Drops: st.KernelDrops}
		if st.WriteErr != nil {
			c.WriteErr = st.WriteErr.Error()
			var se *capture.StoppedError
			if errors.As(st.WriteErr, &se) {
				c.WriteErr, c.Saved = se.Err.Error(), se.Written
			}
			once.Do(func() { log.Error("stopped writing the -w file; the capture goes on", "err", st.WriteErr) })
		}
		return c
	}
}

// closeWriter closes the -w file and returns what the command must
// report: nil when the file is complete, else the one-line
// *capture.StoppedError (the file name, packets saved and lost), which
// makes the exit status 1.
func closeWriter(w *capture.PcapWriter, log *slog.Logger) error {
	if w == nil {
		return nil
	}
	err := w.Close()
	if err != nil {
		log.Error("close the -w file", "err", err)
	}
	return err
}
