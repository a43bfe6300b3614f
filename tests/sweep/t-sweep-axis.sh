#!/bin/bash
# Any axis (issue 14): "uringbpf sweep --axis PARAM=V1,V2" sweeps a fio
# option besides the iodepth, as a cartesian plan with the profile's
# sections; "--plan FILE" writes the same sweep as an INI file; "uringbpf
# plot --x bs" draws kIOPS with bs on the x-axis; "db table --columns bs".
#  - a bs x iodepth sweep on a /dev/shm file: exactly 4 points planned, each
#    with its axes; each run's jobs have the bs of its point (read back with
#    sqlite3), its job file sets it last in the section; the progress lines
#    name the axes;
#  - plot --x bs: the data file has one x per bs value, a line per iodepth;
#    the PNG exists; the table by bs has a row per iodepth;
#  - the plan file gives the same plan; the command line overrides it;
#  - bad --axis values and plan-file keys are refused with exact text, before
#    anything is written;
#  - the variance gate repeats each point (bs value) on its own;
#  - kill -9 of an axis sweep, then --resume: one run per point, no duplicate.
source "$UB_TOP/tests/lib.sh"
source "$UB_TOP/tests/sweep/sweep-lib.sh"
sweep_require axis
ub_scratch_init /dev/shm
S=$UB_SCRATCH
head -c 16M /dev/zero >"$S/target"
q() { sqlite3 -batch "$1" "$2"; }
# plan_of DB SWEEP: "config iodepth axes repeat" per point, in plan order.
plan_of() { q "$1" "SELECT config || ' ' || iodepth || ' ' || axes || ' ' || repeat FROM sweep_plan WHERE sweep = '$2' ORDER BY seq"; }
want_plan="interrupt 1 bs=4k 1
interrupt 1 bs=16k 1
interrupt 4 bs=4k 1
interrupt 4 bs=16k 1"

# ---------------------------------------------------------------- bs x iodepth
db=$S/ax.db out=$S/ax
run_sweep --target "$S/target" --axis bs=4k,16k --iodepths 1,4 --configs interrupt --runtime 1 \
	--db "$db" --sweep-name ax --out "$out" >"$S/ax.log" 2>&1
expect_eq axis-exit "$?" 0
expect_eq axis-header "$(grep -c '^  1 configs x 2 iodepths (1,4) x 2 bs (4k,16k) x 1 repeats, 1s each$' "$S/ax.log")" 1
expect_eq axis-plan "$(plan_of "$db" ax)" "$want_plan"
expect_eq axis-plan-done "$(q "$db" "SELECT count(*) || ':' || count(DISTINCT run_id) || ':' || sum(fate = 'done') FROM sweep_plan WHERE sweep = 'ax'")" "4:4:4"
# Each point's run: its jobs have its bs and its iodepth (fio's own JSON, imported).
expect_eq axis-jobs-bs "$(q "$db" "SELECT p.iodepth || ' ' || p.axes || ' -> ' || group_concat(DISTINCT j.iodepth || ' bs=' || j.bs || ' ' || json_extract(j.options, '\$.bs'))
	FROM sweep_plan p JOIN jobs j ON j.run_id = p.run_id WHERE p.sweep = 'ax' GROUP BY p.seq ORDER BY p.seq")" \
	"1 bs=4k -> 1 bs=4k 4k
1 bs=16k -> 1 bs=16k 16k
4 bs=4k -> 4 bs=4k 4k
4 bs=16k -> 4 bs=16k 16k"
expect_eq axis-job-files "$(cd "$out/jobs" && ls | sort | paste -sd ' ')" "qd1-bs=16k.fio qd1-bs=4k.fio qd4-bs=16k.fio qd4-bs=4k.fio"
# The profile's [interrupt] sets no bs, [global] does: the axis line ends the section.
expect_eq axis-job-file-last-line "$(sed -n '/^\[interrupt\]/,/^\[/p' "$out/jobs/qd4-bs=16k.fio" | grep -v '^\[' | tail -n 2 | paste -sd '|')" \
	"; --axis bs=16k|bs=16k"
