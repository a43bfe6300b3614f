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
# Two claims of one name on a database neither has created yet, 100 times:
# SQLite answers some lock collisions there with SQLITE_BUSY at once, not
# after its busy timeout (switching a new file to WAL); ubdb_open starts
# again.  Exactly one claims, the other is refused by name, never "locked"
# (122 of 200 pairs failed so before).
bad=
for i in $(seq 1 100); do
	new=$tmp/new$i.db
	"$UB_DB" --db "$new" claim-sweep race >"$tmp/c1" 2>&1 &
	"$UB_DB" --db "$new" claim-sweep race >"$tmp/c2" 2>&1; rc2=$?
	wait $!; rc1=$?
	if [ "$(printf '%s\n' "$rc1" "$rc2" | sort | paste -sd' ')" != "0 3" ]; then
		bad="pair $i: exit $rc1 and $rc2: $(cat "$tmp/c1" "$tmp/c2" | tr '\n' ' ')"
		break
	fi
	rm -f "$new" "$new-wal" "$new-shm"
done
expect_eq new-db-claim-race "${bad:-one claimed, one refused, 100 times}" "one claimed, one refused, 100 times"
finish
