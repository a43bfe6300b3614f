#!/bin/bash
# The sweep decides skip or FAILED from the engine's report (report=FILE,
# read with uringbpf-db engine-report), never from stderr:
# - a section the engine refuses with a skip code (hybrid_iopoll=1 without
#   hipri: option_invalid) is skipped, its reason the report's message + code;
# - a section that fails after I/O (verify_only on a blank file: fio_error)
#   is FAILED;
# - a section fio stops before the engine starts (no report) is FAILED;
# - a section on fio's own io_uring engine runs (report= is added only after
#   our engine's ioengine= line), and the run of ours that ran is imported
#   with the ring flags its report holds.
source "$UB_TOP/tests/lib.sh"
source "$UB_TOP/tests/sweep/sweep-lib.sh"
sweep_require engine-report
ub_scratch_init /dev/shm
S=$UB_SCRATCH

cat >"$S/p.fio" <<'EOT'
[global]
ioengine=${ENGINE}
filename=${TARGET}
size=${SIZE}
direct=${DIRECT}
rw=randread
bs=4k
iodepth=${IODEPTH}
runtime=${RUNTIME}
time_based=1

[good]
sqthread_poll=1

[theirs]
ioengine=io_uring

[badopt]
hybrid_iopoll=1

[verifyfail]
rw=read
verify=crc32c
verify_only=1
time_based=0

[nodir]
filename=/proc/ub-no-such-dir/f
EOT
run_sweep --profile "$S/p.fio" --target "$S/target" --size 8m --iodepths 1 --runtime 1 \
	--db "$S/r.db" --sweep-name er --out "$S/out" >"$S/sweep.log" 2>&1
rc=$?
got=$(awk -F'\t' '{ sub(/: file:.*\(fio_error\)$/, ": ...(fio_error)", $3); sub(/^FAILED: fio: .*/, "FAILED: fio: ...", $3); print $1 "|" $2 "|" $3 }' "$S/out/skipped.tsv" | sort)
want="badopt|1|hybrid_iopoll=1 needs hipri=1 (it is a variant of IOPOLL) (option_invalid)
nodir|1|FAILED: fio: ...
verifyfail|1|FAILED: ...(fio_error)"
expect_eq "engine-report-verdicts: skip by code, FAILED by code, FAILED without a report (sweep exit $rc)" "$got" "$want"

# The two runs that ran are in the database; ours with the report's ring.
expect_eq "engine-report-imported" "$(db_runs "$S/r.db" er | awk -F'\t' '{ print $4 }' | sort | paste -sd' ')" \
	"good theirs"
want=$(sqlite3 :memory: "select json_extract(j, '\$.ring.entries') || ' entries, flags ' ||
	(select group_concat(value, '|') from json_each(j, '\$.ring.flags'))
	from (select cast(readfile('$S/out/log/good-qd1-r1.report.jsonl') as text) as j)")
got=$(sqlite3 "$S/r.db" "select t.value from tags t join runs r on r.id = t.run_id where t.key = 'ring'" 2>&1)
case $want in *SQPOLL*) ;; *) want="(no SQPOLL in the report: $want)" ;; esac
expect_eq "engine-report-ring-tag: the run's ring tag is its report's ring" "$got" "$want"
# The report is stored with the run it belongs to, as the engine wrote it.
got=$(sqlite3 "$S/r.db" "select r.config || ':' || e.job || ':' || e.outcome || ':' || json_extract(e.report, '\$.ios')
	from engine_reports e join runs r on r.id = e.run_id" 2>&1)
want="good:good:ran:$(sqlite3 :memory: "select json_extract(cast(readfile('$S/out/log/good-qd1-r1.report.jsonl') as text), '\$.ios')")"
expect_eq "engine-report-stored: the run's report in engine_reports (only ours has one)" "$got" "$want"
[ -e "$S/out/log/theirs-qd1-r1.report.jsonl" ] && not_ok "engine-report-theirs: fio's io_uring wrote our report?" ||
	ok "engine-report-theirs: no report option for fio's own engine"
finish
