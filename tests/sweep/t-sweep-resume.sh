#!/bin/bash
# Resume (issues 13, 14): the plan and each point's fate are in the
# database, and "uringbpf sweep --resume NAME" runs only the planned points
# that have no finished run, with the options the sweep started with.
#  - kill -9 of the sweep after some runs are imported: the resume ends with
#    exactly the full plan, one run per (config, iodepth, repeat), no duplicate;
#  - SIGINT: the point in progress is "interrupted" (with its reason) and the
#    resume completes it;
#  - a config the target can't run (IOPOLL on tmpfs) keeps its reason in the
#    database and is never run by a resume;
#  - a sweep killed in its variance gate resumes to the gate's runs;
#  - --resume of an unknown, a finished or an unplanned sweep, or with other
#    options: a clear message and exit status.
source "$UB_TOP/tests/lib.sh"
source "$UB_TOP/tests/sweep/sweep-lib.sh"
sweep_require resume
ub_scratch_init /dev/shm
set -m	# the sweep runs in its own process group, SIGINT at its default
S=$UB_SCRATCH
head -c 16M /dev/zero >"$S/target"
q() { sqlite3 -batch "$1" "$2"; }
# runs_of DB SWEEP: the sweep's runs, "config qd repeat" (sorted, with duplicates).
runs_of() {
	q "$1" "SELECT r.config || ' ' || j.iodepth || ' ' || r.repeat FROM runs r
		JOIN jobs j ON j.run_id = r.id WHERE r.sweep = '$2' ORDER BY 1"
}
# The full plan of the sweeps below: 2 configs that run x 2 iodepths x 2 repeats.
full_plan=$(for c in interrupt sqpoll; do for qd in 1 2; do for r in 1 2; do echo "$c $qd $r"; done; done; done | sort)
# runs_at_least DB SWEEP N: the database holds N runs of SWEEP (or more).
runs_at_least() { [ "$(q "$1" "SELECT count(*) FROM runs WHERE sweep = '$2'" 2>/dev/null)" -ge "$3" ] 2>/dev/null; }
# resume ARGS: uringbpf sweep --resume with this build (the engine comes from the database).
resume() { env "UB_FIO=$(sweep_fio)" "UB_DB=$UB_DB" "$SWEEP" --resume "$@"; }
# no_fio_left OUT: no fio of the sweep (an orphan of kill -9 runs out its 1 s).
no_fio_left() { ! pgrep -f -- "--output=$1/" >/dev/null; }

# ---------------------------------------------------------------- kill -9
db=$S/k9.db out=$S/k9
env "UB_FIO=$(sweep_fio)" "UB_DB=$UB_DB" "$SWEEP" --engine "external:$UB_ENGINE" \
	--target "$S/target" --configs interrupt,sqpoll,iopoll --iodepths 1,2 --repeats 2 --runtime 1 \
	--db "$db" --sweep-name k9 --out "$out" >"$S/k9.log" 2>&1 &
pid=$!
# After three runs are imported (the DB says so), in the middle of the fourth.
n_before=0
if wait_for 90 runs_at_least "$db" k9 3; then
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	n_before=$(q "$db" "SELECT count(*) FROM runs WHERE sweep = 'k9'")
	ok "resume-kill9-killed: sweep killed with SIGKILL after $n_before runs imported"
	# OUT's lock goes with the sweep, though the run's cgexec child and fio live on.
	expect_eq resume-kill9-lock-free "$(flock -n "$out/.sweep.lock" true && echo free)" free
else
	kill -KILL "$pid" 2>/dev/null
	not_ok "resume-kill9-killed: the sweep did not import 3 runs: $(tail -n 3 "$S/k9.log" | tr '\n' '|')"
fi
wait_for 20 no_fio_left "$out"
expect_eq resume-kill9-plan-before \
	"$(q "$db" "SELECT count(*) || ' planned, ' || sum(fate = 'done') || ' done, ' || sum(fate = 'skipped') || ' skipped' FROM sweep_plan WHERE sweep = 'k9'")" \
	"12 planned, $n_before done, 4 skipped"
expect_eq resume-kill9-pending-before "$("$UB_DB" --db "$db" plan-pending k9 | wc -l)" $((8 - n_before))
# What the killed sweep did not run: IOPOLL (skipped, for the whole sweep),
# and a line per config with pending points, how many, and how to resume.
notrun=$("$UB_DB" --db "$db" not-run --sweep k9)
expect_eq resume-kill9-not-run-skip "$(grep -c "^iopoll	all	IOPOLL needs direct=1 and this run is buffered (DIRECT=0, tmpfs) (cannot_poll)	skipped	cannot_poll	$" <<<"$notrun")" 1
expect_eq resume-kill9-not-run-pending \
	"$(awk -F'\t' '$4 == "planned" { print $1 }' <<<"$notrun" | sort | paste -sd,)|$(sed -n 's/.*not run yet (\([0-9]*\) runs\{0,1\}): resume with uringbpf sweep --resume k9	planned		$/\1/p' <<<"$notrun" | paste -sd+ | bc)" \
	"$("$UB_DB" --db "$db" plan-pending k9 | cut -f 2 | sort -u | paste -sd,)|$((8 - n_before))"

