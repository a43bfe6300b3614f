#!/bin/bash
# Issue 14: percentiles of a point over its repeats come from the json+
# histograms of all repeats added bucket by bucket, not from the mean of
# each repeat's percentile; any percentile can be asked for; cdf prints the
# merged distribution. Fixtures: merge-r1/r2.json, two fio json+ runs of one
# point (psync randread 4k, percentile_list up to 99.999; r2 ran beside a
# busy loop on its CPU: a heavier tail). Expected values are computed here
# with sqlite3 from the JSON alone.
source "$UB_TOP/tests/lib.sh"
source "$UB_TOP/tests/results-db/helpers.sh"
db_test_init
r1=$FIX/merge-r1.json r2=$FIX/merge-r2.json
"$UB_DB" --db "$db" import --sweep m --repeat 1 "$r1" >/dev/null || not_ok import-r1
"$UB_DB" --db "$db" import --sweep m --repeat 2 "$r2" >/dev/null || not_ok import-r2
one=$tmp/one.db
"$UB_DB" --db "$one" import --sweep one "$r1" >/dev/null || not_ok import-one

cell() { "$UB_DB" --db "$1" table --sweep "$2" "${@:3}" | sed -n 3p | cut -d'|' -f3 | tr -d ' '; }
# The table's rule: one decimal, or three significant digits below 10.
fmt() { q :memory: "SELECT CASE WHEN abs($1) < 10 THEN printf('%#.3g', $1) ELSE printf('%.1f', $1) END"; }

# (a) Two repeats: the percentile of their merged bins, not the mean of theirs.
for p in 99 99.99; do
	want=$(merged_pct $p "$r1" "$r2")
	mean=$(q :memory: "SELECT ($(fio_pct "$r1" $p) + $(fio_pct "$r2" $p)) / 2")
	expect_eq "p$p-two-repeats-merged" "$(cell "$db" m --percentile $p)" "$(fmt "$want")"
	expect_eq "p$p-is-not-the-mean" "$(q :memory: "SELECT $want <> $mean")" 1
	expect_eq "p$p-series-merged" "$("$UB_DB" --db "$db" series --sweep m --percentile $p | sed -n 2p | cut -d' ' -f2,7)" \
		"$(q :memory: "SELECT printf('%.3f', $want)") bins"
done
expect_eq metric-names-agree "$(cell "$db" m --metric clat_p9999_us)" "$(cell "$db" m --metric clat_p99.99_us)"
# The spread of the repeats stays: min and max are the runs' own p99.99.
expect_eq series-min-max-are-the-runs "$("$UB_DB" --db "$db" series --sweep m --metric clat_p9999_us | sed -n 2p | cut -d' ' -f4-6)" \
	"$(q :memory: "SELECT printf('%.3f %.3f 2', min($(fio_pct "$r1" 99.99), $(fio_pct "$r2" 99.99)), max($(fio_pct "$r1" 99.99), $(fio_pct "$r2" 99.99)))")"

# The mean stays a mean, of every I/O: each repeat's weighted by its I/O count.
mu() { jx "$1" "json_extract(j, '\$.jobs[0].read.clat_ns.mean') || ' ' || json_extract(j, '\$.jobs[0].read.total_ios')"; }
read -r m1 n1 <<<"$(mu "$r1")"; read -r m2 n2 <<<"$(mu "$r2")"
expect_eq mean-weighted-by-ios "$("$UB_DB" --db "$db" series --sweep m --metric clat_mean_us | sed -n 2p)" \
	"$(q :memory: "SELECT printf('1 %.3f %.3f %.3f %.3f 2', ($m1 * $n1 + $m2 * $n2) / ($n1 + $n2) / 1000.0,
		abs($m1 - $m2) / 1000.0 / sqrt(2), min($m1, $m2) / 1000.0, max($m1, $m2) / 1000.0)")"
expect_eq mean-is-not-unweighted "$(q :memory: "SELECT printf('%.3f', ($m1 * $n1 + $m2 * $n2) / ($n1 + $n2) / 1000.0) <> printf('%.3f', ($m1 + $m2) / 2000.0)")" 1

# (b) One repeat: every percentile fio printed (percentile_list) is ours, exactly.
for p in 1 10 50 90 99 99.9 99.99 99.999; do
	expect_eq "single-p$p-is-fio's" "$("$UB_DB" --db "$one" series --sweep one --percentile $p | sed -n 2p | cut -d' ' -f2)" \
		"$(q :memory: "SELECT printf('%.3f', $(fio_pct "$r1" $p))")"
done
# (c) p99.999 (only percentile_list asks fio for it): from the bins, two ways.
expect_eq p99.999-metric "$(cell "$one" one --metric clat_p99.999_us)" "$(fmt "$(fio_pct "$r1" 99.999)")"
expect_eq p99.999-merged "$(cell "$db" m --percentile 99.999)" "$(fmt "$(merged_pct 99.999 "$r1" "$r2")")"

