package lab

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/synfin/synfin/fsm"
)

// AnalyzeDir compares every capture of the corpus in dir (each
// <scenario>.truth.json with its <scenario>.<suffix>.pcap files) with its
// kernel truth, in scenario order.
func AnalyzeDir(dir string, cfg fsm.Config) ([]*Analysis, []*Truth, error) {
	truths, err := filepath.Glob(filepath.Join(dir, "*.truth.json"))
	if err != nil {
		return nil, nil, err
	}
	sort.Strings(truths)
	var out []*Analysis
	var ts []*Truth
	for _, tp := range truths {
		t, err := LoadTruth(tp)
		if err != nil {
			return nil, nil, err
		}
		ts = append(ts, t)
		base := strings.TrimSuffix(tp, ".truth.json")
		for _, c := range Captures {
			p := base + "." + c.Suffix + ".pcap"
			if _, err := os.Stat(p); err != nil {
				return nil, nil, fmt.Errorf("%s: the capture recorded with %s is missing (re-record with testdata/impaired/record.sh)", p, filepath.Base(tp))
			}
			a, err := Analyze(p, t, cfg)
			if err != nil {
				return nil, nil, err
			}
			out = append(out, a)
		}
	}
	return out, ts, nil
}
