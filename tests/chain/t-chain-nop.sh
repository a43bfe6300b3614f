#!/bin/bash
# chain_op=nop: every lookup is chain_len NOPs, each issued after the
# previous one's completion.  The user-space loop (bpf_chain=0) and its
# IOSQE_IO_LINK variant (chain_link=K) run on this host; the BPF loop runs in
# the lab (tests/lab/guest/g-chain-nop.sh).  A job of size/bs lookups must
# end with exactly that many lookups in the engine's job-end line and in
# fio's JSON (total_ios, the peer count), and with nops = cqes =
# chain_len x lookups, across chain lengths, iodepths, link sizes and ring
# modes (SQPOLL, registered files and ring fd).
source "$UB_TOP/tests/lib.sh"
ub_scratch_init /tmp
shm=$(ub_tmpdir /dev/shm); ub_at_exit "rm -rf '$shm'"
f=$shm/nop-target
head -c 4M /dev/zero >"$f"
LOOKUPS=1024	# 4 MiB / 4 KiB, rw=read: each block once

# nop_case NAME LEN FIO-ARGS...
nop_case() {
	local name=$1 len=$2 log json line lk nops cqes ios rc
	shift 2
	log=$UB_SCRATCH/$name.log json=$UB_SCRATCH/$name.json
	timeout 60 "$(ub_fio_bin)" --ioengine="external:$UB_ENGINE" --name=x --filename="$f" \
		--size=4m --bs=4k --rw=read --chain_op=nop --chain_len="$len" "$@" \
		--output-format=json --output="$json" >"$log" 2>&1
	rc=$?
	line=$(grep -m1 'chain_op=nop chain_len=' "$log")
	lk=$(sed -n 's/.*: \([0-9]*\) lookups, .*/\1/p' <<<"$line")
	nops=$(sed -n 's/.* lookups, \([0-9]*\) nops, .*/\1/p' <<<"$line")
	cqes=$(sed -n 's/.* nops, \([0-9]*\) cqes, .*/\1/p' <<<"$line")
	ios=$(json_get "$json" read.total_ios 2>/dev/null)
	if [ "$rc" != 0 ]; then
		not_ok "$name: fio exited $rc: $(grep -m2 -E 'uringbpf|fio:' "$log" | tr '\n' ' ')"
	elif [ "$(json_get "$json" error)" != 0 ]; then
		not_ok "$name: fio's job error $(json_get "$json" error)"
	elif [ "$lk" != "$LOOKUPS" ] || [ "$ios" != "$LOOKUPS" ]; then
		not_ok "$name: engine $lk lookups, fio $ios I/Os; want $LOOKUPS each"
	elif [ "$nops" != $((len * LOOKUPS)) ] || [ "$cqes" != $((len * LOOKUPS)) ]; then
		not_ok "$name: $nops NOPs submitted, $cqes CQEs for $lk lookups; want $((len * LOOKUPS)) each"
	else
		ok "$name ($cqes CQEs)"
	fi
}

for len in 1 2 8 64; do
	for qd in 1 8 32; do
		nop_case nop-user-len$len-qd$qd $len --iodepth=$qd
		nop_case nop-link2-len$len-qd$qd $len --iodepth=$qd --chain_link=$(( len < 2 ? 1 : 2 ))
	done
	nop_case nop-linkall-len$len-qd4 $len --iodepth=4 --chain_link=$len
done
nop_case nop-link3-len8-qd8 8 --iodepth=8 --chain_link=3	# last link shorter
nop_case nop-user-sqpoll-len8-qd8 8 --iodepth=8 --sqthread_poll=1
nop_case nop-link2-sqpoll-len8-qd8 8 --iodepth=8 --sqthread_poll=1 --chain_link=2
nop_case nop-user-regs-len8-qd8 8 --iodepth=8 --registerfiles=1 --register_ring_fd=1
nop_case nop-user-randread-len8-qd8 8 --iodepth=8 --rw=randread
# The user-space chain enters the kernel through the engine's one submit
# helper (ioengine/submit.h): on a DEFER_TASKRUN ring (the default without
# SQPOLL) every io_uring_enter that submits also carries GETEVENTS, as reads
# and writes do (tests/engine/t-engine-enters.sh), and the chain's enter
# count (report=PATH, chain.enters) is strace's.  Its own loop submitted
# bare here (7 of 1031 calls at chain_len=8 QD8).
nop_getevents() {
	local name=nop-user-getevents-len8-qd8 got enters engine traced bare
	if ! command -v strace >/dev/null; then
		skip "$name: no strace (scripts/install-deps.sh installs it)"
		return
	fi
	strace -f -e trace=io_uring_enter -o "$UB_SCRATCH/$name.strace" \
		"$(ub_fio_bin)" --thread --ioengine="external:$UB_ENGINE" --name=x --filename="$f" \
		--size=4m --bs=4k --rw=read --chain_op=nop --chain_len=8 --iodepth=8 \
		--report="$UB_SCRATCH/$name.jsonl" --output=/dev/null >"$UB_SCRATCH/$name.log" 2>&1
	got=$(sqlite3 :memory: "select json_extract(v,'\$.chain.enters') || ' ' || json_extract(v,'\$.enter_calls')
		from (select cast(readfile('$UB_SCRATCH/$name.jsonl') as text) v)")
	read -r enters engine <<<"$got"
	# Submitting calls without GETEVENTS: io_uring_enter(fd, to_submit, min, flags, ...).
	read -r traced bare < <(awk -F'[(,]' '/io_uring_enter\(/ { c++; if ($3 + 0 > 0 && $5 !~ /GETEVENTS/) b++ }
		END { print c + 0, b + 0 }' "$UB_SCRATCH/$name.strace")
	if ! grep -q 'flags .*DEFER_TASKRUN' "$UB_SCRATCH/$name.log"; then
		skip "$name: the ring is not DEFER_TASKRUN: $(grep -m1 'ring ' "$UB_SCRATCH/$name.log")"
	elif [ -z "${enters:-}" ]; then
		not_ok "$name: no chain enters in the report: $(grep -m2 -E 'uringbpf|fio:' "$UB_SCRATCH/$name.log" | tr '\n' ' ')"
	elif [ "$bare" != 0 ]; then
		not_ok "$name: $bare of $traced io_uring_enter calls submit without IORING_ENTER_GETEVENTS"
	elif [ "$traced" != "$enters" ] || [ "$traced" != "$engine" ]; then
		not_ok "$name: strace saw $traced io_uring_enter calls, the chain counts $enters, the engine $engine"
	else
		ok "$name: $traced io_uring_enter calls, each submit with GETEVENTS, counted exactly"
	fi
}
nop_getevents
finish