resume k9 --db "$db" >"$S/k9-resume.log" 2>&1
rc=$?
expect_eq resume-kill9-exit "$rc" 0
expect_eq resume-kill9-said "$(grep -c "resuming: $((8 - n_before)) of its planned points have no finished run" "$S/k9-resume.log")" 1
expect_eq resume-kill9-full-plan "$(runs_of "$db" k9)" "$full_plan"
expect_eq resume-kill9-no-duplicate "$(q "$db" "SELECT count(*) FROM runs WHERE sweep = 'k9'")|$(runs_of "$db" k9 | uniq -d | wc -l)" "8|0"
expect_eq resume-kill9-ran-only-pending "$(grep -c ' kIOPS ' "$S/k9-resume.log")" $((8 - n_before))
expect_eq resume-kill9-fates \
	"$(q "$db" "SELECT fate || ':' || count(*) || ':' || count(DISTINCT run_id) FROM sweep_plan WHERE sweep = 'k9' GROUP BY fate ORDER BY fate")" \
	"done:8:8
skipped:4:0"
# Every done point names its own run, the run of that config, iodepth and repeat.
expect_eq resume-kill9-done-is-its-run "$(q "$db" "SELECT count(*) FROM sweep_plan p JOIN runs r ON r.id = p.run_id
	JOIN jobs j ON j.run_id = r.id WHERE p.sweep = 'k9' AND r.config = p.config AND r.repeat = p.repeat
	AND j.iodepth = p.iodepth")" 8
# Skipped points keep their reason, and no resume ran them.
expect_eq resume-kill9-skip-kept "$(q "$db" "SELECT DISTINCT config || '|' || code || '|' || stage || '|' || text FROM sweep_plan WHERE fate = 'skipped'")" \
	"iopoll|cannot_poll|plan|IOPOLL needs direct=1 and this run is buffered (DIRECT=0, tmpfs)"
expect_eq resume-kill9-skipped-not-run "$(q "$db" "SELECT count(*) FROM runs WHERE config = 'iopoll'")" 0
expect_eq resume-kill9-skipped-tsv "$(cut -f 1-3 "$out/skipped.tsv")" \
	"$(printf 'iopoll\tall\tIOPOLL needs direct=1 and this run is buffered (DIRECT=0, tmpfs) (cannot_poll)')"

# A finished sweep: nothing to resume, said, exit 0, nothing run.
out_msg=$(resume k9 --db "$db" 2>&1); rc=$?
expect_eq resume-finished "$rc:$out_msg" "0:sweep: sweep 'k9' is complete: 12 points planned, 8 done, 4 skipped, 0 failed; nothing to resume"
expect_eq resume-finished-no-run "$(q "$db" "SELECT count(*) FROM runs")" 8

# ---------------------------------------------------------------- SIGINT
db=$S/int.db out=$S/int
env "UB_FIO=$(sweep_fio)" "UB_DB=$UB_DB" "$SWEEP" --engine "external:$UB_ENGINE" \
	--target "$S/target" --configs interrupt,sqpoll --iodepths 1,2 --repeats 2 --runtime 2 \
	--db "$db" --sweep-name int --out "$out" >"$S/int.log" 2>&1 &
pid=$!
if wait_for 60 runs_at_least "$db" int 1 &&
	wait_for 30 test -e "$out/log/interrupt-qd2-r1.log"; then
	sleep 0.5
	kill -INT "$pid"
	wait "$pid"
	expect_eq resume-int-exit $? 130
else
	kill -KILL "$pid" 2>/dev/null
	not_ok "resume-int-exit: the sweep did not get to its second run: $(tail -n 3 "$S/int.log" | tr '\n' '|')"
fi
expect_eq resume-int-fate "$(q "$db" "SELECT config || ' ' || iodepth || ' ' || repeat || '|' || code || '|' || text FROM sweep_plan WHERE fate = 'interrupted'")" \
	"interrupt 2 1|signal|SIGINT stopped the run; it was discarded"
expect_eq resume-int-not-run "$(grep -c "^interrupt	2	interrupted: SIGINT stopped the run; it was discarded (signal)	interrupted	signal	$" "$out/skipped.tsv")" 1
expect_eq resume-int-said "$(grep -c "interrupted: finish it with: uringbpf sweep --resume int --db $db" "$S/int.log")" 1
# The graphs' "Not run:" list comes from the database (no skipped.tsv needed).
rm -f "$out/skipped.tsv"
if command -v gnuplot >/dev/null; then
	UB_DB=$UB_DB "$PLOT" --db "$db" --sweep int --out "$S/plot-int" --formats png >"$S/plot.log" 2>&1
	expect_eq resume-int-plot-not-run "$(sed -n '/^Not run:/,$p' "$S/plot-int/table.md" 2>&1)" \
		"Not run:
