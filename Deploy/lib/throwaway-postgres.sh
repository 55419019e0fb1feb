#!/usr/bin/env bash
# Deploy/lib/throwaway-postgres.sh start DIR | stop DIR | resume DIR
# A PostgreSQL 15 of its own for tests, checks and benchmarks (Debian's postgresql package, no
# systemd): `start` makes a cluster in DIR (an empty folder, e.g. from mktemp -d under /tmp),
# listening on 127.0.0.1 at a free port with its socket in DIR, and prints its URL for
# `triage --database`; `stop` stops it (DIR stays until the caller removes it); `resume` starts
# a stopped one again on the same port (an outage, for tests). As root the
# server runs as the postgres user, which initdb insists on.
set -euo pipefail
bin=/usr/lib/postgresql/15/bin
[ -x "$bin/initdb" ] || { echo "throwaway-postgres: $bin/initdb not found (apt-get install postgresql)" >&2; exit 1; }
command=${1:?start or stop} dir=${2:?the cluster folder}
as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case $command in
start)
    [ "$(id -u)" -ne 0 ] || chown postgres:postgres "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    # Below Linux's ephemeral range (32768 and up): a port an outgoing connection holds cannot be bound.
    port=$((20000 + RANDOM % 12000))
    while (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((20000 + RANDOM % 12000)); done
    echo "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=1000" >"$dir/options"
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "$(cat "$dir/options")" start >/dev/null \
        || { cat "$dir/server.log" >&2; exit 1; }
    echo "postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
    ;;
resume)
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "$(cat "$dir/options")" start >/dev/null \
        || { cat "$dir/server.log" >&2; exit 1; }
    ;;
stop)
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
*)
    echo "usage: $0 start|stop|resume DIR" >&2
    exit 2
    ;;
esac
