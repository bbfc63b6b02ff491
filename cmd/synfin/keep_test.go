package main

import (
	"flag"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/synfin/synfin/fsm"
)

func TestKeepFlag(t *testing.T) {
	for _, tt := range []struct {
		arg   string
		steps int
		dur   time.Duration
		bad   bool
	}{
		{"100000", 100000, 0, false},
		{"10m", 0, 10 * time.Minute, false},
		{"90s", 0, 90 * time.Second, false},
		{"0", 0, 0, true},
		{"-5", 0, 0, true},
		{"-1m", 0, 0, true},
		{"lots", 0, 0, true},
	} {
		var tf tuiFlags
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		tf.register(fs)
		err := fs.Parse([]string{"--keep", tt.arg})
		if tt.bad {
			if err == nil || !strings.Contains(err.Error(), "want a number of packets") {
				t.Errorf("--keep %s: error %v, want one saying what --keep takes", tt.arg, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("--keep %s: %v", tt.arg, err)
		}
		cfg := tf.keep.sessionConfig(fsm.Config{TimeWait: time.Second})
		if cfg.MaxSteps != tt.steps || cfg.KeepFor != tt.dur || cfg.Keep != tt.arg || cfg.FSM.TimeWait != time.Second {
			t.Errorf("--keep %s: session config %+v", tt.arg, cfg)
		}
	}
	var none keepFlag
	if cfg := none.sessionConfig(fsm.Config{}); cfg.MaxSteps != 0 || cfg.KeepFor != 0 || cfg.Keep != "" {
		t.Errorf("no --keep: session config %+v, want the defaults", cfg)
	}
}
