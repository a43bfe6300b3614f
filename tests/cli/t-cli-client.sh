#!/bin/bash
# The installed CLI from outside the checkout drives a local "fio --server" on
# 127.0.0.1 (--client): the run is imported as that host's run, with the
# numbers of the JSON the sweep kept for it (stored by its path, relative
# to the directory the sweep ran in).
source "$UB_TOP/tests/lib.sh"
source "$UB_TOP/tests/sweep/sweep-lib.sh"
source "$UB_TOP/tests/cli/cli-lib.sh"
sweep_require cli-client
ub_scratch_init /dev/shm
[ -z "${UB_ASAN:-}" ] || { skip "cli-client: fio servers load the engine without the ASan runtime"; finish; }

root=$UB_SCRATCH/root
cli_install "$root" || { not_ok "cli-client: make install failed: $(tail -n 5 "$root.log")"; finish; }

port=
for ((p = 20000 + RANDOM % 20000; p < 65000; p++)); do
	ss -Htln "sport = :$p" 2>/dev/null | grep -q . || { port=$p; break; }
done
# The server lives at most 120 s whatever happens to this test.
timeout -k 5 120 "$UB_FIO" --server="ip:127.0.0.1,$port" >"$UB_SCRATCH/server.log" 2>&1 &
pid=$!
ub_at_exit "kill $pid 2>/dev/null; wait $pid 2>/dev/null"
wait_for 10 eval "ss -Htln 'sport = :$port' | grep -q ." ||
	{ not_ok "cli-client: fio --server on port $port did not listen: $(cat "$UB_SCRATCH/server.log")"; finish; }

work=$(mktemp -d) && ub_at_exit "rm -rf '$work'"
cd "$work" || exit 1
head -c 16M /dev/zero >"$UB_SCRATCH/target"
outside_env "$root/usr/local/bin/uringbpf" sweep --client "127.0.0.1:$port" --target "$UB_SCRATCH/target" \
	--size 16m --direct 0 --configs interrupt --iodepths 2 --runtime 1 --db r.db --sweep-name cl \
	>sweep.log 2>&1
rc=$?
expect_eq client-sweep-exit "$rc" 0
[ "$rc" = 0 ] || sed 's/^/  sweep: /' sweep.log

f=results/cl/json/interrupt/qd2-r1@127.0.0.1_$port.json
expect_eq client-run-host "$(sqlite3 -batch r.db "SELECT host || ' ' || file FROM runs WHERE sweep = 'cl'" 2>&1)" "127.0.0.1:$port $f"
want=$(kiops_of "$f")
got=$(sqlite3 -batch r.db "SELECT kiops_mean FROM kiops_by_iodepth WHERE sweep = 'cl' AND iodepth = 2")
awk -v a="$got" -v b="$want" 'BEGIN { d = a - b; exit !(b > 0 && d < 0.01 && d > -0.01) }' &&
	ok "client-kiops-matches-json: $got kIOPS" || not_ok "client-kiops-matches-json: DB has '$got', the JSON '$want'"
finish
