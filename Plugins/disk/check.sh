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

# shellcheck disable=SC2153 # TRIAGE_SRC_DFI comes from the environment, with TRIAGE_SRC_DF
space_warn=${TRIAGE_SPACE_WARN:-80%}; space_warn=${space_warn%\%}
space_crit=${TRIAGE_SPACE_CRIT:-90%}; space_crit=${space_crit%\%}
inode_warn=${TRIAGE_INODE_WARN:-80%}; inode_warn=${inode_warn%\%}
inode_crit=${TRIAGE_INODE_CRIT:-90%}; inode_crit=${inode_crit%\%}
exclude=" ${TRIAGE_EXCLUDE_TYPES:-tmpfs devtmpfs overlay squashfs} "
mounts=${TRIAGE_SRC_MOUNTS:-/proc/mounts}
fstab=${TRIAGE_SRC_FSTAB:-/etc/fstab}

# --- space and inodes, read-only remounts, RAID, kernel I/O errors: one awk over one stream, in
# sections that a line "\036NAME" starts (one process for all of it, where the checks used to
# start twelve):
#   df     GNU df --output: device, type, size, used, available, use%, inodes, used, free, use%, mount point
#   dfP    `df -P` (where df has no --output, e.g. busybox; and the tests' saved outputs), dfPi `df -Pi`
#   dmesg  the kernel log's warnings and worse (where dmesg takes --level; all of it elsewhere),
#          and "\036read" after it when it could be read
# /proc/mounts (types, ro/rw), fstab and /proc/mdstat are read by the program itself. A mount point
# may contain spaces: it is everything from its column on.
if [ -n "$TRIAGE_SRC_DF" ]; then df_out=; else df_out=$(df -k --output=source,fstype,size,used,avail,pcent,itotal,iused,iavail,ipcent,target 2>/dev/null); fi
{
    if [ -n "$df_out" ]; then
        printf '\036df\n%s\n' "$df_out"
    elif [ -n "$TRIAGE_SRC_DF" ]; then
        printf '\036dfP\n'; cat "$TRIAGE_SRC_DF"; printf '\036dfPi\n'; cat "$TRIAGE_SRC_DFI"
    else
        printf '\036dfP\n'; df -P; printf '\036dfPi\n'; df -Pi
    fi
    printf '\036dmesg\n'
    if [ -n "$TRIAGE_SRC_DMESG" ]; then cat "$TRIAGE_SRC_DMESG" && printf '\036read\n'
    elif dmesg --level=emerg,alert,crit,err,warn || dmesg; then printf '\036read\n'; fi
} 2>/dev/null | awk -v space_warn="$space_warn" -v space_crit="$space_crit" -v inode_warn="$inode_warn" \
    -v inode_crit="$inode_crit" -v exclude="$exclude" -v mounts="$mounts" -v fstab="$fstab" \
    -v mdstat="${TRIAGE_SRC_MDSTAT:-/proc/mdstat}" '
    BEGIN {
        while ((getline line < mounts) > 0) {
            split(line, f, " "); mp = f[2]; gsub(/\\040/, " ", mp)
            type[mp] = f[3]; n++; dev_of[n] = f[1]; mp_of[n] = mp; type_of[n] = f[3]; opts_of[n] = f[4]
        }
        while ((getline line < fstab) > 0) { if (line ~ /^[ \t]*#/) continue; split(line, f, " "); if (f[2] != "") wanted_opts[f[2]] = f[4] }
    }
    /^\036/ { section = substr($0, 2); header = section ~ /^df/; if (section == "read") kernel_log = 1; next }
    header { header = 0; next }
    # Everything from field `from` on: a mount point with spaces.
    function rest(from,    text, i) { text = $from; for (i = from + 1; i <= NF; i++) text = text " " $i; return text }
    function usage(item, mp, fstype, size, used, free, pct, warn, crit, word,    status, text) {
        if (index(exclude, " " fstype " ") > 0) return
        if (size == "-" || size == 0) return          # no inodes to count (vfat, btrfs) or empty
        sub(/%/, "", pct); pct = pct + 0                # a number: as text, "100" < "90"
        status = pct >= crit ? 2 : (pct >= warn ? 1 : 0)
        if (word == "space") text = sprintf("%.1f GiB free of %.1f GiB", free / 1048576, size / 1048576)
        else text = sprintf("%d of %d inodes free", free, size)
        printf "%d \"%s %s\" used=%d%%;%d;%d;0;100 %d%% %s used (%s)\n", status, item, mp, pct, warn, crit, pct, word, text
    }
    section == "df" {
        mp = rest(11)
        usage("fs", mp, $2, $3, $4, $5, $6, space_warn, space_crit, "space")
        usage("inodes", mp, $2, $7, $8, $9, $10, inode_warn, inode_crit, "inode")
        next
    }
    section == "dfP" { mp = rest(6); usage("fs", mp, type[mp], $2, $3, $4, $5, space_warn, space_crit, "space"); next }
    section == "dfPi" { mp = rest(6); usage("inodes", mp, type[mp], $2, $3, $4, $5, inode_warn, inode_crit, "inode"); next }
    section == "dmesg" {
        if ($0 ~ /I\/O error|blk_update_request|critical medium error|EXT4-fs error|XFS .*(metadata I\/O error|Corruption)/) { io_errors++; last_error = $0 }
    }
    # Software RAID (/proc/mdstat): [n/m] with m < n or a "_" in [UU_] is degraded; a resync or
    # recovery in progress is a warning with its progress.
    function raid_report() {
        if (name == "") return
        if (state ~ /inactive/) printf "2 \"raid %s\" - %s is inactive (%s)\n", name, name, members
        else if (failed != "" || have < want) printf "2 \"raid %s\" - %s %s degraded: %d of %d members up %s%s\n", name, name, level, have, want, map, failed
        else if (progress != "") printf "1 \"raid %s\" - %s %s %s\n", name, name, level, progress
        else printf "0 \"raid %s\" - %s %s clean, %d of %d members up %s\n", name, name, level, have, want, map
        name = ""
    }
    function raid(line,    f, count, i, m, p, v) {
        count = split(line, f, " ")
        if (line ~ /^md[0-9a-z_]* *:/) {
            raid_report()
            name = f[1]; state = f[3]; level = f[4]; members = ""; failed = ""; progress = ""; have = 0; want = 0; map = ""
            for (i = 5; i <= count; i++) { members = members " " f[i]; if (f[i] ~ /\(F\)/) { m = f[i]; sub(/\[.*/, "", m); failed = failed ", failed member " m } }
        } else if (name != "" && match(line, /\[[0-9]+\/[0-9]+\]/)) {
            split(substr(line, RSTART + 1, RLENGTH - 2), v, "/"); want = v[1]; have = v[2]
            if (match(line, /\[[U_]+\]/)) map = substr(line, RSTART, RLENGTH)
        } else if (name != "" && line ~ /(resync|recovery|reshape|check) *=/) {
            p = line; sub(/^[^a-z]*/, "", p); sub(/ *finish.*/, "", p); progress = p
        } else if (line ~ /^ *$/) {
            raid_report()
        }
    }
    END {
        # Read-only remounts: a disk filesystem mounted ro that fstab (or, without an entry, common
        # sense for ext4/xfs/btrfs…) says should be rw. Bind mounts of one device share its fate.
        for (i = 1; i <= n; i++) {
            if (type_of[i] !~ /^(ext2|ext3|ext4|xfs|btrfs|jfs|reiserfs|f2fs)$/ || dev_of[i] !~ /^\// || seen[dev_of[i]]++) continue
            mp = mp_of[i]
            wanted = (mp in wanted_opts && ("," wanted_opts[mp] ",") ~ /,ro,/) ? "ro" : "rw"
            now = ("," opts_of[i] ",") ~ /,ro,/ ? "ro" : "rw"
            if (now == wanted) printf "0 \"mount %s\" - %s mounted %s as expected\n", mp, dev_of[i], now
            else printf "2 \"mount %s\" - %s is mounted %s but should be %s (remounted after errors?)\n", mp, dev_of[i], now, wanted
        }
        while ((getline line < mdstat) > 0) raid(line)
        raid_report()
        if (kernel_log && io_errors) {
            sub(/^\[[ 0-9.]*\] /, "", last_error)
            printf "1 \"kernel io\" errors=%d %d I/O error line(s) in the kernel log, last: %s\n", io_errors, io_errors, substr(last_error, 1, 160)
        } else if (kernel_log) {
            print "0 \"kernel io\" errors=0 no I/O errors in the kernel log"
        }
    }'

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
