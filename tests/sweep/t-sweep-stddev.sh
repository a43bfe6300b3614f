#!/bin/bash
# The variance gate (pbench-fio's max_stddevpct): after --repeats runs, a point
# is repeated while the stddev of its kIOPS is above --max-stddev-pct of the
# mean, at most --max-repeats runs in all.  An unreachable bound stops at the
# cap and says so; a loose bound adds no run.
source "$UB_TOP/tests/lib.sh"
source "$UB_TOP/tests/sweep/sweep-lib.sh"
sweep_require stddev
ub_scratch_init /dev/shm
head -c 16M /dev/zero >"$UB_SCRATCH/target"

# gate NAME PCT WANT-RUNS
gate() {
	local name=$1 pct=$2 want=$3 out=$UB_SCRATCH/$1 rc n
	run_sweep --target "$UB_SCRATCH/target" --configs interrupt --iodepths 1 --runtime 1 \
		--repeats 2 --max-stddev-pct "$pct" --max-repeats 3 \
		--db "$UB_SCRATCH/r.db" --sweep-name "$name" --out "$out" >"$out.log" 2>&1
	rc=$?
	n=$(db_runs "$UB_SCRATCH/r.db" "$name" | wc -l)
	if [ $rc = 0 ] && [ "$n" = "$want" ]; then ok "stddev-$name: $n runs"
	else not_ok "stddev-$name: exit $rc, $n runs (want $want): $(tail -n 3 "$out.log")"; fi
}
# No two timed runs agree to 1e-6 %: the cap (3 runs) is reached.
gate tight 0.000001 3
if grep -q '^  unstable: interrupt qd=1 stddev [0-9.]*% > 0.000001% after 3 runs (--max-repeats)$' "$UB_SCRATCH/tight.log"; then
	ok "stddev-tight-said: the unstable point is reported"
else
	not_ok "stddev-tight-said: $(grep -i 'stddev\|unstable' "$UB_SCRATCH/tight.log" | tr '\n' '|')"
fi
# Any two runs are within 1000 %: no extra run.
gate loose 1000 2
finish
