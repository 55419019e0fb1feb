#!/usr/bin/env bash
# Idle long polls (docs/jobs.md): N push agents (default 10000) waiting for jobs on one
# `triage serve`, beside a bare Hummingbird endpoint that only sleeps, on the release build; a
# job queued for one of them must reach it alone. Writes Benchmarks/longpoll.md; with --quick
# (what Benchmarks/run.sh --quick runs) 300 polls on the debug build, written to .build/bench/.
# Needs root (a network namespace with only loopback).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/opt/swift/usr/bin:$PATH
if [ "${1:-}" = --quick ]; then config=debug n=${N:-300} out=.build/bench/longpoll-quick.md; else config=release n=${N:-10000} out=Benchmarks/longpoll.md; fi
for product in triage ingest-limit; do swift build -q -c "$config" --product "$product" >&2; done
bin=$(swift build -c "$config" --show-bin-path)
mkdir -p "$(dirname "$out")"
work=$(mktemp -d /tmp/triage-longpoll.XXXXXX)
trap 'rm -rf "$work"' EXIT
N=$n unshare --net sh -c 'ip link set lo up && exec python3 Benchmarks/longpoll/longpoll.py "$@"' _ "$bin/triage" "$bin/ingest-limit" "$work/longpoll.md" >&2
{
    echo "# Idle long polls: agents waiting for jobs"
    echo
    echo "$(date -u +%Y-%m-%dT%H:%MZ) · $(nproc) cores · $(git rev-parse --short HEAD) · \`bash Benchmarks/longpoll.sh $*\` ($config build)"
    echo
    cat "$work/longpoll.md"
} >"$out"
cat "$out"
