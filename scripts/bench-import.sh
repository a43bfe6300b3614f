#!/bin/bash
# bench-import.sh [-n COUNT | -j JOBS] [-l LIMIT-SECONDS] [-c]: how fast uringbpf-db imports.
# Makes COUNT (default 1000) distinct fio JSON results from the committed
# fixtures (each a fixture with its own "timestamp", so its own content hash),
# imports them all with one uringbpf-db into a new database, prints the wall
# and CPU time, and fails if the wall time (with -c: the CPU time, which other
# load on the machine does not inflate) reached LIMIT (default 5) seconds.
# With -j JOBS: one json+ file holding JOBS jobs (the json+ fixture's job,
# renamed), as numjobs=JOBS or a many-section job file gives.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
tool=${UB_DB:-${UB_BUILD:-$top/build}/uringbpf-db}
count=1000 limit=5 gate=wall jobs=0
while getopts n:j:l:ch o; do
	case $o in
	n) count=$OPTARG ;;
	j) jobs=$OPTARG ;;
	l) limit=$OPTARG ;;
	c) gate=cpu ;;
	*) sed -n '2,9p' "$0"; exit 2 ;;
	esac
done
[ -x "$tool" ] || { echo "bench-import: no uringbpf-db at $tool (make build-all)" >&2; exit 1; }
tmp=$(mktemp -d /tmp/bench-import.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

if [ "$jobs" -gt 0 ]; then
	fix=$top/tests/results-db/fixtures/jsonplus.json
	sqlite3 -batch :memory: "WITH d(j) AS (SELECT readfile('$fix'))
		SELECT json_set(j, '\$.jobs', (SELECT json_group_array(json_set(json_extract(j, '\$.jobs[0]'),
			'\$.jobname', 'job' || value)) FROM generate_series(1, $jobs))) FROM d" >"$tmp/jobs.json"
	TIMEFORMAT='%R %U %S'
	times=$( { time "$tool" --db "$tmp/bench.db" import "$tmp/jobs.json" >"$tmp/out"; } 2>&1 )
	read -r wall user sys <<<"$times"
	cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
	got=$(sqlite3 "$tmp/bench.db" "SELECT count(*) FROM jobs")
	echo "bench-import: imported one json+ file of $jobs jobs ($(( $(stat -c %s "$tmp/jobs.json") / 1024 )) KiB)" \
		"in ${wall}s wall, ${cpu}s CPU (limit ${limit}s $gate; load average $(cut -d' ' -f1 /proc/loadavg))"
	[ "$got" = "$jobs" ] || { echo "bench-import: expected $jobs jobs, found $got" >&2; exit 1; }
	t=$wall; [ $gate = cpu ] && t=$cpu
	awk -v s="$t" -v l="$limit" 'BEGIN { exit !(s < l) }' ||
		{ echo "bench-import: too slow: ${t}s $gate >= ${limit}s" >&2; exit 1; }
	exit 0
fi

# One awk pass writes all files: fork-free, so generation stays out of the way.
awk -v n="$count" -v dir="$tmp" '
	FNR == 1 { nf++ }
	{ line[nf, FNR] = $0; lines[nf] = FNR }
	END {
		for (i = 0; i < n; i++) {
			f = i % nf + 1
			out = sprintf("%s/r%05d.json", dir, i)
			for (l = 1; l <= lines[f]; l++) {
				s = line[f, l]
				if (s ~ /^  "timestamp" : /)
					s = sprintf("  \"timestamp\" : %d,", 1700000000 + i)
				print s > out
			}
			close(out)
		}
	}' "$top"/tests/results-db/fixtures/sweep-*.json "$top/tests/results-db/fixtures/randrw.json"

TIMEFORMAT='%R %U %S'
times=$( { time "$tool" --db "$tmp/bench.db" import --sweep bench "$tmp"/r*.json >"$tmp/out"; } 2>&1 )
read -r wall user sys <<<"$times"
cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
runs=$(sqlite3 "$tmp/bench.db" "SELECT count(*) FROM runs")
echo "bench-import: imported $runs of $count fio JSON files in ${wall}s wall, ${cpu}s CPU" \
	"($(awk -v n="$count" -v s="$wall" 'BEGIN { printf "%.0f", n / (s > 0 ? s : 0.001) }') files/s;" \
	"limit ${limit}s $gate; load average $(cut -d' ' -f1 /proc/loadavg))"
[ "$runs" = "$count" ] || { echo "bench-import: expected $count runs, found $runs" >&2; exit 1; }
t=$wall; [ $gate = cpu ] && t=$cpu
awk -v s="$t" -v l="$limit" 'BEGIN { exit !(s < l) }' ||
	{ echo "bench-import: too slow: ${t}s $gate >= ${limit}s" >&2; exit 1; }
