//go:build linux

// Command record-impaired re-records the impaired-link corpus in
// testdata/impaired (as root: it makes network namespaces and veth pairs
// and captures on them). See testdata/impaired/README.md.
//
//	go run ./lab/cmd/record-impaired [-dir testdata/impaired] [-only NAME,NAME]
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/synfin/synfin/lab"
)

func main() {
	dir := flag.String("dir", "testdata/impaired", "directory the captures and truth files are written to")
	only := flag.String("only", "", "comma-separated scenario names (default: all)")
	list := flag.Bool("list", false, "list the scenarios and exit")
	flag.Parse()
	if *list {
		for _, sc := range lab.Scenarios() {
			fmt.Printf("%-20s %s\n", sc.Name, sc.Doc)
		}
		return
	}
	want := map[string]bool{}
	for _, n := range strings.Split(*only, ",") {
		if n != "" {
			want[n] = true
		}
	}
	if os.Geteuid() != 0 {
		fmt.Fprintln(os.Stderr, "record-impaired: needs root (network namespaces, veth pairs, packet sockets): run it with sudo")
		os.Exit(1)
	}
	if fi, err := os.Stat(*dir); err != nil || !fi.IsDir() {
		fmt.Fprintf(os.Stderr, "record-impaired: -dir %s: not a directory (create it, or run from the repository root)\n", *dir)
		os.Exit(2)
	}
	// Ctrl-C or SIGTERM: the deferred clean-up of the recording in
	// progress does not run, so delete this run's namespaces here.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sig
		fmt.Fprintln(os.Stderr, "record-impaired: interrupted; deleting the namespaces this run created")
		if err := lab.DeleteOwnNamespaces(); err != nil {
			fmt.Fprintf(os.Stderr, "record-impaired: %v\n", err)
		}
		os.Exit(1)
	}()
	failed := 0
	for i, sc := range lab.Scenarios() {
		if len(want) > 0 && !want[sc.Name] {
			continue
		}
		if err := lab.Record(sc, *dir, lab.Prefix(i)); err != nil {
			fmt.Fprintf(os.Stderr, "record-impaired: %s: %v\n", sc.Name, err)
			failed++
			continue
		}
		fmt.Printf("recorded %s\n", sc.Name)
	}
	if failed > 0 {
		os.Exit(1)
	}
}
