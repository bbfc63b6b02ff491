#!/bin/sh
# Re-records the impaired-link corpus (captures + kernel truth) in this
# directory. Needs root: it creates network namespaces (named
# synfin-lab-<pid>-<n>-{client,relay,server}, deleted again when each
# recording ends; no other namespace is touched), veth pairs and packet
# sockets. About 80 s. Run from anywhere:
#   sudo sh testdata/impaired/record.sh [NAME,NAME...]
# then check the comparison: go test ./lab -run ImpairedCorpus -v
set -eu
cd "$(dirname "$0")/../.."
bin=$(mktemp -d)/record-impaired
trap 'rm -rf "$(dirname "$bin")"' EXIT
CGO_ENABLED=0 go build -o "$bin" ./lab/cmd/record-impaired
# synfin never overwrites a file it did not create: this script replaces
# its own outputs, so it removes them first (as testdata/scenarios/record.sh).
names=$(echo "${1:-}" | tr ',' ' ')
[ -n "$names" ] || names=$("$bin" -list | awk '{print $1}')
for s in $names; do
	rm -f "testdata/impaired/$s".*.pcap "testdata/impaired/$s.truth.json"
done
"$bin" -dir testdata/impaired -only "${1:-}"
