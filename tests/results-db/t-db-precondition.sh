#!/bin/bash
# Steady state and preconditioning (issue 14, schema 7): the importer keeps
# fio's steady-state verdict of every job that used ss= (steady_state), and
# a sweep's preconditioning is recorded with it: on a device, the run of
# profiles/phases/precondition.fio (its fill, then random writes until
# steady); on a file, that it does not apply and why.  Expected values are
# read from fio's JSON with the sqlite3 CLI.
source "$UB_TOP/tests/lib.sh"
source "$UB_TOP/tests/results-db/helpers.sh"
db_test_init
[ -x "$UB_FIO" ] || { skip "precondition: no fio at $UB_FIO"; finish; }
shm=$(ub_tmpdir /dev/shm)
ub_at_exit "rm -rf $shm"

# --- steady_state: one job that attains it, one that cannot, one without ss=.
ub_fio --output-format=json+ --output="$tmp/ss.json" \
	--name=steady --filename="$shm/f" --size=16m --rw=randread --bs=4k --ioengine=psync \
	--time_based --runtime=20 --ss=iops_slope:30% --ss_dur=2 --ss_ramp=1 \
	--name=never --stonewall --filename="$shm/f" --size=16m --rw=randread --bs=4k --ioengine=psync \
	--time_based --runtime=3 --ss=iops:0.000001% --ss_dur=2 \
	--name=plain --stonewall --filename="$shm/f" --size=16m --rw=randread --bs=4k --ioengine=psync \
	--number_ios=100 >"$tmp/ss.log" 2>&1
expect_eq ss-fio "$?" 0
ub_must ss-import "$UB_DB" --db "$db" import --sweep ss "$tmp/ss.json" >/dev/null
for i in 0 1; do
	want=$(jx "$tmp/ss.json" "json_extract(j, '\$.jobs[$i].jobname') || '|' ||
		json_extract(j, '\$.jobs[$i].steadystate.ss') || '|' || json_extract(j, '\$.jobs[$i].steadystate.attained') || '|' ||
		json_extract(j, '\$.jobs[$i].steadystate.duration')")
	got=$(q "$db" "SELECT j.name || '|' || s.spec || '|' || s.attained || '|' || CAST(s.duration_s AS INTEGER)
		FROM steady_state s JOIN jobs j ON j.id = s.job_id WHERE j.idx = $i")
	expect_eq "ss-job-$i" "$got" "$want"
done
expect_eq ss-attained-then-not "$(q "$db" "SELECT group_concat(s.attained, ',') FROM steady_state s
	JOIN jobs j ON j.id = s.job_id ORDER BY j.idx")" "1,0"
expect_eq ss-none-without-ss "$(q "$db" "SELECT count(*) FROM steady_state s JOIN jobs j ON j.id = s.job_id
	WHERE j.name = 'plain'")" 0

# --- preconditioning a file: it does not apply, and the sweep is told why.
ub_must claim-onfile "$UB_DB" --db "$db" claim-sweep onfile >/dev/null
head -c 1M /dev/zero >"$shm/target"
out=$("$UB_DB" --db "$db" precondition-record onfile "$shm/target" 2>&1)
expect_eq precondition-file "$?:$out" "0:precondition: does not apply: $shm/target is a file on tmpfs: its pages are memory, with no flash translation layer to bring to a steady state"
expect_eq precondition-file-row "$(q "$db" "SELECT applies || '|' || (run_id IS NULL) || '|' || (reason LIKE '%tmpfs%')
	FROM preconditions WHERE sweep = 'onfile'")" "0|1|1"
out=$("$UB_DB" --db "$db" precondition-record onfile "$shm/target" "$tmp/ss.json" 2>&1)
expect_eq precondition-file-with-json "$?" 2

# --- preconditioning a device: the phase's own job file, run by fio.
ub_loopdev 32M || { not_ok "precondition-loop: cannot set up a loop device"; finish; }
dev=$UB_LOOP
ub_must claim-ondev "$UB_DB" --db "$db" claim-sweep ondev >/dev/null
out=$("$UB_DB" --db "$db" precondition-record ondev "$dev" 2>&1)
expect_eq precondition-device-needs-json "$?:$out" "2:uringbpf-db precondition-record: $dev is a device: give the fio JSON of its preconditioning run (profiles/phases/precondition.fio)"
ENGINE=external:$UB_ENGINE TARGET=$dev SIZE=32m PRECOND_LOOPS=2 PRECOND_SS=iops_slope:30% \
	PRECOND_SS_DUR=2 PRECOND_SS_RAMP=1 PRECOND_MAX=30 \
	ub_fio --output-format=json+ --output="$tmp/pre.json" "$UB_TOP/profiles/phases/precondition.fio" \
	>"$tmp/pre.log" 2>&1
expect_eq precondition-fio "$?" 0
out=$("$UB_DB" --db "$db" precondition-record ondev "$dev" "$tmp/pre.json" 2>&1)
rc=$?
want_fill=$(jx "$tmp/pre.json" "json_extract(j, '\$.jobs[0].write.io_bytes')")
want_att=$(jx "$tmp/pre.json" "json_extract(j, '\$.jobs[1].steadystate.attained')")
expect_eq precondition-device "$rc:$(q "$db" "SELECT applies || '|' || fill_bytes || '|' || ss_spec || '|' || ss_attained
	FROM precondition_summary WHERE sweep = 'ondev'")" "0:1|$want_fill|iops_slope:30.000000%|$want_att"
# Two sequential passes over the whole 32 MiB device.
expect_eq precondition-fill-twice "$want_fill" $((2 * 32 * 1024 * 1024))
case $out in
"precondition: $dev: run "*", fill 0.06 GiB in "*" s, then iops_slope:30.000000%: steady state "*) ok precondition-line ;;
*) not_ok "precondition-line: $out" ;;
esac
# The run is the sweep's, but never one of its points.
expect_eq precondition-not-a-point "$(q "$db" "SELECT count(*) FROM runs WHERE sweep = 'ondev'")|$(q "$db" "SELECT count(*)
	FROM tags t JOIN preconditions p ON p.run_id = t.run_id WHERE p.sweep = 'ondev'
	AND t.key = 'precondition_of' AND t.value = 'ondev'")" "0|1"
out=$("$UB_DB" --db "$db" precondition-record ondev "$dev" "$tmp/pre.json" 2>&1)
expect_eq precondition-once "$?:$out" "2:uringbpf-db precondition-record: sweep 'ondev' is not in the database, or was preconditioned already"
out=$("$UB_DB" --db "$db" precondition --sweep onfile 2>&1)
expect_eq precondition-show "$?:${out%%:*}" "0:precondition"
finish
