#!/bin/bash
# "uringbpf db ARGS" is "uringbpf-db ARGS": the same stdout, stderr and exit
# code for every command on the same database, errors included, and an import
# through either name stores the same rows.
source "$UB_TOP/tests/lib.sh"
source "$UB_TOP/tests/cli/cli-lib.sh"
ub_scratch_init
[ -x "$CLI" ] && [ -x "$UB_BUILD/uringbpf-db" ] || { skip "cli-db: $CLI or uringbpf-db is not built (make)"; finish; }
FIX=$UB_TOP/tests/results-db/fixtures
s=$UB_SCRATCH

# The same fixtures imported through each name, into two databases.
a=$(cd "$s" && "$UB_BUILD/uringbpf-db" --db "$s/a.db" import --sweep s "$FIX"/sweep-*.json "$FIX/randrw.json"; echo "rc=$?")
b=$(cd "$s" && "$CLI" db --db "$s/b.db" import --sweep s "$FIX"/sweep-*.json "$FIX/randrw.json"; echo "rc=$?")
expect_eq import-same-output "$(sed 's|/b\.db|/a.db|g' <<<"$b")" "$a"
rows() { sqlite3 -batch "$1" "SELECT count(*) FROM runs; SELECT count(*) FROM jobs; SELECT count(*) FROM run_points;"; }
n=$(rows "$s/a.db" | paste -sd' ')
if [ "$n" = "$(rows "$s/b.db" | paste -sd' ')" ] && [ "${n%% *}" -gt 1 ]; then
	ok "import-same-rows: runs jobs points = $n through either name"
else
	not_ok "import-same-rows: uringbpf-db stored '$n', uringbpf db '$(rows "$s/b.db" | paste -sd' ')'"
fi

# Every reading command, and errors, on the same database.
same() {
	local name=$1; shift
	local x y
	x=$("$UB_BUILD/uringbpf-db" "$@" 2>&1; echo "rc=$?")
	y=$("$CLI" db "$@" 2>&1; echo "rc=$?")
	if [ "$x" = "$y" ] && [ -n "${x%rc=*}" ]; then ok "same-$name: ${x##*rc=}: $(head -n 1 <<<"$x" | cut -c1-70)"
	else not_ok "same-$name: uringbpf-db gave '${x:0:200}', uringbpf db gave '${y:0:200}'"; fi
}
same table --db "$s/a.db" table --sweep s --rw randread
same table-p99 --db "$s/a.db" table --sweep s --rw randread --metric clat_p99_us
same table-two-rw --db "$s/a.db" table --sweep s
same series --db "$s/a.db" series --sweep s --rw randread
same configs --db "$s/a.db" configs
same info --db "$s/a.db" info --sweep s
same csv --db "$s/a.db" export-csv
same sql --db "$s/a.db" sql "SELECT count(*) FROM runs"
URINGBPF_DB=$s/a.db same env-db runs
same help --help
same no-command --db "$s/a.db"
same unknown-command --db "$s/a.db" frob
same bad-option --db "$s/a.db" table --metric nope
same no-db --db "$s/none/x.db" table
finish
