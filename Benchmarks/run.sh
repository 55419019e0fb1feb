#!/usr/bin/env bash
# Benchmarks/run.sh [--quick]: triage beside its peer tools, in one run on this machine, and the
# results table in Benchmarks/RESULTS.md (written here, never by hand).
#
#   sweep      triage-agent sweep vs parallel-ssh, xargs + ssh and Ansible over N loopback hosts
#              (Benchmarks/sweep/), at concurrency C, ROUNDS interleaved rounds
#   footprint  the push agent and the collector beside zabbix_agentd and node_exporter (Benchmarks/footprint/)
#   ingest     wrk posting reports to `triage serve` beside a bare Hummingbird endpoint (Benchmarks/ingest/),
#              then on PostgreSQL with one and two instances behind nginx (ingest_postgres.py)
#   longpoll   idle agents' long polls for jobs on one coordinator (Benchmarks/longpoll.sh writes
#              Benchmarks/longpoll.md; --quick a small run, so it never rots)
#   micro      ordo-one benchmarks: the output parsers and an assignment decision (Benchmarks/TriageMicro/)
#
# Defaults N=200 C=32 ROUNDS=3 on the release build. --quick (what .ci/run does, so the script
# never rots) uses the debug build, N=10, one round and short runs, checks that every tool
# diagnosed every host and every acknowledged report was stored, skips the micro benchmarks (they
# need a release build of their own, ≈ 10 min on 2 cores, and their code is what the unit tests
# run), and writes .build/bench/RESULTS-quick.md instead. Needs root (network namespace, cgroups).
# Peers: parallel-ssh and ansible-core go into a venv (BENCH_VENV, default .build-bench-venv);
# zabbix-agent, prometheus-node-exporter, wrk, postgresql and nginx-light come from Debian (their
# services kept from starting).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/opt/swift/usr/bin:$PATH
quick=; [ "${1:-}" = --quick ] && quick=1
if [ -n "$quick" ]; then n=${N:-10} rounds=${ROUNDS:-1} config=debug; else n=${N:-200} rounds=${ROUNDS:-3} config=release; fi
c=${C:-32}
venv=${BENCH_VENV:-.build-bench-venv}
if [ ! -x "$venv/bin/ansible" ] || [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import pssh' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "ansible-core>=2.17,<2.20" "parallel-ssh>=2.16,<3"
fi
venv=$(cd "$venv" && pwd)
missing=()
for package in zabbix-agent prometheus-node-exporter wrk postgresql nginx-light; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
install_peers() { # policy-rc.d keeps their services from starting; this script runs its own copies
    local policy=/usr/sbin/policy-rc.d made='' status=0 apt=(apt-get install -y -qq --no-install-recommends "${missing[@]}")
    [ -e "$policy" ] || { printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && made=1; }
    export DEBIAN_FRONTEND=noninteractive
    "${apt[@]}" 2>/dev/null || { apt-get update -qq && "${apt[@]}"; } || status=$?
    [ -z "$made" ] || rm -f "$policy"
    return $status
}
[ "${#missing[@]}" -eq 0 ] || install_peers
products=(triage ingest-limit); [ -z "$quick" ] || products+=(triage-agent)
for product in "${products[@]}"; do swift build -q -c "$config" --product "$product"; done
bin=$(swift build -c "$config" --show-bin-path)
agent=$bin/triage-agent
if [ -z "$quick" ]; then
    # The agent as it is deployed (docs/deployment.md): the Swift runtime linked in. Its own build
    # folder, since switching --static-swift-stdlib in one folder rebuilds what the products share.
    swift build -q -c release --product triage-agent --static-swift-stdlib --scratch-path .build-static
    agent=$(swift build -c release --static-swift-stdlib --scratch-path .build-static --show-bin-path)/triage-agent
fi

work=$(mktemp -d /tmp/triage-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

echo "== sweep: N=$n C=$c rounds=$rounds ($config build)"
# A network namespace with only loopback: the network plugin's gateway and DNS probes leave
# nothing on the wire. unshare keeps the mounts, so the cpuacct groups stay visible.
N=$n C=$c ROUNDS=$rounds unshare --net sh -c 'ip link set lo up && exec bash Benchmarks/sweep/sweep.sh "$@"' _ \
    "$agent" "$venv" "$work/sweep.txt"
python3 Benchmarks/sweep/report.py "$work/sweep.txt" "$c" >"$work/sweep.md" || { cat "$work/sweep.md"; exit 1; }

# --quick fails when a waiting push agent or collector uses more than 50 ms of CPU a second: the
# long poll once spun at 0.8 of a core with CI green.
if [ -n "$quick" ]; then interval=${INTERVAL:-1} cycles=${CYCLES:-3} idle=${IDLE:-5}; else interval=${INTERVAL:-2} cycles=${CYCLES:-20} idle=${IDLE:-10}; fi
echo "== footprint: triage-agent run and collect beside zabbix_agentd and node_exporter, $cycles cycles every $interval s, $idle s idle"
INTERVAL=$interval CYCLES=$cycles IDLE=$idle MAX_IDLE=${quick:+50} unshare --net sh -c 'ip link set lo up && exec python3 Benchmarks/footprint/footprint.py "$@"' _ \
    "$agent" "$bin/triage" "$PWD/Plugins" "$work/footprint.md"

if [ -n "$quick" ]; then duration=${DURATION:-2} ingest_rounds=1; else duration=${DURATION:-10} ingest_rounds=$rounds; fi
echo "== ingest: wrk, 64 connections, ${duration} s per run, $ingest_rounds round(s), triage serve beside a bare endpoint"
DURATION=$duration ROUNDS=$ingest_rounds unshare --net sh -c 'ip link set lo up && exec python3 Benchmarks/ingest/ingest.py "$@"' _ \
    "$bin/triage" "$bin/ingest-limit" "$work/ingest.md"
echo "== ingest on PostgreSQL: one instance, and two behind nginx"
DURATION=$duration ROUNDS=$ingest_rounds unshare --net sh -c 'ip link set lo up && exec python3 Benchmarks/ingest/ingest_postgres.py "$@"' _ \
    "$bin/triage" "$work/ingest-postgres.md"

echo "== long polls: idle agents waiting for jobs (Benchmarks/longpoll.sh)"
bash Benchmarks/longpoll.sh ${quick:+--quick} >/dev/null

# Always the release build: under the benchmark tool a debug build of it dies of SIGSEGV (Swift 6.3
# on Linux; the package's runtime interposer, which works around that, is not in our mirror).
if [ -n "$quick" ]; then
    echo "(skipped in --quick: a release build of their own; TRIAGE_MICRO_QUICK=1 bash Benchmarks/run.sh runs them briefly)" >"$work/micro.md"
else
    echo "== micro benchmarks (ordo-one/benchmark, release build)"
    swift package --disable-sandbox benchmark --target TriageMicro --benchmark-build-configuration release \
        --format markdown --no-progress --scale >"$work/micro.out"
    sed -n '/^## TriageMicro/,$p' "$work/micro.out" | sed '1d; s/^### /#### /' >"$work/micro.md"
    grep -q "local-check parser" "$work/micro.md" || { cat "$work/micro.out"; exit 1; }
fi

if [ -n "$quick" ]; then out=.build/bench/RESULTS-quick.md; mkdir -p .build/bench; else out=Benchmarks/RESULTS.md; fi
{
    echo "# Benchmark results"
    echo
    echo "Written by \`bash Benchmarks/run.sh${quick:+ --quick}\` — $(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD)."
    echo "Machine: $(nproc) cores ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)), $(free -g | awk '/^Mem:/ {print $2}') GiB,"
    echo "Debian $(cat /etc/debian_version), Linux $(uname -r), OpenSSH $(ssh -V 2>&1 | sed 's/,.*//; s/OpenSSH_//'), libssh2 $(dpkg-query -W -f '${Version}' libssh2-1 2>/dev/null), $config build."
    echo
    echo "## Sweep: diagnosing many hosts over SSH"
    echo
    cat "$work/sweep.md"
    echo
    echo "## Agent footprint beside zabbix_agentd and node_exporter"
    echo
    echo "Zabbix agent $(dpkg-query -W -f '${Version}' zabbix-agent), node_exporter $(dpkg-query -W -f '${Version}' prometheus-node-exporter) (Debian's packages); triage-agent $config build$([ -n "$quick" ] || echo ", the Swift runtime linked in (--static-swift-stdlib) as deployed")."
    echo
    cat "$work/footprint.md"
    echo
    echo "## Coordinator ingest: reports posted by agents"
    echo
    echo "wrk $(wrk -v 2>&1 | head -1 | awk '{print $2}'); triage serve and ingest-limit, $config build."
    echo
    cat "$work/ingest.md"
    echo
    echo "### On PostgreSQL, one and two coordinator instances"
    echo
    cat "$work/ingest-postgres.md"
    echo
    echo "## Micro benchmarks"
    echo
    echo "ordo-one/benchmark, \`swift package benchmark --target TriageMicro --scale\` (release build${TRIAGE_MICRO_QUICK:+, TRIAGE_MICRO_QUICK: a smoke run}). The parsers'"
    echo "throughput is in lines per second (K = thousands), the assignment's in decisions per second; one decision"
    echo "reads the roster, workloads and continuity from SQLite, ranks, and writes the reassignment and its events."
    cat "$work/micro.md"
} >"$out"
echo "== written to $out"
cat "$out"
