#!/usr/bin/env bash
# Checks that need a live coordinator process, run after `swift test` (which builds it):
#  1. durability: SIGKILL under concurrent writes loses nothing acknowledged, retries duplicate nothing;
#  2. the served OpenAPI document through openapi-spec-validator, /metrics through promtool, the
#     plugins and Deploy scripts through shellcheck; then schemathesis against the document as an
#     admin and once each as a dispatcher, a technician, an agent and a collector: no 5xx, no answer that breaks it;
#  3. Diagnose now (DiagnoseNowTests, TRIAGE_TEST_JOBS=1): a browser, a push agent, collectors
#     and sshd hosts, on their own so that their load does not disturb the other browser tests;
#  4. PostgreSQL: every coordinator test again on a throwaway PostgreSQL 15 (TRIAGE_TEST_POSTGRES),
#     which also enables the tests of two instances on one database;
#  5. Deploy/check.sh: the systemd units, the example configurations, the Ansible roll-out, two
#     instances behind nginx, backup and restore on both stores;
#  6. Benchmarks/run.sh --quick, so the benchmark beside the peer tools never rots;
#  and first, swift format: the tree is formatted (`swift format format -i --parallel -r Sources
#  Tests Benchmarks Package.swift`), and lint --strict says so; and every module imports only what
#  Package.swift lets it (the domain no Hummingbird and no SQL, the API and the board no storage).
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH=/opt/swift/usr/bin:$PATH

binary=.build/debug/triage
[ -x "$binary" ] || swift build --product triage
work=$(mktemp -d /tmp/triage-live-XXXXXX)
server=""
pgdir=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null
  [ -n "$pgdir" ] && { bash Deploy/lib/throwaway-postgres.sh stop "$pgdir" || true; rm -rf "$pgdir"; }
  rm -rf "$work"
}
trap cleanup EXIT

# Every test stops what it starts, also when it fails: a browser's driver left running after
# `swift test` (an orphan, re-parented to init) fails the run.
orphans() { # orphans NAME…: processes of these names whose parent is gone (PPID 1), after 10 s to exit
  local found
  for _ in $(seq 20); do
    found=$(ps -eo ppid=,pid=,comm= | awk -v names=" $* " '$1 == 1 && index(names, " " $3 " ") { print $2 " " $3 }')
    [ -z "$found" ] && return 0
    sleep 0.5
  done
  echo "$found"
}
left=$(orphans chromedriver chromium chrome_crashpad triage triage-agent)
[ -z "$left" ] || { echo "swift test left processes running: $left" >&2; exit 1; }

echo "== swift format lint --strict"
swift format lint --strict --parallel -r Sources Tests Benchmarks Package.swift
echo "swift format: clean"
echo "== what may import what (docs/ARCHITECTURE.md, \"Modules\")"
swift build --build-tests --explicit-target-dependency-import-check error

echo "== durability under SIGKILL"
python3 Tests/Live/durability.py "$binary" "$work/durability"

