// Command impaired-report prints, as Markdown, the comparison of every
// capture of the impaired-link corpus with its kernel truth (what
// `go test ./lab -run ImpairedCorpus` checks), one table per scenario.
//
//	go run ./lab/cmd/impaired-report [-dir testdata/impaired] [-all]
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/synfin/synfin/fsm"
	"github.com/synfin/synfin/lab"
)

func main() {
	dir := flag.String("dir", "testdata/impaired", "the corpus directory")
	all := flag.Bool("all", false, "list agreeing endpoints too")
	flag.Parse()
	as, truths, err := lab.AnalyzeDir(*dir, fsm.Config{})
	if err != nil {
		fmt.Fprintf(os.Stderr, "impaired-report: %v\n", err)
		os.Exit(1)
	}
	byScenario := map[string][]*lab.Analysis{}
	for _, a := range as {
		name := strings.SplitN(filepath.Base(a.Capture), ".", 2)[0]
		byScenario[name] = append(byScenario[name], a)
	}
	var n, ok, acc int
	for _, t := range truths {
		fmt.Printf("## %s\n\n%s\n\n", t.Scenario, t.Description)
		if len(t.Rules) > 0 {
			fmt.Printf("Relay: %s.\n\n", strings.Join(t.Rules, "; "))
		}
		fmt.Println("| capture | endpoint | kernel (polled) | synfin (corrected path) | verdict |")
		fmt.Println("|---|---|---|---|---|")
		for _, a := range byScenario[t.Scenario] {
			for _, e := range a.Endpoints {
				n++
				v := "agree"
				switch {
				case e.OK:
					ok++
				case e.Accepted:
					acc++
					v = "disagree, marked assumed"
				default:
					v = "**DISAGREE**"
				}
				if e.OK && !*all {
					continue
				}
				steps := make([]string, len(e.Synfin))
				for i, s := range e.Synfin {
					steps[i] = s.String()
				}
				kp := strings.Join(e.Kernel, " → ")
				if kp == "" {
					kp = "(no socket seen)"
				}
				fmt.Printf("| %s | %s %v | %s | %s | %s |\n", strings.TrimSuffix(strings.TrimPrefix(filepath.Base(a.Capture), t.Scenario+"."), ".pcap"),
					e.Host, e.Local, kp, strings.Join(steps, " → "), v)
			}
		}
		fmt.Println()
	}
	fmt.Printf("Total: %d captures, %d endpoints: %d agree, %d disagree marked assumed, %d disagree.\n", len(as), n, ok, acc, n-ok-acc)
}