# (d) The CDF: one line per non-empty bucket of the merged bins, monotone,
# ending at fraction 1 with every I/O counted.
"$UB_DB" --db "$db" cdf --sweep m >"$tmp/cdf.dat" || not_ok cdf-ran
ios=$(q :memory: "SELECT $(jx "$r1" "json_extract(j, '\$.jobs[0].read.total_ios')") + $(jx "$r2" "json_extract(j, '\$.jobs[0].read.total_ios')")")
buckets=$(sqlite3 -batch :memory: "SELECT count(DISTINCT e.key) FROM (SELECT readfile('$r1') AS j UNION ALL
	SELECT readfile('$r2')) AS f, json_each(f.j, '\$.jobs[0].read.clat_ns.bins') AS e")
expect_eq cdf-header "$(sed -n 1,2p "$tmp/cdf.dat")" "# config: psync
# iodepth 1, runs 2, samples $ios, total_ios $ios"
expect_eq cdf-lines "$(grep -vc '^#' "$tmp/cdf.dat")" "$buckets"
expect_eq cdf-monotone "$(awk '!/^#/ && NF == 3 { if ($1 <= x || $2 < f || $3 <= c) bad++; x = $1; f = $2; c = $3 } END { print bad + 0 }' "$tmp/cdf.dat")" 0
expect_eq cdf-ends-at-1 "$(tail -n 1 "$tmp/cdf.dat" | cut -d' ' -f2,3)" "1.00000000 $ios"
expect_eq cdf-p99-crossing "$(awk '!/^#/ && $2 >= 0.99 { print $1; exit }' "$tmp/cdf.dat")" \
	"$(q :memory: "SELECT printf('%.3f', $(merged_pct 99 "$r1" "$r2"))")"

# uringbpf plot: the CDF chart, and table.md gets the tail percentiles the
# profile's percentile_list asked for (p99.9, p99.99, p99.999), merged.
if command -v gnuplot >/dev/null; then
	"$UB_BUILD/uringbpf" plot --db "$db" --sweep m --out "$tmp/plot" --formats png >/dev/null 2>"$tmp/plot.err"
	expect_eq plot-cdf-drawn "$?:$(cat "$tmp/plot.err"):$(head -c 4 "$tmp/plot/latency-cdf.png" | od -An -c | tr -d ' ')" "0::211PNG"
	expect_eq plot-table-p99.999 "$(grep -A 4 '^Completion latency p99.999 (µs):' "$tmp/plot/table.md" | tail -n 1)" \
		"| psync | $(fmt "$(merged_pct 99.999 "$r1" "$r2")") |"
	expect_eq plot-table-tail-list "$(grep -cE '^Completion latency p99(\.9+)? \(µs\):' "$tmp/plot/table.md")" 4
else
	skip "plot-cdf: no gnuplot"
fi

# A point with a run without bins (plain json): the mean of the runs' own
# figures, marked as such; never merged bins of some runs mixed with others.
sqlite3 -batch :memory: "SELECT json_remove(readfile('$r2'), '\$.jobs[0].read.clat_ns.bins')" >"$tmp/r2-nobins.json"
mix=$tmp/mix.db
"$UB_DB" --db "$mix" import --sweep x --repeat 1 "$r1" >/dev/null
"$UB_DB" --db "$mix" import --sweep x --repeat 2 "$tmp/r2-nobins.json" >/dev/null
expect_eq mixed-falls-back-marked "$(cell "$mix" x --metric clat_p9999_us)" \
	"$(fmt "$(q :memory: "SELECT ($(fio_pct "$r1" 99.99) + $(fio_pct "$r2" 99.99)) / 2")")†"
expect_eq mixed-percentile-spelled-out "$(cell "$mix" x --percentile 99.99)" "$(cell "$mix" x --metric clat_p9999_us)"
expect_eq mixed-footnote "$("$UB_DB" --db "$mix" table --sweep x --metric clat_p99_us | tail -n 1)" \
	"† the mean of the runs' own percentiles, not merged: not every run has json+ latency histograms (fio --output-format=json+)"
expect_eq mixed-series-source "$("$UB_DB" --db "$mix" series --sweep x --metric clat_p99_us 2>/dev/null | sed -n 2p | cut -d' ' -f7)" runs
expect_eq mixed-no-p99.999 "$(cell "$mix" x --percentile 99.999)" "-†"
out=$("$UB_DB" --db "$mix" cdf --sweep x 2>&1); rc=$?
expect_eq mixed-no-cdf "$rc:$out" "1:uringbpf-db: note: psync at iodepth 1: not every run has json+ latency histograms (fio --output-format=json+); no CDF
uringbpf-db cdf: no latency histograms in these results (1 points without): import fio --output-format=json+ files for a CDF"

