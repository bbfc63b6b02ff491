// Command mklesson builds demo/lesson.pcap, the recording embedded in
// synfin for machines where live capture is impossible, from the scenario
// recordings in testdata/scenarios (go generate ./demo runs it):
//
//	go run ./internal/mklesson ../testdata/scenarios lesson.pcap
package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/synfin/synfin/demo"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: mklesson SCENARIO_DIR OUT.pcap")
		os.Exit(2)
	}
	var paths []string
	for _, name := range demo.LessonScenarios {
		paths = append(paths, filepath.Join(os.Args[1], name+".pcap"))
	}
	var buf bytes.Buffer
	if err := demo.MergeRecordings(&buf, paths); err != nil {
		fmt.Fprintln(os.Stderr, "mklesson:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(os.Args[2], buf.Bytes(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "mklesson:", err)
		os.Exit(1)
	}
}