expect_eq axis-progress-lines "$(grep -cE '^\[[1-4]/4\] interrupt +qd=(1|4) +bs=(4k|16k) rep 1 +[0-9.]+ kIOPS' "$S/ax.log")" 4
expect_eq axis-options-stored "$(q "$db" "SELECT count(*) FROM sweeps, json_each(sweeps.options) a JOIN json_each(sweeps.options) b ON b.key = a.key + 1
	WHERE name = 'ax' AND a.value = '--axis' AND b.value = 'bs=4k,16k'")" 1

# ---------------------------------------------------------------- graphs and tables by bs
if command -v gnuplot >/dev/null; then
	plot --db "$db" --sweep ax --out "$S/plot" --x bs --formats png >"$S/plot.log" 2>&1
	expect_eq axis-plot-exit "$?" 0
	dat=$S/plot/kiops-by-bs.dat
	expect_eq axis-plot-x-values "$(grep -v '^#' "$dat" | awk 'NF { print $1 }' | sort -n | uniq -c | awk '{ print $2 "x" $1 }' | paste -sd ' ')" \
		"4096x2 16384x2"
	expect_eq axis-plot-lines "$(grep '^# config:' "$dat")" "# config: interrupt qd=1
# config: interrupt qd=4"
	# The qd=4 bs=16k point is the run's kIOPS, as the database has it.
	expect_eq axis-plot-value "$(awk '/qd=4/ { b = 1 } b && $1 == 16384 { print $2 }' "$dat")" \
		"$(q "$db" "SELECT printf('%.3f', r.kiops) FROM run_points r JOIN sweep_plan p ON p.run_id = r.run_id WHERE p.sweep = 'ax' AND p.iodepth = 4 AND p.axes = 'bs=16k'")"
	is_png "$S/plot/kiops-by-bs.png" && ok axis-plot-png || not_ok "axis-plot-png: no PNG: $(cat "$S/plot.log")"
else
	skip "axis-plot: no gnuplot"
fi
expect_eq axis-table-by-bs "$("$UB_DB" --db "$db" table --sweep ax --columns bs | sed -n '1,4p' | sed 's/ [0-9.]*~\{0,1\} |/ N |/g')" \
	"| config | 4k | 16k |
|---|---|---|
| interrupt qd=1 | N | N |
| interrupt qd=4 | N | N |"
expect_eq axis-table-one-iodepth "$("$UB_DB" --db "$db" table --sweep ax --columns bs --iodepth 4 | sed -n 3p | cut -d'|' -f2)" " interrupt "
out_msg=$("$UB_DB" --db "$db" table --sweep ax 2>&1); rc=$?
expect_eq axis-table-no-mix "$rc:$out_msg" "2:uringbpf-db table: the results hold several bs values (4k, 16k): choose one with --bs BS"

