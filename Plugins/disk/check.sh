# disk: filesystem space and inodes, read-only remounts, RAID and SMART health, kernel I/O errors.
# Prints Checkmk local-check lines: STATUS ITEM METRICS TEXT.
#
# Parameters (exported by the agent): TRIAGE_SPACE_WARN, TRIAGE_SPACE_CRIT, TRIAGE_INODE_WARN,
# TRIAGE_INODE_CRIT (percent used, "80%"), TRIAGE_EXCLUDE_TYPES (filesystem types to skip).
#
# Sources, for tests; each defaults to the real thing on the host:
#   TRIAGE_SRC_DF      file with `df -P` output        TRIAGE_SRC_DFI     file with `df -Pi` output
#   TRIAGE_SRC_MOUNTS  file like /proc/mounts          TRIAGE_SRC_FSTAB   file like /etc/fstab
#   TRIAGE_SRC_MDSTAT  file like /proc/mdstat          TRIAGE_SRC_DMESG   file with kernel log lines
#   TRIAGE_SRC_SMART   folder with one file per disk holding `smartctl -H` output (the file name is the disk)

space_warn=${TRIAGE_SPACE_WARN:-80%}; space_warn=${space_warn%\%}
space_crit=${TRIAGE_SPACE_CRIT:-90%}; space_crit=${space_crit%\%}
inode_warn=${TRIAGE_INODE_WARN:-80%}; inode_warn=${inode_warn%\%}
inode_crit=${TRIAGE_INODE_CRIT:-90%}; inode_crit=${inode_crit%\%}
exclude=" ${TRIAGE_EXCLUDE_TYPES:-tmpfs devtmpfs overlay squashfs} "
mounts=${TRIAGE_SRC_MOUNTS:-/proc/mounts}
fstab=${TRIAGE_SRC_FSTAB:-/etc/fstab}

source_of() { if [ -n "$1" ]; then cat "$1"; else shift; "$@" 2>/dev/null; fi; }

# --- space and inodes: df -P columns are device, size, used, available, capacity, mount point
# (a mount point may contain spaces: it is everything from field 6 on). Types come from mounts.
usage() { # $1 = df output, $2 = item prefix, $3 = warn, $4 = crit, $5 = unit word
    printf '%s\n' "$1" | awk -v prefix="$2" -v warn="$3" -v crit="$4" -v word="$5" -v exclude="$exclude" -v mounts="$mounts" '
        BEGIN { while ((getline line < mounts) > 0) { split(line, f, " "); gsub(/\\040/, " ", f[2]); type[f[2]] = f[3] } }
        NR == 1 { next }
        {
            mp = $6; for (i = 7; i <= NF; i++) mp = mp " " $i
            if (index(exclude, " " type[mp] " ") > 0) next
            if ($2 == "-" || $2 == 0) next            # no inodes to count (vfat, btrfs) or empty
            pct = $5; sub(/%/, "", pct); pct = pct + 0   # a number: as text, "100" < "90"
            status = pct >= crit ? 2 : (pct >= warn ? 1 : 0)
            if (word == "space") {
                free = sprintf("%.1f GiB free of %.1f GiB", $4 / 1048576, $2 / 1048576)
            } else {
                free = sprintf("%d of %d inodes free", $4, $2)
            }
            printf "%d \"%s %s\" used=%d%%;%d;%d;0;100 %d%% %s used (%s)\n", status, prefix, mp, pct, warn, crit, pct, word, free
        }'
}
usage "$(source_of "$TRIAGE_SRC_DF" df -P)" fs "$space_warn" "$space_crit" space
usage "$(source_of "$TRIAGE_SRC_DFI" df -Pi)" inodes "$inode_warn" "$inode_crit" inode

