#!/bin/bash
# uringbpf plot --compare OTHER: the side-by-side chart, and compare-OTHER.md is
# uringbpf compare's table (the one place ratios and noise are computed),
# for the rw/bs pair drawn.
source "$UB_TOP/tests/lib.sh"
source "$UB_TOP/tests/sweep/sweep-lib.sh"
source "$UB_TOP/tests/results-db/helpers.sh"
db_need_tool
command -v gnuplot >/dev/null || { skip "plot-compare: no gnuplot"; exit 0; }
ub_scratch_init
S=$UB_SCRATCH db=$S/r.db
"$UB_DB" --db "$db" import --sweep a "$FIX"/sweep-int-*.json "$FIX/randrw.json" >/dev/null
for f in "$FIX"/sweep-int-*.json "$FIX/randrw.json"; do (cat "$f"; echo) >"$S/$(basename "$f")"; done
"$UB_DB" --db "$db" import --sweep b "$S"/sweep-int-*.json "$S/randrw.json" >/dev/null

out=$("$PLOT" --db "$db" --sweep a --rw randread --compare b --out "$S/p" 2>"$S/p.err"); rc=$?
# Plain json fixtures: no histograms, said (percentiles not merged, no CDF).
expect_eq plot-compare-exit "$rc:$(cat "$S/p.err")" "0:$(nobins_said 3 3)"
for f in compare-b.png compare-b.svg compare-b.md; do
	[ -s "$S/p/$f" ] && grep -qxF "$S/p/$f" <<<"$out" && ok "plot-compare-drew-$f" || not_ok "plot-compare-drew-$f: missing or not listed"
done
is_png "$S/p/compare-b.png" && ok plot-compare-png || not_ok "plot-compare-png: not a PNG"
expect_eq plot-compare-md-is-compare "$(cat "$S/p/compare-b.md")" \
	"$("$UB_BUILD/uringbpf" compare --db "$db" a b --rw randread)"
# randread only: its three iodepths, all the same (the same fio outputs).
expect_eq plot-compare-md-points "$(grep -c '^| io_uring | randread | 4k | .* | same |$' "$S/p/compare-b.md"):$(grep -c randrw "$S/p/compare-b.md")" "3:0"
finish
