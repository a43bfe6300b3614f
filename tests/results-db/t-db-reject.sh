#!/bin/bash
# Malformed, truncated or foreign input is refused with a message that names
# the file and the problem, exit 1, and the database stays exactly as it was.
# Usage errors exit 2 and name the option and the fix.
source "$UB_TOP/tests/lib.sh"
source "$UB_TOP/tests/results-db/helpers.sh"
db_test_init
good=$FIX/sweep-int-qd1-r1.json
"$UB_DB" --db "$db" import --tag t=1 --device "$good" "$good" >/dev/null || not_ok seed-import
before=$(counts "$db")

head -c 3000 "$good" >"$tmp/truncated.json"
sed 's/"iops" : /"iops" : ,/' "$good" >"$tmp/malformed.json"
echo '{"name": "not fio", "jobs": []}' >"$tmp/foreign.json"
echo '{"fio version": "fio-3.41", "results": []}' >"$tmp/nojobs.json"
echo '{"fio version": "fio-3.41", "jobs": []}' >"$tmp/emptyjobs.json"
echo '{"fio version": "fio-3.41", "jobs": [{"jobname": "x"}]}' >"$tmp/noread.json"
echo 'fio: some error, no output' >"$tmp/text.json"
: >"$tmp/empty.json"
cat "$good" "$FIX/sweep-int-qd1-r2.json" >"$tmp/two.json"
printf '{"fio version":"fio-3.41",\0"jobs":[]}' >"$tmp/nul.json"

# reject NAME FILE MESSAGE-AFTER-"FILE: "
reject() {
	local err rc
	err=$("$UB_DB" --db "$db" import "$2" 2>&1 >/dev/null); rc=$?
	expect_eq "$1-message" "$err" "uringbpf-db import: $2: $3"
	expect_eq "$1-exit-1" "$rc" 1
	expect_eq "$1-db-unchanged" "$(counts "$db")" "$before"
}
reject truncated "$tmp/truncated.json" "truncated JSON: the document ends before its closing '}'"
reject malformed "$tmp/malformed.json" "malformed JSON (not valid JSON text)"
reject foreign "$tmp/foreign.json" 'not fio JSON output: no "fio version" field'
reject no-jobs-list "$tmp/nojobs.json" 'not fio JSON output: no "jobs" list (nor "client_stats" of fio --client)'
reject empty-jobs "$tmp/emptyjobs.json" "fio JSON output with no jobs (did fio stop before running any?)"
reject job-without-results "$tmp/noread.json" 'not fio JSON output: job 0 has no "read" results'
reject plain-text "$tmp/text.json" "no JSON object found: not fio --output-format=json output"
reject empty-file "$tmp/empty.json" "no JSON object found: not fio --output-format=json output"
reject two-documents "$tmp/two.json" "holds several fio JSON documents (--status-interval?): import the last one on its own"
reject nul-bytes "$tmp/nul.json" "contains NUL bytes: not fio JSON output"
reject missing-file "$tmp/nonexistent.json" "cannot read: No such file or directory"

# One bad file among good ones: the good ones are imported, exit is still 1.
out=$("$UB_DB" --db "$db" import "$tmp/malformed.json" "$FIX/sweep-int-qd4-r1.json" 2>/dev/null); rc=$?
expect_eq bad-file-does-not-stop-others "$rc:$out" "1:imported $FIX/sweep-int-qd4-r1.json as run 2 (1 jobs)"

# Usage errors: exit 2, the option named, a fix offered.
usage() {
	local err rc
	err=$("$UB_DB" --db "$db" "${@:3}" 2>&1 >/dev/null); rc=$?
	expect_eq "usage-$1" "$rc:$err" "2:uringbpf-db$2 (see uringbpf-db --help)"
}
usage unknown-option " import: unknown option '--colour'" import --colour x.json
usage missing-value " import: --sweep needs a value" import x.json --sweep
usage bad-repeat " import: --repeat needs a positive integer, got 'two'" import --repeat two x.json
usage bad-tag " import: --tag needs KEY=VALUE, got 'k'" import --tag k x.json
usage duplicate-tag " import: --tag k given twice: give each key once" import --tag k=1 --tag k=2 x.json
usage no-files " import: missing FILE.json..." import
usage bad-metric " table: --metric iops is not known: use kiops, clat_p50_us, clat_p99_us, clat_p999_us, clat_p9999_us, clat_mean_us, bw_mib, cpu_cores, kiops_per_core, fio_cpu_cores, iops_cv or clat_pP_us (any percentile P, e.g. clat_p99.999_us); table: several, comma-separated" table --metric iops
usage bad-x " series: --x io-depth: give iodepth, bs, numjobs, rw or a fio option name (letters, digits, _)" series --x io-depth
usage bad-bs " table: --bs needs a block size like 4k or 4096, got 'big'" table --bs big
usage option-of-other-command " table: --x does not apply to table" table --x iodepth
usage unknown-command ": unknown command 'tables': use import, table, series, cdf, configs, info, runs, export-csv, export-fioplot, sql, compare, claim-sweep, run-summary, profile-sections, engine-report, plan, not-run, plan-add, plan-options, plan-pending, plan-end, fate, resume-sweep, precondition or precondition-record" tables
err=$("$UB_DB" --db "$db" import --device /nonexistent/dev "$good" 2>&1); rc=$?
expect_eq usage-no-such-device "$rc:$err" "2:uringbpf-db import: --device /nonexistent/dev: No such file or directory"
err=$("$UB_DB" --db "$db" sql "DELETE FROM runs" 2>&1); rc=$?
expect_eq sql-read-only "$rc:$err" "2:uringbpf-db sql: only read-only queries (SELECT ...) are allowed"
err=$("$UB_DB" --db "$tmp/none.db" table 2>&1); rc=$?
expect_eq missing-db "$rc:${err%%:*}" "1:uringbpf-db table"
[ ! -e "$tmp/none.db" ] && ok missing-db-not-created || not_ok missing-db-not-created
finish
