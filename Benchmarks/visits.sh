#!/usr/bin/env bash
# Visit proposals over 200 technicians and two weeks on SQLite, on the release build (goal:
# under 50 ms). Writes Benchmarks/visits.md. Options go to the benchmark
# (--technicians N --requests N --days N).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product visit-benchmark >&2
out=Benchmarks/visits.md
{
    echo "# Visit proposal benchmark"
    echo
    echo "$(date -u +%Y-%m-%dT%H:%MZ) · $(nproc) cores · $(git rev-parse --short HEAD) · \`bash Benchmarks/visits.sh $*\`"
    echo
    .build/release/visit-benchmark "$@"
} | tee "$out.tmp"
mv "$out.tmp" "$out"
