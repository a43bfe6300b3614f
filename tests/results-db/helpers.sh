# shellcheck shell=bash
# Shared by tests/results-db/t-db-*.sh (sourced after tests/lib.sh). Expected
# values are computed with the sqlite3 CLI straight from the fixture files,
# never with uringbpf-db itself.
FIX=$UB_TOP/tests/results-db/fixtures

# Exit 77 (skip) when the tool or the sqlite3 CLI is missing.
db_need_tool() {
	[ -x "$UB_DB" ] || { echo "uringbpf-db is not built at $UB_DB (make build-all)"; exit 77; }
	command -v sqlite3 >/dev/null || { echo "the sqlite3 CLI is not installed"; exit 77; }
}

# q DB SQL: one query on a results database with the plain sqlite3 CLI.
q() { sqlite3 -batch "$1" "$2"; }

# jx FILE SQL-EXPR: evaluate SQL-EXPR with j = the fio JSON of FILE (text
# before the first '{', as fio --client prints, is dropped).
jx() {
	sqlite3 -batch :memory: "WITH d(j) AS (SELECT substr(readfile('$1'), instr(readfile('$1'), '{')))
		SELECT $2 FROM d;"
}

# counts DB: one line with the row count of every table (to prove "unchanged").
counts() {
	q "$1" "SELECT (SELECT count(*) FROM runs) || ' ' || (SELECT count(*) FROM jobs) || ' ' ||
		(SELECT count(*) FROM results) || ' ' || (SELECT count(*) FROM tags) || ' ' ||
		(SELECT count(*) FROM devices);"
}

# db_test_init: skip without the tools; a scratch folder as $tmp and a fresh
# database path $db in it.
db_test_init() {
	db_need_tool
	ub_scratch_init
	tmp=$UB_SCRATCH
	db=$tmp/r.db
}
