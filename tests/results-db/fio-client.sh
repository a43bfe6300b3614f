#!/bin/bash
# fio-client.sh FIO OUT.json: run one small job through fio's client/server
# path: two `fio --server` on 127.0.0.1 ports 8765 and 8766, one
# `fio --client` driving both, JSON to OUT.json. The servers are ours (by pid)
# and are killed on exit. Exit 77 when a port is taken or a server won't start.
set -u
fio=$1 out=$2
dat=/dev/shm/ub-client-$$.dat
job=/dev/shm/ub-client-$$.fio
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	rm -f "$dat" "$job" /dev/shm/ub-client-$$.s*.log
}
trap cleanup EXIT

for port in 8765 8766; do
	for _ in $(seq 50); do ss -ltn 2>/dev/null | grep -q "127.0.0.1:$port " || break; sleep 0.1; done
	if ss -ltn 2>/dev/null | grep -q "127.0.0.1:$port "; then
		echo "port $port on 127.0.0.1 is already in use"; exit 77
	fi
	"$fio" --server=ip:127.0.0.1,$port >/dev/shm/ub-client-$$.s$port.log 2>&1 &
	pids+=($!)
done
for port in 8765 8766; do
	for _ in $(seq 50); do
		ss -ltn 2>/dev/null | grep -q "127.0.0.1:$port " && break
		sleep 0.1
	done
	ss -ltn 2>/dev/null | grep -q "127.0.0.1:$port " ||
		{ echo "fio --server on port $port did not start"; cat /dev/shm/ub-client-$$.s$port.log; exit 77; }
done

cat >"$job" <<JOB
[cs]
filename=$dat
size=16M
ioengine=psync
rw=randread
bs=4k
runtime=300ms
time_based
JOB
timeout 60 "$fio" --output-format=json --client=ip:127.0.0.1,8765 "$job" \
	--client=ip:127.0.0.1,8766 "$job" >"$out"
