# shellcheck shell=bash disable=SC2154 # sourced: $bin, $dir and $pids are the caller's
# Sourced by Deploy/check.sh (inside its loopback-only namespace; uses its $bin, $dir, $pids, fail):
# two coordinator instances on a throwaway PostgreSQL behind nginx with Deploy/nginx/triage.conf,
# one of them killed halfway through a stream of writes; a board's live stream through nginx; then
# Deploy/backup.sh on both stores.
echo "== two instances on PostgreSQL behind nginx (Deploy/nginx/triage.conf)"
pgdir=$(mktemp -d /tmp/triage-pg-XXXXXX)
stop_postgres() { bash Deploy/lib/throwaway-postgres.sh stop "$pgdir" || true; rm -rf "$pgdir"; }
trap 'cleanup; stop_postgres' EXIT
server_url=$(bash Deploy/lib/throwaway-postgres.sh start "$pgdir")
psql -X -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE triage" -c "CREATE DATABASE triage_restored" "$server_url"
database=${server_url/\/postgres\?/\/triage?}
# Every instance of one database shares the key that seals its secrets (docs/deployment.md).
TRIAGE_SECRET_KEY=$(head -c 32 /dev/urandom | base64)
export TRIAGE_SECRET_KEY
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
# 40 clients write at once, each with an Idempotency-Key; once 5 have their answer, instance A dies
# without a chance to say goodbye, with requests in flight on it. A client whose request failed
# retries it with the same key, as clients do: every write must end up stored exactly once.
write() { # write N: one ticket through nginx, its HTTP status in w-N.status
    curl -sS -o "$dir/w-$1.body" -w '%{http_code}' -X POST "http://127.0.0.1:8080/api/v1/tickets" \
        -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' -H "Idempotency-Key: printer-$1" \
        -d "{\"title\": \"printer $1\", \"severity\": 3}" >"$dir/w-$1.status" 2>/dev/null || true
}
writers=()
for i in $(seq 1 40); do write "$i" & writers+=("$!"); done
for _ in $(seq 200); do [ "$(find "$dir" -maxdepth 1 -name 'w-*.status' -size +0 | wc -l)" -ge 5 ] && break; sleep 0.01; done
kill -KILL "$a_pid"; wait "$a_pid" 2>/dev/null || true
wait "${writers[@]}" || true
first=$(grep -lx 201 "$dir"/w-*.status | wc -l)
for i in $(seq 1 40); do
    [ "$(cat "$dir/w-$i.status")" = 201 ] && continue
    write "$i"
    [ "$(cat "$dir/w-$i.status")" = 201 ] || { cat "$dir/w-$i.body" "$dir/nginx-error.log"; fail "ticket $i retried through nginx: HTTP $(cat "$dir/w-$i.status")"; }
done
served=$(awk '$1 == "POST" { print $4 }' "$dir/nginx-access.log" | sort | uniq -c | tr '\n' ' ')
grep -q '127.0.0.1:8081' "$dir/nginx-access.log" && grep -q '127.0.0.1:8082' "$dir/nginx-access.log" \
    || fail "nginx did not spread the requests over both instances: $served"
[ "$(lb GET /metrics)" = 403 ] || fail "/metrics is open through the load balancer"
stored=$(psql -X -A -t -c "SELECT count(DISTINCT title) || ' ' || count(*) FROM tickets" "$database")
[ "$stored" = "40 40" ] || fail "tickets in the database (distinct titles, rows): $stored, expected 40 40"
echo "40 concurrent writes, instance A SIGKILLed after 5 answers: $first answered 201 at once, the rest retried with their keys; 40 stored once each (upstreams: $served)"

echo "== a live board stream through nginx (server-sent events, unbuffered)"
printf '%s\n' "dora dispatches all day" | "$bin/triage" user create dora --role dispatcher --password-stdin --data "$dir/cli" --database "$database" >/dev/null \
    || fail "triage user create on PostgreSQL"
