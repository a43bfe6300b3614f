#!/bin/bash
# The same bytes imported twice make one run, whatever the file is called;
# a fio --client file keeps its per-host runs once as well.
source "$UB_TOP/tests/lib.sh"
source "$UB_TOP/tests/results-db/helpers.sh"
db_test_init
f=$FIX/sweep-sqp-qd16-r2.json

expect_eq first-import "$("$UB_DB" --db "$db" import "$f")" "imported $f as run 1 (1 jobs)"
before=$(counts "$db")
out=$("$UB_DB" --db "$db" import --sweep other --tag a=b "$f"); rc=$?
expect_eq second-import-message "$rc:$out" "0:already imported $f as run 1"
expect_eq second-import-writes-nothing "$(counts "$db")" "$before"
cp "$f" "$tmp/renamed.json"
expect_eq same-bytes-other-name "$("$UB_DB" --db "$db" import "$tmp/renamed.json")" \
	"already imported $tmp/renamed.json as run 1"
(cat "$f"; echo) >"$tmp/changed.json"
expect_eq other-bytes-new-run "$("$UB_DB" --db "$db" import "$tmp/changed.json")" \
	"imported $tmp/changed.json as run 2 (1 jobs)"
out=$("$UB_DB" --db "$db" import "$FIX/client.json" "$FIX/client.json")
expect_eq client-file-twice "$out" "imported $FIX/client.json as run 3 (1 jobs)
imported $FIX/client.json as run 4 (1 jobs)
already imported $FIX/client.json as run 3
already imported $FIX/client.json as run 4"
expect_eq run-count "$(q "$db" "SELECT count(*) FROM runs")" 4
finish
