#!/usr/bin/env bash
# Deploy/backup.sh backup DATABASE FILE    a consistent copy of the database while it is in use
# Deploy/backup.sh restore FILE DATABASE   into a database that is empty, then the migrations
#
# DATABASE is what `triage --database` takes: a SQLite file (PATH or sqlite:PATH) or
# postgres://USER[:PASSWORD]@HOST[:PORT]/NAME[?sslmode=disable|prefer|require].
#  - SQLite: `triage backup` (VACUUM INTO: online, one read transaction) and `triage restore`
#    (integrity check; stop the coordinator and move the old file aside first).
#  - PostgreSQL: pg_dump --format=custom (one REPEATABLE READ snapshot, so every instance keeps
#    serving), and pg_restore in a single transaction into an empty database (create it first:
#    createdb, or CREATE DATABASE), then `triage migrate`. Point the instances at it and start them.
# Neither ever overwrites: an existing backup file or a database with tables is refused.
# TRIAGE names the triage binary (default: triage on PATH).
set -euo pipefail
triage=${TRIAGE:-triage}
usage() { sed -n '2,3p' "$0" | sed 's/^# //' >&2; exit 2; }
fail() { echo "backup.sh: $*" >&2; exit 1; }
postgres() { case $1 in postgres://* | postgresql://*) return 0 ;; *) return 1 ;; esac; }
# libpq spells it sslmode; triage also accepts tlsmode.
libpq() { echo "${1//tlsmode=/sslmode=}"; }

[ $# -eq 3 ] || usage
case $1 in
backup)
    database=$2 file=$3
    [ ! -e "$file" ] || fail "$file already exists: a backup never overwrites a file"
    if postgres "$database"; then
        pg_dump --format=custom --no-owner --no-privileges --file="$file.partial" "$(libpq "$database")" \
            || { rm -f "$file.partial"; fail "pg_dump failed"; }
        mv "$file.partial" "$file"
        echo "backed up $(pg_restore --list "$file" | grep -c ' TABLE DATA ') tables to $file ($(stat -c %s "$file") bytes)"
    else
        "$triage" backup --database "$database" --to "$file"
    fi
    ;;
restore)
    file=$2 database=$3
    [ -r "$file" ] || fail "cannot read $file"
    if postgres "$database"; then
        url=$(libpq "$database")
        tables=$(psql -X -A -t -v ON_ERROR_STOP=1 -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'" "$url") \
            || fail "cannot reach the database to restore into (create it first)"
        [ "$tables" = 0 ] || fail "the database has $tables tables: restore only into an empty database"
        pg_restore --exit-on-error --single-transaction --no-owner --no-privileges --dbname="$url" "$file" \
            || fail "pg_restore failed; the database was left as it was"
        "$triage" migrate --database "$database"
        echo "restored $file"
    else
        "$triage" restore --database "$database" --from "$file"
    fi
    ;;
*) usage ;;
esac
