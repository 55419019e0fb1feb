#!/usr/bin/env bash
# The search box over 100 000 tickets and 1 000 000 messages, on SQLite and on a throwaway
# PostgreSQL, on the release build (goal: every search under 100 ms). Writes Benchmarks/search.md.
# Options go to the benchmark (--tickets N --messages-per-ticket N --rounds N).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product search-benchmark >&2
out=Benchmarks/search.md
pgdir=$(mktemp -d /tmp/triage-search-pg-XXXXXX)
trap 'bash Deploy/lib/throwaway-postgres.sh stop "$pgdir" >/dev/null 2>&1 || true; rm -rf "$pgdir"' EXIT
{
    echo "# Search benchmark"
    echo
    echo "$(date -u +%Y-%m-%dT%H:%MZ) · $(nproc) cores · $(git rev-parse --short HEAD) · \`bash Benchmarks/search.sh $*\`"
    echo
    echo "## SQLite"
    echo
    .build/release/search-benchmark "$@"
    echo
    echo "## PostgreSQL"
    echo
    .build/release/search-benchmark --postgres "$(bash Deploy/lib/throwaway-postgres.sh start "$pgdir")" "$@"
} | tee "$out.tmp"
mv "$out.tmp" "$out"