# ---------------------------------------------------------------- --plan FILE
cat >"$S/sweep.ini" <<EOF
; the sweep above, as a plan file
[sweep]
target = $S/target
iodepths = 1,4
configs = interrupt
runtime = 1
[axis]
bs = 4k,16k
EOF
run_sweep --plan "$S/sweep.ini" --db "$db" --sweep-name axplan --out "$S/axplan" >"$S/axplan.log" 2>&1
expect_eq plan-file-exit "$?" 0
expect_eq plan-file-same-plan "$(plan_of "$db" axplan)" "$want_plan"
expect_eq plan-file-runs "$(q "$db" "SELECT count(*) FROM sweep_plan WHERE sweep = 'axplan' AND fate = 'done'")" 4
# The command line overrides the file (iodepths, and the bs axis).
out_msg=$(run_sweep --plan "$S/sweep.ini" --iodepths 2 --axis bs=8k --dry-run --db "$S/none.db" 2>&1)
expect_eq plan-file-overridden "$(grep -c '^  1 configs x 1 iodepths (2) x 1 bs (8k) x 1 repeats, 1s each$' <<<"$out_msg")" 1
printf '[sweep]\ntarget=%s\niodepth=1,4\n' "$S/target" >"$S/bad.ini"
out_msg=$(run_sweep --plan "$S/bad.ini" --db "$S/none.db" 2>&1); rc=$?
expect_eq plan-file-unknown-key "$rc:$out_msg" "2:sweep: --plan $S/bad.ini:3: unknown key 'iodepth' in [sweep] (the keys are the long options of uringbpf sweep without --, e.g. iodepths=1,4; see --help)"
printf '[sweep]\n[axes]\nbs=4k\n' >"$S/bad.ini"
out_msg=$(run_sweep --plan "$S/bad.ini" --db "$S/none.db" 2>&1); rc=$?
expect_eq plan-file-unknown-section "$rc:$out_msg" "2:sweep: --plan $S/bad.ini:2: unknown section [axes] (want [sweep] or [axis])"

# ---------------------------------------------------------------- dry run
out_msg=$(run_sweep --target "$S/target" --axis bs=4k,16k --axis rw=randread,randwrite --iodepths 2 \
	--configs interrupt --db "$S/none.db" --sweep-name dry --out "$S/dry" --dry-run 2>&1)
expect_eq dry-run-combinations "$(grep '^  # ' <<<"$out_msg")" "  # interrupt qd=2 bs=4k rw=randread
  # interrupt qd=2 bs=4k rw=randwrite
  # interrupt qd=2 bs=16k rw=randread
  # interrupt qd=2 bs=16k rw=randwrite"
expect_eq dry-run-job-file "$(grep -c -- "--section=interrupt $S/dry/jobs/qd2-bs=16k-rw=randwrite.fio" <<<"$out_msg")" 1

# ---------------------------------------------------------------- refusals
refused() {	# NAME WANT ARGS...: exit 2 with WANT, nothing written
	local name=$1 want=$2 msg rc
	shift 2
	msg=$(run_sweep --target "$S/target" --configs interrupt --runtime 1 --db "$S/refused.db" \
		--sweep-name refused --out "$S/refused" "$@" 2>&1)
	rc=$?
	expect_eq "$name" "$rc:$msg|$(ls "$S/refused.db" "$S/refused" 2>/dev/null | wc -l)" "2:$want|0"
}
refused axis-bad-value "sweep: --axis bs=4k,abc: fio refuses bs=abc: failed parsing bs=abc" --axis bs=4k,abc
refused axis-bad-rw "sweep: --axis rw=randread,sideways: fio refuses rw=sideways: failed parsing rw=sideways" --axis rw=randread,sideways
refused axis-iodepth "sweep: --axis: iodepth is the sweep's own axis; use --iodepths 1,2" --axis iodepth=1,2
refused axis-twice "sweep: --axis: bs is given twice; give all its values in one --axis bs=V1,V2" --axis bs=4k --axis bs=8k
refused axis-dup-value "sweep: --axis: bs value '4k' is given twice" --axis bs=4k,16k,4k
refused axis-empty-value "sweep: --axis: 'bs=4k,,8k' has an empty value (values are comma-separated)" --axis bs=4k,,8k
refused axis-no-values "sweep: --axis: 'bs' is not PARAM=V1,V2,... with PARAM a fio job option (e.g. --axis bs=4k,16k)" --axis bs
refused axis-bad-name "sweep: --axis: 'b-s=4k' is not PARAM=V1,V2,... with PARAM a fio job option (e.g. --axis bs=4k,16k)" --axis b-s=4k

