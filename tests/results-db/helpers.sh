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

# merged_pct P FILE...: a point's percentile P over its repeats (issue 14), by
# fio's rule on the read clat_ns.bins of all FILEs summed by bucket value (ns
# keys): the first value whose running count reaches P% of all samples, in us.
merged_pct() {
	local p=$1 f sel=
	shift
	for f; do sel+="${sel:+ UNION ALL }SELECT readfile('$f')"; done
	sqlite3 -batch :memory: "WITH f(j) AS ($sel),
		b AS (SELECT CAST(e.key AS INTEGER) AS v, sum(e.value) AS c
			FROM f, json_each(f.j, '\$.jobs[0].read.clat_ns.bins') AS e GROUP BY v),
		r AS (SELECT v, sum(c) OVER (ORDER BY v) AS cum, sum(c) OVER () AS n FROM b)
		SELECT min(v) / 1000.0 FROM r WHERE cum >= $p / 100.0 * n"
}
# fio_pct FILE P: fio's own printed percentile P (a key of percentile_list) of FILE, in us.
fio_pct() { jx "$1" "json_extract(j, '\$.jobs[0].read.clat_ns.percentile.\"$(printf '%.6f' "$2")\"') / 1000.0"; }
