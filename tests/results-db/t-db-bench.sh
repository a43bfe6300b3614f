#!/bin/bash
# scripts/bench-import.sh imports 1,000 distinct fio JSON results: all 1,000
# become runs.  Its speed (the issue's "under 5 s") is a benchmark figure
# that this test reports but does not assert: timing belongs to benchmarks.
source "$UB_TOP/tests/lib.sh"
[ -x "$UB_DB" ] || { echo "uringbpf-db is not built at $UB_DB"; exit 77; }
n=1000
[ -n "${UB_ASAN:-}" ] && n=200	# sanitizers slow the importer several times
out=$(UB_DB=$UB_DB "$UB_TOP/scripts/bench-import.sh" -n $n -l 100000 2>&1)
rc=$?
echo "$out"
[ $rc = 0 ] && ok "bench-import-$n: ${out#bench-import: }" || not_ok "bench-import-$n: $(tr '\n' ' ' <<<"$out")"
finish
