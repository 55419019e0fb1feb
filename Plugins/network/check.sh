# network: interfaces, default gateway, DNS, TCP endpoints, time sync. Prints Checkmk local-check lines.
#
# Parameters: TRIAGE_DNS_NAMES (names to resolve), TRIAGE_TCP_ENDPOINTS ("host:port host:port"),
# TRIAGE_ERROR_RATIO_WARN (errors per packet that warn), TRIAGE_MIN_SPEED_MBPS (0: no check).
#
# Sources, for tests; each defaults to the real thing on the host:
#   TRIAGE_SRC_NET       folder like /sys/class/net (a "device" entry marks a physical NIC)
#   TRIAGE_SRC_ROUTE     file like /proc/net/route
#   TRIAGE_SRC_TIMESYNC  file with `timedatectl show` output
#   TRIAGE_CMD_PING      command run as `CMD ADDRESS`, exit 0 when it answers (default: ping -c 1 -W 2)
#   TRIAGE_CMD_RESOLVE   command run as `CMD NAME`, prints addresses (default: getent ahosts)
#   TRIAGE_CMD_CONNECT   command run as `CMD HOST PORT`, exit 0 when it connects (default: nc -z -w 3, or bash /dev/tcp)

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

split_words dns 'A-Za-z0-9._-' "${TRIAGE_DNS_NAMES-debian.org}"; dns_names=$words
split_words tcp 'A-Za-z0-9._:-' "${TRIAGE_TCP_ENDPOINTS:-}"; endpoints=$words

net=${TRIAGE_SRC_NET:-/sys/class/net}
route=${TRIAGE_SRC_ROUTE:-/proc/net/route}
ratio_warn=${TRIAGE_ERROR_RATIO_WARN:-0.001}
min_speed=${TRIAGE_MIN_SPEED_MBPS:-0}

# value_of VAR FILE: the file's first line into VAR, empty when unreadable (a builtin, no process:
# sysfs files are read per interface and per counter).
value_of() { eval "$1="; [ -r "$2" ] && IFS= read -r "$1" <"$2" 2>/dev/null; return 0; }

# --- the default route (its interface and gateway) from the routing table, by the read builtin:
# the gateway is little-endian hex ("0102A8C0" is 192.168.2.1).
default_if=; gateway=
if [ -r "$route" ]; then
    while read -r iface destination hex rest; do
        [ "$destination" = 00000000 ] || continue
        default_if=$iface
        case $hex in
            [0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f][0-9A-Fa-f])
                b1=${hex%??????}; b2=${hex%????}; b2=${b2#??}; b3=${hex%??}; b3=${b3#????}; b4=${hex#??????}
                gateway=$((0x$b4)).$((0x$b3)).$((0x$b2)).$((0x$b1)) ;;
        esac
        break
    done < "$route"
fi

# --- interfaces: physical NICs (a device behind them) and any interface carrying the default
# route. Shell arithmetic only (no process per interface): the error ratio is compared in parts per
# million, so "0.001" is 1000.
ratio_ppm=${ratio_warn%%.*}; ratio_fraction=
case $ratio_warn in *.*) ratio_fraction=${ratio_warn#*.} ;; esac
ratio_fraction=${ratio_fraction}000000; ratio_fraction=${ratio_fraction%"${ratio_fraction#??????}"}  # its first six digits
case "${ratio_ppm:-0}$ratio_fraction" in *[!0-9]*) ratio_ppm=1000; ratio_fraction=000000 ;; esac
ratio_ppm=$(( ${ratio_ppm:-0} * 1000000 + 1$ratio_fraction - 1000000 ))
case $min_speed in ''|*[!0-9]*) min_speed=0 ;; esac
links_up=0
for path in "$net"/*; do
    name=${path##*/}
    [ "$name" = lo ] && continue
    [ -e "$path/device" ] || [ "$name" = "$default_if" ] || continue
    kind=virtual; [ -e "$path/device" ] && kind=physical
    value_of flags "$path/flags"; flags=${flags:-0x0}
    if [ $(( flags & 1 )) -eq 0 ]; then
        echo "0 \"if $name\" - $name is administratively down ($kind)"
        continue
    fi
    value_of carrier "$path/carrier"
    # shellcheck disable=SC2154 # value_of assigned it
    if [ "$carrier" != 1 ]; then
        status=1; [ "$kind" = physical ] && status=2
        echo "$status \"if $name\" - $name is up but has no carrier (cable or switch port, $kind NIC)"
        continue
    fi
    links_up=$((links_up + 1))
    value_of speed "$path/speed"; case "$speed" in ''|-*|*[!0-9]*) speed=unknown ;; esac
    s=$path/statistics
    value_of rx "$s/rx_packets"; value_of tx "$s/tx_packets"
    value_of rx_errors "$s/rx_errors"; value_of tx_errors "$s/tx_errors"
    value_of rx_dropped "$s/rx_dropped"; value_of tx_dropped "$s/tx_dropped"
    packets=$(( ${rx:-0} + ${tx:-0} ))
    errors=$(( ${rx_errors:-0} + ${tx_errors:-0} ))
    drops=$(( ${rx_dropped:-0} + ${tx_dropped:-0} ))
    status=0; note=
    if [ "$packets" -gt 0 ] && [ $(( errors * 1000000 )) -gt $(( ratio_ppm * packets )) ]; then
        status=1; ratio=$(( (errors * 10000 + packets / 2) / packets ))
        note=", error ratio $(( ratio / 10000 )).$(printf '%04d' $(( ratio % 10000 ))) above $ratio_warn"
    fi
    if [ "$min_speed" -gt 0 ] && [ "$speed" != unknown ] && [ "$speed" -lt "$min_speed" ]; then
        status=1; note="$note, speed $speed Mb/s below $min_speed"
    fi
    shown_speed=$speed; [ "$speed" = unknown ] && shown_speed=0
    echo "$status \"if $name\" errors=$errors|drops=$drops|speed=$shown_speed $name up, $speed Mb/s, $errors errors and $drops drops in $packets packets$note"
