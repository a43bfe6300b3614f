#!/bin/bash
# export-fioplot: a sweep's points as fio JSON in fio-plot's layout
# (OUT/<config>/<bs>/<rw>-<iodepth>-<numjobs>.json), the repeat with the median
# kIOPS per point (lower middle of an even count); failed jobs never a point.
# Expected values are read from the fixture files and the database with the
# sqlite3 CLI, and each exported file is read back with its json functions.
source "$UB_TOP/tests/lib.sh"
source "$UB_TOP/tests/results-db/helpers.sh"
db_test_init

# A third repeat of two points, its IOPS set here: above both repeats of int
# qd1 (the median is then r1 or r2's higher), below both of sqp qd4 (their lower).
mk() { sqlite3 -batch :memory: "SELECT writefile('$2', $3) FROM (SELECT readfile('$1') AS j);" >/dev/null; }
mk "$FIX/sweep-int-qd1-r1.json" "$tmp/int-qd1-r3.json" \
	"json_set(j, '\$.jobs[0].read.iops', 900000.25)"
mk "$FIX/sweep-sqp-qd4-r1.json" "$tmp/sqp-qd4-r3.json" \
	"json_set(j, '\$.jobs[0].read.iops', 1000.5)"
# A run of two jobs: qd32 ran, qd64 failed (error 5): only qd32 is a point.
mk "$FIX/sweep-int-qd1-r2.json" "$tmp/two-jobs.json" \
	"json_set(j, '\$.jobs[0].\"job options\".iodepth', '32',
		'\$.jobs[1]', json(json_set(json_extract(j, '\$.jobs[0]'), '\$.error', 5,
			'\$.\"job options\".iodepth', '64')))"
# A point of another bs (as a sweep's --axis bs=16k makes): its own folder.
mk "$FIX/sweep-sqp-qd1-r1.json" "$tmp/sqp-16k.json" \
	"json_set(j, '\$.jobs[0].\"job options\".bs', '16k')"
for r in 1 2; do
	"$UB_DB" --db "$db" import --sweep s --repeat $r "$FIX"/sweep-*-r$r.json >/dev/null || not_ok import-r$r
done
"$UB_DB" --db "$db" import --sweep s --repeat 3 "$tmp/int-qd1-r3.json" "$tmp/sqp-qd4-r3.json" \
	>/dev/null || not_ok import-r3
"$UB_DB" --db "$db" import --sweep s --repeat 1 "$tmp/sqp-16k.json" >/dev/null || not_ok import-16k
"$UB_DB" --db "$db" import --sweep s --repeat 1 "$tmp/two-jobs.json" >/dev/null || not_ok import-two-jobs
"$UB_DB" --db "$db" import --sweep s --repeat 1 --config mixed "$FIX/randrw.json" >/dev/null ||
	not_ok import-randrw
expect_eq fixture-has-no-numjobs "$(jx "$FIX/sweep-int-qd1-r1.json" \
	"json_type(j, '\$.jobs[0].\"job options\".numjobs') IS NULL")" 1
expect_eq failed-job-stored "$(q "$db" "SELECT iodepth FROM failed_jobs WHERE sweep = 's'")" 64

out=$tmp/out
list=$("$UB_DB" --db "$db" export-fioplot --sweep s --out "$out"); rc=$?
expect_eq export-exit "$rc" 0
expect_eq file-list "$(cd "$out" && find . -type f | LC_ALL=C sort)" "./io_uring/4k/randread-1-1.json
./io_uring/4k/randread-16-1.json
./io_uring/4k/randread-32-1.json
./io_uring/4k/randread-4-1.json
./io_uring_SQPOLL/16k/randread-1-1.json
./io_uring_SQPOLL/4k/randread-1-1.json
./io_uring_SQPOLL/4k/randread-16-1.json
./io_uring_SQPOLL/4k/randread-4-1.json
./mixed/4k/randrw-4-1.json"