# ---------------------------------------------------------------- variance gate
# Two runs never agree to 0.000001% (their kIOPS, 3 decimals, differ): each point
# (bs value) gets its third run, planned with its axes, and the gate's lines name them.
db=$S/gate.db
run_sweep --target "$S/target" --axis bs=4k,16k --iodepths 1 --configs interrupt --runtime 1 \
	--repeats 2 --max-stddev-pct 0.000001 --max-repeats 3 --db "$db" --sweep-name gate --out "$S/gate" >"$S/gate.log" 2>&1
expect_eq gate-axis-exit "$?" 0
expect_eq gate-axis-plan "$(q "$db" "SELECT axes || ':' || group_concat(repeat || fate, ',') FROM (SELECT * FROM sweep_plan WHERE sweep = 'gate' ORDER BY seq) GROUP BY axes ORDER BY min(seq)")" \
	"bs=4k:1done,2done,3done
bs=16k:1done,2done,3done"
expect_eq gate-axis-said "$(grep -cE '^  interrupt qd=1 bs=(4k|16k): stddev [0-9.]+% > 0.000001%, one more run$' "$S/gate.log")|$(grep -cE '^  unstable: interrupt qd=1 bs=(4k|16k) stddev' "$S/gate.log")" "2|2"
expect_eq gate-axis-runs-bs "$(q "$db" "SELECT p.axes || ':' || count(*) FROM sweep_plan p JOIN jobs j ON j.run_id = p.run_id AND 'bs=' || j.bs = p.axes WHERE p.sweep = 'gate' GROUP BY p.axes ORDER BY min(p.seq)")" \
	"bs=4k:3
bs=16k:3"

# ---------------------------------------------------------------- kill -9, --resume
db=$S/k9.db out=$S/k9
runs_at_least() { [ "$(q "$1" "SELECT count(*) FROM runs WHERE sweep = '$2'" 2>/dev/null)" -ge "$3" ] 2>/dev/null; }
run_sweep --target "$S/target" --axis bs=4k,16k --iodepths 1,2 --configs interrupt --runtime 1 \
	--db "$db" --sweep-name k9 --out "$out" >"$S/k9.log" 2>&1 &
pid=$!
if wait_for 60 runs_at_least "$db" k9 2; then
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	ok "resume-axis-killed: after $(q "$db" "SELECT count(*) FROM runs WHERE sweep = 'k9'") runs"
else
	kill -KILL "$pid" 2>/dev/null
	not_ok "resume-axis-killed: the sweep did not import 2 runs: $(tail -n 3 "$S/k9.log" | tr '\n' '|')"
fi
# OUT's lock is free once the sweep is gone (t-sweep-resume checks); wait anyway.
wait_for 30 flock -n "$out/.sweep.lock" true
env "UB_FIO=$(sweep_fio)" "UB_DB=$UB_DB" "$SWEEP" --resume k9 --db "$db" >"$S/k9-resume.log" 2>&1
expect_eq resume-axis-exit "$?" 0
expect_eq resume-axis-one-run-per-point "$(q "$db" "SELECT p.iodepth || ' ' || p.axes || ' ' || count(DISTINCT r.id) || ' ' || group_concat(DISTINCT j.bs)
	FROM sweep_plan p JOIN runs r ON r.sweep = p.sweep AND r.id = p.run_id JOIN jobs j ON j.run_id = r.id
	WHERE p.sweep = 'k9' GROUP BY p.seq ORDER BY p.seq")" \
	"1 bs=4k 1 4k
1 bs=16k 1 16k
2 bs=4k 1 4k
2 bs=16k 1 16k"
expect_eq resume-axis-no-duplicate "$(q "$db" "SELECT count(*) || ':' || count(DISTINCT j.iodepth || j.bs) FROM runs r JOIN jobs j ON j.run_id = r.id WHERE r.sweep = 'k9'")" "4:4"
expect_eq resume-axis-fates "$(q "$db" "SELECT group_concat(fate || ':' || n) FROM (SELECT fate, count(*) AS n FROM sweep_plan WHERE sweep = 'k9' GROUP BY fate)")" "done:4"
finish
