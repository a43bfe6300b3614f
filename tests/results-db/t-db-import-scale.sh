#!/bin/bash
# Issue 19.2: import time is linear in the jobs of one file. One json+ file
# of 3,000 jobs (uringbpf bench import --jobs: 16 MB, the json+ fixture's
# job with its latency bins, renamed) imports in under 20 s of CPU time (a
# generous bound, on CPU so other load on the machine does not count; about
# 1.5 s here; the quadratic importer took minutes); all 3,000 jobs are in
# the database (it reads the count back). The time is printed; every job,
# result and bin of a smaller file is read back with sqlite3.
source "$UB_TOP/tests/lib.sh"
source "$UB_TOP/tests/results-db/helpers.sh"
db_need_tool
n=3000
[ -n "${UB_ASAN:-}" ] && n=600	# sanitizers slow the importer several times
# The quadratic importer would run for many minutes: stop it after two.
out=$(timeout 120 "$UB_BUILD/uringbpf" bench import --jobs $n --limit 20 --cpu-limit 2>&1)
rc=$?
echo "$out"
want="^uringbpf bench import: imported one json\+ file of $n jobs \([0-9]+ KiB\) in [0-9.]+s wall, [0-9.]+s CPU \(limit 20s cpu; load average [0-9.]+\)\$"
[ $rc = 0 ] && [[ $out =~ $want ]] && ok "import-$n-jobs: ${out#uringbpf bench import: }" ||
	not_ok "import-$n-jobs (exit $rc): $(tr '\n' ' ' <<<"$out")"

# The same importer, small enough to check every row against the JSON.
db_test_init
fix=$FIX/jsonplus.json
sqlite3 -batch :memory: "WITH d(j) AS (SELECT readfile('$fix'))
	SELECT json_set(j, '\$.jobs', (SELECT json_group_array(json_set(json_extract(j, '\$.jobs[0]'),
		'\$.jobname', 'job' || value)) FROM generate_series(1, 200))) FROM d" >"$tmp/200.json"
"$UB_DB" --db "$db" import "$tmp/200.json" >/dev/null
bins=$(jx "$fix" "(SELECT count(*) FROM json_each(j, '\$.jobs[0].read.clat_ns.bins'))")
expect_eq all-jobs-results-bins "$(q "$db" "SELECT (SELECT count(*) FROM jobs) || ' ' || (SELECT count(*) FROM results WHERE ddir = 'read') || ' ' || (SELECT count(*) FROM clat_bins) || ' ' || (SELECT count(DISTINCT name) FROM jobs)")" \
	"200 200 $((200 * bins)) 200"
expect_eq every-job-iops "$(q "$db" "SELECT count(DISTINCT iops) || ' ' || min(iops) FROM results WHERE ddir = 'read'")" \
	"1 $(jx "$fix" "json_extract(j, '\$.jobs[0].read.iops')")"
finish