done

# --- default gateway: answered to a ping.
if [ -z "$gateway" ]; then
    echo "2 gateway - no default route"
elif [ "$links_up" -eq 0 ]; then
    echo "3 gateway - not tried: no interface has a link"
elif [ -n "$TRIAGE_CMD_PING" ] || command -v ping >/dev/null 2>&1; then
    if ${TRIAGE_CMD_PING:-ping -c 1 -W 2} "$gateway" >/dev/null 2>&1; then
        echo "0 gateway - default gateway $gateway answers"
    else
        echo "2 gateway - default gateway $gateway does not answer ping"
    fi
else
    echo "3 gateway - ping not found: cannot test the default gateway $gateway (install iputils-ping)"
fi

# --- DNS: each configured name must resolve (the first address: the first word of the answer).
for name in $dns_names; do
    if [ -z "$TRIAGE_CMD_RESOLVE" ] && ! command -v getent >/dev/null 2>&1; then
        echo "3 dns - getent not found: cannot test name resolution"; break
    fi
    answer=$(${TRIAGE_CMD_RESOLVE:-getent ahosts} "$name" 2>/dev/null)
    answer=${answer%%[[:space:]]*}
    if [ -n "$answer" ]; then
        echo "0 dns - $name resolves to $answer"
    else
        resolvers=
        if [ -r /etc/resolv.conf ]; then
            while read -r key value rest; do
                [ "$key" = nameserver ] && resolvers="$resolvers${resolvers:+, }$value"
            done < /etc/resolv.conf
        fi
        echo "2 dns - $name does not resolve (resolvers: $resolvers)"
        break
    fi
done

# --- TCP endpoints.
# shellcheck disable=SC2016 # in bash -c '…', bash expands $0 and $1, not this shell
connect() {
    if [ -n "$TRIAGE_CMD_CONNECT" ]; then $TRIAGE_CMD_CONNECT "$1" "$2"
    elif command -v nc >/dev/null 2>&1; then nc -z -w 3 "$1" "$2"
    elif command -v bash >/dev/null 2>&1; then timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2"
    else return 127; fi
}
for endpoint in $endpoints; do
    host=${endpoint%:*}; port=${endpoint##*:}
    connect "$host" "$port" >/dev/null 2>&1
    case $? in
        0) echo "0 \"tcp $endpoint\" - $endpoint accepts connections" ;;
        127) echo "3 \"tcp $endpoint\" - neither nc nor bash found: cannot test $endpoint" ;;
        *) echo "2 \"tcp $endpoint\" - $endpoint does not accept connections" ;;
    esac
done

# --- time sync: systemd-timesyncd/chrony via timedatectl, else chronyc, else ntpq.
if [ -n "$TRIAGE_SRC_TIMESYNC" ]; then sync=$(cat "$TRIAGE_SRC_TIMESYNC")
# timedatectl only where systemd runs (/run/systemd/system, as sd_booted checks): elsewhere it
# fails after ≈7 ms of CPU.
elif [ -d /run/systemd/system ] && command -v timedatectl >/dev/null 2>&1; then sync=$(timedatectl show 2>&1)
fi
case "$sync" in
    *NTPSynchronized=yes*) echo "0 \"time sync\" - clock synchronised (timedatectl)" ;;
    *NTPSynchronized=no*)
        if printf '%s\n' "$sync" | grep -q '^NTP=yes'; then echo "1 \"time sync\" - NTP is on but the clock is not synchronised yet"
        else echo "2 \"time sync\" - no NTP service is active (timedatectl: NTP=no)"; fi ;;
    *)
        if command -v chronyc >/dev/null 2>&1; then
            if chronyc tracking 2>/dev/null | grep -q 'Leap status *: Normal'; then echo "0 \"time sync\" - clock synchronised (chrony)"
            else echo "1 \"time sync\" - chrony is not synchronised"; fi
        elif command -v ntpq >/dev/null 2>&1; then
            if ntpq -pn 2>/dev/null | grep -q '^\*'; then echo "0 \"time sync\" - clock synchronised (ntpd)"
            else echo "1 \"time sync\" - ntpd has no system peer"; fi
        else
            echo "3 \"time sync\" - cannot tell: no timedatectl (systemd), chronyc or ntpq answered"
        fi ;;
esac
