#!/usr/bin/env bash
# Assignment decisions per second with 1 000 technicians and 100 000 open tickets on SQLite,
# on the release build. Writes Benchmarks/assignment.md. Options go to the benchmark
# (--technicians N --tickets N --decisions N).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product assignment-benchmark >&2
out=Benchmarks/assignment.md
{
    echo "# Assignment benchmark"
    echo
    echo "$(date -u +%Y-%m-%dT%H:%MZ) · $(nproc) cores · $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo) · $(git rev-parse --short HEAD) · \`bash Benchmarks/assignment.sh $*\`"
    echo
    .build/release/assignment-benchmark "$@"
} | tee "$out.tmp"
mv "$out.tmp" "$out"