echo "== schemathesis against /api/v1/openapi.yaml"
venv=.build-venv
if [ ! -x "$venv/bin/schemathesis" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "schemathesis>=4.32,<5"
fi
# Webhook endpoints the fuzzer makes point anywhere: this server never sends them (the first look
# for due deliveries, at start, finds none; the next is an hour away).
printf 'webhooks: {intervalSeconds: 3600}\n' > "$work/fuzz.yaml"
"$binary" serve --data "$work/api" --config "$work/fuzz.yaml" --listen 127.0.0.1:0 > "$work/serve.out" 2> "$work/serve.err" &
server=$!
for _ in $(seq 1 300); do grep -q '^triage listening' "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's/^triage listening on http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/serve.out")
token=$(cat "$work/api/admin-token")
[ -n "$port" ] && [ -n "$token" ] || { cat "$work/serve.err"; exit 1; }
echo "== the ecosystem's checkers: openapi-spec-validator, promtool check metrics, shellcheck"
[ -x "$venv/bin/openapi-spec-validator" ] || "$venv/bin/pip" install -q "openapi-spec-validator>=0.7,<1"
curl -sf "http://127.0.0.1:$port/api/v1/openapi.yaml" > "$work/openapi.yaml"
"$venv/bin/openapi-spec-validator" "$work/openapi.yaml"
curl -sf -X POST "http://127.0.0.1:$port/api/v1/tickets" -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' -d '{"title": "metrics"}' > /dev/null
curl -sf "http://127.0.0.1:$port/api/v1/tickets/999" -H "Authorization: Bearer $token" > /dev/null || true
curl -sf "http://127.0.0.1:$port/metrics" | promtool check metrics
shellcheck -s sh Plugins/*/check.sh Deploy/examples/plugins/*/*.sh
shellcheck -S warning Deploy/*.sh Deploy/lib/*.sh Benchmarks/*.sh Tests/Live/run.sh .ci/run
echo "openapi-spec-validator, promtool and shellcheck: clean"
fuzz() { # fuzz ROLE TOKEN EXAMPLES
  "$venv/bin/schemathesis" --config-file Tests/Live/schemathesis.toml run "http://127.0.0.1:$port/api/v1/openapi.yaml" \
    --header "Authorization: Bearer $2" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance,negative_data_rejection,unsupported_method,allow_header_conformance \
    --max-examples "$3" --workers 1 --seed 1 --no-color 2>&1 | tee "$work/schemathesis-$1.out"
}
# One worker: with two threads, Hypothesis describing its lambdas (ast.parse, and its cache of their
# sources) raced itself under this CPython 3.11 — "AST constructor recursion depth mismatch" and a
# KeyError in hypothesis/internal/lambda_sources.py, twice in one CI run. A failed check fails the
# run; a run whose only trouble is still schemathesis's own runtime error is run once more.
fuzz_as() { # fuzz_as ROLE TOKEN EXAMPLES
  echo "== schemathesis as $1"
  if ! fuzz "$@"; then
    if grep -q "FAILURES" "$work/schemathesis-$1.out" || ! grep -q "Runtime Error" "$work/schemathesis-$1.out"; then exit 1; fi
    echo "== schemathesis stopped on an error of its own, not a failed check: once more"
    fuzz "$@"
  fi
}
fuzz_as admin "$token" "${SCHEMATHESIS_EXAMPLES:-40}"
# Then once per other role, so that what each may not do is checked as well (403s must be
# documented, and nothing a dispatcher, technician, agent or collector sends may produce a 5xx).
api() { curl -sf -X POST "http://127.0.0.1:$port/api/v1/$1" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d "$2"; }
id_of() { python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])'; }
customer=$(api customers '{"name": "Fuzz"}' | id_of)
site=$(api sites "{\"customerId\": $customer, \"name\": \"Fuzz HQ\"}" | id_of)
host=$(api hosts "{\"siteId\": $site, \"name\": \"fuzz1\"}" | id_of)
technician=$(api technicians '{"name": "Fuzz"}' | id_of)
# Each token is made and checked before it is used: under set -e a failing "$(…)" inside an
# argument list does not stop the script, and a role's run would go out with no token and pass.
make_token() { # make_token ROLE [OPTIONS]: the new token's secret in $role_token, or the run stops
  role_token=$("$binary" token create --data "$work/api" --name "fuzz-$1" --role "$@") || { echo "cannot make a $1 token" >&2; exit 1; }
  [[ "$role_token" == trg_* ]] || { echo "a $1 token was not made: '$role_token'" >&2; exit 1; }
}
make_token dispatcher; fuzz_as dispatcher "$role_token" "${SCHEMATHESIS_ROLE_EXAMPLES:-15}"
make_token technician --technician "$technician"; fuzz_as technician "$role_token" "${SCHEMATHESIS_ROLE_EXAMPLES:-15}"
make_token agent --host "$host"; fuzz_as agent "$role_token" "${SCHEMATHESIS_ROLE_EXAMPLES:-15}"
make_token collector --site "$site"; fuzz_as collector "$role_token" "${SCHEMATHESIS_ROLE_EXAMPLES:-15}"
make_token mailgate; fuzz_as mailgate "$role_token" "${SCHEMATHESIS_ROLE_EXAMPLES:-15}"
make_token alertmanager; fuzz_as alertmanager "$role_token" "${SCHEMATHESIS_ROLE_EXAMPLES:-15}"
kill -TERM "$server"; wait "$server"; server=""

echo "== Diagnose now with real processes, on their own: a browser, a push agent, collectors, sshd hosts in network namespaces"
TRIAGE_TEST_JOBS=1 swift test --skip-build --filter DiagnoseNowTests

echo "== the coordinator tests on PostgreSQL, and two instances on one database"
pgdir=$(mktemp -d /tmp/triage-pg-XXXXXX)
pg_url=$(bash Deploy/lib/throwaway-postgres.sh start "$pgdir")
# Suites that never touch the store under test (pure clocks and parsers, and the processes that
# run on SQLite files of their own: the browser, backups, the serve command, connection limits, Postfix)
# ran already: not again here.
TRIAGE_TEST_POSTGRES="$pg_url" swift test --skip-build --filter TriageCoordinatorTests \
  --skip "AccessibilityTests|BackupTests|BoardBrowserTests|ConnectionLimitsTests|HealthPlannerTests|HistoryEntryTests|InternetTimeTests|LiveUpdatesTests|SLAClockTests|ServeCommandTests|TicketStatusTests|WorkdayBrowserTests|DeskFormsBrowserTests|MIMEParserTests|MIMEBrokenMailTests|MIMEHeaderTests|MIMEComposerTests|SMTPTransportTests|MailProcessTests|ConversationBrowserTests|IdleServeTests|DeskFlowBrowserTests|AlertmanagerProcessTests"
bash Deploy/lib/throwaway-postgres.sh stop "$pgdir"; rm -rf "$pgdir"; pgdir=""

echo "== the deployment kit"
bash Deploy/check.sh .build/debug

echo "== benchmarks, quick mode (every tool must diagnose every host)"
bash Benchmarks/run.sh --quick
left=$(orphans chromedriver chromium chrome_crashpad triage triage-agent)
[ -z "$left" ] || { echo "the live checks left processes running: $left" >&2; exit 1; }
echo "live checks passed"
