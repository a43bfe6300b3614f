#!/bin/bash
# Four importers at once into one new database (WAL, busy_timeout,
# BEGIN IMMEDIATE): every run lands exactly once, the shared file included.
source "$UB_TOP/tests/lib.sh"
source "$UB_TOP/tests/results-db/helpers.sh"
db_need_tool
ub_scratch_init
tmp=$UB_SCRATCH
db=$tmp/sub/r.db	# the parent folder is made by the first importer

# 4 x 25 distinct files (fixtures with a distinct trailing line) plus one file
# that every importer tries: 101 runs in all.
for i in 0 1 2 3; do
	mkdir -p "$tmp/set$i"
	for n in $(seq 25); do
		(cat "$FIX/sweep-int-qd4-r1.json"; echo " ") | sed "s/\"timestamp\" : \([0-9]*\)/\"timestamp\" : \1$i$n/" \
			>"$tmp/set$i/f$n.json"
	done
done
pids=()
for i in 0 1 2 3; do
	"$UB_DB" --db "$db" import --sweep par "$FIX/randrw.json" "$tmp/set$i"/*.json \
		>"$tmp/out$i" 2>"$tmp/err$i" &
	pids+=($!)
done
fails=0
for i in 0 1 2 3; do wait "${pids[$i]}" || fails=$((fails + 1)); done
expect_eq all-importers-succeeded "$fails:$(cat "$tmp"/err*)" "0:"
expect_eq all-runs-present "$(q "$db" "SELECT count(*) FROM runs")" 101
expect_eq each-file-once "$(q "$db" "SELECT count(*) FROM (SELECT content_hash FROM runs GROUP BY content_hash
	HAVING count(*) > 1)")" 0
expect_eq shared-file-imported-once "$(cat "$tmp"/out* | grep -c "^imported $FIX/randrw.json")" 1
expect_eq shared-file-seen-by-the-others "$(cat "$tmp"/out* | grep -c "^already imported $FIX/randrw.json")" 3
expect_eq jobs-and-results "$(q "$db" "SELECT (SELECT count(*) FROM jobs) || ' ' || (SELECT count(*) FROM results)")" "101 202"
expect_eq wal "$(q "$db" "PRAGMA journal_mode")" wal
expect_eq integrity "$(q "$db" "PRAGMA integrity_check")" ok
finish
