#!/bin/bash
# uringbpf bench and Ctrl-C: SIGINT while a run is in progress drops that
# run, tabulates and imports the runs that finished, cleans up its /dev/shm
# target and exits 130.
source "$UB_TOP/tests/lib.sh"
ub_scratch_init /tmp
out=$UB_SCRATCH/out
# 2 engines x 3 repeats of 1 s: SIGINT lands in the 3rd run.
"$UB_BUILD/uringbpf" bench --quick --iodepths 1 --modes interrupt --peers io_uring --repeats 3 \
	--runtime 1 --batch 0 --out "$out" --db "$UB_SCRATCH/results.db" --fio "$(ub_fio_bin)" \
	--engine "$UB_ENGINE" >"$UB_SCRATCH/stdout" 2>"$UB_SCRATCH/stderr" &
pid=$!
# Wait until two runs are in runs.tsv (header + 2 lines), then interrupt the third.
for ((i = 0; i < 600; i++)); do
	[ "$(wc -l <"$out/runs.tsv" 2>/dev/null || echo 0)" -ge 3 ] && break
	sleep 0.1
done
sleep 0.3
kill -INT "$pid"
wait "$pid"
rc=$?
n=$(($(wc -l <"$out/runs.tsv") - 1))
ndb=$("$UB_DB" --db "$UB_SCRATCH/results.db" runs 2>/dev/null | wc -l)
shm=$(ls /dev/shm/uringbpf-bench."$pid"* 2>/dev/null)
if [ "$rc" = 130 ] && [ "$n" = 2 ] && [ "$ndb" = 2 ] && [ -z "$shm" ] &&
	grep -q '^bench: interrupted: 2 of 6 runs finished' "$UB_SCRATCH/stderr" &&
	grep -q '^| 1 | interrupt | fio default |' "$UB_SCRATCH/stdout"; then
	ok "bench-interrupt (exit 130, 2 runs kept and imported, target removed)"
else
	not_ok "bench-interrupt: exit $rc (want 130), $n runs in runs.tsv and $ndb in the database (want 2 and 2), left '$shm': $(tail -n 2 "$UB_SCRATCH/stderr" | paste -sd' ')"
fi
finish