# median CFG QD FILE...: "IOPS" of the median repeat, from the files themselves.
median() {
	local sel= f
	for f in "$@"; do sel+="${sel:+ UNION ALL }SELECT json_extract(readfile('$f'), '\$.jobs[0].read.iops') AS y"; done
	sqlite3 -batch :memory: "WITH v AS ($sel), r AS (SELECT y, row_number() OVER (ORDER BY y) AS k,
		count(*) OVER () AS n FROM v) SELECT printf('%.3f', y) FROM r WHERE k = (n + 1) / 2"
}
# fj FILE EXPR: EXPR over the exported file's JSON as j.
fj() { sqlite3 -batch :memory: "SELECT $2 FROM (SELECT readfile('$1') AS j)"; }
R=$FIX/sweep
want_iops() {
	case $1 in
	io_uring/4k/randread-1-1.json) median "$R-int-qd1-r1.json" "$R-int-qd1-r2.json" "$tmp/int-qd1-r3.json" ;;
	io_uring/4k/randread-4-1.json) median "$R-int-qd4-r1.json" "$R-int-qd4-r2.json" ;;
	io_uring/4k/randread-16-1.json) median "$R-int-qd16-r1.json" "$R-int-qd16-r2.json" ;;
	io_uring/4k/randread-32-1.json) median "$tmp/two-jobs.json" ;;
	io_uring_SQPOLL/4k/randread-1-1.json) median "$R-sqp-qd1-r1.json" "$R-sqp-qd1-r2.json" ;;
	io_uring_SQPOLL/4k/randread-4-1.json) median "$R-sqp-qd4-r1.json" "$R-sqp-qd4-r2.json" "$tmp/sqp-qd4-r3.json" ;;
	io_uring_SQPOLL/16k/randread-1-1.json) median "$tmp/sqp-16k.json" ;;
	io_uring_SQPOLL/4k/randread-16-1.json) median "$R-sqp-qd16-r1.json" "$R-sqp-qd16-r2.json" ;;
	mixed/4k/randrw-4-1.json) median "$FIX/randrw.json" ;;
	esac
}
n=0
while IFS=$'\t' read -r path run repeat kiops; do
	n=$((n + 1))
	rel=${path#"$out"/}
	bs=$(basename "$(dirname "$rel")") base=$(basename "$rel" .json)
	IFS=- read -r rw qd nj <<<"$base"
	expect_eq "options-$rel" "$(fj "$path" "json_extract(j, '\$.jobs[0].\"job options\".iodepth') || ' ' ||
		json_extract(j, '\$.jobs[0].\"job options\".numjobs') || ' ' ||
		json_extract(j, '\$.jobs[0].\"job options\".bs') || ' ' ||
		json_extract(j, '\$.jobs[0].\"job options\".rw') || ' ' ||
		json_type(j, '\$.jobs[0].\"job options\".iodepth') || json_type(j, '\$.jobs[0].\"job options\".numjobs')")" \
		"$qd $nj $bs $rw texttext"
	expect_eq "one-job-$rel" "$(fj "$path" "json_array_length(j, '\$.jobs') || ':' || json_extract(j, '\$.jobs[0].error')")" 1:0
	got=$(fj "$path" "printf('%.3f', json_extract(j, '\$.jobs[0].read.iops'))")
	expect_eq "median-iops-$rel" "$got" "$(want_iops "$rel")"
	expect_eq "listed-run-is-the-file-$rel" "$got" "$(q "$db" "SELECT printf('%.3f', x.iops) FROM results x
		JOIN jobs j ON j.id = x.job_id WHERE j.run_id = ${run#run } AND j.iodepth = $qd AND j.bs = '$bs' AND x.ddir = 'read'")"
	expect_eq "listed-kiops-$rel" "${kiops% kIOPS}" "$(q "$db" "SELECT printf('%.3f', kiops) FROM run_points
		WHERE run_id = ${run#run } AND iodepth = $qd AND bs = '$bs'")"
	expect_eq "listed-repeat-$rel" "${repeat#repeat }" "$(q "$db" "SELECT repeat FROM runs WHERE id = ${run#run }")"
done <<<"$list"
expect_eq one-line-per-file "$n" 9
expect_eq median-of-three-is-the-higher-of-r1-r2 "$(grep -c "io_uring/4k/randread-1-1.json	run [0-9]*	repeat [12]	" <<<"$list")" 1
expect_eq median-of-three-is-the-lower-of-r1-r2 "$(grep -c "io_uring_SQPOLL/4k/randread-4-1.json	run [0-9]*	repeat [12]	" <<<"$list")" 1
expect_eq failed-job-not-exported "$(find "$out" -name '*-64-*' | wc -l)" 0

# Refusals: exit 2 naming the option; nothing written over.
refuse() {
	local name=$1 want=$2 err rc
	shift 2
	err=$("$UB_DB" --db "$db" export-fioplot "$@" 2>&1); rc=$?
	expect_eq "$name" "$rc:$err" "$want"
}
refuse no-sweep "2:uringbpf-db export-fioplot: --sweep NAME is needed: which sweep to export (see uringbpf-db --help)" --out "$tmp/x"
refuse no-out "2:uringbpf-db export-fioplot: --out DIR is needed: a new or empty folder for the fio JSON files (see uringbpf-db --help)" --sweep s
refuse sweep-without-runs "2:uringbpf-db export-fioplot: --sweep nope: no runs in this sweep (uringbpf db runs lists them)" --sweep nope --out "$tmp/x"
before=$(cd "$out" && find . -type f -exec sha256sum {} + | sort)
refuse out-not-empty "2:uringbpf-db export-fioplot: --out $out exists and is not empty: give a new or empty folder (nothing is overwritten)" --sweep s --out "$out"
expect_eq out-unchanged "$(cd "$out" && find . -type f -exec sha256sum {} + | sort)" "$before"
expect_eq no-x-made "$(ls "$tmp" | grep -c '^x$')" 0
refuse write-failure "1:uringbpf-db export-fioplot: cannot create $tmp/no/such: No such file or directory" --sweep s --out "$tmp/no/such"
mkdir "$tmp/empty"
"$UB_DB" --db "$db" export-fioplot --sweep s --out "$tmp/empty" >/dev/null; rc=$?
expect_eq empty-out-is-fine "$rc:$(cd "$tmp/empty" && find . -type f | wc -l)" 0:9
finish
