//go:build !linux

// Command record-impaired re-records testdata/impaired; it needs Linux
// (network namespaces, veth pairs, packet sockets).
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "record-impaired: needs Linux (network namespaces, veth pairs, AF_PACKET); the recorded corpus in testdata/impaired works everywhere")
	os.Exit(1)
}
