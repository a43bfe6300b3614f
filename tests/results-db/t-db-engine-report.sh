#!/bin/bash
# uringbpf-db engine-report FILE: the engine's report lines (JSON Lines) as
# one tab-separated line per job, with the verdict decided from the stable
# code: ran -> ok; a refusal with a skip code -> skip; iopoll_unsupported at
# any point -> skip; io_error, fio_error, an unknown code -> fail.  A tab or
# newline inside a message cannot split the line.  Bad input: exit 1 naming
# the file and line.
source "$UB_TOP/tests/lib.sh"
source "$UB_TOP/tests/results-db/helpers.sh"
db_test_init

line() { # JOB OUTCOME CODE-JSON MESSAGE-JSON RING-JSON
	printf '{"schema":1,"job":"%s","outcome":"%s","code":%s,"option":null,"message":%s,"ring":%s,"features":[],"enter_calls":0,"ios":0,"sq_threads":[],"chain":null}\n' "$@"
}
{
	line ran ran null null '{"entries":8,"flags":["SQPOLL","CQSIZE"]}'
	line noflags ran null null '{"entries":2,"flags":[]}'
	for c in iopoll_unsupported kernel_unsupported not_permitted mode_unsupported resource_limit option_invalid refused; do
		line "r-$c" refused "\"$c\"" '"m"' null
	done
	line r-fio_error refused '"fio_error"' '"m"' null
	line r-future refused '"some_future_code"' '"m"' null
	line f-iopoll failed '"iopoll_unsupported"' '"m"' null
	line f-io failed '"io_error"' '"tab\there, newline\nthere"' null
} >"$tmp/r.jsonl"
got=$("$UB_DB" engine-report "$tmp/r.jsonl")
want=$(printf '%s\n' \
	"ran	ran	-	ok	8 entries, flags SQPOLL|CQSIZE	-" \
	"noflags	ran	-	ok	2 entries, flags none	-" \
	"r-iopoll_unsupported	refused	iopoll_unsupported	skip	-	m" \
	"r-kernel_unsupported	refused	kernel_unsupported	skip	-	m" \
	"r-not_permitted	refused	not_permitted	skip	-	m" \
	"r-mode_unsupported	refused	mode_unsupported	skip	-	m" \
	"r-resource_limit	refused	resource_limit	skip	-	m" \
	"r-option_invalid	refused	option_invalid	skip	-	m" \
	"r-refused	refused	refused	skip	-	m" \
	"r-fio_error	refused	fio_error	fail	-	m" \
	"r-future	refused	some_future_code	fail	-	m" \
	"f-iopoll	failed	iopoll_unsupported	skip	-	m" \
	"f-io	failed	io_error	fail	-	tab here, newline there")
expect_eq "engine-report-verdicts" "$got" "$want"

# bad input: exit 1, one line naming the file (and line)
bad() { # NAME WANT-MESSAGE
	local err rc
	err=$("$UB_DB" engine-report "$tmp/$1" 2>&1 >/dev/null); rc=$?
	expect_eq "engine-report-bad-$1" "$rc:$err" "1:uringbpf-db engine-report: $tmp/$1$2"
}
{ line ok ran null null null; echo '{"schema":1,"job":"x","outcome":"ra'; } >"$tmp/truncated"
{ line ok ran null null null; echo '{"schema":1,"job":"x","outcome":"maybe"}'; } >"$tmp/outcome"
echo '[1,2]' >"$tmp/array"
: >"$tmp/empty"
bad truncated ":2: not a JSON object (an engine report has one per line, from the engine's report=FILE)"
bad outcome ":2: not an engine report line (needs schema>=1, job, and outcome ran|refused|failed)"
bad array ":1: not a JSON object (an engine report has one per line, from the engine's report=FILE)"
bad empty ": no job in the engine report (empty file)"
bad missing ": cannot read: No such file or directory"

# import --engine-report: the lines stored with the run, as written; a bad
# line imports nothing of the run; one report is one run's.
good=$FIX/sweep-int-qd1-r1.json
out=$("$UB_DB" --db "$db" import --engine-report "$tmp/truncated" "$good" 2>&1); rc=$?
expect_eq "engine-report-import-bad-line" "$rc:$out:$(q "$db" "SELECT count(*) FROM runs")" \
	"1:uringbpf-db import: --engine-report $tmp/truncated:2: not an engine report line (a JSON object with outcome ran|refused|failed, from the engine's report=FILE); nothing of $good was imported:0"
out=$("$UB_DB" --db "$db" import --engine-report "$tmp/r.jsonl" "$good" "$FIX/sweep-int-qd1-r2.json" 2>&1); rc=$?
expect_eq "engine-report-import-two-files" "$rc:$out" \
	"2:uringbpf-db import: --engine-report is one run's report: import one FILE.json with it, not 2 (see uringbpf-db --help)"
"$UB_DB" --db "$db" import --engine-report "$tmp/r.jsonl" "$good" >/dev/null
got=$(q "$db" "SELECT count(*), sum(e.report = json(s.value)) FROM engine_reports e, runs r,
	json_each('[' || replace(rtrim(cast(readfile('$tmp/r.jsonl') as text), char(10)), char(10), ',') || ']') s
	WHERE r.id = e.run_id AND r.file = '$good' AND s.key = e.line - 1")
expect_eq "engine-report-import: every line stored with its run, unchanged" "$got" "13|13"
expect_eq "engine-report-import-columns" "$(q "$db" "SELECT job || ':' || outcome || ':' || coalesce(code, '-') FROM engine_reports WHERE line IN (1, 13) ORDER BY line")" \
	"ran:ran:-
f-io:failed:io_error"
finish
