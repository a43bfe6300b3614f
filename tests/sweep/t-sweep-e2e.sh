#!/bin/bash
# End to end: uringbpf sweep runs the seed table on a tmpfs file (IOPOLL
# sections are skipped with the reason), every run lands in the database,
# uringbpf plot draws a PNG and an SVG, and the chart's data file has one row per
# iodepth per config whose mean/min/max/n equal the fio JSON files' kIOPS,
# computed here with sqlite3 json_extract.
source "$UB_TOP/tests/lib.sh"
source "$UB_TOP/tests/sweep/sweep-lib.sh"
sweep_require e2e
ub_scratch_init /dev/shm

db=$UB_SCRATCH/results.db out=$UB_SCRATCH/e2e
configs=(interrupt sqpoll) qds=(1 4) reps=2
run_sweep --target "$UB_SCRATCH/target" --size 32m --iodepths 1,4 --repeats $reps --runtime 1 \
	--db "$db" --sweep-name e2e --out "$out" >"$UB_SCRATCH/sweep.log" 2>&1
rc=$?
if [ $rc != 0 ]; then
	not_ok "e2e-sweep: exit $rc: $(tail -n 5 "$UB_SCRATCH/sweep.log")"
	finish
fi
ok "e2e-sweep: exit 0"

# IOPOLL can't run on tmpfs: both IOPOLL sections skipped, said and recorded.
for c in iopoll sqpoll+iopoll; do
	want="skip $c: IOPOLL needs direct=1 and this run is buffered (DIRECT=0, tmpfs)"
	if grep -qxF "  $want" "$UB_SCRATCH/sweep.log" &&
		grep -q "^$c	all	IOPOLL needs direct=1" "$out/skipped.tsv"; then
		ok "e2e-skip-$c: skipped with its reason, in skipped.tsv"
	else
		not_ok "e2e-skip-$c: no '$want' in the output or skipped.tsv"
	fi
done

# One JSON per run, each imported once.
njson=$(find "$out/json" -name '*.json' | wc -l)
expect_eq "e2e-json-files" "$njson" $(( ${#configs[@]} * ${#qds[@]} * reps ))
expect_eq "e2e-db-runs" "$(db_runs "$db" e2e | wc -l)" "$njson"

# The charts.
if "$PLOT" --db "$db" --sweep e2e --out "$out/plot" >"$UB_SCRATCH/plot.log" 2>&1; then
	ok "e2e-plot: exit 0"
else
	not_ok "e2e-plot: $(tail -n 3 "$UB_SCRATCH/plot.log")"
fi
for f in kiops latency latency-cdf bar-qd4; do
	is_png "$out/plot/$f.png" && ok "e2e-png-$f" || not_ok "e2e-png-$f: $out/plot/$f.png is not a PNG"
	is_svg "$out/plot/$f.svg" && ok "e2e-svg-$f" || not_ok "e2e-svg-$f: $out/plot/$f.svg is not an SVG"
done

# latency-cdf.dat: a block per iodepth and config, from the bins of both
# repeats merged: it ends at fraction 1 having counted every I/O of both.
cdf=$out/plot/latency-cdf.dat
expect_eq "e2e-cdf-blocks" "$(grep -c '^# iodepth ' "$cdf")" $(( ${#configs[@]} * ${#qds[@]} ))
for c in "${configs[@]}"; do
	for qd in "${qds[@]}"; do
		ios=0
		for ((r = 1; r <= reps; r++)); do
			ios=$((ios + $(sqlite3 -batch :memory: "SELECT json_extract(readfile('$out/json/$c/qd$qd-r$r.json'), '\$.jobs[0].read.total_ios')")))
		done
		last=$(awk -v c="$c" -v q="iodepth $qd," '/^# config: / { on = (substr($0, 11) == c); next }
			/^# iodepth / { on = on && $2 " " $3 == q; next } on && NF == 3 { l = $2 " " $3 } END { print l }' "$cdf")
		expect_eq "e2e-cdf-$c-qd$qd-ends-at-all-ios" "$last" "1.00000000 $ios"
	done
done

# kiops.dat: a block per config, a row per iodepth, values = the JSON files'.
dat=$out/plot/kiops.dat
expect_eq "e2e-dat-configs" "$(sed -n 's/^# config: //p' "$dat" | paste -sd, -)" "$(IFS=,; echo "${configs[*]}")"
for c in "${configs[@]}"; do
	rows=$(awk -v c="$c" '/^# config: / { on = (substr($0, 11) == c); next } on && !/^#/ && NF >= 6' "$dat")
	expect_eq "e2e-dat-$c-rows" "$(awk '{ print $1 }' <<<"$rows" | paste -sd, -)" "$(IFS=,; echo "${qds[*]}")"
	for qd in "${qds[@]}"; do
		vals=()
		for ((r = 1; r <= reps; r++)); do vals+=("$(kiops_of "$out/json/$c/qd$qd-r$r.json")"); done
		want=$(printf '%s\n' "${vals[@]}" | awk '{ s += $1; if (NR == 1 || $1 < mn) mn = $1; if ($1 > mx) mx = $1 }
			END { printf "%.3f %.3f %.3f %d", s / NR, mn, mx, NR }')
		got=$(awk -v q="$qd" '$1 == q { printf "%.3f %.3f %.3f %d", $2, $4, $5, $6 }' <<<"$rows")
		# The DB prints 3 decimals: equal to 0.001 kIOPS (one IOPS).
		if awk -v a="$got" -v b="$want" 'BEGIN { split(a, x, " "); split(b, y, " ")
			for (i = 1; i <= 4; i++) { d = x[i] - y[i]; if (d < 0) d = -d; if (d > 0.0015) exit 1 } }'; then
			ok "e2e-dat-$c-qd$qd: mean min max n = $got (fio JSON: $want)"
		else
			not_ok "e2e-dat-$c-qd$qd: kiops.dat has '$got', the fio JSON gives '$want'"
		fi
	done
done

# The table in the seed layout, with the skipped configs said.
tbl=$out/plot/table.md
if grep -q '^| config | 1 | 4 |$' "$tbl" && grep -q '^| interrupt | ' "$tbl" && grep -q '^| sqpoll | ' "$tbl" &&
	grep -q '^- iopoll: IOPOLL needs direct=1' "$tbl"; then
	ok "e2e-table: seed layout, skipped configs listed"
else
	not_ok "e2e-table: $(head -n 12 "$tbl" | tr '\n' '|')"
fi
finish
