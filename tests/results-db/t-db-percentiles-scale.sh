#!/bin/bash
# Issue 14: merged percentiles are computed when a report is made, from
# clat_bins (no stored figures to keep in step): fast enough on a database of
# 1,000 json+ runs (5 iodepths x 200 repeats, 296 bins each, 296,000 rows).
# The CPU time of table --percentile 99.999 and of cdf is printed and bounded
# (5 s each, generous: about 0.25 and 0.5 s here); the figures are checked:
# 200 copies of one run merge into that run's own percentile.
source "$UB_TOP/tests/lib.sh"
source "$UB_TOP/tests/results-db/helpers.sh"
db_test_init
[ -x /usr/bin/time ] || skip_all percentiles-scale 5 "no /usr/bin/time (apt-get install time)"
fix=$FIX/merge-r1.json n=1000
[ -n "${UB_ASAN:-}" ] && n=200	# sanitizers slow everything several times
mkdir -p "$tmp/j"
# Each copy its own run: another timestamp (the import key is the content).
sqlite3 -batch :memory: "SELECT value FROM generate_series(0, $n - 1)" | while read -r i; do
	sqlite3 -batch :memory: "SELECT json_set(readfile('$fix'), '\$.timestamp', $i,
		'\$.jobs[0].\"job options\".iodepth', '$((1 << (i % 5)))')" >"$tmp/j/r$i.json"
done
"$UB_DB" --db "$db" import --sweep big "$tmp"/j/r*.json >/dev/null || not_ok import
expect_eq runs-and-bins "$(q "$db" "SELECT (SELECT count(*) FROM runs) || ' ' || (SELECT count(*) FROM clat_bins)")" \
	"$n $((n * $(jx "$fix" "(SELECT count(*) FROM json_each(j, '\$.jobs[0].read.clat_ns.bins'))")))"

# cpu NAME CMD...: run CMD, output in $tmp/NAME.out; ok when its CPU time is under 5 s.
cpu() {
	local name=$1 t
	shift
	/usr/bin/time -o "$tmp/$name.time" -f '%U %S' "$@" >"$tmp/$name.out" || not_ok "$name: exit $?"
	t=$(tail -n 1 "$tmp/$name.time")
	if [[ $t =~ ^[0-9.]+\ [0-9.]+$ ]] && awk -v t="$t" 'BEGIN { split(t, a, " "); exit !(a[1] + a[2] < 5) }'; then
		ok "$name-cpu: $(awk -v t="$t" 'BEGIN { split(t, a, " "); printf "%.2f", a[1] + a[2] }') s CPU for $n runs"
	else
		not_ok "$name-cpu: '$t' s (user sys) for $n runs, over 5 s"
	fi
}
cpu table "$UB_DB" --db "$db" table --sweep big --percentile 99.999
expect_eq table-figures "$(sed -n 3p "$tmp/table.out")" \
	"| psync | $(jx "$fix" "printf('%.1f', json_extract(j, '\$.jobs[0].read.clat_ns.percentile.\"99.999000\"') / 1000.0)") |$(
	for i in 2 3 4 5; do printf ' %s |' "$(jx "$fix" "printf('%.1f', json_extract(j, '\$.jobs[0].read.clat_ns.percentile.\"99.999000\"') / 1000.0)")"; done)"
cpu cdf "$UB_DB" --db "$db" cdf --sweep big
expect_eq cdf-blocks "$(grep -c "^# iodepth .*, runs $((n / 5)), " "$tmp/cdf.out")" 5
finish