jar=$dir/jar
csrf=$(curl -sS -c "$jar" -b "$jar" http://127.0.0.1:8080/board/login | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
curl -sS -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf=$csrf" --data-urlencode login=dora \
    --data-urlencode "password=dora dispatches all day" --data-urlencode next=/board http://127.0.0.1:8080/board/login
curl -sS -N -b "$jar" --max-time 20 http://127.0.0.1:8080/board/live >"$dir/live.out" 2>/dev/null &
live=$!
pids+=("$live")
for _ in $(seq 50); do grep -q '^: live' "$dir/live.out" 2>/dev/null && break; sleep 0.1; done
grep -q '^: live' "$dir/live.out" || fail "the live stream did not open through nginx"
opened=$(curl -sS -f -X POST http://127.0.0.1:8082/api/v1/tickets -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
    -d '{"title": "heard through nginx", "severity": 2}' | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
for _ in $(seq 50); do grep -q "\"tickets\": \[$opened\]" "$dir/live.out" && break; sleep 0.1; done
grep -q "\"tickets\": \[$opened\]" "$dir/live.out" || { cat "$dir/live.out"; fail "ticket $opened did not reach the stream through nginx"; }
kill "$live" 2>/dev/null || true
echo "a ticket opened on instance B reached a browser's stream through nginx within 5 s"

echo "== the sign-in throttle through nginx: one client's failures do not lock another out"
sign_in() { # sign_in CLIENT-ADDRESS LOGIN PASSWORD: the answer's status to a sign-in from that address, through nginx
    local jar=$dir/jar-$1 token
    token=$(curl -sS --interface "$1" -c "$jar" -b "$jar" http://127.0.0.1:8080/board/login | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
    curl -sS -o /dev/null -w '%{http_code}' --interface "$1" -c "$jar" -b "$jar" --data-urlencode "csrf=$token" \
        --data-urlencode "login=$2" --data-urlencode "password=$3" http://127.0.0.1:8080/board/login
}
for i in $(seq 30); do sign_in 127.0.0.2 "nobody$i" "guess $i" >/dev/null; done
[ "$(sign_in 127.0.0.2 dora 'dora dispatches all day')" = 429 ] || fail "30 failed sign-ins from one client did not throttle it"
[ "$(sign_in 127.0.0.3 dora 'dora dispatches all day')" = 303 ] || fail "another client behind nginx was throttled by the first one's failures"
echo "30 failed sign-ins from 127.0.0.2 throttle it (429); dora signs in from 127.0.0.3 through the same nginx (303)"

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
# The 40 written through the kill and the one the live stream heard.
[ "$titles" = 41 ] || fail "the restored database serves $titles of 41 tickets with the original admin token"
# SQLite: a database with tickets and their history, backed up while it serves, restored and served
# again: the tickets and every ticket's events must read back exactly as before.
serve_sqlite() { # serve_sqlite NAME PORT
    "$bin/triage" serve --data "$dir/$1" --listen "127.0.0.1:$2" >"$dir/$1.out" 2>"$dir/$1.err" &
    pids+=("$!")
    for _ in $(seq 300); do grep -q '^triage listening' "$dir/$1.out" 2>/dev/null && return 0; sleep 0.1; done
    cat "$dir/$1.err"; fail "triage on SQLite ($1) did not start"
}
snapshot() { # snapshot PORT: the tickets and each one's events, as the API returns them
    for path in "/tickets?limit=200" $(seq -f "/tickets/%g/events?limit=200" 1 6); do
        curl -sS -f "http://127.0.0.1:$1/api/v1$path" -H "Authorization: Bearer $sqlite_admin"
    done
}
serve_sqlite sqlite 8084
sqlite_admin=$(cat "$dir/sqlite/admin-token")
for i in $(seq 1 6); do
    curl -sS -f -o /dev/null -X POST http://127.0.0.1:8084/api/v1/tickets -H "Authorization: Bearer $sqlite_admin" \
        -H 'Content-Type: application/json' -d "{\"title\": \"disk $i\", \"severity\": $((1 + i % 4))}"
    curl -sS -f -o /dev/null -X POST "http://127.0.0.1:8084/api/v1/tickets/$i/comments" -H "Authorization: Bearer $sqlite_admin" \
        -H 'Content-Type: application/json' -d "{\"body\": \"note $i\", \"visibility\": \"internal\"}"
done
snapshot 8084 >"$dir/sqlite-before.json"
bash Deploy/backup.sh backup "$dir/sqlite/triage.db" "$dir/copy.db" >/dev/null || fail "SQLite backup"
bash Deploy/backup.sh restore "$dir/copy.db" "$dir/sqlite-restored/triage.db" >/dev/null || fail "SQLite restore"
serve_sqlite sqlite-restored 8085
snapshot 8085 >"$dir/sqlite-after.json"
cmp -s "$dir/sqlite-before.json" "$dir/sqlite-after.json" || fail "the restored SQLite database reads differently"
[ "$(grep -o '"title":"disk [0-9]"' "$dir/sqlite-after.json" | sort -u | wc -l)" = 6 ] || fail "the restored SQLite database lacks tickets"
echo "PostgreSQL: dumped while serving, restored into an empty database, served with the original admin token; SQLite: 6 tickets with their history backed up while serving, restored and served again, identical"
