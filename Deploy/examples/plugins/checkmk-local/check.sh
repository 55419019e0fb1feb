#!/bin/sh
# A Checkmk local check as found in /usr/lib/check_mk_agent/local/ on a Checkmk client.
echo "0 \"Hostname\" - $(hostname)"
load1=$(cut -d' ' -f1 /proc/loadavg)
echo "P \"Load 1min\" load1=$load1;4;8 CPU load over the last minute"
set -- /proc/[0-9]*; procs=$#
echo "P Processes count=$procs;2000;4000 $procs processes"
