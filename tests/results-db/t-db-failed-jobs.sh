#!/bin/bash
# Issue 19.1: a job fio reports with "error" != 0 (here: refused by the
# engine at init) is stored with its error and enters no result: not a 0
# kIOPS cell, not a repeat beside a good job of the same config label. The
# import says what it left out; the table shows the cell as failed.
# Real fio runs with our engine on a tmpfs file, in one fio process each.
source "$UB_TOP/tests/lib.sh"
source "$UB_TOP/tests/results-db/helpers.sh"
db_test_init
[ -f "$UB_ENGINE" ] || { echo "the engine is not built at $UB_ENGINE"; exit 77; }
ub_scratch_init /dev/shm
shm=$UB_SCRATCH

# run_fio NAME SECTIONS...: one fio process over the sections; its JSON in $tmp/NAME.json.
run_fio() {
	local name=$1; shift
	{
		printf '[global]\nioengine=external:%s\nfilename=%s/f\nsize=16m\nrw=randread\nbs=4k\n' \
			"$UB_ENGINE" "$shm"
		printf 'runtime=300ms\ntime_based\n'
		printf '%b\n' "$@"
	} >"$tmp/$name.fio"
	ub_fio --output-format=json+ --output="$tmp/$name.json" "$tmp/$name.fio" >"$tmp/$name.log" 2>&1
}

# One good and one refused config (IOPOLL on tmpfs): two labels.
run_fio mix '[ok1]\nsqthread_poll=1' '[bad-hipri]\nstonewall\nhipri=1\ndirect=1'
expect_eq fio-refused-the-job "$(jx "$tmp/mix.json" "json_extract(j, '\$.jobs[1].error') <> 0")" 1
err=$(jx "$tmp/mix.json" "json_extract(j, '\$.jobs[1].error')")
out=$("$UB_DB" --db "$db" import --sweep mix "$tmp/mix.json"); rc=$?
expect_eq import-says-left-out "$rc:$out" "0:imported $tmp/mix.json as run 1 (2 jobs; 1 failed, stored with the error and left out of every result: [bad-hipri] error $err ($(perl -e '$! = shift; print "$!"' "$err")))"
expect_eq failed-job-stored-with-error "$(q "$db" "SELECT name || ':' || error || ':' || (error_text IS NOT NULL) FROM jobs WHERE run_id = 1 ORDER BY idx")" \
	"ok1:0:0
bad-hipri:$err:1"
expect_eq failed-job-in-no-view "$(q "$db" "SELECT (SELECT count(*) FROM job_metrics) || ' ' || (SELECT count(*) FROM run_points) || ' ' || (SELECT count(*) FROM kiops_by_iodepth) || ' ' || (SELECT group_concat(name) FROM failed_jobs)")" \
	"1 1 1 bad-hipri"
good=$(jx "$tmp/mix.json" "printf('%.1f', json_extract(j, '\$.jobs[0].read.iops') / 1000.0)")
out=$("$UB_DB" --db "$db" table --sweep mix)
expect_eq table-failed-cell "$out" "| config | 1 |
|---|---|
| uringbpf SQPOLL | $good |
| uringbpf IOPOLL | failed: $(q "$db" "SELECT error_text FROM jobs WHERE name = 'bad-hipri'") |"
expect_eq series-leaves-failed-out "$("$UB_DB" --db "$db" series --sweep mix | grep -c '^# config')" 1

# A refused run with the same label as a good one (two fio runs, as two
# repeats of one point): not a second repeat, not half the kIOPS.
run_fio same-ok '[sq]\nsqthread_poll=1'
run_fio same-bad '[sq-dt]\nsqthread_poll=1\ndefer_taskrun=1'
expect_eq same-label-refused "$(jx "$tmp/same-ok.json" "json_extract(j, '\$.jobs[0].error') = 0")$(jx "$tmp/same-bad.json" "json_extract(j, '\$.jobs[0].error') <> 0")" 11
"$UB_DB" --db "$db" import --sweep same "$tmp/same-ok.json" "$tmp/same-bad.json" >/dev/null
good=$(jx "$tmp/same-ok.json" "json_extract(j, '\$.jobs[0].read.iops') / 1000.0")
expect_eq same-label-one-config "$(q "$db" "SELECT group_concat(DISTINCT j.config) FROM jobs j JOIN runs r ON r.id = j.run_id WHERE r.sweep = 'same'")" "uringbpf SQPOLL"
expect_eq same-label-kiops-is-the-good-run "$(q "$db" "SELECT n || ' ' || printf('%.3f', kiops_mean) FROM kiops_by_iodepth WHERE sweep = 'same'")" \
	"1 $(q :memory: "SELECT printf('%.3f', $good)")"
expect_eq same-label-series-one-repeat "$("$UB_DB" --db "$db" series --sweep same | awk '!/^#/ && NF { print $NF }')" 1
finish