- interrupt (from qd=2): interrupted: SIGINT stopped the run; it was discarded (signal)
- sqpoll (from qd=1): not run yet (4 runs): resume with uringbpf sweep --resume int
- interrupt (from qd=1): not run yet (2 runs): resume with uringbpf sweep --resume int"
else
	skip "resume-int-plot-not-run: no gnuplot"
fi
resume int --db "$db" >"$S/int-resume.log" 2>&1
expect_eq resume-int-resume-exit $? 0
expect_eq resume-int-full-plan "$(runs_of "$db" int)" "$full_plan"
expect_eq resume-int-fates "$(q "$db" "SELECT group_concat(fate || ':' || n, ' ') FROM (SELECT fate, count(*) AS n FROM sweep_plan GROUP BY fate)")" "done:8"
expect_eq resume-int-skipped-tsv-empty "$(wc -c <"$out/skipped.tsv")" 0

# ---------------------------------------------------------------- variance gate
# Killed after the 2 planned runs are imported, while the gate decides or
# runs its extra repeat: the resume ends with the gate's 3 runs (two runs
# never agree to 0.000001%; --max-repeats 3), each once.
db=$S/gate.db out=$S/gate
env "UB_FIO=$(sweep_fio)" "UB_DB=$UB_DB" "$SWEEP" --engine "external:$UB_ENGINE" \
	--target "$S/target" --configs interrupt --iodepths 1 --repeats 2 --max-stddev-pct 0.000001 \
	--max-repeats 3 --runtime 1 --db "$db" --sweep-name gate --out "$out" >"$S/gate.log" 2>&1 &
pid=$!
wait_for 60 runs_at_least "$db" gate 2
kill -KILL "$pid"
wait "$pid" 2>/dev/null
wait_for 20 no_fio_left "$out"
resume gate --db "$db" >"$S/gate-resume.log" 2>&1
expect_eq resume-gate-exit $? 0
expect_eq resume-gate-runs "$(runs_of "$db" gate | paste -sd,)" "interrupt 1 1,interrupt 1 2,interrupt 1 3"
expect_eq resume-gate-plan "$(q "$db" "SELECT group_concat(repeat || fate, ' ') FROM sweep_plan WHERE sweep = 'gate'")|$(q "$db" "SELECT ended_at IS NOT NULL FROM sweeps WHERE name = 'gate'")" \
	"1done 2done 3done|1"
# A kill after the last import and before the sweep's end (the gate not yet
# decided) leaves nothing pending and no end mark, as this UPDATE does: the
# resume runs nothing, the gate counts the 3 runs in the database, and the
# sweep ends.
q "$db" "UPDATE sweeps SET ended_at = NULL WHERE name = 'gate'"
resume gate --db "$db" >"$S/gate-resume2.log" 2>&1
expect_eq resume-gate-only-gate "$?|$(grep -c -e '^  resuming: 0 of its planned points have no finished run (then the variance gate)$' \
	-e '^  unstable: interrupt qd=1 stddev .* after 3 runs (--max-repeats)$' "$S/gate-resume2.log")|$(runs_of "$db" gate | wc -l)|$(q "$db" "SELECT ended_at IS NOT NULL FROM sweeps WHERE name = 'gate'")" \
	"0|2|3|1"

# ---------------------------------------------------------------- refusals
out_msg=$(resume nope --db "$db" 2>&1); rc=$?
expect_eq resume-unknown "$rc:$out_msg" "2:sweep: --resume: $db has no sweep named 'nope'"
out_msg=$(resume int --db "$db" --runtime 5 2>&1); rc=$?
expect_eq resume-conflicting-option "$rc:$out_msg" \
	"2:sweep: --resume takes the sweep's options from the database, so '--runtime' can't be given with it (only --db PATH)"
out_msg=$(resume int --db "$S/none.db" 2>&1); rc=$?
expect_eq resume-no-db "$rc:$out_msg" "2:sweep: --db: $S/none.db does not exist (--resume reads sweep int from it)"
"$UB_DB" --db "$db" import --sweep byhand "$UB_TOP/tests/results-db/fixtures/sweep-int-qd1-r1.json" >/dev/null
out_msg=$(resume byhand --db "$db" 2>&1); rc=$?
expect_eq resume-unplanned "$rc:$out_msg" \
	"2:sweep: --resume: sweep 'byhand' in $db has no plan (its runs were imported by hand, or run by a sweep older than schema version 6), so it can't be resumed: run it again under another --sweep-name"
finish
