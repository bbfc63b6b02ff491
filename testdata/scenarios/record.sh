#!/bin/sh
# Re-records every scenario's capture from the real kernel (all but
# stress, too big to keep) and rewrites the goldens:
#   <name>.pcap         synfin record --scenario <name> -w <name>.pcap
#   <name>.kernel.json  the kernel's view (sock_diag) at each checkpoint
#   <name>.json         synfin summary -r <name>.pcap --format json
# Needs CAP_NET_RAW (root), or unprivileged user namespaces (synfin then
# records inside a private network namespace). Run from anywhere:
#   sh testdata/scenarios/record.sh
# (go generate ./demo runs it too.)
set -eu
cd "$(dirname "$0")/../.."
bin=$(mktemp -d)/synfin
trap 'rm -rf "$(dirname "$bin")"' EXIT
go build -o "$bin" ./cmd/synfin
for s in $("$bin" record --list | awk '$1 != "stress" {print $1}'); do
	# synfin never overwrites a file it did not create: this script
	# replaces its own outputs, so it removes them first.
	rm -f "testdata/scenarios/$s.pcap" "testdata/scenarios/$s.kernel.json"
	if out=$("$bin" record --scenario "$s" \
		-w "testdata/scenarios/$s.pcap" \
		--kernel "testdata/scenarios/$s.kernel.json" 2>&1); then
		echo "recorded $s"
	else
		# The capture is kept: a disagreement is the fsm's to fix.
		printf 'recorded %s, with problems:\n%s\n' "$s" "$out"
	fi
done
go test ./demo -run 'TestRecordings' -update