# (f) Several metrics side by side (table --metric M1,M2): each block read its
# own way. The percentile is merged from the bins (marked † when a run has none),
# kIOPS is the mean of the runs (marked ~ when a run's IOPS log was unsteady:
# 1000 and 3000 IOPS, CV 0.71; a steady log, CV 0, marks nothing).
printf '250, 1000, 0, 0, 0\n500, 3000, 0, 0, 0\n' >"$tmp/jagged_iops.1.log"
printf '250, 1000, 0, 0, 0\n500, 1000, 0, 0, 0\n' >"$tmp/steady_iops.1.log"
kiops() { jx "$1" "json_extract(j, '\$.jobs[0].read.iops') / 1000.0"; }
kmean=$(q :memory: "SELECT ($(kiops "$r1") + $(kiops "$r2")) / 2")
both=$tmp/both.db
"$UB_DB" --db "$both" import --sweep b --repeat 1 --iops-log "$tmp/jagged_iops.1.log" "$r1" >/dev/null || not_ok import-both-r1
"$UB_DB" --db "$both" import --sweep b --repeat 2 --iops-log "$tmp/steady_iops.1.log" "$r2" >/dev/null || not_ok import-both-r2
expect_eq several-merged-and-mean "$("$UB_DB" --db "$both" table --sweep b --metric kiops,clat_p99_us)" \
"| config | kiops 1 | clat_p99_us 1 |
|---|---|---|
| psync | $(fmt "$kmean")~ | $(fmt "$(merged_pct 99 "$r1" "$r2")") |

~ unsteady: the IOPS of a run varied by more than 10% (iops_cv, the stddev of fio's IOPS log samples over their mean; view run_steadiness)"
# The same runs, r2 without bins: the percentile falls back (†, and -† where
# plain json has no figure), kIOPS keeps its ~; every footnote, once.
mixs=$tmp/mix-steady.db
"$UB_DB" --db "$mixs" import --sweep x --repeat 1 --iops-log "$tmp/jagged_iops.1.log" "$r1" >/dev/null
"$UB_DB" --db "$mixs" import --sweep x --repeat 2 --iops-log "$tmp/steady_iops.1.log" "$tmp/r2-nobins.json" >/dev/null
expect_eq several-both-marks "$("$UB_DB" --db "$mixs" table --sweep x --metric clat_p99_us,kiops,clat_p99.999_us)" \
"| config | clat_p99_us 1 | kiops 1 | clat_p99.999_us 1 |
|---|---|---|---|
| psync | $(fmt "$(q :memory: "SELECT ($(fio_pct "$r1" 99) + $(fio_pct "$r2" 99)) / 2")")† | $(fmt "$kmean")~ | -† |

† the mean of the runs' own percentiles, not merged: not every run has json+ latency histograms (fio --output-format=json+)
-† no figure: without json+ histograms only p50, p99, p99.9 and p99.99 are kept
~ unsteady: the IOPS of a run varied by more than 10% (iops_cv, the stddev of fio's IOPS log samples over their mean; view run_steadiness)"

# (e) Bad input: exit 2, the option named and the fix.
bad() {
	local name=$1 want=$2 out rc
	shift 2
	out=$("$UB_DB" --db "$db" "$@" 2>&1 >/dev/null); rc=$?
	expect_eq "bad-$name" "$rc:$out" "2:$want"
}
bad percentile-101 "uringbpf-db table: --percentile 101: give a percentile above 0 and at most 100, e.g. 99.999 (see uringbpf-db --help)" table --sweep m --percentile 101
bad percentile-0 "uringbpf-db series: --percentile 0: give a percentile above 0 and at most 100, e.g. 99.999 (see uringbpf-db --help)" series --sweep m --percentile 0
bad percentile-text "uringbpf-db table: --percentile p99: give a percentile above 0 and at most 100, e.g. 99.999 (see uringbpf-db --help)" table --sweep m --percentile p99
bad percentile-999 "uringbpf-db table: --percentile 999: give a percentile above 0 and at most 100, e.g. 99.999 (see uringbpf-db --help)" table --sweep m --percentile 999
bad metric-pct-101 "uringbpf-db table: --metric clat_p101_us: a percentile is clat_pP_us with P above 0 and at most 100, e.g. clat_p99.999_us (see uringbpf-db --help)" table --metric clat_p101_us
bad metric-and-percentile "uringbpf-db table: --percentile 99: a metric is chosen already (--metric or --percentile): give one (see uringbpf-db --help)" table --metric kiops --percentile 99
bad metric-list-pct "uringbpf-db table: --metric clat_p0_us: a percentile is clat_pP_us with P above 0 and at most 100, e.g. clat_p99.999_us (see uringbpf-db --help)" table --metric kiops,clat_p0_us
bad metric-list-empty "uringbpf-db table: --metric kiops,: a metric name is empty: give M or M1,M2 without empty items (see uringbpf-db --help)" table --metric kiops,
bad metric-list-series "uringbpf-db series: --metric kiops,clat_p99_us: series draws one metric; give one (see uringbpf-db --help)" series --metric kiops,clat_p99_us
bad cdf-unknown-sweep "uringbpf-db cdf: --sweep nope: no sweep of that name in the database (uringbpf db runs lists the runs and their sweeps)" cdf --sweep nope
bad cdf-iodepth-absent "uringbpf-db cdf: --iodepth 4: the results have no point at that iodepth; choose one of 1" cdf --sweep m --iodepth 4
bad cdf-iodepth-zero "uringbpf-db cdf: --iodepth needs a positive integer, got '0' (see uringbpf-db --help)" cdf --iodepth 0
finish