# --- read-only remounts: a disk filesystem mounted ro that fstab (or, without an entry, common
# sense for ext4/xfs/btrfs…) says should be rw.
awk -v fstab="$fstab" '
    BEGIN { while ((getline line < fstab) > 0) { if (line ~ /^[ \t]*#/) continue; split(line, f, " "); if (f[2] != "") opts[f[2]] = f[4] } }
    $3 ~ /^(ext2|ext3|ext4|xfs|btrfs|jfs|reiserfs|f2fs)$/ && $1 ~ /^\// {
        mp = $2; gsub(/\\040/, " ", mp)
        if (seen[$1]++) next                    # bind mounts of the same device share its ro/rw fate
        wanted = (mp in opts && ("," opts[mp] ",") ~ /,ro,/) ? "ro" : "rw"
        now = ("," $4 ",") ~ /,ro,/ ? "ro" : "rw"
        if (now == wanted) printf "0 \"mount %s\" - %s mounted %s as expected\n", mp, $1, now
        else printf "2 \"mount %s\" - %s is mounted %s but should be %s (remounted after errors?)\n", mp, $1, now, wanted
    }' "$mounts"

# --- software RAID (/proc/mdstat): [n/m] with m < n or a "_" in [UU_] is degraded; a resync or
# recovery in progress is a warning with its progress.
mdstat=${TRIAGE_SRC_MDSTAT:-/proc/mdstat}
if [ -r "$mdstat" ]; then
    awk '
        function report() {
            if (name == "") return
            if (state ~ /inactive/) printf "2 \"raid %s\" - %s is inactive (%s)\n", name, name, members
            else if (failed != "" || have < want) printf "2 \"raid %s\" - %s %s degraded: %d of %d members up %s%s\n", name, name, level, have, want, map, failed
            else if (progress != "") printf "1 \"raid %s\" - %s %s %s\n", name, name, level, progress
            else printf "0 \"raid %s\" - %s %s clean, %d of %d members up %s\n", name, name, level, have, want, map
            name = ""
        }
        /^md[0-9a-z_]* *:/ {
            report()
            name = $1; state = $3; level = $4; members = ""; failed = ""; progress = ""; have = 0; want = 0; map = ""
            for (i = 5; i <= NF; i++) { members = members " " $i; if ($i ~ /\(F\)/) { m = $i; sub(/\[.*/, "", m); failed = failed ", failed member " m } }
            next
        }
        name != "" && /\[[0-9]+\/[0-9]+\]/ {
            match($0, /\[[0-9]+\/[0-9]+\]/); split(substr($0, RSTART + 1, RLENGTH - 2), n, "/"); want = n[1]; have = n[2]
            if (match($0, /\[[U_]+\]/)) map = substr($0, RSTART, RLENGTH)
            next
        }
        name != "" && /(resync|recovery|reshape|check) *=/ {
            p = $0; sub(/^[^a-z]*/, "", p); sub(/ *finish.*/, "", p); progress = p; next
        }
        /^ *$/ { report() }
        END { report() }' "$mdstat"
fi

# --- SMART health per physical disk (virtual disks have none).
smart_line() { # $1 = disk, $2 = smartctl -H output
    case "$2" in
        *"test result: PASSED"*|*"SMART Health Status: OK"*) echo "0 \"smart $1\" - SMART health PASSED" ;;
        *"test result: FAILED"*)
            failing=$(printf '%s\n' "$2" | awk '/FAILING_NOW/ { printf "%s%s (raw %s)", sep, $2, $NF; sep = ", " }')
            echo "2 \"smart $1\" - SMART health FAILED${failing:+: failing now: $failing}" ;;
        *"SMART Health Status:"*) echo "2 \"smart $1\" - $(printf '%s\n' "$2" | grep -m1 'SMART Health Status:' | tr -s ' ')" ;;
        *"Permission denied"*|*"Operation not permitted"*) echo "3 \"smart $1\" - smartctl needs root to read /dev/$1" ;;
        *"lacks SMART capability"*|*"Unavailable"*) echo "0 \"smart $1\" - device has no SMART support" ;;
        *) echo "3 \"smart $1\" - smartctl gave no health verdict: $(printf '%s\n' "$2" | grep -v -E '^(smartctl|Copyright|$)' | head -n 1 | cut -c1-160)" ;;
    esac
}
if [ -n "$TRIAGE_SRC_SMART" ]; then
    for file in "$TRIAGE_SRC_SMART"/*; do [ -f "$file" ] && smart_line "${file##*/}" "$(cat "$file")"; done
else
    disks=""
    for path in /sys/block/*; do
        disk=${path##*/}
        case "$disk" in loop*|ram*|zram*|dm-*|sr*|md*|vd*|xvd*|nbd*) continue ;; esac
        [ -e "$path/device" ] && disks="$disks $disk"
    done
    if [ -n "$disks" ]; then
        if command -v smartctl >/dev/null 2>&1; then
            for disk in $disks; do smart_line "$disk" "$(smartctl -H "/dev/$disk" 2>&1)"; done
        else
            echo "3 smart - smartctl not found: install smartmontools to check the health of$disks"
        fi
    fi
fi

# --- I/O errors in the kernel log, when it is readable.
if [ -n "$TRIAGE_SRC_DMESG" ]; then log=$(cat "$TRIAGE_SRC_DMESG"); else log=$(dmesg 2>/dev/null); fi
if [ -n "$log" ]; then
    errors=$(printf '%s\n' "$log" | grep -E 'I/O error|Buffer I/O error|blk_update_request|critical medium error|EXT4-fs error|XFS .*(metadata I/O error|Corruption)')
    if [ -n "$errors" ]; then
        count=$(printf '%s\n' "$errors" | wc -l | tr -d ' ')
        last=$(printf '%s\n' "$errors" | tail -n 1 | sed 's/^\[[ 0-9.]*\] //' | cut -c1-160)
        echo "1 \"kernel io\" errors=$count $count I/O error line(s) in the kernel log, last: $last"
    else
        echo "0 \"kernel io\" errors=0 no I/O errors in the kernel log"
    fi
fi
