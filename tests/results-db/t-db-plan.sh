#!/bin/bash
# A sweep's plan and its points' fates (results-db/sweep_plan.c), without
# fio: plan-add (one transaction; a bad line adds nothing; a point planned
# twice is kept once), plan-options read back byte for byte, fate (a skip or
# failure stops its config; done is refused: it is the import's), the import
# marking its point done, plan-pending, plan-end, resume-sweep's exit codes,
# not-run.
source "$UB_TOP/tests/lib.sh"
source "$UB_TOP/tests/results-db/helpers.sh"
db_need_tool
ub_scratch_init
db=$UB_SCRATCH/p.db
D() { "$UB_DB" --db "$db" "$@"; }
D claim-sweep s >/dev/null

# A bad line: nothing of the plan is kept.
out=$(printf 'a\t1\t1\tj\nb\tx\t1\tj\n' | D plan-add s 2>&1); rc=$?
expect_eq plan-add-bad-line "$rc:$out" "2:uringbpf-db plan-add: plan line 2: want CONFIG, IODEPTH, REPEAT, JOBFILE [, skipped or nothing, CODE, TEXT [, AXES]] separated by tabs"
expect_eq plan-add-atomic "$(q "$db" "SELECT count(*) FROM sweep_plan")" 0
out=$(printf 'a\t1\t1\tj\n' | D plan-add nosuch 2>&1); rc=$?
expect_eq plan-add-unclaimed "$rc:$out" "1:uringbpf-db plan-add: no sweep named 'nosuch': claim-sweep it first"

plan='a	1	1	j1
a	4	1	j4
b	1	1	j1
b	4	1	j4
p	1	1	j1	skipped	cannot_poll	IOPOLL needs a device with poll queues
p	4	1	j4	skipped	cannot_poll	IOPOLL needs a device with poll queues
a	1	2	j1
a	4	2	j4
b	1	2	j1
b	4	2	j4'
expect_eq plan-add "$(D plan-add s <<<"$plan")" "planned 10 points for sweep s"
expect_eq plan-add-again "$(printf 'a\t1\t1\tj1\na\t1\t3\tj1\n' | D plan-add s)" "planned 1 points for sweep s (1 planned already)"
expect_eq plan-seq "$(q "$db" "SELECT group_concat(seq || config || iodepth || repeat, ' ') FROM sweep_plan")" \
	"1a11 2a41 3b11 4b41 5p11 6p41 7a12 8a42 9b12 10b42 11a13"

# Options: any byte but NUL survives (spaces, tabs, newlines, quotes, unicode).
printf '%s\0' --target '/x y/t' --set $'V=a\tb\nc' --sweep-name s "--x='\"µ" >"$UB_SCRATCH/argv"
D plan-options s "$UB_SCRATCH/argv"
D resume-sweep s >"$UB_SCRATCH/back"
expect_eq plan-options-round-trip "$(cmp "$UB_SCRATCH/argv" "$UB_SCRATCH/back" && echo same)" same

# Fates.  A skipped or failed point stops its config: every pending point
# of it takes that fate, caused by this one (the sweep runs none of them).
out=$(D fate s a 1 1 done 2>&1); rc=$?
expect_eq fate-done-refused "$rc:$out" "2:uringbpf-db fate: fate 'done': give skipped, failed or interrupted (done is recorded by import --sweep --config --repeat)"
out=$(D fate s a 1 1 failed 2>&1); rc=$?
expect_eq fate-needs-reason "$rc:$out" "2:uringbpf-db fate: fate failed needs a CODE and a TEXT saying why"
out=$(D fate s zz 1 1 failed c t 2>&1); rc=$?
expect_eq fate-unknown-point "$rc:$out" "1:uringbpf-db fate: sweep 's' has no pending point zz qd=1 repeat 1 (not planned, or its run is imported already)"
expect_eq fate-failed "$(D fate -- s b 4 1 failed fio_exit 'fio: -boom')" "s b qd=4 repeat 1: failed"
expect_eq fate-stops-config "$(q "$db" "SELECT group_concat(seq || fate || coalesce(cause_seq, '-'), ' ') FROM sweep_plan WHERE config = 'b'")" \
	"3failed4 4failed- 9failed4 10failed4"
expect_eq fate-interrupted "$(D fate s a 4 1 interrupted signal 'SIGINT stopped the run')" "s a qd=4 repeat 1: interrupted"

# The import marks its point done, in its own transaction.
D import --sweep s --config a --repeat 1 "$FIX/sweep-int-qd1-r1.json" >/dev/null
expect_eq import-marks-done "$(q "$db" "SELECT fate || ':' || run_id FROM sweep_plan WHERE seq = 1")" "done:1"
out=$(D fate s a 1 1 failed c t 2>&1); rc=$?
expect_eq fate-after-done-refused "$rc" 1
expect_eq plan-pending "$(D plan-pending s)" "2	a	4	1	j4	
7	a	1	2	j1	
8	a	4	2	j4	
11	a	1	3	j1	"
expect_eq not-run "$(D not-run --sweep s)" "a	4	interrupted: SIGINT stopped the run (signal)	interrupted	signal	
b	4	FAILED: fio: -boom (fio_exit)	failed	fio_exit	
p	all	IOPOLL needs a device with poll queues (cannot_poll)	skipped	cannot_poll	
a	1	not run yet (3 runs): resume with uringbpf sweep --resume s	planned		"

# resume-sweep: 4 when nothing is pending, 1 for an unknown or unplanned sweep.
for p in $(D plan-pending s | cut -f 2-4 | tr '\t' ,); do
	IFS=, read -r c qd r <<<"$p"
	D fate s "$c" "$qd" "$r" skipped x y >/dev/null 2>&1	# the first stops the others
done
# Nothing pending, but the sweep did not reach its end (killed before its
# variance gate planned more): it resumes.
D resume-sweep s >/dev/null; rc=$?
expect_eq resume-not-ended "$rc" 0
D plan-end s
out=$(D resume-sweep s 2>&1); rc=$?
expect_eq resume-complete "$rc:$out" "4:uringbpf-db resume-sweep: sweep 's' is complete: 11 points planned, 1 done, 6 skipped, 4 failed; nothing to resume"
out=$(D resume-sweep t 2>&1); rc=$?
expect_eq resume-unknown "$rc:$out" "1:uringbpf-db resume-sweep: $db has no sweep named 't'"
out=$(D not-run 2>&1); rc=$?
expect_eq not-run-needs-sweep "$rc:$out" "2:uringbpf-db not-run: not-run needs --sweep NAME"
finish
