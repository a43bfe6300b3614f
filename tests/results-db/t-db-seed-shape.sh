#!/bin/bash
# seed-shape: the seed table's SQPOLL+IOPOLL / IOPOLL ratio per iodepth beside
# a sweep's, checked against the ratio computed here with sqlite3 from the
# fixture files (imported as configs "iopoll" and "sqpoll+iopoll"; they have
# iodepth 1, 4 and 16, so the seed's 8 and 32 are "not run").
source "$UB_TOP/tests/lib.sh"
source "$UB_TOP/tests/results-db/helpers.sh"
db_test_init

for qd in 1 4 16; do
	for r in 1 2; do
		ub_must import-iopoll "$UB_DB" --db "$db" import --sweep s --config iopoll --repeat $r \
			"$FIX/sweep-int-qd$qd-r$r.json" >/dev/null
		ub_must import-both "$UB_DB" --db "$db" import --sweep s --config sqpoll+iopoll --repeat $r \
			"$FIX/sweep-sqp-qd$qd-r$r.json" >/dev/null
	done
done
# mean kIOPS of CFG (int|sqp) at QD over the two repeats, from the files.
mean() {
	sqlite3 :memory: "SELECT (json_extract(readfile('$FIX/sweep-$1-qd$2-r1.json'), '\$.jobs[0].read.iops') +
		json_extract(readfile('$FIX/sweep-$1-qd$2-r2.json'), '\$.jobs[0].read.iops')) / 2000.0;"
}
row() {
	local b i
	b=$(mean sqp "$2") i=$(mean int "$2")
	awk -v d="$1" -v b="$b" -v i="$i" -v s="$3" \
		'BEGIN { printf "| %d | %s | %.2f (%.3g/%.3g) |\n", d, s, b / i, b, i }'
}
want="SQPOLL+IOPOLL / IOPOLL, kIOPS ratio per iodepth: the seed table (one NVMe drive) beside sweep s

| iodepth | seed | s |
|---:|---:|---:|
$(row 1 1 "0.98 (119/122)")
| 8 | 1.10 (550/502) | — (not run) |
$(row 16 16 "1.12 (581/519)")
| 32 | 1.09 (585/538) | — (not run) |"
got=$("$UB_DB" --db "$db" seed-shape --sweep s 2>&1)
expect_eq seed-shape-ratios "$got" "$want"

ub_must import-int "$UB_DB" --db "$db" import --sweep only-int --config interrupt "$FIX/sweep-int-qd1-r1.json" >/dev/null
got=$("$UB_DB" --db "$db" seed-shape --sweep only-int 2>&1)
expect_eq seed-shape-nothing-to-compare "$got" \
	"seed shape: sweep only-int has no randread point with both iopoll and sqpoll+iopoll (they need a device with poll queues)"

got=$("$UB_DB" --db "$db" seed-shape 2>&1); rc=$?
expect_eq seed-shape-needs-sweep "$rc: $got" "2: uringbpf-db seed-shape: needs --sweep NAME (a seed-table sweep)"
finish
