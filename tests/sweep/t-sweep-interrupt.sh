#!/bin/bash
# Ctrl-C in the middle of a sweep: the runs that finished stay imported, the
# run in progress is neither kept as a result nor imported, and the sweep
# exits 130.  Two ways: SIGINT to the whole process group (what a terminal's
# Ctrl-C does: fio gets it too) and SIGINT to the sweep alone (it must stop
# its fio itself, promptly).
source "$UB_TOP/tests/lib.sh"
source "$UB_TOP/tests/sweep/sweep-lib.sh"
sweep_require interrupt
ub_scratch_init /dev/shm
# Job control: the sweep runs in its own process group with SIGINT at its
# default, as a command started from a terminal (a non-interactive shell
# would start it with SIGINT ignored).
set -m
head -c 32M /dev/zero >"$UB_SCRATCH/target"

for how in group sweep; do
	name=int-$how db=$UB_SCRATCH/$how.db out=$UB_SCRATCH/$how
	# Not through a shell function: $! must be the sweep itself.
	env "UB_FIO=$(sweep_fio)" "UB_DB=$UB_DB" "$SWEEP" --engine "external:$UB_ENGINE" \
		--target "$UB_SCRATCH/target" --configs interrupt --iodepths 1,2,4 --runtime 6 \
		--db "$db" --sweep-name "$name" --out "$out" >"$UB_SCRATCH/$how.log" 2>&1 &
	pid=$!
	# Mid-sweep: the first run imported, the second one running for a second.
	if ! wait_for 60 grep -q 'qd1-r1.json' "$out/log/import.log" 2>/dev/null ||
		! wait_for 30 test -e "$out/log/interrupt-qd2-r1.log"; then
		kill -KILL -- -"$pid" 2>/dev/null
		not_ok "interrupt-$how: the sweep did not get to its second run: $(tail -n 3 "$UB_SCRATCH/$how.log")"
		continue
	fi
	sleep 1
	t0=$SECONDS
	if [ $how = group ]; then kill -INT -- -"$pid"; else kill -INT "$pid"; fi
	wait "$pid"
	rc=$? secs=$((SECONDS - t0))
	expect_eq "interrupt-$how-exit" "$rc" 130
	# fio stops within a second of SIGINT; more than 3 s means the sweep waited
	# for the run (6 s, interrupted 1 s in) to end by itself.
	if [ $secs -le 3 ]; then ok "interrupt-$how-prompt: stopped ${secs}s after SIGINT"
	else not_ok "interrupt-$how-prompt: took ${secs}s after SIGINT"; fi

	runs=$(db_runs "$db" "$name")
	finished=$(find "$out/json" -name '*.json' | sort)
	expect_eq "interrupt-$how-kept" "$(echo "$runs" | awk -F'\t' 'NF { print $6 }' | sort)" "$finished"
	expect_eq "interrupt-$how-finished-count" "$(echo "$finished" | grep -c .)" 1
	if [ -e "$out/json/interrupt/qd2-r1.json" ] || echo "$runs" | grep -q 'qd2-r1'; then
		not_ok "interrupt-$how-partial: the interrupted run was kept or imported"
	else
		ok "interrupt-$how-partial: the interrupted run is not a result and not in the DB"
	fi
	if grep -q ' interrupted (SIGINT): this run is discarded' "$UB_SCRATCH/$how.log" &&
		grep -q "sweep $name: 1 runs imported" "$UB_SCRATCH/$how.log"; then
		ok "interrupt-$how-said: the sweep says what it kept and what it discarded"
	else
		not_ok "interrupt-$how-said: $(tail -n 4 "$UB_SCRATCH/$how.log" | tr '\n' '|')"
	fi
	# Nothing left running.
	left=$(pgrep -f -- "--output=$out/")
	if [ -n "$left" ]; then
		not_ok "interrupt-$how-no-orphan: a fio of the sweep still runs ($left)"
		kill -KILL $left
	else
		ok "interrupt-$how-no-orphan"
	fi
done
finish
