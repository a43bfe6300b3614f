#!/bin/bash
# Issue 19.7: a sweep that mixes rw (or bs) values can be plotted. Without a
# choice uringbpf plot draws one set of charts per rw/bs pair (OUT/RW-BS/); with
# --rw/--bs it draws that one. Each chart's data equals the fio JSON of its
# runs (kIOPS computed here with sqlite3), and nothing of one rw leaks into
# the other.
source "$UB_TOP/tests/lib.sh"
source "$UB_TOP/tests/sweep/sweep-lib.sh"
source "$UB_TOP/tests/results-db/helpers.sh"
db_need_tool
command -v gnuplot >/dev/null || { skip "plot-rw: no gnuplot"; exit 0; }
ub_scratch_init
S=$UB_SCRATCH db=$S/r.db
"$UB_DB" --db "$db" import --sweep mix "$FIX/sweep-int-qd1-r1.json" "$FIX/sweep-int-qd4-r1.json" \
	"$FIX/randrw.json" >/dev/null
k() { printf '%.3f' "$(kiops_of "$1")"; }
# row FILE X: "mean n" of the chart data's row at x = X.
row() { awk -v x="$2" '!/^#/ && $1 == x { print $2, $6 }' "$1"; }

out=$("$PLOT" --db "$db" --sweep mix --out "$S/all" 2>"$S/all.err"); rc=$?
expect_eq mixed-plot-exit "$rc" 0
# Plain json fixtures: no histograms, said per pair (percentiles not merged, no CDF).
expect_eq mixed-plot-said "$(cat "$S/all.err")" "plot: sweep 'mix' mixes 2 rw/bs pairs (randread 4k,randrw 4k): one set of charts each
$(nobins_said 2 2)
$(nobins_said 1 1)"
for f in randread-4k/kiops.png randread-4k/kiops.svg randrw-4k/kiops.png randrw-4k/latency.svg randrw-4k/table.md; do
	[ -s "$S/all/$f" ] && grep -qxF "$S/all/$f" <<<"$out" && ok "mixed-plot-drew-$f" || not_ok "mixed-plot-drew-$f: missing or not listed"
done
is_png "$S/all/randread-4k/kiops.png" && ok mixed-plot-png || not_ok "mixed-plot-png: not a PNG"
expect_eq randread-chart-data "$(row "$S/all/randread-4k/kiops.dat" 1) $(row "$S/all/randread-4k/kiops.dat" 4)" \
	"$(k "$FIX/sweep-int-qd1-r1.json") 1 $(k "$FIX/sweep-int-qd4-r1.json") 1"
expect_eq randrw-chart-data "$(grep -vc '^#' "$S/all/randrw-4k/kiops.dat") $(row "$S/all/randrw-4k/kiops.dat" 4)" \
	"1 $(k "$FIX/randrw.json") 1"
expect_eq randrw-table-rw "$(head -n 1 "$S/all/randrw-4k/table.md")" "## mix, rw randrw, bs 4k: kIOPS by iodepth"

"$PLOT" --db "$db" --sweep mix --rw randread --out "$S/rr" >/dev/null 2>"$S/rr.err"; rc=$?
expect_eq chosen-rw "$rc:$(cat "$S/rr.err"):$(find "$S/rr" -maxdepth 1 -name '*-4k' | wc -l)" "0:$(nobins_said 2 2):0"
expect_eq chosen-rw-data "$(row "$S/rr/kiops.dat" 4)" "$(k "$FIX/sweep-int-qd4-r1.json") 1"
got=$("$PLOT" --db "$db" --sweep mix --rw 'rand read' --out "$S/x" 2>&1); rc=$?
expect_eq bad-rw "$rc:$got" "2:plot: --rw: 'rand read' is not a fio rw value (e.g. randread, randrw)"
finish
