#!/bin/bash
# Issue 19.6: a run of numjobs=2 (json+, no group_reporting) keeps one row per
# job, and its run-level figures are the run's: kIOPS the sum of the jobs',
# percentiles read from the jobs' merged latency histograms (never the mean
# of per-job percentiles). Expected values come from the fixture's JSON with
# sqlite3 alone: bins added by value, the first value whose running count
# reaches p% of all samples (fio's rule for one histogram).
source "$UB_TOP/tests/lib.sh"
source "$UB_TOP/tests/results-db/helpers.sh"
db_test_init
fix=$FIX/numjobs2.json
"$UB_DB" --db "$db" import --sweep nj "$fix" >/dev/null

# merged P: the merged-histogram percentile P of the fixture's two jobs, in us.
merged() {
	jx "$fix" "(WITH b AS (SELECT CAST(e.key AS INTEGER) AS v, sum(e.value) AS c
			FROM json_each(j, '\$.jobs') AS jb, json_each(jb.value, '\$.read.clat_ns.bins') AS e GROUP BY v),
		r AS (SELECT v, sum(c) OVER (ORDER BY v) AS cum, sum(c) OVER () AS n FROM b)
		SELECT min(v) / 1000.0 FROM r WHERE cum >= $1 / 100.0 * n)"
}
expect_eq two-job-rows "$(q "$db" "SELECT count(*) || ' ' || group_concat(DISTINCT name) FROM jobs")" "2 nj"
expect_eq point-is-one "$(q "$db" "SELECT count(*) || ' ' || jobs FROM run_points")" "1 2"
expect_eq kiops-is-sum "$(q "$db" "SELECT printf('%.6f', kiops) FROM run_points")" \
	"$(jx "$fix" "printf('%.6f', (json_extract(j, '\$.jobs[0].read.iops') + json_extract(j, '\$.jobs[1].read.iops')) / 1000.0)")"
for p in 50 99 99.9 99.99; do
	col=clat_p$(tr -d . <<<"$p")_us
	[ "$p" = 99.99 ] && col=clat_p9999_us
	[ "$p" = 99.9 ] && col=clat_p999_us
	expect_eq "p$p-from-merged-bins" "$(q "$db" "SELECT $col || ' ' || lat_source FROM run_points")" "$(merged "$p") bins"
done
mean99=$(jx "$fix" "(json_extract(j, '\$.jobs[0].read.clat_ns.percentile.\"99.000000\"') + json_extract(j, '\$.jobs[1].read.clat_ns.percentile.\"99.000000\"')) / 2000.0")
expect_eq p99-is-not-the-mean "$(q :memory: "SELECT $(merged 99) <> $mean99")" 1
expect_eq mean-weighted-by-ios "$(q "$db" "SELECT printf('%.6f', clat_mean_us) FROM run_points")" \
	"$(jx "$fix" "printf('%.6f', (json_extract(j, '\$.jobs[0].read.clat_ns.mean') * json_extract(j, '\$.jobs[0].read.total_ios') + json_extract(j, '\$.jobs[1].read.clat_ns.mean') * json_extract(j, '\$.jobs[1].read.total_ios')) / (json_extract(j, '\$.jobs[0].read.total_ios') + json_extract(j, '\$.jobs[1].read.total_ios')) / 1000.0)")"
expect_eq table-p99 "$("$UB_DB" --db "$db" table --sweep nj --metric clat_p99_us | tail -n 1)" \
	"| psync | $(q :memory: "SELECT printf('%.1f', $(merged 99))") |"
expect_eq series-p99 "$("$UB_DB" --db "$db" series --sweep nj --metric clat_p99_us | tail -n 1)" \
	"1 $(q :memory: "SELECT printf('%.3f 0.000 %.3f %.3f 1 bins', $(merged 99), $(merged 99), $(merged 99))")"
# Plain json (no bins) of several jobs: no percentile at all rather than a mean.
sqlite3 -batch :memory: "SELECT json_remove(json_remove(readfile('$fix'), '\$.jobs[0].read.clat_ns.bins'), '\$.jobs[1].read.clat_ns.bins')" >"$tmp/nobins.json"
"$UB_DB" --db "$db" import --sweep nobins "$tmp/nobins.json" >/dev/null
expect_eq no-bins-no-percentile "$(q "$db" "SELECT coalesce(clat_p99_us, 'NULL') || ' ' || lat_source FROM run_points WHERE sweep = 'nobins'")" "NULL none"
finish
