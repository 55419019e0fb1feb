# services: systemd units, failed units, listening ports; processes from /proc without systemd.
# Prints Checkmk local-check lines.
#
# Parameters: TRIAGE_UNITS (units that must be active), TRIAGE_PROCESSES (process names that must
# run, checked from /proc), TRIAGE_PORTS (TCP ports something must listen on),
# TRIAGE_RESTART_WARN / TRIAGE_RESTART_CRIT (NRestarts that make a crash loop).
#
# Sources, for tests; each defaults to the real thing on the host:
#   TRIAGE_SRC_SYSTEMD         "yes" or "no": whether systemd runs (default: /run/systemd/system exists)
#   TRIAGE_SRC_SYSTEMCTL_SHOW  file with `systemctl show -p Id,LoadState,ActiveState,SubState,Result,NRestarts UNITS`
#   TRIAGE_SRC_FAILED          file with `systemctl list-units --state=failed --plain --no-legend`
#   TRIAGE_SRC_PROC            folder like /proc (PID folders with comm; net/tcp and net/tcp6)

# List parameters are data: split into words without glob expansion, and a word that is not of
# the characters a name of its kind may have, or that starts with "-" (a command would read it
# as an option), is refused as an UNKNOWN item instead of being passed on. Sets $words.
# Usage: split_words KIND CHARS LIST, CHARS a bracket-expression body such as A-Za-z0-9._-
split_words() {
    set -f
    words=""
    for word in $3; do
        case $word in
            -* | *[!$2]*) echo "3 \"$1 $(printf '%s' "$word" | tr -c "$2" '_')\" - refused: a $1 is made of $2 and does not start with -" ;;
            *) words="$words $word" ;;
        esac
    done
    set +f
}

split_words unit 'A-Za-z0-9:_.@-' "$TRIAGE_UNITS"; units=$words
split_words process 'A-Za-z0-9:_.@+/-' "$TRIAGE_PROCESSES"; processes=$words
split_words port '0-9' "$TRIAGE_PORTS"; ports=$words

proc=${TRIAGE_SRC_PROC:-/proc}
restart_warn=${TRIAGE_RESTART_WARN:-3}
restart_crit=${TRIAGE_RESTART_CRIT:-10}
systemd=${TRIAGE_SRC_SYSTEMD:-}
if [ -z "$systemd" ]; then if [ -d /run/systemd/system ]; then systemd=yes; else systemd=no; fi; fi

