#!/bin/bash
# table, series, configs, info, runs, export-csv and the views, checked
# exactly against numbers computed here with sqlite3 straight from the fixture
# files (io_uring and io_uring SQPOLL, iodepth 1/4/16, two repeats each).
source "$UB_TOP/tests/lib.sh"
source "$UB_TOP/tests/results-db/helpers.sh"
db_test_init
"$UB_DB" --db "$db" import --sweep s "$FIX"/sweep-*.json >/dev/null || not_ok import

cfgs="int sqp"
qds="1 4 16"
label() { [ "$1" = int ] && echo "io_uring" || echo "io_uring SQPOLL"; }
# pts CFG QD EXPR: one row per repeat file, y = EXPR over j (the JSON text).
pts() {
	echo "SELECT $3 AS y FROM (SELECT readfile('$FIX/sweep-$1-qd$2-r1.json') AS j
		UNION ALL SELECT readfile('$FIX/sweep-$1-qd$2-r2.json') AS j)"
}
KIOPS="(json_extract(j, '\$.jobs[0].read.iops') + json_extract(j, '\$.jobs[0].write.iops')) / 1000.0"
P99="json_extract(j, '\$.jobs[0].read.clat_ns.percentile.\"99.000000\"') / 1000.0"
# stats CFG QD EXPR: "mean stddev min max n" as series prints it (sample stddev).
stats() {
	sqlite3 :memory: "WITH v AS ($(pts "$1" "$2" "$3")), m AS (SELECT avg(y) AS m FROM v)
		SELECT printf('%.3f %.3f %.3f %.3f %d', avg(y),
			CASE WHEN count(*) > 1 THEN sqrt(sum((y - m) * (y - m)) / (count(*) - 1)) ELSE 0 END,
			min(y), max(y), count(*)) FROM v, m;"
}
# The table's rule: one decimal, or three significant digits below 10.
mean1() { sqlite3 :memory: "SELECT CASE WHEN abs(avg(y)) < 10 THEN printf('%#.3g', avg(y)) ELSE printf('%.1f', avg(y)) END
	FROM ($(pts "$1" "$2" "$3"));"; }

# table: kIOPS and p99 layouts. These runs are plain json (no latency
# histograms): p99 is the mean of the runs' own, each cell marked, a footnote.
for metric in kiops clat_p99_us; do
	expr=$KIOPS mark= foot=
	[ $metric = kiops ] || { expr=$P99 mark=†; foot="

† the mean of the runs' own percentiles, not merged: not every run has json+ latency histograms (fio --output-format=json+)"; }
	want="| config | 1 | 4 | 16 |
|---|---|---|---|"
	for c in $cfgs; do
		row="| $(label $c) |"
		for d in $qds; do row="$row $(mean1 $c $d "$expr")$mark |"; done
		want="$want
$row"
	done
	expect_eq "table-$metric" "$("$UB_DB" --db "$db" table --sweep s --metric $metric)" "$want$foot"
done
expect_eq table-default-metric-and-filters "$("$UB_DB" --db "$db" table --rw randread --bs 4096)" \
	"$("$UB_DB" --db "$db" table --sweep s --metric kiops)"

# series: gnuplot blocks, two blank lines apart.
# A percentile has a source column: "runs" (the mean of the runs' own, no bins).
for metric in kiops clat_p99_us; do
	expr=$KIOPS src=; [ $metric = kiops ] || { expr=$P99 src=" runs"; }
	want=
	for c in $cfgs; do
		[ -n "$want" ] && want="$want"$'\n\n\n'
		want="$want# config: $(label $c)"
		for d in $qds; do want="$want"$'\n'"$d $(stats $c $d "$expr")$src"; done
	done
	expect_eq "series-$metric" "$("$UB_DB" --db "$db" series --sweep s --metric $metric 2>/dev/null)" "$want"
done
expect_eq series-runs-said "$("$UB_DB" --db "$db" series --sweep s --metric clat_p99_us 2>&1 >/dev/null)" \
	"uringbpf-db: note: 6 points of clat_p99_us are the mean of their runs' own figures (source runs): not every run has json+ latency histograms"
# Any job option on the x-axis: "size" is 16M everywhere, so each config has one
# point averaging its six runs; bs comes out in bytes.
all6() { echo "SELECT $2 AS y FROM (SELECT readfile(value) AS j FROM json_each('[$(
	for d in $qds; do for r in 1 2; do printf '"%s",' "$FIX/sweep-$1-qd$d-r$r.json"; done; done |
	sed 's/,$//')]'))"; }
want=
for c in $cfgs; do
	[ -n "$want" ] && want="$want"$'\n\n\n'
	want="$want# config: $(label $c)"$'\n'"16M $(sqlite3 :memory: "WITH v AS ($(all6 $c "$KIOPS")),
		m AS (SELECT avg(y) AS m FROM v) SELECT printf('%.3f %.3f %.3f %.3f %d', avg(y),
		sqrt(sum((y - m) * (y - m)) / (count(*) - 1)), min(y), max(y), count(*)) FROM v, m;")"
done
expect_eq series-x-any-option "$("$UB_DB" --db "$db" series --sweep s --x size)" "$want"
expect_eq series-x-bs-in-bytes "$("$UB_DB" --db "$db" series --sweep s --x bs | sed -n 2p | cut -d' ' -f1,6)" "4096 6"
err=$("$UB_DB" --db "$db" series --sweep s --x sqthread_poll 2>&1 >"$tmp/sq.dat")
expect_eq series-missing-option-said "$err" "uringbpf-db: note: 6 result points have no option sqthread_poll; left out"
expect_eq series-missing-option-left-out "$(head -1 "$tmp/sq.dat")|$(sed -n 2p "$tmp/sq.dat" | cut -d' ' -f1,2)" \
	"# config: io_uring SQPOLL|1 $(sqlite3 :memory: "SELECT printf('%.3f', avg(y)) FROM ($(all6 sqp "$KIOPS"));")"

# The views, read by plain sqlite3 (no uringbpf-db functions needed).
expect_eq view-kiops_by_iodepth "$(q "$db" "SELECT printf('%.3f %.3f %.3f %.3f %d', kiops_mean, kiops_stddev,
	kiops_min, kiops_max, n) FROM kiops_by_iodepth WHERE config = 'io_uring SQPOLL' AND iodepth = 4")" \
	"$(stats sqp 4 "$KIOPS")"
expect_eq view-latency_by_iodepth "$(q "$db" "SELECT printf('%.3f', clat_p99_us) FROM latency_by_iodepth
	WHERE config = 'io_uring' AND iodepth = 16")" "$(stats int 16 "$P99" | cut -d' ' -f1)"
expect_eq view-columns "$(q "$db" "SELECT group_concat(name, ',') FROM pragma_table_info('kiops_by_iodepth')")" \
	"sweep,config,rw,bs,iodepth,n,kiops_mean,kiops_stddev,kiops_min,kiops_max"
csv=$("$UB_DB" --db "$db" export-csv)
expect_eq export-csv-header "$(head -1 <<<"$csv")" "sweep,config,rw,bs,iodepth,n,kiops_mean,kiops_stddev,kiops_min,kiops_max"
expect_eq export-csv-rows "$(($(wc -l <<<"$csv") - 1))" 6
expect_eq export-csv-row "$(grep '^s,io_uring,randread,4k,1,' <<<"$csv" | cut -d, -f6,7)" \
	"2,$(q "$db" "SELECT kiops_mean FROM kiops_by_iodepth WHERE config = 'io_uring' AND iodepth = 1")"

# configs, info, runs.
expect_eq configs "$("$UB_DB" --db "$db" configs --sweep s)" "io_uring
io_uring SQPOLL"
first=$(sqlite3 :memory: "SELECT strftime('%Y-%m-%dT%H:%M:%SZ', min(json_extract(readfile(value), '\$.timestamp')),
	'unixepoch') FROM json_each('[$(ls "$FIX"/sweep-*.json | sed 's/.*/"&"/' | paste -sd,)]');")
expect_eq info "$("$UB_DB" --db "$db" info --sweep s)" "sweep=s
device=$(jx "$FIX/sweep-int-qd1-r1.json" "json_extract(j, '\$.jobs[0].\"job options\".filename')")
kernel=$(uname -r)
host=$(uname -n)
fio_version=fio-3.41
date=$first
runs=12"
expect_eq runs-lines "$("$UB_DB" --db "$db" runs | wc -l)" 12
expect_eq runs-line "$("$UB_DB" --db "$db" runs | sed -n 7p)" \
	"7	$(jx "$FIX/sweep-sqp-qd1-r1.json" "strftime('%Y-%m-%dT%H:%M:%SZ', json_extract(j, '\$.timestamp'), 'unixepoch')")	s	io_uring SQPOLL	$(uname -n)	$FIX/sweep-sqp-qd1-r1.json"
expect_eq sql "$("$UB_DB" --db "$db" sql "SELECT count(*), min(iodepth) FROM jobs")" "12|1"

# Unlike results are not averaged together silently.
"$UB_DB" --db "$db" import --sweep s2 "$FIX/randrw.json" >/dev/null
err=$("$UB_DB" --db "$db" table 2>&1); rc=$?
expect_eq several-sweeps-refused "$rc:$err" \
	"2:uringbpf-db table: the results hold several sweep values (s, s2): choose one with --sweep NAME"
(cat "$FIX/randrw.json"; echo) >"$tmp/randrw-copy.json"	# other bytes: a new run
"$UB_DB" --db "$db" import --sweep s "$tmp/randrw-copy.json" >/dev/null
err=$("$UB_DB" --db "$db" series --sweep s 2>&1); rc=$?
expect_eq several-rw-refused "$rc:$err" \
	"2:uringbpf-db series: the results hold several rw values (randread, randrw): choose one with --rw RW"
expect_eq rw-filter "$("$UB_DB" --db "$db" table --sweep s2 --rw randrw)" "| config | 4 |
|---|---|
| io_uring | $(jx "$FIX/randrw.json" "printf('%.1f', (json_extract(j, '\$.jobs[0].read.iops') + json_extract(j, '\$.jobs[0].write.iops')) / 1000.0)") |"
(cat "$FIX/randrw.json"; echo; echo) >"$tmp/randrw-tagged.json"
run=$("$UB_DB" --db "$db" import --sweep s3 --tag 'note=a,"b"' "$tmp/randrw-tagged.json" | sed 's/.* run \([0-9]*\) .*/\1/')
expect_eq export-csv-quoting "$("$UB_DB" --db "$db" export-csv --view tags)" "run_id,key,value
$run,note,\"a,\"\"b\"\"\""
err=$("$UB_DB" --db "$db" table --sweep nope 2>&1); rc=$?
expect_eq no-results "$rc:$err" "1:uringbpf-db table: no results for sweep nope"
finish
