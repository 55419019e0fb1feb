# shellcheck shell=bash disable=SC2154 # sourced: $bin, $dir and $pids are the caller's
# Sourced by Deploy/check.sh (inside its loopback-only namespace; uses its $bin, $dir, $pids, fail):
# two coordinator instances on a throwaway PostgreSQL behind nginx with Deploy/nginx/triage.conf,
# one of them killed halfway through a stream of writes; then Deploy/backup.sh on both stores.
echo "== two instances on PostgreSQL behind nginx (Deploy/nginx/triage.conf)"
pgdir=$(mktemp -d /tmp/triage-pg-XXXXXX)
stop_postgres() { bash Deploy/lib/throwaway-postgres.sh stop "$pgdir" || true; rm -rf "$pgdir"; }
trap 'cleanup; stop_postgres' EXIT
server_url=$(bash Deploy/lib/throwaway-postgres.sh start "$pgdir")
psql -X -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE triage" -c "CREATE DATABASE triage_restored" "$server_url"
database=${server_url/\/postgres\?/\/triage?}
serve() { # serve NAME PORT DATABASE: starts an instance and waits until it listens
    mkdir -p "$dir/$1"
    "$bin/triage" serve --data "$dir/$1" --database "$3" --listen "127.0.0.1:$2" >"$dir/$1/out" 2>"$dir/$1/err" &
    pids+=("$!")
    for _ in $(seq 300); do grep -q '^triage listening' "$dir/$1/out" 2>/dev/null && return 0; sleep 0.1; done
    cat "$dir/$1/err"; fail "instance $1 did not start"
}
serve a 8081 "$database"
a_pid=${pids[-1]}
serve b 8082 "$database"
admin=$(cat "$dir/a/admin-token")
[ -n "$admin" ] && [ ! -e "$dir/b/admin-token" ] || fail "exactly the first instance should make an admin token"

sed -e 's/10\.0\.0\.11:8080/127.0.0.1:8081/; s/10\.0\.0\.12:8080/127.0.0.1:8082/; s/listen 80;/listen 127.0.0.1:8080;/' \
    Deploy/nginx/triage.conf >"$dir/triage-site.conf"
cat >"$dir/nginx.conf" <<NGINX
daemon off;
pid $dir/nginx.pid;
error_log $dir/nginx-error.log;
events {}
http {
    log_format upstream '\$request_method \$uri \$status \$upstream_addr';
    access_log $dir/nginx-access.log upstream;
    include $dir/triage-site.conf;
}
NGINX
nginx -t -q -c "$dir/nginx.conf" -p "$dir" || fail "nginx -t on the example"
nginx -c "$dir/nginx.conf" -p "$dir" &
pids+=("$!")
for _ in $(seq 100); do (echo >/dev/tcp/127.0.0.1/8080) 2>/dev/null && break; sleep 0.1; done
lb() { curl -sS -o "$dir/lb.body" -w '%{http_code}' -X "$1" "http://127.0.0.1:8080$2" -H "Authorization: Bearer $admin" \
    -H 'Content-Type: application/json' ${3:+-d "$3"}; }
for i in $(seq 1 20); do
    # Halfway, instance A dies without a chance to say goodbye.
    if [ "$i" = 11 ]; then kill -KILL "$a_pid"; wait "$a_pid" 2>/dev/null || true; fi
    status=$(lb POST /api/v1/tickets "{\"title\": \"printer $i\", \"severity\": 3}")
    [ "$status" = 201 ] || { cat "$dir/lb.body" "$dir/nginx-error.log"; fail "ticket $i through nginx: HTTP $status"; }
done
served=$(awk '$1 == "POST" { print $4 }' "$dir/nginx-access.log" | sort | uniq -c | tr '\n' ' ')
grep -q '127.0.0.1:8081' "$dir/nginx-access.log" && grep -q '127.0.0.1:8082' "$dir/nginx-access.log" \
    || fail "nginx did not spread the requests over both instances: $served"
[ "$(lb GET /metrics)" = 403 ] || fail "/metrics is open through the load balancer"
stored=$(psql -X -A -t -c "SELECT count(*) FROM tickets" "$database")
[ "$stored" = 20 ] || fail "$stored of 20 acknowledged tickets are in the database"
echo "20 of 20 writes acknowledged and stored with instance A killed after 10 (upstreams: $served)"

echo "== backup and restore (Deploy/backup.sh)"
export TRIAGE=$bin/triage
bash Deploy/backup.sh backup "$database" "$dir/triage.dump" || fail "pg_dump backup while instance B serves"
if bash Deploy/backup.sh backup "$database" "$dir/triage.dump" 2>/dev/null; then fail "a backup overwrote a file"; fi
restored=${server_url/\/postgres\?/\/triage_restored?}
bash Deploy/backup.sh restore "$dir/triage.dump" "$restored" || fail "pg_restore"
if bash Deploy/backup.sh restore "$dir/triage.dump" "$restored" 2>/dev/null; then fail "a restore went over a database with tables"; fi
serve c 8083 "$restored"
titles=$(curl -sS -f "http://127.0.0.1:8083/api/v1/tickets?limit=50" -H "Authorization: Bearer $admin" \
    | python3 -c 'import json, sys; print(len({t["title"] for t in json.load(sys.stdin)["items"]}))')
[ "$titles" = 20 ] || fail "the restored database serves $titles of 20 tickets with the original admin token"
"$bin/triage" migrate --data "$dir/sqlite" >/dev/null
bash Deploy/backup.sh backup "$dir/sqlite/triage.db" "$dir/copy.db" >/dev/null || fail "SQLite backup"
bash Deploy/backup.sh restore "$dir/copy.db" "$dir/sqlite-restored/triage.db" >/dev/null || fail "SQLite restore"
echo "PostgreSQL: dumped while serving, restored into an empty database, served with the original admin token; SQLite: the same through triage backup/restore"
