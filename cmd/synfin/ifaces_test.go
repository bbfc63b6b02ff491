package main

import (
	"github.com/synfin/synfin/demo"
	"github.com/synfin/synfin/ui"
)

// The demo reaches the UI through optional interfaces (the ui package does
// not import demo): a signature that drifts apart breaks this build, not
// silently the demo panel.
var (
	_ ui.DemoControl      = (*demo.Live)(nil)
	_ ui.Selector         = (*demo.Live)(nil)
	_ ui.KernelViewer     = (*demo.Live)(nil)
	_ ui.KernelStepViewer = (*demo.Live)(nil)
)