if [ "$systemd" = yes ]; then
    if [ -z "$TRIAGE_SRC_SYSTEMCTL_SHOW$TRIAGE_SRC_FAILED" ] && ! command -v systemctl >/dev/null 2>&1; then
        echo "3 systemd - systemd runs but systemctl was not found"
    else
        # --- configured units: one block of Key=Value lines per unit.
        if [ -n "$units" ]; then
            # shellcheck disable=SC2086 # $units: validated words, split on purpose
            if [ -n "$TRIAGE_SRC_SYSTEMCTL_SHOW" ]; then show=$(cat "$TRIAGE_SRC_SYSTEMCTL_SHOW")
            else show=$(systemctl show -p Id,LoadState,ActiveState,SubState,Result,NRestarts -- $units 2>&1); fi
            printf '%s\n\n' "$show" | awk -v warn="$restart_warn" -v crit="$restart_crit" '
                function report() {
                    if (id == "") return
                    restarts = nr + 0
                    if (load == "not-found") { printf "1 \"unit %s\" restarts=0 %s is not installed (LoadState=not-found)\n", id, id }
                    else if (active == "failed") { printf "2 \"unit %s\" restarts=%d %s failed (Result=%s, %d restarts)%s\n", id, restarts, id, result, restarts, (restarts >= warn ? ", crash loop" : "") }
                    else if (substate == "auto-restart") { printf "2 \"unit %s\" restarts=%d;%d;%d %s keeps restarting: crash loop (%d restarts, Result=%s)\n", id, restarts, warn, crit, id, restarts, result }
                    else if (active == "active" && restarts >= crit) { printf "2 \"unit %s\" restarts=%d;%d;%d %s is active but restarted %d times: crash loop\n", id, restarts, warn, crit, id, restarts }
                    else if (active == "active" && restarts >= warn) { printf "1 \"unit %s\" restarts=%d;%d;%d %s is active but restarted %d times: crash loop starting?\n", id, restarts, warn, crit, id, restarts }
                    else if (active == "active" || active == "reloading") { printf "0 \"unit %s\" restarts=%d;%d;%d %s is %s (%s)\n", id, restarts, warn, crit, id, active, substate }
                    else { printf "2 \"unit %s\" restarts=%d %s is %s (%s, Result=%s)\n", id, restarts, id, active, substate, result }
                    id = ""; load = ""; active = ""; substate = ""; result = ""; nr = ""
                }
                /^$/ { report(); next }
                { key = $0; sub(/=.*/, "", key); value = substr($0, length(key) + 2) }
                key == "Id" { id = value } key == "LoadState" { load = value } key == "ActiveState" { active = value }
                key == "SubState" { substate = value } key == "Result" { result = value } key == "NRestarts" { nr = value }
                END { report() }'
        fi
        # --- every failed unit, configured or not.
        if [ -n "$TRIAGE_SRC_FAILED" ]; then failed=$(cat "$TRIAGE_SRC_FAILED")
        else failed=$(systemctl list-units --state=failed --plain --no-legend --no-pager 2>/dev/null); fi
        count=0; names=""
        for unit in $(printf '%s\n' "$failed" | awk 'NF { print $1 }'); do
            count=$((count + 1)); names="$names $unit"
            case "$units " in *" $unit "*) ;; *) echo "2 \"unit $unit\" - $unit failed" ;; esac
        done
        if [ "$count" -eq 0 ]; then echo "0 \"failed units\" count=0 no failed units"
        else echo "2 \"failed units\" count=$count $count failed:$names"; fi
    fi
else
    # --- no systemd: the expected processes, by name, from /proc (each comm by the read builtin:
    # a process per process on the machine would cost more than the whole check).
    for name in $processes; do
        pids=""; n=0
        for comm in "$proc"/[0-9]*/comm; do
            command_name=
            [ -r "$comm" ] && read -r command_name < "$comm" 2>/dev/null
            [ "$command_name" = "$name" ] || continue
            pid=${comm%/comm}; n=$((n + 1)); [ "$n" -le 5 ] && pids="$pids ${pid##*/}"
        done
        if [ "$n" -gt 0 ]; then
            echo "0 \"process $name\" count=$n $n running (pid$pids)"
        else
            echo "2 \"process $name\" count=0 no process named $name is running"
        fi
    done
    [ -z "$processes$ports" ] && echo "0 services - no systemd here; name processes or ports to check (services.processes, services.ports)"
fi

# --- listening TCP ports, from /proc/net/tcp and tcp6 (state 0A = LISTEN; the port is hex): one
# awk for every port asked about.
if [ -n "$ports" ]; then
    cat "$proc/net/tcp" "$proc/net/tcp6" 2>/dev/null | awk -v ports="$ports" '
        $4 == "0A" {
            hex = $2; sub(/.*:/, "", hex); v = 0
            for (i = 1; i <= length(hex); i++) v = v * 16 + index("0123456789ABCDEF", toupper(substr(hex, i, 1))) - 1
            listening[v] = 1
        }
        END {
            count = split(ports, wanted, " ")
            for (i = 1; i <= count; i++) {
                if (wanted[i] + 0 in listening) printf "0 \"port %s\" - something listens on TCP port %s\n", wanted[i], wanted[i]
                else printf "2 \"port %s\" - nothing listens on TCP port %s\n", wanted[i], wanted[i]
            }
        }'
fi
