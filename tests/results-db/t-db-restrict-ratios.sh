#!/bin/bash
# profiles/restrict-ratios.sql on a sweep made from one fixture run whose IOPS
# and CPU are set here (sqlite3 json_set), imported under the restrict.fio
# section labels: the within-repeat ratios, their median (min-max), the
# unrestricted ring's spread, and every verdict (within, costs, gains, noise,
# not run) against the 2 % (restrict) and 5 % (bpf filter) thresholds.
source "$UB_TOP/tests/lib.sh"
source "$UB_TOP/tests/results-db/helpers.sh"
db_test_init

# run CONFIG REPEAT IOPS CPU_PERCENT: import the fixture as that run (iodepth 1).
# Its timestamp differs per run: import skips a file whose content it has.
n=0
run() {
	local f=$tmp/${SWEEP:-rs}-$1-r$2.json
	n=$((n + 1))
	sqlite3 -batch :memory: "SELECT writefile('$f', json_set(readfile('$FIX/sweep-int-qd1-r1.json'),
		'\$.jobs[0].read.iops', $3.0, '\$.jobs[0].usr_cpu', 0.0, '\$.jobs[0].sys_cpu', $4.0,
		'\$.timestamp', 1795401116 + $n));" >/dev/null
	ub_must "import-$1-r$2" "$UB_DB" --db "$db" import --sweep "${SWEEP:-rs}" --config "$1" --repeat "$2" "$f" >/dev/null
}
# interrupt, 3 repeats: restrict 0.99/1.01/1.004 (within 2 %), bpf 0.90/0.80/0.94 (costs >5 %).
run unrestricted-interrupt 1 100000 50; run restricted-interrupt 1 99000 50; run bpf-filter-interrupt 1 90000 50
run unrestricted-interrupt 2 100000 50; run restricted-interrupt 2 101000 50; run bpf-filter-interrupt 2 80000 50
run unrestricted-interrupt 3 100000 50; run restricted-interrupt 3 100400 50; run bpf-filter-interrupt 3 94000 50
# sqpoll, 3 repeats, no bpf-filter runs: restrict kIOPS 1.10/0.80/0.75 (noise); the
# restricted ring used twice the CPU, so per CPU-s 0.55/0.40/0.375 (costs >2 %).
run unrestricted-sqpoll 1 100000 50; run restricted-sqpoll 1 110000 100
run unrestricted-sqpoll 2 50000 50; run restricted-sqpoll 2 40000 100
run unrestricted-sqpoll 3 200000 50; run restricted-sqpoll 3 150000 100
# iopoll, 2 repeats (median = mean of the two): restrict 0.96/1.00 (noise: 0.96 < 0.98),
# bpf 1.20/1.30 (gains >5 %).
run unrestricted-iopoll 1 100000 50; run restricted-iopoll 1 96000 50; run bpf-filter-iopoll 1 120000 50
run unrestricted-iopoll 2 100000 50; run restricted-iopoll 2 100000 50; run bpf-filter-iopoll 2 130000 50

got=$("$UB_DB" --db "$db" sql "$(sed -e /^--/d -e s/SWEEP/rs/ "$UB_TOP/profiles/restrict-ratios.sql")" 2>&1)
want="interrupt|1|3|100.00 (100.00-100.00)|0.0|1.004 (0.990-1.010)|within 2%|1.004 (0.990-1.010)|within 2%|0.900 (0.800-0.940)|costs >5%|0.900 (0.800-0.940)|costs >5%
sqpoll|1|3|100.00 (50.00-200.00)|150.0|0.800 (0.750-1.100)|noise|0.400 (0.375-0.550)|costs >2%|-|not run|-|not run
iopoll|1|2|100.00 (100.00-100.00)|0.0|0.980 (0.960-1.000)|noise|0.980 (0.960-1.000)|noise|1.250 (1.200-1.300)|gains >5%|1.250 (1.200-1.300)|gains >5%"
expect_eq restrict-ratios "$got" "$want"

# Another sweep's runs (and a run without a partner) stay out of this one's rows.
SWEEP=other run unrestricted-interrupt 1 1000 50
SWEEP=other run restricted-sqpoll 1 1000 50
got2=$("$UB_DB" --db "$db" sql "$(sed -e /^--/d -e s/SWEEP/rs/ "$UB_TOP/profiles/restrict-ratios.sql")" 2>&1)
expect_eq restrict-ratios-other-sweep "$got2" "$want"
got3=$("$UB_DB" --db "$db" sql "$(sed -e /^--/d -e s/SWEEP/other/ "$UB_TOP/profiles/restrict-ratios.sql")" 2>&1)
expect_eq restrict-ratios-unpaired "$got3" "interrupt|1|0|1.00 (1.00-1.00)|0.0|-|not run|-|not run|-|not run|-|not run"
finish
