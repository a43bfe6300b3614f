#!/bin/bash
# Multi-host through fio's own client/server mode: two `fio --server` on
# 127.0.0.1 (distinct ports, bounded by timeout, killed at exit) run the same
# sweep point; the sweep splits fio's client JSON per host and imports each
# host as its own run, with the numbers of that host's client_stats entry and
# the kernel, CPU model and device each host reported of itself (our engine's
# host_identity=1, which the sweep adds for --client).
source "$UB_TOP/tests/lib.sh"
source "$UB_TOP/tests/sweep/sweep-lib.sh"
sweep_require client
ub_scratch_init /dev/shm
[ -z "${UB_ASAN:-}" ] || { skip "client: fio servers load the engine without the ASan runtime"; finish; }

# Two free ports.
ports=()
for ((p = 20000 + RANDOM % 20000; ${#ports[@]} < 2; p++)); do
	ss -Htln "sport = :$p" 2>/dev/null | grep -q . || ports+=("$p")
done
pids=()
for p in "${ports[@]}"; do
	# A server lives at most 120 s whatever happens to this test.
	timeout -k 5 120 "$UB_FIO" --server="ip:127.0.0.1,$p" >"$UB_SCRATCH/server-$p.log" 2>&1 &
	pids+=($!)
done
ub_at_exit "kill ${pids[*]} 2>/dev/null; wait ${pids[*]} 2>/dev/null"
for p in "${ports[@]}"; do
	if ! wait_for 10 eval "ss -Htln 'sport = :$p' | grep -q ."; then
		not_ok "client: fio --server on port $p did not listen: $(cat "$UB_SCRATCH/server-$p.log")"
		finish
	fi
done
ok "client-servers: two fio servers on 127.0.0.1:${ports[0]} and :${ports[1]}"

# The servers share this machine, so they share the target file.
head -c 32M /dev/zero >"$UB_SCRATCH/target"
db=$UB_SCRATCH/r.db out=$UB_SCRATCH/out
run_sweep --client "127.0.0.1:${ports[0]},127.0.0.1:${ports[1]}" --target "$UB_SCRATCH/target" \
	--size 32m --direct 0 --configs interrupt --iodepths 2 --runtime 1 \
	--db "$db" --sweep-name clients --out "$out" >"$UB_SCRATCH/sweep.log" 2>&1
rc=$?
expect_eq "client-sweep-exit" "$rc" 0
[ $rc = 0 ] || { echo "sweep output:"; cat "$UB_SCRATCH/sweep.log"; }

# One run per host in the DB, each from its own file.
runs=$(db_runs "$db" clients)
for p in "${ports[@]}"; do
	f=$out/json/interrupt/qd2-r1@127.0.0.1_$p.json
	line=$(awk -F'\t' -v h="127.0.0.1:$p" -v f="$f" '$5 == h && $6 == f' <<<"$runs")
	if [ -n "$line" ]; then ok "client-import-$p: host 127.0.0.1:$p imported from its own file"
	else not_ok "client-import-$p: no run of host 127.0.0.1:$p from $f in: $runs"; fi
	# The per-host file holds exactly that host's entry of fio's client JSON.
	raw=$out/json/interrupt/qd2-r1.clients.json
	want=$(sqlite3 -batch :memory: "select json_extract(value, '\$.read.iops') from json_each(json_extract(readfile('$raw'), '\$.client_stats'))
		where json_extract(value, '\$.port') = $p and json_extract(value, '\$.jobname') <> 'All clients';")
	got=$(json_get "$f" read.iops)
	if [ -n "$want" ] && [ "$got" = "$want" ] && [ "$(json_get "$f" port)" = "$p" ]; then
		ok "client-split-$p: read.iops $got, as in fio's client_stats"
	else
		not_ok "client-split-$p: per-host file has read.iops '$got', client_stats has '$want'"
	fi
done
expect_eq "client-run-count" "$(grep -c . <<<"$runs")" 2
# Each host's own identity (our engine's host_identity=1, in the job file the
# sweep wrote): the servers are on this machine, so its kernel, CPU model and
# the target file, as uname, /proc/cpuinfo and stat see them.
expect_eq "client-identity-jobfile" "$(grep -c '^host_identity=1$' "$out/jobs/qd2.fio")" 1
kernel=$(uname -r)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
for p in "${ports[@]}"; do
	expect_eq "client-identity-$p" "$(sqlite3 -batch "$db" "SELECT r.kernel || '|' || coalesce(r.cpu_model, '-') || '|' ||
		coalesce(d.path, '-') || '|' || coalesce(d.kind, '-') || '|' || coalesce(d.size, '-')
		FROM runs r LEFT JOIN devices d ON d.id = r.device_id WHERE r.sweep = 'clients' AND r.host = '127.0.0.1:$p'")" \
		"$kernel|$cpu|$UB_SCRATCH/target|file|$(stat -c %s "$UB_SCRATCH/target")"
done
# The "All clients" sum is not imported as a host.
if grep -q 'All clients' <<<"$runs" || [ "$(sqlite3 :memory: "select json_array_length(readfile('$out/json/interrupt/qd2-r1@127.0.0.1_${ports[0]}.json'), '\$.jobs')")" != 1 ]; then
	not_ok "client-no-aggregate: the All clients entry leaked into a host's run"
else
	ok "client-no-aggregate: per-host files hold one job each"
fi
finish
